"""The messages stage: plan from the ledger, queue in the Outbox tab, then send, at most once.

One run:

1. reads Requests, Matches and Outbox once;
2. settles rows a dead run left `sending`: the backend is asked whether each went out (the
   local backend knows; SMTP and Gmail do not, so those rows become `unknown` for staff);
3. plans every message the ledger calls for (`plan`), appends a `queued` row for each new id,
   and writes that before anything is sent;
4. sends the `queued` (and staff's `retry`) rows that still apply, in batches: the batch's rows
   are written `sending` first, then each email goes out (throttled to `max_per_second`), then
   the results are written. A queued message that no longer applies is `skipped`.

The daily cap counts what went out (or may have) in the last 24 hours; what is over it stays
queued for the next run. A dry run plans and renders everything and writes and sends nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage

from ..checkin_secret import checkin_secret
from ..config import Config
from ..errors import ConfigError
from ..ledger import (
    MATCH_COLUMNS,
    MATCHES,
    REQUEST_COLUMNS,
    REQUESTS,
    SESSION_COLUMNS,
    SESSIONS,
    Record,
    Spreadsheet,
    Table,
    WriteBatch,
)
from ..privacy import mask_email
from ..profiles.models import Mentor
from ..relationship.checkin_codes import checkin_links
from ..roster import parse_roster
from .kinds import BY_NAME
from .links import Links, links_for
from .mime import Sender, build_email
from .outbox import OUTBOX, OUTBOX_COLUMNS, OutboxStatus
from .people import Roster
from .plan import Planned, plan_messages
from .render import Templates
from .send import Mailer, SendResult

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Preview:
    """A message a dry run would send: id, kind, masked address and subject."""

    message_id: str
    kind: str
    to: str
    subject: str


@dataclass
class MessagesReport:
    """What one messages run did. `counts()` is PII-free; `failures` names Outbox ids only."""

    dry_run: bool = False
    backend: str = ""
    sent: Counter[str] = field(default_factory=Counter)
    queued: Counter[str] = field(default_factory=Counter)
    waiting: int = 0
    unknown: list[tuple[str, str]] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    skipped: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    capped: bool = False
    stopped: str = ""
    previews: list[Preview] = field(default_factory=list)
    ledger_writes: int = 0
    off: bool = False

    @property
    def needs_attention(self) -> bool:
        """True when staff should look at the Outbox (failed or unknown rows)."""
        return bool(self.failures or self.unknown)

    def counts(self) -> dict[str, int]:
        """The run's headline numbers, for the public summary: counts only."""
        sent = len(self.previews) if self.dry_run else sum(self.sent.values())
        return {
            "messages to send" if self.dry_run else "messages sent": sent,
            "messages left for the next run": self.waiting,
            "messages failed": len(self.failures),
            "messages unknown": len(self.unknown),
        }

    def public_markdown(self) -> str:
        """Counts only: safe for a public job summary."""
        if self.off:
            return "### Messages\n\nMessages are off (see [tool.mentorship.messages] backend).\n"
        lines = ["### Messages", ""]
        lines += [f"- {k.capitalize()}: {v}" for k, v in self.counts().items()]
        if self.capped:
            lines.append("- The daily cap was reached; the rest go out on the next run.")
        if self.stopped:
            lines.append("- The provider's sending limit was reached; the rest wait.")
        return "\n".join(lines) + "\n"

    def private_markdown(self) -> str:
        """Counts by kind and every failure by Outbox id: for staff only."""
        lines = [self.public_markdown(), "| Kind | Sent | New in Outbox |", "| --- | ---: | ---: |"]
        if self.dry_run:
            by_kind = Counter(p.kind for p in self.previews)
            lines[1] = "| Kind | To send | New in Outbox |"
        else:
            by_kind = self.sent
        for name in sorted(set(by_kind) | set(self.queued)):
            lines.append(f"| {name} | {by_kind.get(name, 0)} | {self.queued.get(name, 0)} |")
        if self.refused:
            lines += ["", "Not mailed (never queued):"]
            lines += [f"- {reason}: {n}" for reason, n in sorted(self.refused.items())]
        for title, rows in (
            ("Failed", self.failures),
            ("Unknown (may have gone out)", self.unknown),
        ):
            if rows:
                lines += ["", f"{title} (Outbox rows; set status to retry to send again):"]
                lines += [f"- {mid}: {why}" for mid, why in rows]
        return "\n".join(lines) + "\n"


def effective_backend(config: Config) -> str:
    """The messages backend in use: "" follows the ledger (local files, or off for Google)."""
    chosen = config.messages.backend
    if chosen:
        return chosen
    return "local" if config.backend == "local" else "off"


def sender_of(config: Config) -> Sender:
    """From, name and Reply-To from [tool.mentorship.messages] (calendar's coordinator as fallback)."""
    settings = config.messages
    address = (
        settings.from_address
        or settings.gmail_user
        or config.calendar.coordinator_email
        or config.calendar.delegate
    ).strip()
    if not address:
        if effective_backend(config) == "local":
            address = "mentoring@example.invalid"
        else:
            raise ConfigError(
                "Messages need a sender: set from_address in [tool.mentorship.messages] (or "
                "coordinator_email in [tool.mentorship.calendar])."
            )
    return Sender(address, settings.from_name, settings.reply_to or address)


def _stamp(now: dt.datetime) -> str:
    return now.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _when(cell: str) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(cell.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def run_messages(
    spreadsheet: Spreadsheet,
    mailer: Mailer | None,
    mentors: Sequence[Mentor],
    config: Config,
    now: dt.datetime,
    dry_run: bool = False,
    *,
    links: Links | None = None,
    preview: Mailer | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> MessagesReport:
    """Plan, queue and send messages (see the module docstring). `mailer` None: messages off.

    With `dry_run`, nothing is written or sent; `preview` (an EmlFolder) receives each email
    that would go out, for staff to open.
    """
    settings = config.messages
    report = MessagesReport(dry_run=dry_run, backend=effective_backend(config))
    if mailer is None and not dry_run:
        report.off = True
        return report
    templates = Templates(config.root / settings.templates_dir)
    sender = sender_of(config)
    links = links or links_for(config)
    stamp = _stamp(now)

    roster_tab = config.roster.worksheet
    tabs = spreadsheet.read([REQUESTS, MATCHES, SESSIONS, OUTBOX, roster_tab])
    contacts = parse_roster(roster_tab, tabs.get(roster_tab)).contacts
    roster = Roster(mentors, {slug: c.email for slug, c in contacts.items()})
    requests = Table(REQUESTS, REQUEST_COLUMNS, tabs.get(REQUESTS))
    matches = Table(MATCHES, MATCH_COLUMNS, tabs.get(MATCHES))
    outbox = Table(OUTBOX, OUTBOX_COLUMNS, tabs.get(OUTBOX))
    sessions = Table(SESSIONS, SESSION_COLUMNS, tabs.get(SESSIONS))
    # Check-in reminders and wrap-ups carry each person's own check-in link.
    secret = checkin_secret(config, create=not dry_run)

    def checkin_link(match_id: str, number: int, role: str) -> str:
        assert secret is not None
        return checkin_links(config, secret, match_id, number).get(role, "")

    def flush() -> None:
        batch = WriteBatch()
        outbox.collect(batch)
        if batch and not dry_run:
            spreadsheet.write(batch)
            report.ledger_writes += 1

    def change(record: Record, **cells: str) -> None:
        for column, value in cells.items():
            outbox.set(record, column, value)
        outbox.set(record, "updated_at", stamp)

    # 2. Rows a dead run left `sending`.
    interrupted = [r for r in outbox if r["status"].strip().lower() == OutboxStatus.SENDING]
    if interrupted and not dry_run and mailer is not None:
        known = mailer.confirm([r["message_id"] for r in interrupted])
        for record in interrupted:
            found = known.get(record["message_id"])
            if found is True:
                change(
                    record,
                    status=OutboxStatus.SENT,
                    sent_at=stamp,
                    note="recorded after an interrupted run",
                )
            elif found is False:
                change(record, status=OutboxStatus.QUEUED, note="")
            else:
                note = (
                    "the run stopped while sending; it may have gone out. Set retry to send again"
                )
                change(record, status=OutboxStatus.UNKNOWN, note=note)
                report.unknown.append((record["message_id"], note))

    # 3. Plan and queue.
    plan = plan_messages(
        requests,
        matches,
        roster,
        config,
        links,
        now,
        sessions=sessions,
        checkin_link=checkin_link if secret is not None else None,
    )
    report.refused = plan.refused
    planned = {p.message_id: p for p in plan.messages}
    existing = outbox.by("message_id")
    for message in plan.messages:
        if message.message_id in existing:
            continue
        existing[message.message_id] = outbox.append(
            {
                "message_id": message.message_id,
                "kind": message.kind.name,
                "recipient": message.kind.audience,
                "to": message.to,
                "about": message.about,
                "status": OutboxStatus.QUEUED,
                "queued_at": stamp,
                "updated_at": stamp,
            }
        )
        report.queued[message.kind.name] += 1
    flush()

    # 4. Send what is queued and still applies.
    todo: list[tuple[Record, Planned]] = []
    for record in outbox:
        if record["status"].strip().lower() not in OutboxStatus.SENDABLE:
            continue
        due = planned.get(record["message_id"].strip())
        problem = _still_allowed(record, due)
        if problem or due is None:
            change(record, status=OutboxStatus.SKIPPED, note=problem)
            report.skipped += 1
            continue
        message = due
        # The address is always the one the ledger (or roster) holds now, whatever the cell says.
        if record["to"] != message.to:
            change(record, to=message.to)
        todo.append((record, message))
    flush()

    allowance = settings.daily_cap - _sent_today(outbox, now)
    if len(todo) > allowance:
        report.capped = True
        report.waiting += len(todo) - max(allowance, 0)
        todo = todo[: max(allowance, 0)]

    if dry_run or mailer is None:
        for _record, message in todo:
            rendered = templates.render(message.kind.name, message.values)
            if preview is not None:
                email = build_email(message.message_id, message.to, rendered, sender, now)
                preview.send(message.message_id, email)
            report.previews.append(
                Preview(
                    message.message_id, message.kind.name, mask_email(message.to), rendered.subject
                )
            )
        return report

    rate = settings.max_per_second if mailer.throttled else 0.0
    interval = 1.0 / rate if rate > 0 else 0.0
    last = [None]  # type: list[float | None]

    def throttle() -> None:
        if interval and last[0] is not None:
            wait = interval - (clock() - last[0])
            if wait > 0:
                sleep(wait)
        last[0] = clock()

    size = settings.batch_size
    for start in range(0, len(todo), size):
        chunk = todo[start : start + size]
        emails: list[EmailMessage] = []
        for _record, message in chunk:
            rendered = templates.render(message.kind.name, message.values)
            emails.append(build_email(message.message_id, message.to, rendered, sender, now))
        for record, _message in chunk:
            change(record, status=OutboxStatus.SENDING)
        flush()  # the rows say `sending` before the first email of the batch leaves
        stop = False
        for (record, message), email in zip(chunk, emails, strict=True):
            if stop:
                change(record, status=OutboxStatus.QUEUED)
                report.waiting += 1
                continue
            throttle()
            result = mailer.send(message.message_id, email)
            _record_result(record, message, result, stamp, report, change)
            if result.stop:
                stop = True
                report.stopped = result.message
        flush()
        if stop:
            report.waiting += len(todo) - (start + len(chunk))
            break
    mailer.close()
    log.info(
        "messages: %d sent, %d waiting, %d failed, %d unknown",
        sum(report.sent.values()),
        report.waiting,
        len(report.failures),
        len(report.unknown),
    )
    return report


def _still_allowed(record: Record, message: Planned | None) -> str:
    """Why a queued row must not be sent ('' when it may be)."""
    if message is None:
        kind = BY_NAME.get(record["kind"].strip())
        if kind is None:
            return "not a message kind this toolkit sends"
        return "no longer applies (the request or match has moved on, or this kind is off)"
    return ""


def _sent_today(outbox: Table, now: dt.datetime) -> int:
    since = now - dt.timedelta(hours=24)
    count = 0
    for record in outbox:
        if record["status"].strip().lower() not in OutboxStatus.SPENT:
            continue
        moment = _when(record["sent_at"] or record["updated_at"])
        if moment is not None and moment > since:
            count += 1
    return count


def _record_result(
    record: Record,
    message: Planned,
    result: SendResult,
    stamp: str,
    report: MessagesReport,
    change: Callable[..., None],
) -> None:
    if result.kind == "sent":
        change(
            record, status=OutboxStatus.SENT, sent_at=stamp, provider_id=result.provider_id, note=""
        )
        report.sent[message.kind.name] += 1
    elif result.kind == "unknown":
        change(record, status=OutboxStatus.UNKNOWN, sent_at=stamp, note=result.message)
        report.unknown.append((message.message_id, result.message))
    elif result.kind == "later":
        change(record, status=OutboxStatus.QUEUED, note=result.message)
        report.waiting += 1
    else:
        change(record, status=OutboxStatus.FAILED, note=result.message)
        report.failures.append((message.message_id, result.message))
