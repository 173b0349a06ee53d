"""Reasons in words: why a pair was matched, and why a request still waits.

The words go into the Matches tab and the nightly summary, which staff read and invites may
quote, so they name the mentor by first name and mention only what the student asked for
(industries, topics, languages, times), never the student's name or email.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import numpy as np

from ..profiles.models import Mentor
from . import scoring
from .scoring import COMPONENTS, SLOT_MINUTES, MatchRequest

_FORMAT_WORDS = {"video": "by video", "phone": "by phone", "in person": "in person"}
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def first_name(mentor: Mentor) -> str:
    """The name a student would greet the mentor by."""
    return mentor.name.split()[0] if mentor.name.split() else mentor.slug


def join_words(items: Sequence[str], last: str = "and") -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def _topic_words(topic: str) -> str:
    # "Interview practice" reads better mid-sentence as "interview practice"; keep "AI", "CV".
    return topic[:1].lower() + topic[1:] if topic[1:2].islower() else topic


def hours_text(slots: int) -> str:
    """Half-hour slots as '30 min', '1 h', '2.5 h'."""
    minutes = slots * SLOT_MINUTES
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes / 60
    return f"{hours:g} h"


def _part_of_day(hour: int) -> str:
    if 5 <= hour < 12:
        return "morning"
    if 12 <= hour < 17:
        return "afternoon"
    if 17 <= hour < 22:
        return "evening"
    return "night"


def shared_time_text(shared: np.ndarray, timezone: str, week_start: dt.datetime) -> str:
    """'4 h of shared evenings', '2 h of shared Tuesday evenings', in the student's own time."""
    count = int(shared.sum())
    if count == 0:
        return "no shared time"
    tz = ZoneInfo(timezone)
    moments = [
        (week_start + dt.timedelta(minutes=int(s) * SLOT_MINUTES)).astimezone(tz)
        for s in np.flatnonzero(shared)
    ]
    parts = Counter(_part_of_day(m.hour) for m in moments)
    days = {m.weekday() for m in moments}
    part, most = parts.most_common(1)[0]
    # Name the part of the day only when it describes most of the shared time.
    part = part if most * 3 >= count * 2 else ""
    day = _DAY_NAMES[days.pop()] if len(days) == 1 else ""
    amount = hours_text(count)
    if day and part:
        return f"{amount} of shared {day} {part}s"
    if part:
        return f"{amount} of shared {part}s"
    if day:
        return f"{amount} of shared time on {day}s"
    return f"{amount} of shared time a week"


def _reason(
    name: str,
    request: MatchRequest,
    mentor: Mentor,
    shared: np.ndarray,
    week_start: dt.datetime,
    value: float,
    weight: float,
) -> str:
    who = first_name(mentor)
    if name == "preferred":
        return f"you asked for {who}"
    if name == "industry":
        return f"both in {mentor.industry}"
    if name == "topic":
        offered = {t.casefold(): t for t in mentor.topics}
        common = [offered[t.casefold()] for t in request.topics if t.casefold() in offered]
        return f"you asked for {join_words([_topic_words(t) for t in common])}, which {who} offers"
    if name == "availability":
        return shared_time_text(shared, request.timezone, week_start)
    if name == "program":
        same = value >= weight - 1e-6
        return f"{'same' if same else 'related'} subject: {who} studied {mentor.program}"
    if name == "meeting_format":
        mine = {f.casefold() for f in request.meeting_formats}
        theirs = [str(f) for f in mentor.meeting_formats]
        common = [f for f in theirs if not mine or f in mine]
        ways = join_words([_FORMAT_WORDS.get(f, f) for f in common], "or")
        return f"both happy to meet {ways}" if mine else f"{who} can meet {ways}"
    if name == "language":
        spoken = {x.casefold() for x in request.languages}
        common = [x for x in mentor.languages if x.casefold() in spoken]
        return f"you both speak {join_words(common)}"
    raise ValueError(f"unknown score part {name!r}")


def match_reasons(
    pairs: scoring.PairScores,
    i: int,
    j: int,
    request: MatchRequest,
    mentor: Mentor,
    limit: int = 3,
) -> list[str]:
    """The top reasons pair (i, j) was chosen, in plain words.

    What sets this mentor apart (asked for, industry, topics, programme, shared time) comes
    first, by its share of the score; a shared language or meeting format, which most pairs
    have, only fills the remaining places.
    """
    parts = pairs.components(i, j)
    weights = pairs.weights

    def rank(name: str) -> tuple[bool, float, int]:
        return (name in _COMMON, -round(parts[name], 6), COMPONENTS.index(name))

    ranked = sorted((name for name in COMPONENTS if parts[name] > 1e-9), key=rank)
    shared = pairs.shared_slots(i, j)
    return [
        _reason(
            name, request, mentor, shared, pairs.week_start, parts[name], getattr(weights, name)
        )
        for name in ranked[:limit]
    ]


_COMMON = frozenset({"language", "meeting_format"})


# What a hard rule means for a waiting student, completing "no mentor [in X] ...".
_RULE_WORDS = {
    scoring.NOT_ACCEPTING: "with free capacity",
    scoring.FULL: "with free capacity",
    scoring.STALE: "with a recently confirmed profile",
    scoring.NO_TIME: "free at the times you gave",
    scoring.MATCHED_BEFORE: "you have not been matched with before",
    scoring.LOW_SCORE: "close enough to what you asked for",
}


def waiting_reason(request: MatchRequest, mentors: Sequence[Mentor], blocked: np.ndarray) -> str:
    """Why nobody was matched with this request, in plain words.

    `blocked` is the request's row of `PairScores.blocked` as it stands after this round's
    matches (mentors filled this round count as full), so the next run, which sees those
    matches in the ledger, gives the same reason and leaves the row unchanged.
    """
    if not mentors:
        return "no mentors in the directory yet"
    if (blocked == scoring.ALLOWED).any():
        # Not after an optimal round (a free fitting mentor would have been used); say so.
        return "a mentor who fits still has a place: run matching again"
    wanted = {i.casefold() for i in request.industries}
    where = f" in {join_words(list(request.industries), 'or')}" if wanted else ""
    relevant = [j for j, m in enumerate(mentors) if not wanted or m.industry.casefold() in wanted]
    if not relevant:
        return f"no mentor{where}"
    free = [j for j in relevant if int(blocked[j]) not in (scoring.NOT_ACCEPTING, scoring.FULL)]
    if not free:
        return f"no mentor{where} with free capacity"
    # Among mentors with room, the rule that stopped most of them says what to change.
    rules = Counter(int(blocked[j]) for j in free)
    rule = min(rules, key=lambda r: (-rules[r], r))
    if rule == scoring.NO_LANGUAGE:
        return f"no mentor{where} who speaks {join_words(list(request.languages), 'or')}"
    return f"no mentor{where} {_RULE_WORDS.get(rule, 'who fits')}"
