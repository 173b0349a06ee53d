"""The `match` stage over the ledger: matches appended, statuses and reasons written in one
batch, capacity and history respected, re-runs and half-finished runs safe, dry runs silent,
and no student data in what it writes or reports."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from mentorship import ledger
from mentorship.config import Config, MatchingConfig
from mentorship.ledger import MATCHES, REQUESTS
from mentorship.matching import demand_report, run_match
from mentorship.matching.explain import shared_time_text
from mentorship.matching.scoring import MatchRequest, reference_week, week_slots
from mentorship.profiles.models import Mentor
from mentorship.weekly import WeeklyWindow

from tests.support.mentors import make_mentor as support_mentor
from tests.support.sheets import MemorySpreadsheet

NOW = dt.datetime(2026, 11, 28, 21, 0, tzinfo=dt.UTC)
STAMP = "2026-11-28T21:00:00Z"


def make_mentor(slug: str = "jane-doe", **changes: object) -> Mentor:
    """The scoring tests' mentor, free on Tuesday evenings 17:00-21:00."""
    changes.setdefault("availability", [{"day": "tuesday", "start": "17:00", "end": "21:00"}])
    return support_mentor(slug, **changes)


def request_row(request_id: str, **changes: str) -> dict[str, str]:
    row = {
        "request_id": request_id,
        "response_row": "2",
        "submitted_at": "2026-11-20T10:00:00",
        "status": "new",
        "name": "Zed Student",
        "email": f"{request_id}.student@example.edu",
        "program": "MSc Computer Science",
        "year": "2",
        "industries": "Software",
        "topics": "Interview practice",
        "goals": "Practise interviews",
        "timezone": "Europe/London",
        "availability": "tue 17:00-21:00",
        "languages": "English",
        "meeting_formats": "video",
    }
    row.update(changes)
    return row


def tab(columns: Sequence[str], rows: Sequence[dict[str, str]]) -> list[list[str]]:
    return [list(columns)] + [[row.get(c, "") for c in columns] for row in rows]


def sheet(requests: Sequence[dict[str, str]], matches: Sequence[dict[str, str]] | None = None):
    tabs = {REQUESTS: tab(ledger.REQUEST_COLUMNS, requests)}
    if matches is not None:
        tabs[MATCHES] = tab(ledger.MATCH_COLUMNS, matches)
    return MemorySpreadsheet(tabs)


CONFIG = Config(root=Path("."), approval="auto")


def test_matches_are_appended_and_requests_marked_matched_in_one_write():
    book = sheet([request_row("r1"), request_row("r2")])
    report = run_match(book, [make_mentor()], CONFIG, NOW)
    assert book.writes == 1
    rows = book.records(MATCHES)
    assert [(r["request_id"], r["mentor"], r["status"]) for r in rows] == [
        ("r1", "jane-doe", "approved"),
        ("r2", "jane-doe", "approved"),
    ]
    assert all(r["created_at"] == STAMP and r["match_id"].startswith("m") for r in rows)
    assert float(rows[0]["score"]) > 0
    assert "both in Software" in rows[0]["reasons"]
    assert "you asked for interview practice, which Jane offers" in rows[0]["reasons"]
    assert [r["status"] for r in book.records(REQUESTS)] == ["matched", "matched"]
    assert [m.request_id for m in report.matches] == ["r1", "r2"]
    assert report.summary().startswith("2 request(s) considered: 2 were matched, 0 wait.")


def test_manual_approval_makes_new_matches_proposed():
    book = sheet([request_row("r1")])
    report = run_match(book, [make_mentor()], dataclasses.replace(CONFIG, approval="manual"), NOW)
    assert book.records(MATCHES)[0]["status"] == "proposed"
    assert "set status to approved" in report.summary()


def test_capacity_goes_to_the_best_pair_and_the_rest_wait_with_a_reason():
    book = sheet(
        [
            request_row("r1", topics="Networking"),
            request_row("r2", topics="Interview practice; First job"),
        ]
    )
    report = run_match(book, [make_mentor(capacity=1)], CONFIG, NOW)
    assert [m.request_id for m in report.matches] == ["r2"]
    first = book.records(REQUESTS)[0]
    assert first["status"] == "waiting"
    assert first["reason"] == "no mentor in Software with free capacity"
    assert first["updated_at"] == STAMP


def test_active_matches_hold_places_and_closed_ones_do_not():
    mentor = make_mentor(capacity=1)
    held = sheet(
        [request_row("r1")],
        [{"match_id": "m0", "request_id": "old", "mentor": mentor.slug, "status": "invited"}],
    )
    run_match(held, [mentor], CONFIG, NOW)
    assert held.records(REQUESTS)[0]["reason"] == "no mentor in Software with free capacity"
    freed = sheet(
        [request_row("r1")],
        [{"match_id": "m0", "request_id": "old", "mentor": mentor.slug, "status": "closed"}],
    )
    run_match(freed, [mentor], CONFIG, NOW)
    assert freed.records(REQUESTS)[0]["status"] == "matched"


def test_no_mentor_in_the_industry_is_said_plainly():
    book = sheet([request_row("r1", industries="Healthcare")])
    run_match(
        book,
        [make_mentor(availability=[{"day": "monday", "start": "06:00", "end": "07:00"}])],
        CONFIG,
        NOW,
    )
    assert book.records(REQUESTS)[0]["reason"] == "no mentor in Healthcare"


def test_the_same_student_is_not_matched_with_the_same_mentor_again():
    old = request_row("r0", status="superseded", email="Same@Example.edu")
    new = request_row("r1", email="same@example.edu")
    history = [{"match_id": "m0", "request_id": "r0", "mentor": "jane-doe", "status": "cancelled"}]
    book = sheet([old, new], history)
    run_match(book, [make_mentor()], CONFIG, NOW)
    assert book.records(REQUESTS)[1]["status"] == "waiting"
    assert "matched with before" in book.records(REQUESTS)[1]["reason"]
    # ... unless the student asks for that mentor again from the directory.
    again = sheet(
        [old, request_row("r1", email="same@example.edu", preferred_mentor="jane-doe")], history
    )
    report = run_match(again, [make_mentor()], CONFIG, NOW)
    assert [m.mentor for m in report.matches] == ["jane-doe"]
    assert report.matches[0].reasons.startswith("you asked for Jane")


def test_second_run_changes_nothing():
    book = sheet(
        [
            request_row("r1"),
            request_row("r2", industries="Healthcare", availability="mon 06:00-07:00"),
        ]
    )
    run_match(book, [make_mentor()], CONFIG, NOW)
    before = copy.deepcopy(book.tabs)
    report = run_match(book, [make_mentor()], CONFIG, NOW + dt.timedelta(days=1))
    assert book.tabs == before
    assert book.writes == 1
    assert report.matches == []
    assert [w.request_id for w in report.waiting] == ["r2"]


def test_a_request_that_lost_its_place_keeps_the_same_reason_on_the_next_run():
    # The first run fills the mentor; the second sees that match in the ledger. Same words,
    # so the second run writes nothing.
    book = sheet([request_row("r1"), request_row("r2", topics="Networking")])
    first = run_match(book, [make_mentor(capacity=1)], CONFIG, NOW)
    before = copy.deepcopy(book.tabs)
    second = run_match(book, [make_mentor(capacity=1)], CONFIG, NOW + dt.timedelta(hours=1))
    assert first.waiting == second.waiting
    assert book.tabs == before
    assert book.writes == 1


def test_a_half_finished_run_is_completed_without_a_second_match():
    # The last run appended the match but died before writing the request's status.
    done = {"match_id": "m1", "request_id": "r1", "mentor": "jane-doe", "status": "approved"}
    book = sheet([request_row("r1")], [done])
    report = run_match(book, [make_mentor()], CONFIG, NOW)
    assert report.resumed == ["r1"]
    assert report.matches == []
    assert len(book.records(MATCHES)) == 1
    assert book.records(REQUESTS)[0]["status"] == "matched"


def test_dry_run_writes_nothing_and_reports_the_same_matches():
    book = sheet([request_row("r1")])
    dry = run_match(book, [make_mentor()], CONFIG, NOW, dry_run=True)
    assert book.writes == 0
    assert MATCHES not in book.tabs
    assert "would be matched" in dry.summary()
    real = run_match(book, [make_mentor()], CONFIG, NOW)
    assert [m.match_id for m in dry.matches] == [m.match_id for m in real.matches]


def test_requests_in_other_statuses_are_left_alone():
    rows = [
        request_row(f"r{s}", status=s) for s in ("invalid", "superseded", "withdrawn", "matched")
    ]
    book = sheet(rows)
    report = run_match(book, [make_mentor()], CONFIG, NOW)
    assert report.pending == 0
    assert book.writes == 0


def test_no_requests_tab_yet_means_nothing_to_do():
    book = MemorySpreadsheet()
    report = run_match(book, [make_mentor()], CONFIG, NOW)
    assert report.pending == 0
    assert book.writes == 0


def test_unreadable_availability_waits_with_a_fixable_reason():
    book = sheet([request_row("r1", availability="someday maybe")])
    report = run_match(book, [make_mentor()], CONFIG, NOW)
    assert report.waiting[0].reason.startswith("availability could not be read")
    assert "row 2" in report.waiting[0].reason
    assert report.demand.waiting == 1


def test_nothing_written_or_reported_names_the_student():
    book = sheet(
        [request_row("r1"), request_row("r2", industries="Law", availability="sun 03:00-04:00")]
    )
    report = run_match(book, [make_mentor()], CONFIG, NOW)
    text = report.to_markdown() + repr(report.to_dict()) + repr(book.tabs.get(MATCHES))
    assert "student@example.edu" not in text
    assert "Zed" not in text


def test_preferred_mentor_wins_over_a_better_fit():
    other = make_mentor("ann-lee", name="Ann Lee", topics=["Interview practice", "Networking"])
    book = sheet(
        [request_row("r1", preferred_mentor="jane-doe", topics="Interview practice; Networking")]
    )
    report = run_match(book, [other, make_mentor()], CONFIG, NOW)
    assert report.matches[0].mentor == "jane-doe"


def test_min_score_leaves_weak_pairs_waiting():
    config = dataclasses.replace(CONFIG, matching=MatchingConfig(min_score=100.0))
    book = sheet([request_row("r1")])
    run_match(book, [make_mentor()], config, NOW)
    assert (
        book.records(REQUESTS)[0]["reason"]
        == "no mentor in Software close enough to what you asked for"
    )


def test_demand_report_counts_waiting_requests_and_full_mentors():
    full = make_mentor("ann-lee", name="Ann Lee", industry="Healthcare", capacity=1)
    open_ = make_mentor()
    waiting = [
        MatchRequest("a", industries=("Healthcare",), topics=("Networking",)),
        MatchRequest(
            "b", industries=("Healthcare", "Software"), topics=("Networking", "First job")
        ),
        MatchRequest("c"),
    ]
    report = demand_report(waiting, [full, open_], {"ann-lee": 1})
    assert [(r.industry, r.waiting, r.mentors, r.free_places) for r in report.industries] == [
        ("Healthcare", 2, 1, 0),
        ("(none given)", 1, 0, 0),
        ("Software", 1, 1, 2),
    ]
    assert (report.topics[0].topic, report.topics[0].waiting) == ("Networking", 2)
    assert [m.slug for m in report.full_mentors] == ["ann-lee"]
    text = report.to_markdown()
    assert "| Healthcare | 2 | 1 | 0 |" in text
    assert "- Ann Lee (ann-lee, Healthcare): 1 of 1" in text


def test_demand_markdown_escapes_answers():
    report = demand_report([MatchRequest("a", industries=("A|B *x*",))], [], {})
    assert "| A\\|B \\*x\\* | 1 | 0 | 0 |" in report.to_markdown()


def test_shared_time_is_described_in_the_students_own_time():
    start = reference_week(NOW)
    evenings = week_slots(
        [WeeklyWindow(d, 18 * 60, 20 * 60) for d in (1, 3)], "America/New_York", start
    )
    assert shared_time_text(evenings, "America/New_York", start) == "4 h of shared evenings"
    tuesday = week_slots([WeeklyWindow(1, 18 * 60, 19 * 60 + 30)], "Asia/Kolkata", start)
    assert shared_time_text(tuesday, "Asia/Kolkata", start) == "1.5 h of shared Tuesday evenings"
    mixed = week_slots(
        [WeeklyWindow(0, 9 * 60, 10 * 60), WeeklyWindow(2, 20 * 60, 21 * 60)], "UTC", start
    )
    assert shared_time_text(mixed, "UTC", start) == "2 h of shared time a week"
    assert shared_time_text(np.zeros(336, dtype=bool), "UTC", start) == "no shared time"


def test_no_mentors_yet_leaves_everyone_waiting_with_that_reason():
    book = sheet([request_row("r1")])
    report = run_match(book, [], CONFIG, NOW)
    assert book.records(REQUESTS)[0]["reason"] == "no mentors in the directory yet"
    assert report.matches == []
