"""Scheduling: the earliest first session a mentor and a student can both make.

Both people give weekly windows in their own timezone ('tue 18:00-20:00'). Over real dates those
become instants in UTC; the slot is the earliest start that

* lies in both people's windows for the whole session (and in nobody's busy time),
* is at least `lead_hours` after `now`, with the whole session inside the next `horizon_days`,
* falls on the grid (every `grid_minutes` from midnight) **in the mentor's local time**, so a
  session starts at 18:00 or 18:30 for the mentor, and at :00/:30 for the student too whenever
  the two zones differ by whole or half hours (a Kolkata student sees 23:30, not 23:17).

A window covers every instant whose local wall-clock time lies inside it. That one rule settles
the daylight-saving edge cases without special cases: on the night clocks spring forward a
window 01:00-04:00 is two hours long (02:00-03:00 never happens), and on the night they fall
back a window 01:00-02:00 is two hours long (the hour happens twice). Offsets come from
`zoneinfo`, so a week when only one of the two zones has switched (the US changes three weeks
before Europe in March and one week after it in autumn) simply gives a different overlap.

Everything here is pure: no clock, no I/O; `now` is an argument.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .weekly import WeeklyWindow

UTC = dt.UTC
Interval = tuple[dt.datetime, dt.datetime]
"""A half-open span of time [start, end) between two aware UTC datetimes."""

_PROBE = dt.timedelta(hours=6)  # offsets never change twice within six hours


class ScheduleSettings(Protocol):
    """What `Rules.of` reads (`config.ScheduleConfig` has it; the core does not import config)."""

    @property
    def lead_hours(self) -> int: ...
    @property
    def horizon_days(self) -> int: ...
    @property
    def grid_minutes(self) -> int: ...
    @property
    def session_minutes(self) -> int: ...


@dataclass(frozen=True)
class Rules:
    """The scheduling settings (the fields of `Config.schedule`)."""

    lead_hours: int = 48
    horizon_days: int = 21
    grid_minutes: int = 30
    session_minutes: int = 45

    def __post_init__(self) -> None:
        if self.grid_minutes <= 0 or (24 * 60) % self.grid_minutes:
            raise ValueError(
                f"grid_minutes must divide a day (15, 30, 60...), not {self.grid_minutes}"
            )
        if self.session_minutes <= 0 or self.horizon_days <= 0 or self.lead_hours < 0:
            raise ValueError("session_minutes and horizon_days must be positive, lead_hours >= 0")

    @classmethod
    def of(cls, settings: ScheduleSettings) -> Rules:
        """Rules from any object with the four fields (e.g. `ScheduleConfig`)."""
        return cls(
            lead_hours=settings.lead_hours,
            horizon_days=settings.horizon_days,
            grid_minutes=settings.grid_minutes,
            session_minutes=settings.session_minutes,
        )


@dataclass(frozen=True)
class Availability:
    """One person's weekly windows in their own IANA timezone."""

    timezone: str
    windows: tuple[WeeklyWindow, ...]

    @property
    def zone(self) -> ZoneInfo:
        """The timezone as a ZoneInfo (ValueError if it is not a known IANA name)."""
        return zone(self.timezone)


@dataclass(frozen=True)
class Slot:
    """A session's start and end, aware datetimes in UTC."""

    start: dt.datetime
    end: dt.datetime

    def local(self, timezone: str) -> tuple[dt.datetime, dt.datetime]:
        """Start and end as local times in `timezone` (with the right offset and fold)."""
        tz = zone(timezone)
        return self.start.astimezone(tz), self.end.astimezone(tz)


def zone(name: str) -> ZoneInfo:
    """A ZoneInfo for an IANA name; ValueError with a readable message if unknown."""
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(f"{name!r} is not an IANA timezone like 'Europe/Lisbon'") from None


def _offset(tz: ZoneInfo, instant: dt.datetime) -> dt.timedelta:
    return instant.astimezone(tz).utcoffset() or dt.timedelta(0)


def _transition(tz: ZoneInfo, lo: dt.datetime, hi: dt.datetime) -> dt.datetime:
    """The first instant in (lo, hi] whose offset differs from lo's (to the second)."""
    before = _offset(tz, lo)
    while hi - lo > dt.timedelta(seconds=1):
        mid = lo + (hi - lo) / 2
        mid = mid.replace(microsecond=0)
        if mid <= lo:
            mid = lo + dt.timedelta(seconds=1)
        if _offset(tz, mid) == before:
            lo = mid
        else:
            hi = mid
    return hi


def offset_pieces(
    tz: ZoneInfo, start: dt.datetime, end: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime, dt.timedelta]]:
    """[start, end) cut where `tz`'s UTC offset changes: (piece start, piece end, offset)."""
    pieces = []
    piece_start, offset, probe = start, _offset(tz, start), start
    while probe < end:
        nxt = min(probe + _PROBE, end)
        if _offset(tz, nxt) != offset:
            change = _transition(tz, probe, nxt)
            pieces.append((piece_start, change, offset))
            piece_start, offset = change, _offset(tz, change)
            probe = change
        else:
            probe = nxt
    pieces.append((piece_start, end, offset))
    return [p for p in pieces if p[0] < p[1]]


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, with overlapping or touching intervals joined."""
    out: list[Interval] = []
    for s, e in sorted(i for i in intervals if i[0] < i[1]):
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def intersect(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    """The instants in both lists (each sorted and merged)."""
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        s, e = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if s < e:
            out.append((s, e))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def subtract(free: Sequence[Interval], busy: Iterable[Interval]) -> list[Interval]:
    """`free` (sorted, merged) without any instant of `busy`."""
    blocks = merge(busy)
    out: list[Interval] = []
    for s, e in free:
        cur = s
        for bs, be in blocks:
            if be <= cur or bs >= e:
                continue
            if bs > cur:
                out.append((cur, bs))
            cur = max(cur, be)
            if cur >= e:
                break
        if cur < e:
            out.append((cur, e))
    return out


def available(person: Availability, start: dt.datetime, end: dt.datetime) -> list[Interval]:
    """The instants in [start, end) (aware) whose local wall time is in one of the windows."""
    tz = person.zone
    by_day: dict[int, list[WeeklyWindow]] = {}
    for w in person.windows:
        by_day.setdefault(w.day, []).append(w)
    found: list[Interval] = []
    for piece_start, piece_end, offset in offset_pieces(
        tz, start.astimezone(UTC), end.astimezone(UTC)
    ):
        # With the offset fixed, wall time = UTC + offset: map each window's wall span back.
        first = (piece_start + offset).date()
        last = (piece_end + offset).date()
        day = first
        while day <= last:
            midnight = dt.datetime.combine(day, dt.time(), tzinfo=UTC) - offset
            for w in by_day.get(day.weekday(), ()):
                s = max(midnight + dt.timedelta(minutes=w.start), piece_start)
                e = min(midnight + dt.timedelta(minutes=w.end), piece_end)
                if s < e:
                    found.append((s, e))
            day += dt.timedelta(days=1)
    return merge(found)


def _first_on_grid(
    tz: ZoneInfo, t: dt.datetime, grid: dt.timedelta
) -> tuple[dt.datetime, dt.timedelta]:
    """The earliest instant >= t whose local time in `tz` is a multiple of `grid` past midnight.

    Returns it with the offset it was computed under; the caller checks the offset still holds.
    """
    offset = _offset(tz, t)
    wall = (t + offset).replace(tzinfo=None)
    midnight = wall.replace(hour=0, minute=0, second=0, microsecond=0)
    steps = -(-(wall - midnight) // grid)  # ceiling division of timedeltas
    return (midnight + steps * grid - offset).replace(tzinfo=UTC), offset


def earliest_start(
    free: Sequence[Interval], tz: ZoneInfo, grid: dt.timedelta, length: dt.timedelta
) -> dt.datetime | None:
    """The first start on `tz`'s local grid with [start, start+length) inside one free interval."""
    for s, e in free:
        t = s
        while t + length <= e:
            candidate, offset = _first_on_grid(tz, t, grid)
            if _offset(tz, candidate) != offset:
                # The clocks changed between t and the candidate: look again from the change.
                t = _transition(tz, t, candidate)
                continue
            if candidate + length <= e:
                return candidate
            break
    return None


def find_slot(
    mentor: Availability,
    student: Availability,
    *,
    now: dt.datetime,
    rules: Rules,
    busy: Iterable[Interval] = (),
    earliest: dt.datetime | None = None,
    latest: dt.datetime | None = None,
) -> Slot | None:
    """The earliest session both can make (see the module docstring), or None if there is none.

    `now` must be timezone-aware; `busy` holds intervals when either person is taken (freeBusy,
    sessions already booked). `earliest` (aware) keeps the session from starting before it (a
    follow-up at its cadence); the horizon then counts from it when it is later than `now`.
    `latest` (aware) is when the session must have ended by (the end of term). Raises
    ValueError for an unknown timezone.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    now = now.astimezone(UTC)
    first = now + dt.timedelta(hours=rules.lead_hours)
    opens = now
    if earliest is not None:
        if earliest.tzinfo is None:
            raise ValueError("earliest must be timezone-aware")
        opens = max(now, earliest.astimezone(UTC))
        first = max(first, opens)
    last = opens + dt.timedelta(days=rules.horizon_days)
    if latest is not None:
        if latest.tzinfo is None:
            raise ValueError("latest must be timezone-aware")
        last = min(last, latest.astimezone(UTC))
    if last <= first:
        return None
    both = intersect(available(mentor, first, last), available(student, first, last))
    free = subtract(both, ((s.astimezone(UTC), e.astimezone(UTC)) for s, e in busy))
    start = earliest_start(
        free,
        mentor.zone,
        dt.timedelta(minutes=rules.grid_minutes),
        dt.timedelta(minutes=rules.session_minutes),
    )
    if start is None:
        return None
    return Slot(start, start + dt.timedelta(minutes=rules.session_minutes))


def describe_local(slot: Slot, timezone: str) -> str:
    """'Tuesday 1 December 2026, 18:00–18:45 GMT (Europe/London)', for people.

    The end carries its own date when the session crosses local midnight.
    """
    start, end = slot.local(timezone)
    day = f"{start:%A} {start.day} {start:%B %Y}"
    end_text = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%A} {end:%H:%M}"
    abbr = start.tzname() or ""
    zone_text = (
        f"{abbr} ({timezone})"
        if abbr and abbr[0] not in "+-"
        else f"UTC{_utc_offset(start)} ({timezone})"
    )
    return f"{day}, {start:%H:%M}–{end_text} {zone_text}"


def _utc_offset(moment: dt.datetime) -> str:
    offset = moment.utcoffset() or dt.timedelta(0)
    sign = "-" if offset < dt.timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
