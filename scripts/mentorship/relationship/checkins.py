"""The check-in stage: the check-in form's answers, written into the Sessions tab every night.

One read of [the check-in responses tab, Sessions], one write of Sessions (RAW). The responses
tab is never written: every night it is read whole again, so an answer that could not be used
yet (its session row does not exist yet) is simply tried again the next night.

For each response: the prefilled code must carry a valid token (`checkin_codes.read_code`),
else it is not applied and counted for staff (its row number, in the private report only). A
valid code names a session `<match_id>/<number>`; the answer counts for that row's current
booking only if it was submitted after the row's `invited_at` (an older answer was about an
earlier booking of the same number), and each side's latest such answer wins. A side's answers
from an earlier booking are cleared. When a side's answers change, `status` follows them:
`held` if either side said held, otherwise what the mentor said, else what the student said.
This stage never creates Sessions rows (the relationship stage does) and never logs a comment.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..checkin_secret import checkin_secret
from ..config import Config
from ..intake.answers import parse_timestamp, timestamp_order
from ..intake.layout import Layout, resolve_layout
from ..ledger import (
    SESSION_COLUMNS,
    SESSIONS,
    Record,
    SessionStatus,
    Spreadsheet,
    Table,
    WriteBatch,
    parse_utc_timestamp,
    utc_timestamp,
)
from .checkin_answers import parse_continue, parse_happened, parse_rating, parse_role
from .checkin_codes import ROLES, read_code

log = logging.getLogger(__name__)

REQUIRED = ("timestamp", "code", "role", "happened")
SECTION = "[tool.mentorship.checkin.questions]"
# The answer columns of each side, `<role>_<name>` in the Sessions tab.
SIDE_FIELDS = ("said", "useful", "progress", "continue", "comment", "at")
_SHOWN_CHARS = 40


@dataclass
class CheckinReport:
    """What one check-in run did (or, with `dry_run`, would do).

    Counts are public; the lists (response rows, session ids, what was not understood) are for
    the private report only. No answer text but the short unreadable ones, and never a comment.
    """

    dry_run: bool = False
    enabled: bool = True
    responses: int = 0
    applied: list[str] = field(default_factory=list)
    """`<session_id> (<side>)` whose answers changed the Sessions tab."""
    unchanged: int = 0
    earlier: int = 0
    """Answers about an earlier booking of their session (submitted before its invite)."""
    bad_token: list[int] = field(default_factory=list)
    """Response rows whose code is missing, malformed or forged: not applied."""
    pending: list[tuple[int, str]] = field(default_factory=list)
    """(response row, session id): no Sessions row yet; tried again next night."""
    unreadable: list[tuple[int, str]] = field(default_factory=list)
    """(response row, what was not understood)."""
    cleared: list[str] = field(default_factory=list)
    """`<session_id> (<side>)` whose answers were about an earlier booking: emptied."""
    warnings: list[str] = field(default_factory=list)
    no_tab: bool = False
    ledger_writes: int = 0

    def counts(self) -> dict[str, int]:
        """The run in numbers: safe for a public log."""
        return {
            "check-ins read": self.responses,
            "applied": len(self.applied),
            "unchanged": self.unchanged,
            "pending": len(self.pending),
            "bad or missing code": len(self.bad_token),
            "unreadable answers": len(self.unreadable),
            "about an earlier booking": self.earlier,
        }

    def public_markdown(self) -> str:
        """Counts only: safe for a public job summary."""
        if not self.enabled:
            return "### Check-ins\n\nCheck-ins are off ([tool.mentorship.checkin] form_url).\n"
        lines = ["### Check-ins", ""]
        if self.no_tab:
            lines.append("- The check-in responses tab does not exist yet.")
        lines += [f"- {k.capitalize()}: {v}" for k, v in self.counts().items()]
        return "\n".join(lines) + "\n"

    def private_markdown(self) -> str:
        """Every check-in staff may want to look at, by response row and session."""
        lines = ["## Check-ins", ""]
        if not self.enabled:
            return "\n".join([*lines, "Check-ins are off."]) + "\n"
        lines += [f"- {k.capitalize()}: {v}" for k, v in self.counts().items()]
        lines += [f"- {w}" for w in self.warnings]
        sections: tuple[tuple[str, Sequence[str]], ...] = (
            (
                "Not applied: the check-in code is missing or not valid (typed by hand, or "
                "forged); response rows",
                [", ".join(str(n) for n in self.bad_token)] if self.bad_token else [],
            ),
            (
                "Not understood (fix the answer's wording in the form, or type the value in "
                "the Sessions tab)",
                [f"Response row {n}: {what}" for n, what in self.unreadable],
            ),
            (
                "Waiting for their session row (tried again each night)",
                [f"Response row {n}: session {sid}" for n, sid in self.pending],
            ),
            ("Answers applied", self.applied),
            ("Answers about an earlier booking, cleared", self.cleared),
        )
        for title, items in sections:
            if items:
                lines += ["", f"{title}:", *[f"- {item}" for item in items]]
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class _Answer:
    row: int
    when: dt.datetime
    values: dict[str, str]


class _Row:
    def __init__(self, cells: Sequence[str], layout: Layout):
        self.cells = cells
        self.layout = layout

    def get(self, name: str) -> str:
        # The rightmost answered column of a title Forms repeated (a question made again).
        for i in reversed(self.layout.columns.get(name, ())):
            if i < len(self.cells) and self.cells[i].strip():
                return self.cells[i].strip()
        return ""


def sheet_zone(spreadsheet: object) -> dt.tzinfo:
    """The zone the form writes its timestamps in: the Google spreadsheet's own (through a dry
    run's preview), else UTC (a local ledger's CSV)."""
    name = ""
    while spreadsheet is not None and not name:
        name = str(getattr(spreadsheet, "time_zone", "") or "")
        spreadsheet = getattr(spreadsheet, "base", None)
    try:
        return ZoneInfo(name) if name else dt.UTC
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def submitted_at(cell: str, order: str, zone: dt.tzinfo) -> dt.datetime | None:
    """A form timestamp as an aware UTC time (a naive one is in the sheet's zone)."""
    try:
        explicit = dt.datetime.fromisoformat(cell.strip().replace(" ", "T", 1))
    except ValueError:
        explicit = None
    if explicit is not None and explicit.tzinfo is not None:
        return explicit.astimezone(dt.UTC)
    naive = parse_timestamp(cell, order)
    if naive is None:
        return None
    return naive.replace(tzinfo=zone).astimezone(dt.UTC)


def _shown(text: str) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…")


def _read_answers(row: _Row, n: int, report: CheckinReport) -> dict[str, str]:
    """The side's cells from one response; what is not understood is listed and left empty."""
    values = {"said": "", "useful": "", "progress": "", "continue": "", "comment": ""}
    readers = {
        "happened": ("said", parse_happened),
        "useful": ("useful", parse_rating),
        "progress": ("progress", parse_rating),
        "continue": ("continue", parse_continue),
    }
    for name, (column, reader) in readers.items():
        text = row.get(name)
        if not text:
            continue
        value = reader(text)
        if value is None:
            report.unreadable.append((n, f"{name} answer {_shown(text)} not understood"))
        else:
            values[column] = str(value)
    values["comment"] = row.get("comment")
    return values


def _status(record: Record) -> str:
    """What the row's check-ins say happened: held wins, then the mentor, then the student."""
    said = [record[f"{role}_said"].strip() for role in ROLES]
    if SessionStatus.HELD in said:
        return SessionStatus.HELD
    return next((s for s in said if s), "")


def run_checkins(
    spreadsheet: Spreadsheet,
    config: Config,
    now: dt.datetime,
    dry_run: bool = False,
    *,
    secret: bytes | None = None,
) -> CheckinReport:
    """Apply the check-in form's answers to the Sessions tab; see the module docstring.

    `secret` signs the check-in codes (default: `checkin_secret(config)`). Raises ConfigError
    when the secret is missing on the Google backend, LedgerError when the responses tab lacks
    a required question (timestamp, code, role, happened).
    """
    report = CheckinReport(dry_run=dry_run)
    settings = config.checkin
    if not settings.enabled:
        report.enabled = False
        return report
    if secret is None:
        secret = checkin_secret(config, create=not dry_run)
        assert secret is not None  # check-ins are on
    tab = settings.worksheet
    tabs = spreadsheet.read([tab, SESSIONS])
    values = tabs.get(tab)
    if not values:
        report.no_tab = True
        log.info("check-ins: no %r tab (or no header) yet; nothing to read", tab)
        return report
    layout = resolve_layout(
        [str(c) for c in values[0]], settings.questions, tab, required=REQUIRED, section=SECTION
    )
    report.warnings += layout.warnings
    rows = [(n + 2, _Row([str(c) for c in raw], layout)) for n, raw in enumerate(values[1:])]
    rows = [(n, row) for n, row in rows if any(c.strip() for c in row.cells)]
    order = timestamp_order(row.get("timestamp") for _, row in rows)
    zone = sheet_zone(spreadsheet)

    answers: dict[tuple[str, str], list[_Answer]] = defaultdict(list)
    for n, row in rows:
        report.responses += 1
        code = read_code(secret, row.get("code"))
        if code is None:
            report.bad_token.append(n)
            continue
        role = parse_role(row.get("role"))
        if role is None:
            text = row.get("role")
            report.unreadable.append(
                (n, f"role answer {_shown(text)} not understood" if text else "no role given")
            )
            continue
        when = submitted_at(row.get("timestamp"), order, zone)
        if when is None:
            report.unreadable.append((n, f"timestamp {_shown(row.get('timestamp'))} not read"))
            continue
        match_id, number = code
        answers[(f"{match_id}/{number}", role)].append(
            _Answer(n, when, _read_answers(row, n, report))
        )

    sessions = Table(SESSIONS, SESSION_COLUMNS, tabs.get(SESSIONS))
    by_id = sessions.by("session_id")
    stamp = utc_timestamp(now)
    for (session_id, _role), found in sorted(answers.items()):
        record = by_id.get(session_id)
        if record is None:
            report.pending.append((max(a.row for a in found), session_id))
    for session_id, record in by_id.items():
        _apply(sessions, record, session_id, answers, report, stamp)

    batch = WriteBatch()
    if not sessions.is_new:
        sessions.collect(batch)
    if batch and not dry_run:
        spreadsheet.write(batch)
        report.ledger_writes += 1
    log.info(
        "check-ins: %d read, %d applied, %d unchanged, %d pending, %d bad code, %d unreadable",
        report.responses,
        len(report.applied),
        report.unchanged,
        len(report.pending),
        len(report.bad_token),
        len(report.unreadable),
    )
    return report


def _apply(
    sessions: Table,
    record: Record,
    session_id: str,
    answers: dict[tuple[str, str], list[_Answer]],
    report: CheckinReport,
    stamp: str,
) -> None:
    """Bring one Sessions row's answer columns (and status) up to date with the responses."""
    invited = parse_utc_timestamp(record["invited_at"]) if record["invited_at"].strip() else None
    answered = False
    changed = False
    for role in ROLES:
        found = answers.get((session_id, role), [])
        current = [a for a in found if invited is None or a.when > invited]
        report.earlier += len(found) - len(current)
        columns = {f"{role}_{name}": "" for name in SIDE_FIELDS}
        if current:
            latest = max(current, key=lambda a: (a.when, a.row))
            columns.update({f"{role}_{k}": v for k, v in latest.values.items()})
            columns[f"{role}_at"] = utc_timestamp(latest.when)
        else:
            # Only answers from an earlier booking are cleared; anything else is staff's.
            at = parse_utc_timestamp(record[f"{role}_at"]) if record[f"{role}_at"].strip() else None
            if at is None or invited is None or at > invited:
                continue
        differs = any(record[c] != v for c, v in columns.items())
        for column, value in columns.items():
            sessions.set(record, column, value)
        label = f"{session_id} ({role})"
        if current:
            answered = True
            if differs:
                report.applied.append(label)
            else:
                report.unchanged += 1
        elif differs:
            report.cleared.append(label)
        changed = changed or differs
    if not changed:
        return
    if answered:
        status = _status(record)
        if status:
            sessions.set(record, "status", status)
    sessions.set(record, "updated_at", stamp)
