"""Reasons in words: what sets a mentor apart comes first, phrased for the student, with the
mentor's first name; waiting reasons name what is missing."""

from __future__ import annotations

import datetime as dt

import numpy as np
from mentorship.config import MatchingConfig
from mentorship.matching import scoring
from mentorship.matching.explain import hours_text, join_words, match_reasons, waiting_reason
from mentorship.matching.scoring import MatchRequest, score_pairs
from mentorship.profiles.models import Mentor
from mentorship.weekly import WeeklyWindow

from tests.support.mentors import make_mentor as support_mentor
from tests.support.mentors import weekly

NOW = dt.datetime(2026, 11, 28, 21, 0, tzinfo=dt.UTC)


def make_mentor(slug: str = "jane-doe", **changes: object) -> Mentor:
    """A mentor with three topics, two languages and two evenings a week."""
    explained: dict[str, object] = {
        "name": "Jane Q. Doe",
        "topics": ["Interview practice", "CV and cover letters", "First job"],
        "languages": ["English", "Spanish"],
        "meeting_formats": ["video", "phone"],
        "availability": weekly([("tuesday", "17:00", "19:00"), ("thursday", "17:00", "19:00")]),
    }
    return support_mentor(slug, **{**explained, **changes})


STUDENT = MatchRequest(
    "r1",
    program="MSc Computer Science",
    industries=("Software",),
    topics=("Interview practice", "CV and cover letters", "Networking"),
    languages=("Spanish",),
    meeting_formats=("video",),
    timezone="Europe/London",
    availability=(WeeklyWindow(1, 17 * 60, 21 * 60), WeeklyWindow(3, 17 * 60, 21 * 60)),
)


def test_reasons_lead_with_what_sets_the_mentor_apart():
    mentor = make_mentor()
    pairs = score_pairs([STUDENT], [mentor], MatchingConfig(), NOW)
    reasons = match_reasons(pairs, 0, 0, STUDENT, mentor)
    # Industry (3.0), then 4 shared hours (the full 2.0), then two of three topics (1.33).
    assert reasons == [
        "both in Software",
        "4 h of shared evenings",
        "you asked for interview practice and CV and cover letters, which Jane offers",
    ]


def test_reasons_fill_up_with_language_and_format_and_never_name_the_student():
    mentor = make_mentor(industry="Law", topics=["Networking"], program="BA History")
    pairs = score_pairs([STUDENT], [mentor], MatchingConfig(), NOW)
    reasons = match_reasons(pairs, 0, 0, STUDENT, mentor, limit=5)
    assert reasons[0] == "4 h of shared evenings"
    assert "you asked for networking, which Jane offers" in reasons
    assert "both happy to meet by video" in reasons
    assert "you both speak Spanish" in reasons


def test_a_requested_mentor_is_the_first_reason():
    mentor = make_mentor()
    asked = MatchRequest(**{**STUDENT.__dict__, "preferred_mentor": "jane-doe"})
    pairs = score_pairs([asked], [mentor], MatchingConfig(), NOW)
    assert match_reasons(pairs, 0, 0, asked, mentor)[0] == "you asked for Jane"


def test_waiting_reasons_name_what_is_missing():
    full = make_mentor(capacity=1)
    pairs = score_pairs([STUDENT], [full], MatchingConfig(), NOW, remaining=[0])
    assert waiting_reason(STUDENT, [full], pairs.blocked[0]) == (
        "no mentor in Software with free capacity"
    )
    english = make_mentor(languages=["English"])
    pairs = score_pairs([STUDENT], [english], MatchingConfig(), NOW)
    assert pairs.blocked[0, 0] == scoring.NO_LANGUAGE
    assert waiting_reason(STUDENT, [english], pairs.blocked[0]) == (
        "no mentor in Software who speaks Spanish"
    )
    assert waiting_reason(STUDENT, [], np.zeros(0)) == "no mentors in the directory yet"
    assert waiting_reason(STUDENT, [english], np.zeros(1, dtype=np.int8)) == (
        "a mentor who fits still has a place: run matching again"
    )


def test_word_helpers():
    assert join_words(["a"]) == "a"
    assert join_words(["a", "b"]) == "a and b"
    assert join_words(["a", "b", "c"], "or") == "a, b or c"
    assert [hours_text(n) for n in (1, 2, 3, 8)] == ["30 min", "1 h", "1.5 h", "4 h"]
