"""The relationship stage: follow-up sessions, re-bookings and endings, exactly once.

It reads Requests, Matches and Sessions once, lets `followups.decide` work out the night's
changes, then cancels the events that must go and sends the invites to send, in batches of up
to `calendar.BATCH_SIZE`, writing the ledger once after each batch (the same pattern as the
invite stage). A run that dies between sending and writing is finished by the next: each
session's event id is fixed by its match, number and attempt, so sending it again finds the
event already there ("exists"), and its real start is what gets recorded.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from ..calendar import BATCH_SIZE, Calendar, Outcome
from ..calendar.invite import Invite, Participant, build_invite
from ..calendar.stage import people_of
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
    split_list,
    utc_timestamp,
)
from ..lifecycle import UnknownStatus
from ..profiles.models import Mentor
from ..scheduling import Interval, Rules, describe_local, find_slot, zone
from .checkin_codes import checkin_links
from .followups import (
    NO_TIME_NOTE,
    Booking,
    Cancel,
    Quiet,
    Terms,
    booked_times,
    decide,
    is_final,
    record_booking,
    record_cancel,
    record_no_time,
)

log = logging.getLogger(__name__)
_T = TypeVar("_T")


@dataclass
class RelationshipReport:
    """What one relationship run did (or, dry, would do). Ids only: no personal data.

    Sessions are (match id, session number). `quiet` and `completed` are what the messages
    stage needs for check-in reminders and the wrap-up.
    """

    dry_run: bool = False
    invites: list[Invite] = field(default_factory=list)
    """Every follow-up invite sent (or to send): the report shows both local times."""
    sent: list[tuple[str, int]] = field(default_factory=list)
    already_sent: list[tuple[str, int]] = field(default_factory=list)
    rebooked: list[tuple[str, int, str]] = field(default_factory=list)
    """(match id, number, 'moved' or 'missed'): booked again under the same number."""
    no_time: list[tuple[str, int, str]] = field(default_factory=list)
    """(match id, number, reason): no slot yet, tried again every night."""
    quiet: list[Quiet] = field(default_factory=list)
    """Sessions with no check-in from either side `quiet_days` after their start."""
    completed: list[tuple[str, str]] = field(default_factory=list)
    """(match id, why) completed by this run."""
    freed: list[str] = field(default_factory=list)
    """The mentor slug of each match completed by this run: a place free again tonight."""
    ended: list[tuple[str, str]] = field(default_factory=list)
    """(match id, state) whose sessions to come were ended (completed, closed, cancelled)."""
    cancelled: list[tuple[str, int]] = field(default_factory=list)
    """Session events cancelled (or to cancel): match ended, or booked again."""
    mirrored: int = 0
    unknown: list[UnknownStatus] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    ledger_writes: int = 0

    @property
    def quiet_sessions(self) -> list[tuple[str, int]]:
        """(match id, number) of every quiet session, for check-in reminders."""
        return [(q.match_id, q.number) for q in self.quiet]

    @property
    def completed_matches(self) -> list[str]:
        """Match ids completed by this run, for the wrap-up message."""
        return [match_id for match_id, _ in self.completed]

    def counts(self) -> dict[str, int]:
        """Counts only, for the public summary."""
        return {
            "follow-up invites to send" if self.dry_run else "follow-up invites sent": len(
                self.invites if self.dry_run else self.sent
            ),
            "sessions booked again": len(self.rebooked),
            "quiet matches": len({q.match_id for q in self.quiet}),
            "completed": len(self.completed),
        }

    @property
    def attention(self) -> list[str]:
        """Rows staff must fix (private)."""
        items = [f"Match {mid}: {message}" for mid, message in self.errors]
        items += [
            f"{u.tab} row {u.row}: status {u.value!r} is not a known session state; "
            "see the setup guide's status table"
            for u in self.unknown
        ]
        return items

    def private_lines(self) -> list[str]:
        """The private report's section: which matches and sessions, and why."""
        lines = ["## Follow-up sessions", ""]
        if self.quiet:
            lines += ["Quiet (no check-in from either side):", ""]
            lines += [
                f"- Match {q.match_id}, session {q.number}: no check-in {q.days} days after it"
                for q in self.quiet
            ]
            lines.append("")
        failed = {mid for mid, _ in self.errors}
        rows = []
        for invite in self.invites:
            key = (invite.match_id, _number_of(invite))
            state = (
                "to send"
                if self.dry_run
                else "already there"
                if key in self.already_sent
                else "sent"
                if key in self.sent
                else "not sent"
                if invite.match_id in failed
                else "sent"
            )
            if invite.mentor is None or invite.student is None:
                continue
            rows.append(
                f"| {invite.match_id} | {key[1]} | {state} "
                f"| {describe_local(invite.slot, invite.mentor.timezone)} "
                f"| {describe_local(invite.slot, invite.student.timezone)} |"
            )
        if rows:
            lines += [
                "| Match | Session | Invite | Mentor's time | Student's time |",
                "| --- | ---: | --- | --- | --- |",
                *rows,
                "",
            ]
        lines += [
            f"- Match {mid}, session {n}: {why}, booked again" for mid, n, why in self.rebooked
        ]
        lines += [f"- Match {mid}, session {n}: {why}" for mid, n, why in self.no_time]
        lines += [f"- Match {mid}: completed ({why})" for mid, why in self.completed]
        lines += [
            f"- Match {mid}: {state}; its sessions to come were called off"
            for mid, state in self.ended
            if mid not in self.completed_matches
        ]
        if self.cancelled:
            verb = "to cancel" if self.dry_run else "cancelled"
            lines.append(f"- Session events {verb}: {len(self.cancelled)}")
        if len(lines) == 2:
            lines.append("Nothing to book, move or end tonight.")
        return [*lines, ""]


def _number_of(invite: Invite) -> int:
    # Follow-up invites are built with their number in the summary ("session 2 of 4").
    tail = invite.summary.rsplit("(session ", 1)
    return int(tail[1].split()[0]) if len(tail) == 2 else 1


def _chunks(items: Sequence[_T], size: int) -> Iterable[Sequence[_T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def run_relationship(
    spreadsheet: Spreadsheet,
    calendar: Calendar,
    mentors: Iterable[Mentor],
    config: Config,
    now: dt.datetime,
    dry_run: bool = False,
) -> RelationshipReport:
    """Book, re-book and end sessions (see the module docstring and `followups`).

    One read of Requests, Matches and Sessions; one write per batch of up to BATCH_SIZE events
    (and one more for the night's other changes). Raises ConfigError for a bad
    [tool.mentorship.schedule] and AccessError when the calendar refuses access.
    """
    try:
        rules = Rules.of(config.schedule)
    except ValueError as exc:
        raise ConfigError(f"[tool.mentorship.schedule]: {exc}.") from None
    terms = Terms.of(config.relationship, rules)
    # Follow-up invites carry check-in links too; a missing secret stops before anything is sent.
    secret = checkin_secret(config, create=not dry_run)
    report = RelationshipReport(dry_run=dry_run)
    tabs = spreadsheet.read([REQUESTS, MATCHES, SESSIONS])
    if tabs.get(MATCHES) is None:
        log.info("relationship: no %s tab yet; nothing to do", MATCHES)
        return report
    matches = Table(MATCHES, MATCH_COLUMNS, tabs.get(MATCHES))
    sessions = Table(SESSIONS, SESSION_COLUMNS, tabs.get(SESSIONS))
    requests = Table(REQUESTS, REQUEST_COLUMNS, tabs.get(REQUESTS)).by("request_id")
    by_slug = {m.slug: m for m in mentors}
    stamp = utc_timestamp(now)
    today = now.astimezone(dt.UTC).date().isoformat()

    found = decide(
        matches, sessions, terms, now, stamp, {m.slug: m.timezone for m in by_slug.values()}
    )
    report.completed, report.ended, report.quiet = found.completed, found.ended, found.quiet
    done = {match_id for match_id, _ in found.completed}
    report.freed = [m["mentor"].strip() for m in matches if m["match_id"].strip() in done]
    report.unknown, report.errors, report.mirrored = found.unknown, found.problems, found.mirrored

    def flush() -> None:
        batch = WriteBatch()
        matches.collect(batch)
        sessions.collect(batch)
        if batch and not dry_run:
            spreadsheet.write(batch)
            report.ledger_writes += 1

    # 1. Events that must go: sessions of matches that ended, and sessions booked again.
    for chunk in _chunks(found.cancels, BATCH_SIZE):
        report.cancelled += [(c.row["match_id"].strip(), int(c.row["number"])) for c in chunk]
        if dry_run:
            continue
        outcomes = calendar.cancel([c.event_id for c in chunk])
        for cancel, outcome in zip(chunk, outcomes, strict=True):
            if outcome.kind == "error":
                report.errors.append((cancel.row["match_id"].strip(), outcome.message))
                continue
            record_cancel(sessions, cancel, outcome.kind, today, stamp)
        flush()

    # 2. Slots for the sessions to book.
    plans = _plan(
        found.bookings,
        requests,
        by_slug,
        matches,
        sessions,
        calendar,
        config,
        rules,
        terms,
        now,
        report,
        stamp,
        secret,
    )
    report.invites = [invite for _, invite in plans]
    if dry_run:
        report.rebooked = [
            (b.match_id, b.number, b.why) for b, _ in plans if b.why in ("moved", "missed")
        ]
    else:
        for batch in _chunks(plans, BATCH_SIZE):
            created = calendar.create([invite for _, invite in batch])
            for (booking, invite), outcome in zip(batch, created, strict=True):
                _record(booking, invite, outcome, stamp, matches, sessions, report)
            flush()
    flush()
    log.info(
        "relationship: %d follow-up invites sent, %d already there, %d booked again, "
        "%d without a time, %d completed, %d quiet, %d errors",
        len(report.sent),
        len(report.already_sent),
        len(report.rebooked),
        len(report.no_time),
        len(report.completed),
        len(report.quiet),
        len(report.errors),
    )
    return report


def _plan(
    bookings: list[Booking],
    requests: dict[str, Record],
    by_slug: dict[str, Mentor],
    matches: Table,
    sessions: Table,
    calendar: Calendar,
    config: Config,
    rules: Rules,
    terms: Terms,
    now: dt.datetime,
    report: RelationshipReport,
    stamp: str,
    secret: bytes | None = None,
) -> list[tuple[Booking, Invite]]:
    """Find each booking's slot and build its invite; note the ones without a time."""
    todo = []
    for booking in bookings:
        problem = people_of(booking.match, requests, by_slug)
        if isinstance(problem, str):
            report.errors.append((booking.match_id, problem))
            continue
        todo.append((booking, *problem))
    if not todo:
        return []

    # Every booked session keeps its two people busy: from the ledger, and (below) freeBusy.
    busy: dict[str, list[Interval]] = {}
    people: dict[str, tuple[str, str]] = {}
    for match in matches:
        mentor = by_slug.get(match["mentor"].strip())
        request = requests.get(match["request_id"].strip())
        people[match["match_id"].strip()] = (
            mentor.email.strip().lower() if mentor else "",
            request["email"].strip().lower() if request else "",
        )
    for match_id, intervals in booked_times(matches, sessions, terms.length).items():
        for key in people.get(match_id, ()):
            if key:
                busy.setdefault(key, []).extend(intervals)
    first = now + dt.timedelta(hours=rules.lead_hours)
    last = max(max(b.earliest or now, now) for b, *_ in todo) + dt.timedelta(
        days=rules.horizon_days
    )
    emails = sorted({mentor.email.strip().lower() for _, mentor, *_ in todo})
    for email, intervals in calendar.freebusy(emails, first, last).items():
        busy.setdefault(email.strip().lower(), []).extend(intervals)

    plans = []
    for booking, mentor, request, mentor_times, student_times in todo:
        keys = (mentor.email.strip().lower(), request["email"].strip().lower())
        slot = find_slot(
            mentor_times,
            student_times,
            now=now,
            rules=rules,
            busy=[i for key in keys for i in busy.get(key, ())],
            earliest=booking.earliest,
            latest=terms.term_end,
        )
        if slot is None:
            where = (
                f"before the term ends ({config.relationship.term_end.strip()})"
                if terms.term_end is not None
                and (booking.earliest or now) + dt.timedelta(days=rules.horizon_days)
                >= terms.term_end
                else f"in the {rules.horizon_days} days from "
                f"{(booking.earliest or first).astimezone(zone(mentor.timezone)).date()}"
            )
            reason = NO_TIME_NOTE.format(where=where)
            report.no_time.append((booking.match_id, booking.number, reason))
            record_no_time(booking, reason, stamp, sessions)
            continue
        for key in keys:
            # Two sessions of one person in this run must not get the same hour.
            busy.setdefault(key, []).append((slot.start, slot.end))
        invite = build_invite(
            match_id=booking.match_id,
            mentor=Participant(mentor.name, mentor.email, mentor.timezone),
            student=Participant(request["name"], request["email"], request["timezone"].strip()),
            goals=request["goals"],
            slot=slot,
            calendar=config.calendar,
            topics=split_list(request["topics"]),
            number=booking.number,
            sessions=terms.sessions,
            final=is_final(booking.number, slot.start, terms),
            checkin_links=checkin_links(config, secret, booking.match_id, booking.number)
            if secret
            else {},
        )
        plans.append((booking, dataclasses.replace(invite, event_id=booking.event_id)))
    return plans


def _record(
    booking: Booking,
    invite: Invite,
    outcome: Outcome,
    stamp: str,
    matches: Table,
    sessions: Table,
    report: RelationshipReport,
) -> None:
    key = (booking.match_id, booking.number)
    if outcome.kind == "error":
        report.errors.append((booking.match_id, f"session {booking.number}: {outcome.message}"))
        return
    if outcome.kind == "exists" and outcome.event is not None and outcome.event.cancelled:
        report.errors.append(
            (
                booking.match_id,
                f"session {booking.number}'s event was cancelled in the calendar; set the "
                "session's status to cancelled, or the match to closed",
            )
        )
        return
    start = outcome.event.start if outcome.event is not None else invite.start
    local = start.astimezone(zone(invite.timezone)).isoformat(timespec="seconds")
    record_booking(booking, local, stamp, matches, sessions, invite.event_id)
    if booking.why in ("moved", "missed"):
        report.rebooked.append((booking.match_id, booking.number, booking.why))
    (report.sent if outcome.kind == "created" else report.already_sent).append(key)


__all__ = ["Cancel", "RelationshipReport", "run_relationship"]
