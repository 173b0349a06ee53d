"""Follow-up sessions: what the relationship stage decides, from the ledger and the clock alone.

For every match whose first invite is out (`invited`), the Sessions tab holds one row per
session number (`ledger.SESSION_COLUMNS`). Each night `decide`:

1. mirrors session 1 from the Matches row once the first invite is out, and follows it when a
   decline moved it (the Matches row was invited again after the Sessions row);
2. completes the match (`completed`) when either side said not to continue, when the last
   session is over (held or cancelled, or `quiet_days` after it with no check-in), or when the
   term ended after the first session;
3. for a `completed`, `closed` or `cancelled` match, ends its sessions still to come: their
   events are cancelled once and the rows set `cancelled`;
4. books a session `moved` or `missed` again under its number (`attempt` + 1; the old event is
   cancelled first if it is still to come), and retries `no_time` rows;
5. books session n + 1 once session n has ended and n < `sessions`: not before session n's
   local wall-clock time `cadence_weeks` later (the same weekday and hour across a clock
   change), and ending before the term does;
6. lists "quiet" sessions: a match's latest session `quiet_days` after its start with no
   check-in from either side.

Event ids are derived from the match id, the number and the attempt (`session_event_id`), so
booking the same session twice finds the event already there. Pure: no I/O, no clock.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Protocol

from .. import lifecycle
from ..calendar.invite import event_id_for
from ..ledger import MatchStatus, Record, SessionStatus, Table, parse_utc_timestamp
from ..lifecycle import UnknownStatus
from ..scheduling import Rules, zone

DONE_NOTE = "{why}; event {done} on {date}"
ENDED_NOTE = "{why}; not booked"
NO_TIME_NOTE = "no common time {where}"
COMPLETED = {
    "stop": "a check-in said not to continue",
    "last": "the last session is over",
    "term": "the term ended",
}
_OURS = re.compile(r"^(no common time|match \w+;)")
_NO = frozenset({"no", "n", "stop", "false", "0", "not_continue"})


class RelationshipSettings(Protocol):
    """What `Terms.of` reads (`config.RelationshipConfig` has it; the core imports no config)."""

    @property
    def sessions(self) -> int: ...
    @property
    def cadence_weeks(self) -> int: ...
    @property
    def quiet_days(self) -> int: ...
    @property
    def term_end_date(self) -> dt.date | None: ...


@dataclass(frozen=True)
class Terms:
    """The relationship's settings as times: how many sessions, how far apart, when it ends."""

    sessions: int = 4
    cadence: dt.timedelta = dt.timedelta(weeks=3)
    quiet: dt.timedelta = dt.timedelta(days=14)
    length: dt.timedelta = dt.timedelta(minutes=45)
    term_end: dt.datetime | None = None
    """The instant the term is over: midnight UTC after `term_end`'s day; None for no end."""

    @classmethod
    def of(cls, settings: RelationshipSettings, rules: Rules) -> Terms:
        """Terms from `[tool.mentorship.relationship]` and the scheduling rules."""
        last = settings.term_end_date
        return cls(
            sessions=settings.sessions,
            cadence=dt.timedelta(weeks=settings.cadence_weeks),
            quiet=dt.timedelta(days=settings.quiet_days),
            length=dt.timedelta(minutes=rules.session_minutes),
            term_end=None
            if last is None
            else dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC),
        )


def session_event_id(match_id: str, number: int, attempt: int) -> str:
    """The event id of a session: `<match>.s<n>`, re-bookings `<match>.s<n>.<attempt>`.

    Session 1's first booking is the first invite, whose id the invite stage derives.
    """
    base = f"{match_id}.s{number}"
    return event_id_for(base if attempt == 0 else f"{base}.{attempt}")


@dataclass
class Booking:
    """A session to book: a new number (`row` None), or an existing row booked again."""

    match: Record
    row: Record | None
    number: int
    attempt: int
    earliest: dt.datetime | None
    """Not before this (the cadence point); None: as soon as the lead time allows."""
    why: str
    """'next', 'moved', 'missed' or 'no_time' (a retry), for the report."""

    @property
    def match_id(self) -> str:
        """The match this session belongs to."""
        return self.match["match_id"].strip()

    @property
    def event_id(self) -> str:
        """The event id this booking is sent under."""
        return session_event_id(self.match_id, self.number, self.attempt)


@dataclass
class Cancel:
    """A session event to cancel: its match ended (`ends`), or it is booked again."""

    row: Record
    event_id: str
    why: str
    ends: bool


@dataclass(frozen=True)
class Quiet:
    """A session nobody checked in about `days` days after its start (private: ids only)."""

    match_id: str
    number: int
    days: int


@dataclass
class Decisions:
    """What `decide` found; the tables hold the cell changes already made."""

    bookings: list[Booking] = field(default_factory=list)
    cancels: list[Cancel] = field(default_factory=list)
    completed: list[tuple[str, str]] = field(default_factory=list)
    """(match id, why) completed tonight."""
    ended: list[tuple[str, str]] = field(default_factory=list)
    """(match id, its state) whose sessions to come were ended tonight."""
    quiet: list[Quiet] = field(default_factory=list)
    unknown: list[UnknownStatus] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    mirrored: int = 0


def parse_start(cell: str) -> dt.datetime | None:
    """An ISO start with its offset (naive or malformed: None)."""
    try:
        moment = dt.datetime.fromisoformat(cell.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def said_stop(row: Record) -> bool:
    """True when either side's check-in (or staff) said not to continue."""
    return any(lifecycle._key(row[f"{side}_continue"]) in _NO for side in ("mentor", "student"))


def answered(row: Record) -> bool:
    """True when either side checked in about the current booking of this session."""
    booked = parse_utc_timestamp(row["invited_at"]) if row["invited_at"].strip() else None
    for side in ("mentor", "student"):
        cell = row[f"{side}_at"]
        at = parse_utc_timestamp(cell) if cell.strip() else None
        if at is not None and (booked is None or at >= booked):
            return True
    return False


def _number(row: Record) -> int | None:
    cell = row["number"].strip()
    return int(cell) if cell.isdigit() and int(cell) > 0 else None


def _attempt(row: Record) -> int:
    cell = row["attempt"].strip()
    return int(cell) if cell.isdigit() else 0


def cadence_point(start: dt.datetime, mentor_zone: str, cadence: dt.timedelta) -> dt.datetime:
    """`start` plus `cadence` on the mentor's wall clock (18:00 stays 18:00 across DST)."""
    tz = zone(mentor_zone)
    local = start.astimezone(tz).replace(tzinfo=None) + cadence
    return local.replace(tzinfo=tz).astimezone(dt.UTC)


def decide(
    matches: Table,
    sessions: Table,
    terms: Terms,
    now: dt.datetime,
    stamp: str,
    mentor_zones: dict[str, str],
) -> Decisions:
    """Decide tonight's follow-ups (see the module docstring); cell changes go to the tables.

    `mentor_zones` maps a mentor's slug to their IANA zone (for the cadence's wall clock); a
    match whose mentor is not in it gets its next session at the plain cadence in UTC.
    """
    out = Decisions()
    rows: dict[str, dict[int, Record]] = {}
    broken: set[str] = set()
    for row in sessions:
        match_id = row["match_id"].strip()
        number = _number(row)
        state = lifecycle.session_state(row["status"])
        if state is None:
            out.unknown.append(
                UnknownStatus(sessions.title, row.row, row["status"].strip(), row["session_id"])
            )
            broken.add(match_id)
        elif state and state != row["status"]:
            _set(sessions, row, stamp, status=state)
        if number is None or not match_id:
            out.problems.append(
                (
                    match_id or f"{sessions.title} row {row.row}",
                    f"{sessions.title} row {row.row}: number {row['number']!r} is not a session number",
                )
            )
            broken.add(match_id)
            continue
        rows.setdefault(match_id, {})[number] = row

    for match in matches:
        match_id = match["match_id"].strip()
        state = lifecycle.match_state(match["status"])
        own = rows.get(match_id, {})
        if not match_id or match_id in broken:
            continue
        if state in (MatchStatus.COMPLETED, MatchStatus.CLOSED, MatchStatus.CANCELLED):
            if _end_sessions(
                match,
                own,
                state,
                now,
                stamp,
                sessions,
                out,
                calendar=state != MatchStatus.CANCELLED,
            ):
                out.ended.append((match_id, state))
            continue
        if state != MatchStatus.INVITED:
            continue
        _mirror_first(match, own, sessions, stamp, out)
        if 1 not in own:
            continue
        _follow(match, own, terms, now, stamp, matches, sessions, out, mentor_zones)
    return out


def _set(table: Table, row: Record, stamp: str, **cells: str) -> None:
    for column, value in cells.items():
        table.set(row, column, value)
    table.set(row, "updated_at", stamp)


def _mirror_first(
    match: Record, own: dict[int, Record], sessions: Table, stamp: str, out: Decisions
) -> None:
    event_id, start = match["event_id"].strip(), match["event_start"].strip()
    if not event_id or parse_start(start) is None:
        return
    first = own.get(1)
    if first is None:
        own[1] = sessions.append(
            {
                "session_id": f"{match['match_id'].strip()}/1",
                "match_id": match["match_id"].strip(),
                "number": "1",
                "status": SessionStatus.SCHEDULED,
                "event_id": event_id,
                "start": start,
                "invited_at": match["invited_at"].strip(),
                "attempt": "0",
                "updated_at": stamp,
            }
        )
        out.mirrored += 1
        return
    moved = first["event_id"].strip() != event_id or first["start"].strip() != start
    if (
        moved
        and lifecycle.session_state(first["status"]) == SessionStatus.SCHEDULED
        and match["invited_at"].strip() >= first["invited_at"].strip()
    ):
        # The invite stage moved the first session after a decline: follow it.
        _set(
            sessions,
            first,
            stamp,
            event_id=event_id,
            start=start,
            invited_at=match["invited_at"].strip(),
        )
        out.mirrored += 1


def _follow(
    match: Record,
    own: dict[int, Record],
    terms: Terms,
    now: dt.datetime,
    stamp: str,
    matches: Table,
    sessions: Table,
    out: Decisions,
    mentor_zones: dict[str, str],
) -> None:
    match_id = match["match_id"].strip()
    last_number = max(own)
    last = own[last_number]
    last_state = lifecycle.session_state(last["status"])
    first_start = parse_start(own[1]["start"])
    last_start = parse_start(last["start"])

    why = ""
    if any(said_stop(r) for r in own.values()):
        why = COMPLETED["stop"]
    elif last_number >= terms.sessions and (
        last_state in (SessionStatus.HELD, SessionStatus.CANCELLED)
        or (
            last_state == SessionStatus.SCHEDULED
            and last_start is not None
            and last_start + terms.quiet <= now
        )
    ):
        why = COMPLETED["last"]
    elif (
        terms.term_end is not None
        and now >= terms.term_end
        and first_start is not None
        and first_start <= now
    ):
        why = COMPLETED["term"]
    if why:
        _set(matches, match, stamp, status=MatchStatus.COMPLETED)
        out.completed.append((match_id, why))
        _end_sessions(match, own, MatchStatus.COMPLETED, now, stamp, sessions, out, calendar=True)
        return

    for number, row in sorted(own.items()):
        state = lifecycle.session_state(row["status"])
        start = parse_start(row["start"])
        if state in (SessionStatus.MOVED, SessionStatus.MISSED):
            if row["event_id"].strip() and start is not None and start > now:
                out.cancels.append(Cancel(row, row["event_id"].strip(), state, ends=False))
            out.bookings.append(Booking(match, row, number, _attempt(row) + 1, None, state))
        elif state == SessionStatus.NO_TIME:
            before = own.get(number - 1)
            earliest = None
            if _attempt(row) == 0 and before is not None and parse_start(before["start"]):
                earliest = cadence_point(
                    parse_start(before["start"]),  # type: ignore[arg-type]
                    mentor_zones.get(match["mentor"].strip(), "UTC"),
                    terms.cadence,
                )
            out.bookings.append(Booking(match, row, number, _attempt(row), earliest, "no_time"))

    if (
        last_number < terms.sessions
        and last_state in (SessionStatus.SCHEDULED, SessionStatus.HELD, SessionStatus.CANCELLED)
        and last_start is not None
        and last_start + terms.length <= now
    ):
        earliest = cadence_point(
            last_start, mentor_zones.get(match["mentor"].strip(), "UTC"), terms.cadence
        )
        out.bookings.append(Booking(match, None, last_number + 1, 0, earliest, "next"))

    started = [
        (n, r)
        for n, r in own.items()
        if parse_start(r["start"]) is not None and parse_start(r["start"]) <= now  # type: ignore[operator]
    ]
    if started:
        number, row = max(started, key=lambda item: item[0])
        start = parse_start(row["start"])
        assert start is not None
        if (
            lifecycle.session_state(row["status"]) == SessionStatus.SCHEDULED
            and start + terms.quiet <= now
            and not answered(row)
        ):
            out.quiet.append(Quiet(match_id, number, (now - start).days))


def _end_sessions(
    match: Record,
    own: dict[int, Record],
    state: str,
    now: dt.datetime,
    stamp: str,
    sessions: Table,
    out: Decisions,
    *,
    calendar: bool,
) -> bool:
    """End the sessions still to come of a match that ended; True when any was to come.

    A cancelled match's first event is the invite stage's to cancel (`calendar` False).
    """
    why = f"match {state}"
    found = False
    for row in own.values():
        row_state = lifecycle.session_state(row["status"])
        start = parse_start(row["start"])
        if row_state == SessionStatus.NO_TIME or (
            row_state in (SessionStatus.MOVED, SessionStatus.MISSED)
            and (start is None or start <= now or not row["event_id"].strip())
        ):
            _set(
                sessions,
                row,
                stamp,
                status=SessionStatus.CANCELLED,
                note=ENDED_NOTE.format(why=why),
            )
            found = True
        elif (
            row_state in (SessionStatus.SCHEDULED, SessionStatus.MOVED, SessionStatus.MISSED)
            and start is not None
            and start > now
        ):
            found = True
            if calendar and row["event_id"].strip():
                out.cancels.append(Cancel(row, row["event_id"].strip(), why, ends=True))
            else:
                _set(
                    sessions,
                    row,
                    stamp,
                    status=SessionStatus.CANCELLED,
                    note=ENDED_NOTE.format(why=why),
                )
    return found


def record_cancel(sessions: Table, cancel: Cancel, kind: str, today: str, stamp: str) -> None:
    """Note an event cancelled (or already gone) for a match that ended; re-bookings need none."""
    if not cancel.ends:
        return
    done = "not found" if kind == "missing" else "cancelled"
    note = DONE_NOTE.format(why=cancel.why, done=done, date=today)
    _set(sessions, cancel.row, stamp, status=SessionStatus.CANCELLED, note=note)


def record_booking(
    booking: Booking,
    start: str,
    stamp: str,
    matches: Table,
    sessions: Table,
    event_id: str | None = None,
) -> None:
    """Note a session booked (its invite sent or found already there) at `start` (local ISO)."""
    event_id = event_id or booking.event_id
    cells = {
        "status": SessionStatus.SCHEDULED,
        "event_id": event_id,
        "start": start,
        "invited_at": stamp,
        "attempt": str(booking.attempt),
    }
    if booking.row is None or own_note(booking.row["note"]):
        cells["note"] = ""
    if booking.row is None:
        booking.row = sessions.append(
            {
                "session_id": f"{booking.match_id}/{booking.number}",
                "match_id": booking.match_id,
                "number": str(booking.number),
                **cells,
                "updated_at": stamp,
            }
        )
    else:
        _set(sessions, booking.row, stamp, **cells)
    if booking.number == 1:
        # The first session was booked again: the Matches row keeps pointing at it.
        _set(matches, booking.match, stamp, event_id=event_id, event_start=start, invited_at=stamp)


def record_no_time(booking: Booking, reason: str, stamp: str, sessions: Table) -> None:
    """Note a session no slot was found for (a new number gets its row now); tried nightly."""
    cells = {"status": SessionStatus.NO_TIME, "attempt": str(booking.attempt)}
    if booking.row is None or own_note(booking.row["note"]):
        cells["note"] = reason
    if booking.row is None:
        booking.row = sessions.append(
            {
                "session_id": f"{booking.match_id}/{booking.number}",
                "match_id": booking.match_id,
                "number": str(booking.number),
                **cells,
                "updated_at": stamp,
            }
        )
    else:
        _set(sessions, booking.row, stamp, **cells)


def is_final(number: int, start: dt.datetime, terms: Terms) -> bool:
    """True for the last session: the last number, or the last that fits before term end."""
    if number >= terms.sessions:
        return True
    return terms.term_end is not None and start + terms.cadence + terms.length > terms.term_end


def own_note(note: str) -> bool:
    """True when a row's note is blank or one this module wrote (safe to replace)."""
    return not note.strip() or bool(_OURS.match(note.strip()))


def booked_times(
    matches: Table, sessions: Table, length: dt.timedelta
) -> dict[str, list[tuple[dt.datetime, dt.datetime]]]:
    """Per match id, the sessions booked for it (first invites and follow-ups), as intervals.

    Both the invite stage and this one keep a mentor's and a student's booked hours free.
    """
    out: dict[str, list[tuple[dt.datetime, dt.datetime]]] = {}
    seen: set[tuple[str, str]] = set()
    for match in matches:
        if lifecycle.match_state(match["status"]) != MatchStatus.INVITED:
            continue
        start = parse_start(match["event_start"])
        if start is not None:
            out.setdefault(match["match_id"].strip(), []).append((start, start + length))
            seen.add((match["match_id"].strip(), match["event_id"].strip()))
    for row in sessions:
        if lifecycle.session_state(row["status"]) != SessionStatus.SCHEDULED:
            continue
        start = parse_start(row["start"])
        key = (row["match_id"].strip(), row["event_id"].strip())
        if start is not None and key not in seen:
            out.setdefault(key[0], []).append((start, start + length))
    return out
