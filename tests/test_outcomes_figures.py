"""The programme's figures from hand-built ledger tabs: definitions, terms, the fewer-than-5 rule."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from mentorship.ledger import (
    MATCH_COLUMNS,
    MATCHES,
    REQUEST_COLUMNS,
    REQUESTS,
    SESSION_COLUMNS,
    SESSIONS,
    Table,
)
from mentorship.outcomes.figures import (
    FEWER,
    OTHER,
    Term,
    count,
    parse_term,
    programme_figures,
    shown,
)

TERM = Term(dt.date(2026, 9, 1), dt.date(2026, 12, 19))
NOW = dt.datetime(2026, 12, 21, 3, 17, tzinfo=dt.UTC)
TAXONOMY_INDUSTRIES = ("Finance", "Law")


@dataclass(frozen=True)
class FakeMentor:
    slug: str
    capacity: int
    industry: str
    languages: Sequence[str]
    accepting: bool = True
    confirmed: dt.date = dt.date(2026, 10, 1)


MENTORS = [
    FakeMentor("mentor-a", 2, "Finance", ("English", "Spanish")),
    FakeMentor("mentor-b", 1, "Law", ("English",)),
    FakeMentor("mentor-c", 0, "Law", ("English",)),
]


def table(title: str, columns: Sequence[str], rows: list[dict[str, str]]) -> Table:
    return Table(title, columns, [list(columns), *[[r.get(c, "") for c in columns] for r in rows]])


def request(n: int, status: str, submitted: str = "2026-09-01T09:00:00+00:00", **cells: str):
    return {
        "request_id": f"r{n}",
        "submitted_at": submitted,
        "status": status,
        "name": f"Student Number{n}",
        "email": f"student{n}@example.org",
        **cells,
    }


def match(mid: str, rid: str, mentor: str, status: str, **cells: str) -> dict[str, str]:
    return {"match_id": mid, "request_id": rid, "mentor": mentor, "status": status, **cells}


def session(mid: str, number: int, status: str, start: str, **cells: str) -> dict[str, str]:
    return {
        "session_id": f"{mid}/{number}",
        "match_id": mid,
        "number": str(number),
        "status": status,
        "start": start,
        **cells,
    }


def scenario() -> tuple[list[dict], list[dict], list[dict]]:
    """A term with five held first sessions, a cancelled match, five waiting and a past term."""
    requests = [request(n, "matched") for n in range(1, 6)]
    requests += [
        request(n, "waiting", industries="Finance", languages="Spanish") for n in range(6, 10)
    ]
    requests += [request(10, "waiting", industries="Finance; My own startup", languages="English")]
    requests += [request(11, "invalid"), request(12, "duplicate")]
    requests += [request(0, "matched", submitted="2026-06-01T09:00:00+00:00")]
    requests += [request(14, "matched", submitted="2026-12-20T09:00:00+00:00")]
    matches = [
        match(
            f"m{n}", f"r{n}", f"mentor-{'abcde'[n - 1]}", status, created_at="2026-09-02T03:17:00Z"
        )
        for n, status in zip(range(1, 6), ["completed"] * 4 + ["Done"], strict=True)
    ]
    matches.append(
        match("m6", "r6", "mentor-a", "cancelled", event_start="2026-09-20T10:00:00+01:00")
    )
    # Last term: four of this term's mentors and one other held a first session (no Sessions
    # rows: check-ins were not on yet, so the invite's passed time counts).
    matches += [
        match(f"p{n}", "r0", slug, "completed", event_start=f"2026-07-0{n}T10:00:00+01:00")
        for n, slug in enumerate(["mentor-a", "mentor-b", "mentor-c", "mentor-d", "mentor-f"], 1)
    ]
    # A live match after the term: it holds one of mentor-a's places.
    matches.append(
        match("m7", "r14", "mentor-a", "invited", event_start="2027-01-05T10:00:00+00:00")
    )
    sessions = []
    mentor_progress = "34544"
    for n in range(1, 6):
        answers = {"mentor_useful": "4 - useful" if n == 2 else "4"}
        answers["mentor_progress"] = mentor_progress[n - 1]
        if n <= 4:
            answers["student_useful"] = "5" if n == 1 else "4"
        sessions.append(
            session(f"m{n}", 1, "held", f"2026-09-{1 + 2 * n:02d}T09:00:00+00:00", **answers)
        )
    sessions += [
        session("m1", 2, "held", "2026-10-01T09:00:00+00:00", student_useful="5"),
        session("m1", 3, "Happened", "2026-10-22T09:00:00+00:00"),
        session("m2", 2, "held", "2026-10-03T09:00:00+00:00"),
        session("m2", 3, "moved", "2026-10-24T09:00:00+00:00"),
        session("m6", 1, "missed", "2026-09-20T10:00:00+01:00"),
    ]
    return requests, matches, sessions


def figures(requests, matches, sessions, term=TERM, now=NOW):
    return programme_figures(
        table(REQUESTS, REQUEST_COLUMNS, requests),
        table(MATCHES, MATCH_COLUMNS, matches),
        table(SESSIONS, SESSION_COLUMNS, sessions),
        term,
        now,
        MENTORS,
        400,
        TAXONOMY_INDUSTRIES,
        ("English", "Spanish"),
    )


def test_the_rule_hides_figures_about_four_people_and_shows_five():
    assert count(4) == FEWER and count(0) == FEWER
    assert count(5) == 5
    assert shown(3.25, 4) == FEWER and shown(3.25, 5) == 3.25
    assert shown(None, 10) == FEWER


def test_a_term_figures_follow_their_definitions():
    got = figures(*scenario())
    assert got.requests == 12  # r1..r12; r0 before the term and r14 after it are not counted
    assert got.valid_requests == 10
    assert got.matched == 5 and got.matched_share == 0.5
    assert got.first_sessions_held == 5  # m6's first session was missed
    assert got.median_days_to_first_session == 6.0  # 2, 4, 6, 8 and 10 days
    assert got.sessions_per_match == 1.6  # m1: 3 (staff typed "Happened"), m2: 2, others 1
    assert got.completed_matches == 5  # "Done" is read as completed
    assert got.closed_matches == FEWER
    assert got.mentors_active == 5
    assert got.mentors_returning == FEWER  # a, b, c and d: four
    assert got.waiting == 5
    assert got.waiting_by_industry == {"Finance": 5, OTHER: FEWER}
    assert got.waiting_by_language == {"Spanish": FEWER, "English": FEWER}
    assert got.open_places == 2  # mentor-a 2 - 1 live, mentor-b 1, mentor-c 0
    assert got.demand_by_industry == {
        "Finance": {"waiting": 5, "open_places": 1},
        OTHER: {"waiting": FEWER, "open_places": 0},
        "Law": {"waiting": FEWER, "open_places": 1},
    }


def test_ratings_are_per_side_and_hidden_below_five_people():
    ratings = figures(*scenario()).ratings
    students = ratings["students"]["useful"]
    # Five answers, but from four matches: about four people.
    assert students == {
        "people": FEWER,
        "mean": FEWER,
        "distribution": dict.fromkeys("12345", FEWER),
    }
    mentors = ratings["mentors"]["useful"]
    assert mentors["people"] == 5 and mentors["mean"] == 4.0
    assert mentors["distribution"] == {"1": FEWER, "2": FEWER, "3": FEWER, "4": 5, "5": FEWER}
    assert ratings["mentors"]["progress"]["mean"] == 4.0


def test_returning_mentors_show_at_five():
    requests, matches, sessions = scenario()
    matches.append(
        match("p6", "r0", "mentor-e", "completed", event_start="2026-08-31T10:00:00+00:00")
    )
    assert figures(requests, matches, sessions).mentors_returning == 5


def test_all_time_has_no_last_term_and_counts_every_request():
    got = figures(*scenario(), term=Term())
    assert got.mentors_returning is None
    assert got.requests == 14
    assert got.first_sessions_held == 10  # five this term, five last term


def test_the_first_session_falls_back_to_the_invite_only_once_it_has_passed():
    requests = [request(n, "matched") for n in range(1, 8)]
    matches = [
        match(f"m{n}", f"r{n}", "mentor-a", "invited", event_start=f"2026-09-1{n}T10:00:00+02:00")
        for n in range(1, 6)
    ]
    matches.append(match("m6", "r6", "mentor-a", "cancelled", event_start="2026-09-10T10:00:00Z"))
    matches.append(match("m7", "r7", "mentor-a", "invited", event_start="2026-09-30T10:00:00Z"))
    sessions = [session("m5", 1, "scheduled", "2026-09-15T10:00:00+02:00")]
    assert figures(requests, matches, sessions, now=NOW).first_sessions_held == 6
    early = dt.datetime(2026, 9, 14, 12, tzinfo=dt.UTC)
    # By 14 September noon (UTC) only m1..m4 have happened: fewer than 5.
    assert figures(requests, matches, sessions, now=early).first_sessions_held == FEWER
    sessions.append(session("m7", 1, "no show", "2026-09-30T10:00:00Z"))
    assert figures(requests, matches, sessions, now=NOW).first_sessions_held == 5


def test_nothing_in_the_figures_names_a_student_or_pairs_one_with_a_mentor():
    text = json.dumps(figures(*scenario()).to_dict())
    for forbidden in ("Student", "@example.org", "mentor-", '"r1"', "m1", "startup"):
        assert forbidden not in text


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("2026-09-01:2026-12-19", TERM),
        (":2026-12-19", Term(None, dt.date(2026, 12, 19))),
        ("2026-09-01:", Term(dt.date(2026, 9, 1), None)),
        (":", Term()),
    ],
)
def test_terms_parse_with_open_ends(text: str, term: Term):
    assert parse_term(text) == term


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("2026-09-01", "no ':'"),
        ("2026-13-01:2026-12-19", "two dates"),
        ("2026-12-19:2026-09-01", "ends before it starts"),
    ],
)
def test_a_bad_term_says_what_is_wrong(text: str, says: str):
    with pytest.raises(ValueError, match=says):
        parse_term(text)


def test_last_term_is_the_same_length_just_before():
    assert TERM.previous() == Term(dt.date(2026, 5, 14), dt.date(2026, 8, 31))
    assert Term(None, dt.date(2026, 12, 19)).previous() is None


def test_the_configured_term_ends_at_term_end_or_covers_all_time():
    from types import SimpleNamespace

    from mentorship.outcomes.figures_file import configured_term

    def config(**relationship: str) -> Any:
        return SimpleNamespace(relationship=SimpleNamespace(**relationship))

    assert configured_term(config(term_end="2026-12-19")) == Term(None, dt.date(2026, 12, 19))
    assert configured_term(config(term_end="")) == Term()
    assert configured_term(SimpleNamespace()) == Term()
