"""The programme's figures for a term, from the Requests, Matches and Sessions tabs (pure).

Nothing here identifies a student or pairs one with a mentor: every figure is a count, a
share, a mean or a median, and breakdowns are by industry or language only. Any figure about
fewer than `MIN_PEOPLE` people (a count under 5, or a mean, median or share over fewer than 5)
is replaced by `FEWER` through the one function `shown`.

Definitions (a moment is "in the term" when its date, in its own offset, lies in START..END):

- requests: Requests rows submitted in the term; valid: of those, the ones not `invalid`,
  `duplicate` or `superseded`; matched share: valid requests now `matched` / valid requests.
- a match's first session is held at session 1's `start` when that row says `held`; when the
  row says nothing happened yet (no row, or `scheduled`/blank) at `Matches.event_start` once
  that time has passed and the match is `invited`, `completed` or `closed`; never when session
  1 says `moved`, `missed`, `cancelled` or `no_time`.
- first sessions held: matches whose first session was held in the term; median days to first
  session: over those, days from the request's `submitted_at` to that session.
- sessions per match: held sessions (rows saying `held`, or the first session as above) in the
  term, per match with a held first session in the term.
- completed, closed: matches of the term (created in it, or with a session in it) now in that
  state.
- ratings: each side's `useful` and `progress` answers (1-5) on session rows in the term:
  mean and distribution; people are the matches that answered.
- mentors active: mentors with a held session in the term; returning: of those, the ones also
  active in the previous term (the same length, just before START; needs both ends).
- waiting: requests of the term now `waiting`, by industry and by language they asked for
  (a request naming two counts under both; a value outside the taxonomy counts as "(other)").
- demand against free places: waiting requests against the places new students could take
  now (capacity minus live matches, for accepting mentors with a current profile), in total
  and per industry and language.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .. import lifecycle
from ..ledger import (
    MATCH_COLUMNS,
    MATCHES,
    REQUEST_COLUMNS,
    REQUESTS,
    SESSION_COLUMNS,
    SESSIONS,
    MatchStatus,
    RequestStatus,
    SessionStatus,
    Spreadsheet,
    Table,
    parse_utc_timestamp,
    split_list,
)
from ..open_places import open_places

MIN_PEOPLE = 5
FEWER = "fewer than 5"
FORMAT_VERSION = 1

Shown = int | float | str
NOT_GIVEN = "(none given)"
OTHER = "(other)"
_INVALID = {RequestStatus.INVALID, RequestStatus.DUPLICATE, RequestStatus.SUPERSEDED}
_FIRST_SESSION_MATCHES = {MatchStatus.INVITED, MatchStatus.COMPLETED, MatchStatus.CLOSED}
_NOT_HELD = {SessionStatus.MOVED, SessionStatus.MISSED, SessionStatus.CANCELLED}
_NOT_HELD |= {SessionStatus.NO_TIME}
# What staff type instead of the canonical words (the check-in stage reads them the same way).
_SESSION_SYNONYMS = {
    "happened": SessionStatus.HELD,
    "done": SessionStatus.HELD,
    "took_place": SessionStatus.HELD,
    "no_show": SessionStatus.MISSED,
    "noshow": SessionStatus.MISSED,
    "rescheduled": SessionStatus.MOVED,
    "canceled": SessionStatus.CANCELLED,
    "notime": SessionStatus.NO_TIME,
}
_SIDES = ("students", "mentors")
_SIDE_PREFIX = {"students": "student", "mentors": "mentor"}


def shown(value: float | None, people: int) -> Shown:
    """The one privacy rule: `value` as published, or FEWER when it is about under 5 people.

    A count is about `people == value` people; a mean, median or share about the people it is
    taken over. A value over nobody (None) is FEWER too.
    """
    if value is None or people < MIN_PEOPLE:
        return FEWER
    if isinstance(value, float):
        return round(value, 2)
    return value


def count(n: int) -> Shown:
    """A count of people as published (the rule with people = the count)."""
    return shown(n, n)


@dataclass(frozen=True)
class Term:
    """A span of days, both ends included; None at an end means open (all time)."""

    start: dt.date | None = None
    end: dt.date | None = None

    def contains(self, moment: dt.datetime | None) -> bool:
        """Whether `moment`'s date (in its own offset) lies in the term."""
        if moment is None:
            return False
        day = moment.date()
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    def previous(self) -> Term | None:
        """The term of the same length just before this one (None without both ends)."""
        if self.start is None or self.end is None:
            return None
        length = self.end - self.start + dt.timedelta(days=1)
        return Term(self.start - length, self.start - dt.timedelta(days=1))

    def label(self) -> str:
        """'2026-09-01 to 2026-12-19', 'all time', 'up to 2026-12-19', 'from 2026-09-01'."""
        if self.start and self.end:
            return f"{self.start.isoformat()} to {self.end.isoformat()}"
        if self.end:
            return f"up to {self.end.isoformat()}"
        if self.start:
            return f"from {self.start.isoformat()}"
        return "all time"


def parse_term(text: str) -> Term:
    """'2026-09-01:2026-12-19' as a Term; either side may be empty. Raises ValueError."""
    start_text, colon, end_text = text.strip().partition(":")
    if not colon:
        raise ValueError(f"{text!r} has no ':' between the first and the last day")
    try:
        start = dt.date.fromisoformat(start_text.strip()) if start_text.strip() else None
        end = dt.date.fromisoformat(end_text.strip()) if end_text.strip() else None
    except ValueError:
        raise ValueError(f"{text!r} does not hold two dates like 2026-09-01") from None
    if start and end and end < start:
        raise ValueError(f"{text!r} ends before it starts")
    return Term(start, end)


class MentorLike(Protocol):
    """What the demand figures need of a mentor's public profile."""

    @property
    def slug(self) -> str: ...
    @property
    def capacity(self) -> int: ...
    @property
    def accepting(self) -> bool: ...
    @property
    def confirmed(self) -> dt.date: ...
    @property
    def industry(self) -> str: ...
    @property
    def languages(self) -> Sequence[str]: ...


@dataclass
class Figures:
    """The published figures (values already through `shown`): see the module docstring."""

    term: Term
    requests: Shown
    valid_requests: Shown
    matched: Shown
    matched_share: Shown
    median_days_to_first_session: Shown
    first_sessions_held: Shown
    sessions_per_match: Shown
    completed_matches: Shown
    closed_matches: Shown
    ratings: dict[str, dict[str, dict[str, Any]]]
    mentors_active: Shown
    mentors_returning: Shown | None
    waiting: Shown
    waiting_by_industry: dict[str, Shown] = field(default_factory=dict)
    waiting_by_language: dict[str, Shown] = field(default_factory=dict)
    open_places: int = 0
    demand_by_industry: dict[str, dict[str, Shown]] = field(default_factory=dict)
    demand_by_language: dict[str, dict[str, Shown]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the figures file (stable: no timestamp, sorted breakdowns)."""
        return {
            "version": FORMAT_VERSION,
            "term": {
                "start": self.term.start.isoformat() if self.term.start else None,
                "end": self.term.end.isoformat() if self.term.end else None,
                "label": self.term.label(),
            },
            "min_people": MIN_PEOPLE,
            "requests": self.requests,
            "valid_requests": self.valid_requests,
            "matched": self.matched,
            "matched_share": self.matched_share,
            "median_days_to_first_session": self.median_days_to_first_session,
            "first_sessions_held": self.first_sessions_held,
            "sessions_per_match": self.sessions_per_match,
            "completed_matches": self.completed_matches,
            "closed_matches": self.closed_matches,
            "ratings": self.ratings,
            "mentors_active": self.mentors_active,
            "mentors_returning": self.mentors_returning,
            "waiting": self.waiting,
            "waiting_by_industry": self.waiting_by_industry,
            "waiting_by_language": self.waiting_by_language,
            "open_places": self.open_places,
            "demand_by_industry": self.demand_by_industry,
            "demand_by_language": self.demand_by_language,
        }


def session_state(cell: str) -> str | None:
    """The canonical session status of a cell, '' for blank, None when unknown."""
    key = re.sub(r"[\s\-]+", "_", cell.strip().casefold().rstrip(".!").strip())
    if not key:
        return ""
    if key in SessionStatus.ALL:
        return key
    return _SESSION_SYNONYMS.get(key)


def rating(cell: str) -> int | None:
    """A 1-5 answer ('4', '4 - useful'), or None."""
    found = re.match(r"\s*([1-5])(?!\d)", cell)
    return int(found.group(1)) if found else None


def _number(cell: str) -> int:
    return int(cell) if cell.strip().isdigit() else 0


def _first_sessions(
    matches: Table, sessions: Mapping[str, list[Any]], now: dt.datetime
) -> dict[str, dt.datetime]:
    """Match id -> when its first session was held (see the module docstring)."""
    out: dict[str, dt.datetime] = {}
    for match in matches:
        match_id = match["match_id"].strip()
        if not match_id:
            continue
        first = [r for r in sessions.get(match_id, []) if _number(r["number"]) == 1]
        state = session_state(first[-1]["status"]) if first else ""
        if state == SessionStatus.HELD:
            when = parse_utc_timestamp(first[-1]["start"]) or parse_utc_timestamp(
                match["event_start"]
            )
        elif state in _NOT_HELD or lifecycle.match_state(match["status"]) not in (
            _FIRST_SESSION_MATCHES
        ):
            continue
        else:
            start = first[-1]["start"] if first else ""
            when = parse_utc_timestamp(match["event_start"]) or parse_utc_timestamp(start)
            if when is not None and when >= now:
                continue
        if when is not None:
            out[match_id] = when
    return out


def _held_sessions(
    matches: Table, sessions: Mapping[str, list[Any]], first: Mapping[str, dt.datetime]
) -> dict[str, list[dt.datetime]]:
    """Match id -> the starts of its held sessions (the first session by its own rule)."""
    out: dict[str, list[dt.datetime]] = {}
    for match_id, when in first.items():
        times = [when]
        for row in sessions.get(match_id, []):
            if _number(row["number"]) <= 1 or session_state(row["status"]) != SessionStatus.HELD:
                continue
            start = parse_utc_timestamp(row["start"])
            if start is not None:
                times.append(start)
        out[match_id] = times
    return out


def _ratings(rows: Iterable[Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """Per side and question: how many answered, the mean and the distribution (1-5)."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for side in _SIDES:
        prefix = _SIDE_PREFIX[side]
        out[side] = {}
        for question in ("useful", "progress"):
            answers: list[int] = []
            people: set[str] = set()
            people_at: dict[int, set[str]] = defaultdict(set)
            for row in rows:
                value = rating(row[f"{prefix}_{question}"])
                if value is None:
                    continue
                answers.append(value)
                people.add(row["match_id"])
                people_at[value].add(row["match_id"])
            tally = Counter(answers)
            out[side][question] = {
                "people": count(len(people)),
                "mean": shown(statistics.fmean(answers) if answers else None, len(people)),
                "distribution": {str(v): shown(tally[v], len(people_at[v])) for v in range(1, 6)},
            }
    return out


def _active_mentors(matches: Table, held: Mapping[str, list[dt.datetime]], term: Term) -> set[str]:
    by_id = {m["match_id"].strip(): m for m in matches}
    return {
        by_id[match_id]["mentor"].strip()
        for match_id, times in held.items()
        if match_id in by_id and any(term.contains(t) for t in times)
    }


def _tally(items: Iterable[list[str]], known: Iterable[str]) -> dict[str, int]:
    """How many lists name each known value; anything else (a student's own words in an
    "Other" answer, which could identify them) counts as OTHER, nothing as NOT_GIVEN."""
    spelling = {k.casefold(): k for k in known}
    counts: Counter[str] = Counter()
    for values in items:
        names = {spelling.get(v.casefold(), OTHER) for v in values} or {NOT_GIVEN}
        counts.update(names)
    return dict(counts)


def _sorted_shown(counts: Mapping[str, int]) -> dict[str, Shown]:
    # Largest first, then by name, so the file and charts are stable night to night.
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold()))
    return {name: count(n) for name, n in ordered}


def _demand(waiting: Mapping[str, int], places: Mapping[str, int]) -> dict[str, dict[str, Shown]]:
    names = {**{k: k for k in places}, **{k: k for k in waiting}}
    ordered = sorted(names, key=lambda k: (-waiting.get(k, 0), -places.get(k, 0), k.casefold()))
    return {
        k: {"waiting": count(waiting.get(k, 0)), "open_places": places.get(k, 0)} for k in ordered
    }


def programme_figures(
    requests: Table,
    matches: Table,
    sessions: Table,
    term: Term,
    now: dt.datetime,
    mentors: Sequence[MentorLike] = (),
    max_profile_age_days: int = 400,
    industries: Sequence[str] = (),
    languages: Sequence[str] = (),
) -> Figures:
    """The term's figures (see the module docstring), every one through the privacy rule.

    `mentors` are the public profiles, for the open places; `now` decides which first sessions
    have passed and which mentors' profiles are current. Breakdowns name only `industries`
    and `languages` (the taxonomy's) and the mentors' own; any other answer counts as OTHER.
    """
    of_term = [r for r in requests if term.contains(parse_utc_timestamp(r["submitted_at"]))]
    states = [lifecycle.request_state(r["status"]) for r in of_term]
    valid = [r for r, s in zip(of_term, states, strict=True) if s not in _INVALID]
    matched = [r for r in valid if lifecycle.request_state(r["status"]) == RequestStatus.MATCHED]

    by_match: dict[str, list[Any]] = defaultdict(list)
    for row in sessions:
        by_match[row["match_id"].strip()].append(row)
    for rows in by_match.values():
        rows.sort(key=lambda r: _number(r["number"]))
    first = _first_sessions(matches, by_match, now)
    first_in_term = {m: t for m, t in first.items() if term.contains(t)}
    submitted = {r["request_id"].strip(): parse_utc_timestamp(r["submitted_at"]) for r in requests}
    days = []
    for match in matches:
        when = first_in_term.get(match["match_id"].strip())
        asked = submitted.get(match["request_id"].strip())
        if when is not None and asked is not None:
            days.append((when - asked).total_seconds() / 86400)
    held = _held_sessions(matches, by_match, first)
    per_match = [sum(term.contains(t) for t in held[m]) for m in first_in_term]

    session_in_term = {
        m
        for m, rows in by_match.items()
        if any(term.contains(parse_utc_timestamp(r["start"])) for r in rows)
    }
    of_term_matches = [
        m
        for m in matches
        if term.contains(parse_utc_timestamp(m["created_at"]))
        or term.contains(parse_utc_timestamp(m["event_start"]))
        or m["match_id"].strip() in session_in_term
    ]
    states_m = Counter(lifecycle.match_state(m["status"]) for m in of_term_matches)
    rated = [r for r in sessions if term.contains(parse_utc_timestamp(r["start"]))]

    active = _active_mentors(matches, held, term)
    before = term.previous()
    returning = None if before is None else active & _active_mentors(matches, held, before)

    waiting = [r for r in valid if lifecycle.request_state(r["status"]) == RequestStatus.WAITING]
    known_industries = [*industries, *(m.industry for m in mentors)]
    known_languages = [*languages, *(lang for m in mentors for lang in m.languages)]
    by_industry = _tally((split_list(r["industries"]) for r in waiting), known_industries)
    by_language = _tally((split_list(r["languages"]) for r in waiting), known_languages)
    live: Counter[str] = Counter(
        m["mentor"].strip() for m in matches if lifecycle.is_live(m["status"])
    )
    places = open_places(mentors, live, now.astimezone(dt.UTC).date(), max_profile_age_days)
    places_by_industry: Counter[str] = Counter()
    places_by_language: Counter[str] = Counter()
    for mentor in mentors:
        places_by_industry[mentor.industry] += places.get(mentor.slug, 0)
        for language in mentor.languages:
            places_by_language[language] += places.get(mentor.slug, 0)

    return Figures(
        term=term,
        requests=count(len(of_term)),
        valid_requests=count(len(valid)),
        matched=count(len(matched)),
        matched_share=shown(
            len(matched) / len(valid) if valid else None, min(len(valid), len(matched))
        ),
        median_days_to_first_session=shown(
            float(statistics.median(days)) if days else None, len(days)
        ),
        first_sessions_held=count(len(first_in_term)),
        sessions_per_match=shown(
            statistics.fmean(per_match) if per_match else None, len(per_match)
        ),
        completed_matches=count(states_m[MatchStatus.COMPLETED]),
        closed_matches=count(states_m[MatchStatus.CLOSED]),
        ratings=_ratings(rated),
        mentors_active=count(len(active)),
        mentors_returning=None if returning is None else count(len(returning)),
        waiting=count(len(waiting)),
        waiting_by_industry=_sorted_shown(by_industry),
        waiting_by_language=_sorted_shown(by_language),
        open_places=sum(places.values()),
        demand_by_industry=_demand(by_industry, places_by_industry),
        demand_by_language=_demand(by_language, places_by_language),
    )


def ledger_figures(
    spreadsheet: Spreadsheet,
    term: Term,
    now: dt.datetime,
    mentors: Sequence[MentorLike] = (),
    max_profile_age_days: int = 400,
    industries: Sequence[str] = (),
    languages: Sequence[str] = (),
) -> Figures:
    """The figures from the ledger, read in one call (missing tabs count as empty)."""
    tabs = spreadsheet.read([REQUESTS, MATCHES, SESSIONS])
    return programme_figures(
        Table(REQUESTS, REQUEST_COLUMNS, tabs.get(REQUESTS)),
        Table(MATCHES, MATCH_COLUMNS, tabs.get(MATCHES)),
        Table(SESSIONS, SESSION_COLUMNS, tabs.get(SESSIONS)),
        term,
        now,
        mentors,
        max_profile_age_days,
        industries,
        languages,
    )
