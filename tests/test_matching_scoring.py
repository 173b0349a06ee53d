"""Pair scores: the vectorised matrices equal a pair-by-pair reading of the rules, real-time
availability across timezones honours DST, and every hard rule forbids its pairs."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import numpy as np
import pytest
from mentorship.config import MatchingConfig
from mentorship.matching import scoring
from mentorship.matching.scoring import MatchRequest, score_pairs, week_slots
from mentorship.profiles.models import Mentor
from mentorship.weekly import WeeklyWindow

from tests.support.mentors import make_mentor

NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
WEIGHTS = MatchingConfig()
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def make_request(request_id: str = "r1", **changes: object) -> MatchRequest:
    base = MatchRequest(
        request_id=request_id,
        program="MSc Computer Science",
        industries=("Software",),
        topics=("Interview practice",),
        languages=("English",),
        meeting_formats=("video",),
        timezone="Europe/London",
        availability=(WeeklyWindow(1, 17 * 60, 21 * 60),),
    )
    return dataclasses.replace(base, **changes)


def reference_score(req: MatchRequest, mentor: Mentor, w: MatchingConfig) -> float:
    """The score of one pair read straight from the rules, with Python sets."""
    start = scoring.reference_week(NOW)
    shared = week_slots(req.availability, req.timezone, start) & week_slots(
        scoring.mentor_windows(mentor), mentor.timezone, start
    )
    hours = shared.sum() / 2
    asked = {t.casefold() for t in req.topics}
    offered = {t.casefold() for t in mentor.topics}
    a, b = scoring.program_words(req.program), scoring.program_words(mentor.program)
    formats = {f.casefold() for f in req.meeting_formats}
    total = (
        w.industry * (mentor.industry.casefold() in {i.casefold() for i in req.industries})
        + w.topic * (len(asked & offered) / len(asked) if asked else 0)
        + w.program * (len(a & b) / len(a | b) if a | b else 0)
        + w.language
        * bool({x.casefold() for x in req.languages} & {x.casefold() for x in mentor.languages})
        + w.availability * min(hours / w.availability_hours, 1)
        + w.meeting_format
        * (not formats or bool(formats & {str(f) for f in mentor.meeting_formats}))
        + w.preferred * (req.preferred_mentor == mentor.slug)
    )
    return float(total)


def random_people(rng: random.Random, n_req: int, n_men: int):
    industries = ["Software", "Finance", "Healthcare", "Law"]
    topics = ["Interview practice", "First job", "Networking", "Career change", "Leadership"]
    programs = ["BSc Computer Science", "MSc Data Science", "BA History", "LLB Law", "MBA"]
    languages = ["English", "Spanish", "French"]
    formats = ["video", "phone", "in person"]
    zones = ["Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Sydney", "UTC"]
    mentors = []
    for j in range(n_men):
        start = rng.randrange(0, 37) * 30
        days = rng.sample(DAYS, 3)
        mentors.append(
            make_mentor(
                f"m{j:03d}",
                industry=rng.choice(industries),
                topics=rng.sample(topics, rng.randint(1, 3)),
                program=rng.choice(programs),
                languages=rng.sample(languages, rng.randint(1, 2)),
                meeting_formats=rng.sample(formats, rng.randint(1, 3)),
                timezone=rng.choice(zones),
                availability=[
                    {
                        "day": day,
                        "start": f"{start // 60:02d}:{start % 60:02d}",
                        "end": f"{(start + 330) // 60:02d}:{(start + 330) % 60:02d}",
                    }
                    for day in days
                ],
            )
        )
    requests = []
    for i in range(n_req):
        day = rng.randrange(7)
        requests.append(
            make_request(
                f"r{i}",
                industries=tuple(rng.sample(industries, rng.randint(0, 2))),
                topics=tuple(rng.sample(topics, rng.randint(0, 3))),
                program=rng.choice(programs),
                languages=tuple(rng.sample(languages, rng.randint(1, 2))),
                meeting_formats=tuple(rng.sample(formats, rng.randint(0, 2))),
                timezone=rng.choice(zones),
                availability=(
                    WeeklyWindow(day, 9 * 60, 12 * 60),
                    WeeklyWindow((day + 2) % 7, 17 * 60, 22 * 60),
                ),
                preferred_mentor=rng.choice(["", "", f"m{rng.randrange(n_men):03d}"]),
            )
        )
    return requests, mentors


def test_vectorised_scores_equal_the_pair_by_pair_rules():
    rng = random.Random(11)
    requests, mentors = random_people(rng, 40, 25)
    weights = MatchingConfig(min_score=0.0)
    pairs = score_pairs(requests, mentors, weights, NOW)
    checked = 0
    for i, req in enumerate(requests):
        for j, mentor in enumerate(mentors):
            if pairs.blocked[i, j] == scoring.ALLOWED:
                assert pairs.scores[i, j] == pytest.approx(
                    reference_score(req, mentor, weights), abs=1e-5
                )
                assert sum(pairs.components(i, j).values()) == pytest.approx(
                    pairs.scores[i, j], abs=1e-5
                )
                checked += 1
            else:
                assert pairs.scores[i, j] == -np.inf
    assert checked > 100


def test_scoring_in_blocks_gives_the_same_matrix(monkeypatch):
    rng = random.Random(5)
    requests, mentors = random_people(rng, 30, 10)
    whole = score_pairs(requests, mentors, WEIGHTS, NOW)
    monkeypatch.setattr(scoring, "_CHUNK", 7)
    blocks = score_pairs(requests, mentors, WEIGHTS, NOW)
    assert np.array_equal(whole.scores, blocks.scores)
    assert np.array_equal(whole.blocked, blocks.blocked)


def test_availability_is_compared_in_real_time_across_timezones():
    # 18:00-20:00 in London is 13:00-15:00 in New York for most of the year.
    mentor = make_mentor(availability=[{"day": "tuesday", "start": "18:00", "end": "20:00"}])
    student = make_request(
        timezone="America/New_York", availability=(WeeklyWindow(1, 13 * 60, 16 * 60),)
    )
    pairs = score_pairs([student], [mentor], WEIGHTS, NOW)
    assert pairs.shared_slots(0, 0).sum() == 4  # two hours


def test_daylight_saving_gap_week_shifts_the_overlap():
    # In the week of 2027-03-22 New York is already on summer time, London not yet: 18:00 London
    # is 14:00 in New York, so only 14:00-15:00 of the student's 13:00-15:00 is shared.
    mentor = make_mentor(availability=[{"day": "tuesday", "start": "18:00", "end": "20:00"}])
    student = make_request(
        timezone="America/New_York", availability=(WeeklyWindow(1, 13 * 60, 15 * 60),)
    )
    normal = score_pairs([student], [mentor], WEIGHTS, dt.datetime(2027, 2, 10, tzinfo=dt.UTC))
    gap = score_pairs([student], [mentor], WEIGHTS, dt.datetime(2027, 3, 17, tzinfo=dt.UTC))
    assert normal.shared_slots(0, 0).sum() == 4
    assert gap.shared_slots(0, 0).sum() == 2


def test_windows_crossing_the_week_boundary_wrap_round():
    # Monday 00:00-02:00 in Tokyo is Sunday 15:00-17:00 UTC.
    start = scoring.reference_week(NOW)
    tokyo = week_slots([WeeklyWindow(0, 0, 120)], "Asia/Tokyo", start)
    utc = week_slots([WeeklyWindow(6, 15 * 60, 17 * 60)], "UTC", start)
    assert tokyo.sum() == 4
    assert np.array_equal(tokyo, utc)


def test_reference_week_is_the_coming_monday_in_utc():
    assert scoring.reference_week(NOW) == dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
    with pytest.raises(ValueError):
        scoring.reference_week(dt.datetime(2026, 11, 28))


@pytest.mark.parametrize(
    ("mentor_changes", "request_changes", "rule"),
    [
        ({"accepting": False}, {}, scoring.NOT_ACCEPTING),
        ({"confirmed": "2024-01-01"}, {}, scoring.STALE),
        ({"languages": ["Spanish"]}, {}, scoring.NO_LANGUAGE),
        (
            {"availability": [{"day": "monday", "start": "08:00", "end": "09:00"}]},
            {},
            scoring.NO_TIME,
        ),
        (
            {"industry": "Law", "topics": ["Networking"], "program": "LLB Law"},
            {},
            scoring.LOW_SCORE,
        ),
    ],
)
def test_hard_rules_forbid_a_pair(mentor_changes, request_changes, rule):
    weights = MatchingConfig(min_score=5.0)
    pairs = score_pairs(
        [make_request(**request_changes)], [make_mentor(**mentor_changes)], weights, NOW
    )
    assert pairs.scores[0, 0] == -np.inf
    assert pairs.blocked[0, 0] == rule


def test_a_good_pair_is_allowed():
    pairs = score_pairs([make_request()], [make_mentor()], MatchingConfig(min_score=5.0), NOW)
    assert pairs.blocked[0, 0] == scoring.ALLOWED
    assert np.isfinite(pairs.scores[0, 0])


def test_no_free_place_forbids_every_pair_with_that_mentor():
    pairs = score_pairs(
        [make_request("a"), make_request("b")], [make_mentor()], WEIGHTS, NOW, remaining=[0]
    )
    assert (pairs.blocked[:, 0] == scoring.FULL).all()


def test_a_pair_matched_before_is_forbidden_unless_asked_for_again():
    mentor = make_mentor()
    plain, again = make_request("a"), make_request("b", preferred_mentor=mentor.slug)
    pairs = score_pairs([plain, again], [mentor], WEIGHTS, NOW, previous=[(0, 0), (1, 0)])
    assert pairs.blocked[0, 0] == scoring.MATCHED_BEFORE
    assert pairs.blocked[1, 0] == scoring.ALLOWED


def test_asking_for_a_mentor_adds_the_preferred_bonus():
    mentor = make_mentor()
    pairs = score_pairs(
        [make_request("a"), make_request("b", preferred_mentor=mentor.slug)], [mentor], WEIGHTS, NOW
    )
    assert pairs.scores[1, 0] - pairs.scores[0, 0] == pytest.approx(WEIGHTS.preferred)


def test_a_student_who_named_no_language_is_not_held_to_the_language_rule():
    pairs = score_pairs(
        [make_request(languages=())], [make_mentor(languages=["Spanish"])], WEIGHTS, NOW
    )
    assert pairs.blocked[0, 0] == scoring.ALLOWED


def test_shared_time_shorter_than_a_session_forbids_the_pair():
    # Tuesday 18:00-20:00 (mentor) and 19:30-21:00 (student): 30 shared minutes in London.
    mentor = make_mentor()
    short = make_request(availability=(WeeklyWindow(1, 19 * 60 + 30, 21 * 60),))
    pairs = score_pairs([short], [mentor], WEIGHTS, NOW, session_minutes=45)
    assert pairs.scores[0, 0] == -np.inf
    assert pairs.blocked[0, 0] == scoring.NO_TIME
    # A 30-minute session fits, and an hour of overlap fits a 45-minute one.
    assert np.isfinite(
        score_pairs([short], [mentor], WEIGHTS, NOW, session_minutes=30).scores[0, 0]
    )
    longer = make_request(availability=(WeeklyWindow(1, 19 * 60, 21 * 60),))
    assert np.isfinite(
        score_pairs([longer], [mentor], WEIGHTS, NOW, session_minutes=45).scores[0, 0]
    )


def test_availability_credit_saturates_at_the_configured_hours():
    mentor = make_mentor(availability=[{"day": "tuesday", "start": "12:00", "end": "22:00"}])
    short = make_request("a", availability=(WeeklyWindow(1, 17 * 60, 18 * 60),))
    long = make_request("b", availability=(WeeklyWindow(1, 12 * 60, 22 * 60),))
    pairs = score_pairs([short, long], [mentor], MatchingConfig(availability_hours=4.0), NOW)
    assert pairs.components(0, 0)["availability"] == pytest.approx(WEIGHTS.availability / 4)
    assert pairs.components(1, 0)["availability"] == pytest.approx(WEIGHTS.availability)


def test_program_affinity_ignores_the_degree_and_credits_shared_subject_words():
    assert scoring.program_words("BSc Computer Science") == scoring.program_words(
        "MSc Computer Science"
    )
    pairs = score_pairs(
        [make_request(program="BA History")], [make_mentor(program="MA History")], WEIGHTS, NOW
    )
    assert pairs.components(0, 0)["program"] == pytest.approx(WEIGHTS.program)


def test_empty_sides():
    assert score_pairs([], [make_mentor()], WEIGHTS, NOW).scores.shape == (0, 1)
    assert score_pairs([make_request()], [], WEIGHTS, NOW).scores.shape == (1, 0)
