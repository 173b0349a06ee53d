"""Scores for every (request, mentor) pair, vectorised with numpy.

Each side becomes a few 0/1 feature matrices (industries, topics, programme words, languages,
meeting formats, and 336 half-hour slots of a reference week in UTC); every component of the
score is then one matrix product or broadcast over all pairs at once. Hard rules turn a pair
into `-inf`, and the first rule that fails is kept per pair so a waiting student can be told
why nobody fits.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import numpy as np

from ..config import MatchingConfig
from ..profiles.models import Mentor
from ..weekly import WeeklyWindow

SLOT_MINUTES = 30
WEEK_SLOTS = 7 * 24 * 60 // SLOT_MINUTES  # 336 half-hours

# The score's parts, in the order reasons are listed when they weigh the same.
COMPONENTS = (
    "preferred",
    "industry",
    "topic",
    "availability",
    "program",
    "meeting_format",
    "language",
)

# Why a pair is forbidden: the first hard rule it fails, in this order (0 = allowed).
ALLOWED = 0
NOT_ACCEPTING = 1
FULL = 2
STALE = 3
NO_LANGUAGE = 4
NO_TIME = 5
MATCHED_BEFORE = 6
LOW_SCORE = 7

# Requests are scored in blocks of this many rows so temporaries stay small at 10,000 x 2,000.
_CHUNK = 1024

# Words that say which degree, not which subject: "BSc Computer Science" ~ "MSc Computer Science".
_PROGRAM_STOP_WORDS = frozenset(
    [
        "ba",
        "bs",
        "bsc",
        "ma",
        "ms",
        "msc",
        "mba",
        "phd",
        "dphil",
        "mphil",
        "meng",
        "beng",
        "llb",
        "llm",
        "bed",
        "med",
        "ba",
        "hons",
        "honours",
        "bachelor",
        "bachelors",
        "master",
        "masters",
        "doctor",
        "doctorate",
        "degree",
        "diploma",
        "certificate",
        "of",
        "in",
        "and",
        "the",
        "for",
        "with",
        "science",
        "sciences",
        "studies",
    ]
)


@dataclass(frozen=True)
class MatchRequest:
    """What matching needs from one request row (no name or email: they are not scored)."""

    request_id: str
    program: str = ""
    industries: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    meeting_formats: tuple[str, ...] = ()
    timezone: str = "UTC"
    # In the student's own timezone.
    availability: tuple[WeeklyWindow, ...] = ()
    preferred_mentor: str = ""


def reference_week(now: dt.datetime) -> dt.datetime:
    """Monday 00:00 UTC of the week after `now`: the week whose clocks (DST) we compare."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    today = now.astimezone(dt.UTC).date()
    monday = today + dt.timedelta(days=7 - today.weekday())
    return dt.datetime.combine(monday, dt.time(0), tzinfo=dt.UTC)


def week_slots(
    windows: Iterable[WeeklyWindow], timezone: str, week_start: dt.datetime
) -> np.ndarray:
    """The half-hours of the reference week (UTC) that local weekly windows cover completely."""
    return _week_slots(tuple(windows), timezone, week_start).copy()


@functools.lru_cache(maxsize=4096)
def _week_slots(
    windows: tuple[WeeklyWindow, ...], timezone: str, week_start: dt.datetime
) -> np.ndarray:
    # Students tick the same few form options, so most requests share a (windows, zone) pair.
    slots = np.zeros(WEEK_SLOTS, dtype=bool)
    for day, start, end in windows:
        begin = _utc_minute(timezone, week_start, day, start)
        finish = _utc_minute(timezone, week_start, day, end)
        first, last = -(-begin // SLOT_MINUTES), finish // SLOT_MINUTES
        if last > first:
            # A weekly window repeats, so time before or after the reference week wraps round.
            slots[np.arange(first, last) % WEEK_SLOTS] = True
    slots.flags.writeable = False
    return slots


@functools.lru_cache(maxsize=65536)
def _utc_minute(timezone: str, week_start: dt.datetime, day: int, minute: int) -> int:
    """Minutes from `week_start` to `minute` past local midnight of weekday `day` (that week)."""
    midnight = dt.datetime.combine(
        week_start.date() + dt.timedelta(days=day), dt.time(0), ZoneInfo(timezone)
    )
    # Aware + timedelta moves the wall clock, so the UTC offset is the one of that moment.
    moment = (midnight + dt.timedelta(minutes=minute)).astimezone(dt.UTC)
    return int((moment - week_start).total_seconds() // 60)


def mentor_windows(mentor: Mentor) -> list[WeeklyWindow]:
    """A mentor's availability windows, in their own timezone."""
    return [w.weekly for w in mentor.availability]


def program_words(program: str) -> frozenset[str]:
    """The subject words of a programme name ('BSc Computer Science' -> {'computer'})."""
    words = re.findall(r"[^\W_]+", program.casefold())
    return frozenset(w for w in words if w not in _PROGRAM_STOP_WORDS)


def _norm(term: str) -> str:
    return " ".join(term.casefold().split())


@dataclass
class Features:
    """0/1 feature matrices of one side (rows: people), over a vocabulary shared by both sides."""

    industry: np.ndarray
    topic: np.ndarray
    program: np.ndarray
    language: np.ndarray
    formats: np.ndarray
    slots: np.ndarray  # float32 0/1, like the others, so overlaps are one matrix product

    def rows(self, index: slice | np.ndarray) -> Features:
        """The features of some rows only."""
        return Features(*(getattr(self, f)[index] for f in Features.__dataclass_fields__))


def _multi_hot(people: Sequence[Iterable[str]], vocab: dict[str, int]) -> np.ndarray:
    matrix = np.zeros((len(people), max(len(vocab), 1)), dtype=np.float32)
    for row, terms in enumerate(people):
        for term in terms:
            matrix[row, vocab[term]] = 1.0
    return matrix


def _vocab(*sides: Sequence[Iterable[str]]) -> dict[str, int]:
    terms = sorted({t for side in sides for person in side for t in person})
    return {t: i for i, t in enumerate(terms)}


@dataclass
class PairScores:
    """Scores of all pairs plus what explains them.

    `scores` (requests x mentors, float64) holds `-inf` for forbidden pairs; `blocked` the
    first hard rule each pair fails (module constants, 0 = allowed); `remaining` each mentor's
    free places. The features and weights stay so one pair can be explained later.
    """

    scores: np.ndarray
    blocked: np.ndarray
    remaining: np.ndarray
    week_start: dt.datetime
    weights: MatchingConfig
    requests: Features = field(repr=False)
    mentors: Features = field(repr=False)
    preferred: np.ndarray = field(repr=False)

    def components(self, i: int, j: int) -> dict[str, float]:
        """The weighted parts of pair (i, j)'s score, by name (see COMPONENTS)."""
        parts = _components(
            self.requests.rows(slice(i, i + 1)),
            self.mentors.rows(slice(j, j + 1)),
            self.preferred[i : i + 1],
            j,
            self.weights,
        )
        return {name: float(value[0, 0]) for name, value in parts.items()}

    def shared_slots(self, i: int, j: int) -> np.ndarray:
        """The half-hours of the reference week (UTC) both sides of pair (i, j) are free."""
        shared: np.ndarray = (self.requests.slots[i] > 0) & (self.mentors.slots[j] > 0)
        return shared


def _components(
    req: Features,
    men: Features,
    preferred: np.ndarray,
    first_mentor: int,
    weights: MatchingConfig,
) -> dict[str, np.ndarray]:
    """Weighted score parts for every pair of `req` rows x `men` rows (float32 matrices)."""
    industry = (req.industry @ men.industry.T) > 0
    topics_asked = req.topic.sum(axis=1, keepdims=True)
    topic = (req.topic @ men.topic.T) / np.maximum(topics_asked, 1)
    both = req.program @ men.program.T
    either = req.program.sum(axis=1, keepdims=True) + men.program.sum(axis=1)[None, :] - both
    program = np.divide(both, either, out=np.zeros_like(both), where=either > 0)
    language = (req.language @ men.language.T) > 0
    shared_hours = (req.slots @ men.slots.T) * (SLOT_MINUTES / 60)
    availability = np.minimum(shared_hours / max(weights.availability_hours, 1e-9), 1.0)
    # A student who gave no format is happy with any.
    any_format = req.formats.sum(axis=1, keepdims=True) == 0
    meeting_format = ((req.formats @ men.formats.T) > 0) | any_format
    mentor_ids = np.arange(first_mentor, first_mentor + men.industry.shape[0])
    asked = preferred[:, None] == mentor_ids[None, :]
    return {
        "preferred": weights.preferred * asked.astype(np.float32),
        "industry": weights.industry * industry.astype(np.float32),
        "topic": weights.topic * topic.astype(np.float32),
        "availability": weights.availability * availability.astype(np.float32),
        "program": weights.program * program.astype(np.float32),
        "meeting_format": weights.meeting_format * meeting_format.astype(np.float32),
        "language": weights.language * language.astype(np.float32),
    }


def build_features(
    requests: Sequence[MatchRequest], mentors: Sequence[Mentor], week_start: dt.datetime
) -> tuple[Features, Features]:
    """Feature matrices of both sides over shared vocabularies."""
    r_ind = [{_norm(t) for t in r.industries} for r in requests]
    m_ind = [{_norm(m.industry)} for m in mentors]
    r_top = [{_norm(t) for t in r.topics} for r in requests]
    m_top = [{_norm(t) for t in m.topics} for m in mentors]
    r_prog = [program_words(r.program) for r in requests]
    m_prog = [program_words(m.program) for m in mentors]
    r_lang = [{_norm(t) for t in r.languages} for r in requests]
    m_lang = [{_norm(t) for t in m.languages} for m in mentors]
    r_fmt = [{_norm(t) for t in r.meeting_formats} for r in requests]
    m_fmt = [{_norm(str(f)) for f in m.meeting_formats} for m in mentors]
    vocabs = [
        _vocab(r_ind, m_ind),
        _vocab(r_top, m_top),
        _vocab(r_prog, m_prog),
        _vocab(r_lang, m_lang),
        _vocab(r_fmt, m_fmt),
    ]
    r_slots = np.zeros((len(requests), WEEK_SLOTS), dtype=np.float32)
    for row, r in enumerate(requests):
        r_slots[row] = _week_slots(r.availability, r.timezone, week_start)
    m_slots = np.zeros((len(mentors), WEEK_SLOTS), dtype=np.float32)
    for row, m in enumerate(mentors):
        m_slots[row] = _week_slots(tuple(mentor_windows(m)), m.timezone, week_start)

    def side(lists: Sequence[Sequence[Iterable[str]]], slots: np.ndarray) -> Features:
        hot = [_multi_hot(people, vocab) for people, vocab in zip(lists, vocabs, strict=True)]
        return Features(hot[0], hot[1], hot[2], hot[3], hot[4], slots)

    return (
        side([r_ind, r_top, r_prog, r_lang, r_fmt], r_slots),
        side([m_ind, m_top, m_prog, m_lang, m_fmt], m_slots),
    )


def _runs(slots: np.ndarray, length: int) -> np.ndarray:
    """1 where a run of `length` free slots starts, from 0/1 slot rows.

    The week is periodic (as the slots are), so a run may cross from Sunday into Monday.
    """
    runs = slots.copy()
    for k in range(1, length):
        runs *= np.roll(slots, -k, axis=1)
    return runs


def score_pairs(
    requests: Sequence[MatchRequest],
    mentors: Sequence[Mentor],
    weights: MatchingConfig,
    now: dt.datetime,
    *,
    remaining: Sequence[int] | np.ndarray | None = None,
    previous: Iterable[tuple[int, int]] = (),
    session_minutes: int = SLOT_MINUTES,
) -> PairScores:
    """Score every (request, mentor) pair and apply the hard rules.

    `remaining` gives each mentor's free places (capacity minus active matches; default the
    capacity), `previous` the (request index, mentor index) pairs matched before in any status.
    A pair is forbidden (`-inf`) when the mentor is not accepting, has no free place, confirmed
    the profile more than `max_profile_age_days` ago, shares no language with the student (a
    student who named none is not held to this), shares no stretch of the coming week
    long enough for a `session_minutes` session (in whole half-hours; otherwise scheduling could
    never place the first session), was
    matched with this student before (unless the student asked for this mentor again), or
    scores below `min_score`.
    """
    n_req, n_men = len(requests), len(mentors)
    week_start = reference_week(now)
    req, men = build_features(requests, mentors, week_start)
    need = max(1, math.ceil(session_minutes / SLOT_MINUTES))
    req_runs, men_runs = _runs(req.slots, need), _runs(men.slots, need)
    free = np.array(
        [m.capacity for m in mentors] if remaining is None else remaining, dtype=np.int64
    ).reshape(n_men)
    slug_index = {m.slug: j for j, m in enumerate(mentors)}
    preferred = np.array([slug_index.get(r.preferred_mentor, -1) for r in requests], dtype=np.int64)

    today = now.date()
    mentor_rule = np.zeros(n_men, dtype=np.int8)
    stale = np.array(
        [(today - m.confirmed).days > weights.max_profile_age_days for m in mentors], dtype=bool
    )
    # Assigned in reverse so the first failing rule is the one kept.
    mentor_rule[stale] = STALE
    mentor_rule[free <= 0] = FULL
    mentor_rule[np.array([not m.accepting for m in mentors], dtype=bool)] = NOT_ACCEPTING
    before = np.zeros((n_req, n_men), dtype=bool)
    for i, j in previous:
        before[i, j] = True
    no_languages = req.language.sum(axis=1) == 0
    mentor_blocked = mentor_rule > 0

    scores = np.empty((n_req, n_men), dtype=np.float64)
    blocked = np.empty((n_req, n_men), dtype=np.int8)
    for lo in range(0, n_req, _CHUNK):
        hi = min(lo + _CHUNK, n_req)
        parts = _components(req.rows(slice(lo, hi)), men, preferred[lo:hi], 0, weights)
        # float32 is ample for a sum of a few weighted parts; the solver rounds far coarser.
        total = parts[COMPONENTS[0]].copy()
        for name in COMPONENTS[1:]:
            total += parts[name]
        rule = np.zeros((hi - lo, n_men), dtype=np.int8)
        rule[total < weights.min_score] = LOW_SCORE
        asked = preferred[lo:hi, None] == np.arange(n_men)[None, :]
        rule[before[lo:hi] & ~asked] = MATCHED_BEFORE
        # Some run of `need` consecutive half-hours free on both sides.
        fits = (req_runs[lo:hi] @ men_runs.T) > 0
        rule[~fits] = NO_TIME
        if weights.language > 0:
            speaks = parts["language"] > 0
        else:
            speaks = (req.language[lo:hi] @ men.language.T) > 0
        rule[~(speaks | no_languages[lo:hi, None])] = NO_LANGUAGE
        rule[:, mentor_blocked] = mentor_rule[mentor_blocked]
        total[rule > 0] = -np.inf
        scores[lo:hi] = total
        blocked[lo:hi] = rule
    return PairScores(scores, blocked, free, week_start, weights, req, men, preferred)
