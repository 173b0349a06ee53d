"""The invite stage: approved matches get a first session and a calendar invite, exactly once.

It reads the Requests and Matches tabs once, then for every `approved` (or earlier `no_time`)
match finds the earliest slot both people can make and sends the invite; matches staff set to
`cancelled` get their event cancelled. `proposed` matches wait for staff and are never invited.

Exactly once, even when a run dies half-way: the event id is derived from the match id, so
sending an invite again finds the event already there (Google's 409 `duplicate`, or the .ics file
exists) instead of making a second one and mailing both people twice. The Matches row is written
after each batch of up to `BATCH_SIZE` invites; if a run dies before that write, the next run
re-sends the batch, every invite in it comes back as "already there" with its real start, and
that is what gets recorded. Cancelling is the same: a note marks the row done, and an event that
is already cancelled counts as done, without a second cancellation email.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from .. import lifecycle
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
    MatchStatus,
    Record,
    Spreadsheet,
    Table,
    WriteBatch,
    split_list,
    utc_timestamp,
)
from ..profiles.models import Mentor
from ..relationship.checkin_codes import checkin_links
from ..relationship.followups import booked_times
from ..scheduling import Availability, Interval, Rules, find_slot, zone
from ..weekly import parse_windows
from . import BATCH_SIZE, Calendar, Outcome
from .declines import attempt, check_declines, event_id_of, replaced_events
from .invite import Invite, Participant, build_invite

log = logging.getLogger(__name__)
_T = TypeVar("_T")
_Change = Callable[..., None]

NO_TIME_NOTE = "no common time in the next {days} days"
CANCELLED_NOTE = "event cancelled on {date}"
GONE_NOTE = "event not found on {date}; nothing to cancel"
# Notes this stage writes; a note matching one is ours to replace, anything else is staff's.
_OUR_NOTE = re.compile(
    r"^(no common time in the next \d+ days|event cancelled on \d{4}-\d{2}-\d{2}"
    r"|event not found on \d{4}-\d{2}-\d{2}; nothing to cancel)$"
)
_DONE_CANCELLING = re.compile(r"event (cancelled|not found) on \d{4}-\d{2}-\d{2}")


@dataclass
class InviteReport:
    """What one invite run did (or, with `dry_run`, would do). Match ids only: no personal data."""

    dry_run: bool = False
    invites: list[Invite] = field(default_factory=list)
    """Every invite sent (or to send): the CLI prints them, masked."""
    sent: list[str] = field(default_factory=list)
    already_sent: list[str] = field(default_factory=list)
    no_time: list[tuple[str, str]] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    """Matches whose session was declined once: re-invited at another time."""
    declined: list[str] = field(default_factory=list)
    """Matches whose moved session was declined too: staff decide."""
    ledger_writes: int = 0

    @property
    def needs_attention(self) -> bool:
        """True when some match could not be handled and staff should look (exit code 1)."""
        return bool(self.errors)

    def summary(self) -> list[str]:
        """The run in a few lines, for the console and the nightly summary."""
        lines = [
            f"Invites to send: {len(self.invites)}"
            if self.dry_run
            else f"Invites sent: {len(self.sent)}"
        ]
        if self.already_sent:
            lines.append(
                f"Already in the calendar (recorded, not sent again): {len(self.already_sent)}"
            )
        if self.cancelled:
            lines.append(
                f"Events {'to cancel' if self.dry_run else 'cancelled'}: {len(self.cancelled)}"
            )
        for match_id, reason in self.no_time:
            lines.append(f"No time yet: {match_id}: {reason}")
        for match_id, message in self.errors:
            lines.append(f"Needs attention: {match_id}: {message}")
        return lines


@dataclass
class _Plan:
    record: Record
    invite: Invite


def mentor_availability(mentor: Mentor) -> Availability:
    """A mentor's profile windows as scheduling input."""
    return Availability(mentor.timezone, tuple(w.weekly for w in mentor.availability))


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _parse_start(cell: str) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(cell.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def run_invites(
    spreadsheet: Spreadsheet,
    calendar: Calendar,
    mentors: Iterable[Mentor],
    config: Config,
    now: dt.datetime,
    dry_run: bool = False,
) -> InviteReport:
    """Invite every approved match, cancel every cancelled one; see the module docstring.

    One read of the ledger, one write per batch of up to BATCH_SIZE events. Raises ConfigError
    for a bad [tool.mentorship.schedule] and AccessError when the calendar refuses access.
    """
    try:
        rules = Rules.of(config.schedule)
    except ValueError as exc:
        raise ConfigError(f"[tool.mentorship.schedule]: {exc}.") from None
    # Check-in links need the secret: a missing one stops the stage before anything is sent.
    secret = checkin_secret(config, create=not dry_run)
    report = InviteReport(dry_run=dry_run)
    tabs = spreadsheet.read([REQUESTS, MATCHES, SESSIONS])
    if tabs.get(MATCHES) is None:
        log.info("invites: no %s tab yet; nothing to do", MATCHES)
        return report
    matches = Table(MATCHES, MATCH_COLUMNS, tabs.get(MATCHES))
    requests = Table(REQUESTS, REQUEST_COLUMNS, tabs.get(REQUESTS)).by("request_id")
    # Follow-up sessions keep their people busy too (read only: the relationship stage's tab).
    sessions = Table(SESSIONS, SESSION_COLUMNS, tabs.get(SESSIONS))
    by_slug = {m.slug: m for m in mentors}
    today = now.astimezone(dt.UTC).date().isoformat()
    stamp = utc_timestamp(now)

    def change(record: Record, **cells: str) -> None:
        for column, value in cells.items():
            matches.set(record, column, value)
        matches.set(record, "updated_at", stamp)

    def flush() -> None:
        batch = WriteBatch()
        matches.collect(batch)
        if batch and not dry_run:
            spreadsheet.write(batch)
            report.ledger_writes += 1

    # 0. Declined sessions: move the first, list the second (Google Calendar shows declines).
    report.moved, report.declined = check_declines(
        list(matches), calendar, {m.slug: m.email for m in by_slug.values()}, now, change
    )
    replaced = [] if dry_run else replaced_events(list(matches))
    for records in _chunks(replaced, BATCH_SIZE):
        for record, result in zip(
            records, calendar.cancel([r["event_id"].strip() for r in records]), strict=True
        ):
            if result.kind == "error":
                report.errors.append((record["match_id"].strip(), result.message))
    flush()

    # 1. Cancellations staff asked for, once each.
    to_cancel = [
        r
        for r in matches
        if _ends_event(r, now) and r["event_id"].strip() and not _DONE_CANCELLING.search(r["note"])
    ]
    for records in _chunks(to_cancel, BATCH_SIZE):
        if dry_run:
            report.cancelled.extend(r["match_id"] for r in records)
            continue
        cancelled = calendar.cancel([r["event_id"].strip() for r in records])
        for record, result in zip(records, cancelled, strict=True):
            _record_cancel(record, result, today, report, change)
        flush()

    # 2. Slots for approved matches (and those that found no time before).
    plans = _plan(
        matches, sessions, requests, by_slug, calendar, config, rules, now, report, change, secret
    )
    report.invites = [p.invite for p in plans]
    if dry_run:
        return report
    for chunk in _chunks(plans, BATCH_SIZE):
        outcomes = calendar.create([p.invite for p in chunk])
        for plan, outcome in zip(chunk, outcomes, strict=True):
            _record_invite(plan, outcome, stamp, report, change)
        flush()
    flush()  # no_time notes when nothing else was written
    log.info(
        "invites: %d sent, %d already there, %d without a time, %d cancelled, %d errors",
        len(report.sent),
        len(report.already_sent),
        len(report.no_time),
        len(report.cancelled),
        len(report.errors),
    )
    return report


def _ends_event(record: Record, now: dt.datetime) -> bool:
    # Cancelled, or closed before the first session: the session must not happen.
    state = lifecycle.match_state(record["status"])
    if state == MatchStatus.CANCELLED:
        return True
    start = _parse_start(record["event_start"])
    return state == MatchStatus.CLOSED and start is not None and start > now


def _chunks(items: Sequence[_T], size: int) -> Iterable[Sequence[_T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _plan(
    matches: Table,
    sessions: Table,
    requests: dict[str, Record],
    by_slug: dict[str, Mentor],
    calendar: Calendar,
    config: Config,
    rules: Rules,
    now: dt.datetime,
    report: InviteReport,
    change: _Change,
    secret: bytes | None = None,
) -> list[_Plan]:
    """Find a slot and build the invite for each match to invite; note the ones without."""
    session = dt.timedelta(minutes=rules.session_minutes)
    # Sessions already booked keep their people busy: from the ledger, and (below) freeBusy.
    busy: dict[str, list[Interval]] = {}
    booked = booked_times(matches, sessions, session)
    for record in matches:
        mentor = by_slug.get(record["mentor"].strip())
        request = requests.get(record["request_id"].strip())
        for key in (mentor.email if mentor else "", request["email"] if request else ""):
            if key:
                busy.setdefault(key.strip().lower(), []).extend(
                    booked.get(record["match_id"].strip(), ())
                )

    todo: list[tuple[Record, Mentor, Record, Availability, Availability]] = []
    for record in matches:
        start = _parse_start(record["event_start"])
        if attempt(record) and start is not None:
            # A declined hour is not offered again to either person.
            mentor = by_slug.get(record["mentor"].strip())
            request = requests.get(record["request_id"].strip())
            for key in (mentor.email if mentor else "", request["email"] if request else ""):
                if key:
                    busy.setdefault(key.strip().lower(), []).append((start, start + session))
        if lifecycle.match_state(record["status"]) not in (
            MatchStatus.APPROVED,
            MatchStatus.NO_TIME,
        ):
            continue
        match_id = record["match_id"].strip()
        problem = people_of(record, requests, by_slug)
        if isinstance(problem, str):
            report.errors.append((match_id or f"{MATCHES} row {record.row}", problem))
            continue
        todo.append((record, *problem))

    first = now + dt.timedelta(hours=rules.lead_hours)
    last = now + dt.timedelta(days=rules.horizon_days)
    emails = sorted({mentor.email.strip().lower() for _, mentor, *_ in todo})
    if emails:
        for email, intervals in calendar.freebusy(emails, first, last).items():
            busy.setdefault(email.strip().lower(), []).extend(intervals)

    plans = []
    for record, mentor, request, mentor_times, student_times in todo:
        match_id = record["match_id"].strip()
        keys = (mentor.email.strip().lower(), request["email"].strip().lower())
        slot = find_slot(
            mentor_times,
            student_times,
            now=now,
            rules=rules,
            busy=[i for key in keys for i in busy.get(key, ())],
        )
        if slot is None:
            reason = NO_TIME_NOTE.format(days=rules.horizon_days)
            report.no_time.append((match_id, reason))
            if (
                lifecycle.match_state(record["status"]) != MatchStatus.NO_TIME
                or record["note"] != reason
            ):
                note = reason if _ours(record["note"]) else record["note"]
                change(record, status=MatchStatus.NO_TIME, note=note)
            continue
        for key in keys:
            # Two matches of one mentor in this run must not get the same hour.
            busy.setdefault(key, []).append((slot.start, slot.end))
        invite = build_invite(
            match_id=match_id,
            mentor=Participant(mentor.name, mentor.email, mentor.timezone),
            student=Participant(request["name"], request["email"], request["timezone"].strip()),
            goals=request["goals"],
            slot=slot,
            calendar=config.calendar,
            topics=split_list(request["topics"]),
            sessions=config.relationship.sessions,
            final=config.relationship.sessions == 1,
            checkin_links=checkin_links(config, secret, match_id, 1) if secret else {},
        )
        if attempt(record):
            invite = dataclasses.replace(invite, event_id=event_id_of(match_id, attempt(record)))
        plans.append(_Plan(record, invite))
    return plans


def people_of(
    record: Record, requests: dict[str, Record], by_slug: dict[str, Mentor]
) -> str | tuple[Mentor, Record, Availability, Availability]:
    """The people and their availability for a match, or what is wrong (for staff)."""
    where = f"{MATCHES} row {record.row}"
    if not record["match_id"].strip():
        return f"{where} has no match_id"
    mentor = by_slug.get(record["mentor"].strip())
    if mentor is None:
        return (
            f"{where}: mentor {record['mentor'].strip()!r} has no valid profile in mentors/ "
            "(removed, renamed or invalid); fix the profile or cancel the match"
        )
    request = requests.get(record["request_id"].strip())
    if request is None:
        return f"{where}: request {record['request_id'].strip()!r} is not in the {REQUESTS} tab"
    rwhere = f"{REQUESTS} row {request.row}"
    if "@" not in request["email"]:
        return f"{rwhere} has no valid email address"
    try:
        zone(request["timezone"])
        student_windows = parse_windows(request["availability"])
    except ValueError as exc:
        return f"{rwhere}: {exc}"
    if not student_windows:
        return f"{rwhere} lists no availability"
    try:
        zone(mentor.timezone)
    except ValueError as exc:
        return f"{where}: mentor {mentor.slug}: {exc}"
    return (
        mentor,
        request,
        mentor_availability(mentor),
        Availability(request["timezone"].strip(), tuple(student_windows)),
    )


def _ours(note: str) -> bool:
    return not note.strip() or bool(_OUR_NOTE.match(note.strip()))


def _record_invite(
    plan: _Plan, outcome: Outcome, stamp: str, report: InviteReport, change: _Change
) -> None:
    record, invite = plan.record, plan.invite
    if outcome.kind == "error":
        report.errors.append((invite.match_id, outcome.message))
        return
    if outcome.kind == "exists" and outcome.event is not None and outcome.event.cancelled:
        report.errors.append(
            (
                invite.match_id,
                f"{MATCHES} row {record.row}: this match's event was cancelled in the calendar; "
                "set the match to cancelled, or add a new match row for a new invite",
            )
        )
        return
    start = outcome.event.start if outcome.event is not None else invite.start
    local = start.astimezone(zone(invite.timezone))
    note = "" if _ours(record["note"]) else record["note"]
    change(
        record,
        status=MatchStatus.INVITED,
        event_id=invite.event_id,
        event_start=_iso(local),
        invited_at=stamp,
        note=note,
    )
    (report.sent if outcome.kind == "created" else report.already_sent).append(invite.match_id)


def _record_cancel(
    record: Record, outcome: Outcome, today: str, report: InviteReport, change: _Change
) -> None:
    match_id = record["match_id"].strip()
    if outcome.kind == "error":
        report.errors.append((match_id, outcome.message))
        return
    template = GONE_NOTE if outcome.kind == "missing" else CANCELLED_NOTE
    marker = template.format(date=today)
    note = record["note"].strip()
    change(record, note=marker if _ours(note) else f"{note}; {marker}")
    report.cancelled.append(match_id)
