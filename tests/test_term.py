"""A simulated term end to end: 200 students and 60 mentors over 14 weeks of nightly runs.

The same scripted term (tests/term_sim) is played on the local backend and against the fake
Google APIs: students answer the form over the first three weeks (a few unusable answers, fixed
later), staff cancel matches before and after first sessions, students withdraw, and three
nights are SIGKILLed mid-run and run again. What each person received is then checked against
what the driver's own record of the term says they should have, message by message.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from mentorship.ledger import RequestStatus

from tests.fake_google import FakeGoogle
from tests.term_sim import Term, new_term
from tests.term_sim.backend import rows
from tests.term_sim.checkins import codes_in
from tests.term_sim.expect import (
    all_messages,
    booked_events,
    cancelled_matches,
    expected_figures,
    requests_by_student,
)

STUDENTS, MENTORS, WEEKS = 200, 60, 14


@pytest.fixture(scope="module", params=["local", "google"])
def term(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Term]:
    """The whole term played once per backend; the tests below read what it left."""
    root = tmp_path_factory.mktemp(f"term-{request.param}")
    if request.param == "local":
        played = new_term(root, "local", students=STUDENTS, mentors=MENTORS, weeks=WEEKS)
        played.play()
        yield played
        return
    with FakeGoogle(seed=1) as fake:
        played = new_term(
            root, "google", students=STUDENTS, mentors=MENTORS, weeks=WEEKS, fake=fake
        )
        played.play()
        yield played
        assert not fake.internal_errors, fake.internal_errors


def test_the_script_exercises_every_event(term: Term) -> None:
    kinds = Counter(a.kind for a in term.actions)
    assert kinds["submit"] == STUDENTS + sum(s.invalid for s in term.script.students)
    assert kinds["withdraw"] >= 3 and kinds["cancel_before"] >= 3 and kinds["cancel_after"] >= 3
    kills = [a for a in term.actions if a.kind == "kill"]
    assert len(kills) == 3 and all(a.detail == "landed" for a in kills)
    assert [n.night for n in term.log if n.killed] == sorted(term.script.kill_nights)


def test_every_match_gets_its_invite_once_and_nothing_else_is_sent(term: Term) -> None:
    invites = term.side.invites()
    events = {m["event_id"] for m in term.matches.values() if m["event_id"]}
    assert set(invites) == events, "an invite for no match, or a match whose invite never went"
    assert {e: c["invite"] for e, c in invites.items() if c["invite"] != 1} == {}
    cancelled = {term.matches[m]["event_id"] for m in cancelled_matches(term)}
    assert {e for e, c in invites.items() if c["cancel"]} == cancelled
    assert {e: c["cancel"] for e, c in invites.items() if c["cancel"] > 1} == {}


def test_a_cancelled_student_waits_again_and_never_meets_the_same_mentor(term: Term) -> None:
    cancelled = {a.detail for a in term.actions if a.kind.startswith("cancel")}
    assert cancelled and all(term.matches[m]["status"] == "cancelled" for m in cancelled)
    by_request: dict[str, list[str]] = {}
    for match in term.matches.values():
        by_request.setdefault(match["request_id"], []).append(match["mentor"])
    for match_id in cancelled:
        mentors = by_request[term.matches[match_id]["request_id"]]
        assert len(mentors) == len(set(mentors)), f"{match_id}: the same mentor twice"


def test_every_student_ends_in_one_state_the_script_explains(term: Term) -> None:
    by_student = requests_by_student(term)
    assert set(by_student) == {s.number for s in term.script.students}
    withdrawn = {a.subject for a in term.actions if a.kind == "withdraw"}
    assert withdrawn == {
        r["request_id"] for rs in by_student.values() for r in rs if r["status"] == "withdrawn"
    }
    for student in term.script.students:
        statuses = [r["status"] for r in by_student[student.number]]
        if student.invalid:
            assert statuses[0] == RequestStatus.INVALID and len(statuses) == 2
        else:
            assert len(statuses) == 1
        assert statuses[-1] in ("matched", "waiting", "withdrawn"), (student.number, statuses)


def test_every_person_gets_each_message_they_should_once_and_no_other(term: Term) -> None:
    expected = all_messages(term)
    outbox = {r["message_id"]: r for r in rows(term.side.read("Outbox"))}
    mail = term.side.mail()
    delivered = Counter(message_id for message_id, _to in mail)
    recipients = dict(mail)
    kinds = Counter(m.split(":")[0] for m in expected)
    assert {"invalid_answer", "matched_student", "matched_mentor", "still_waiting"} <= set(kinds)
    assert {"request_closed", "match_cancelled", "profile_stale"} <= set(kinds)
    assert sorted(set(outbox) - set(expected)) == [], "a message nobody should have had"
    assert sorted(set(expected) - set(outbox)) == [], "a message that never went"
    unknown = {m for m, r in outbox.items() if r["status"] == "unknown"}
    assert {r["status"] for r in outbox.values()} <= {"sent", "unknown"}
    assert {m: n for m, n in delivered.items() if n > 1} == {}, "a message went twice"
    assert set(delivered) | unknown == set(expected)
    wrong = {
        m: (recipients[m], to) for m, to in expected.items() if recipients.get(m, [to]) != [to]
    }
    assert wrong == {}, "a message went to someone else"


def test_the_reports_figures_equal_the_ones_the_script_makes(term: Term, tmp_path: Path) -> None:
    # The term's first answers come in the day before its first night.
    first = (term.script.night_time(0) - dt.timedelta(days=1)).date().isoformat()
    path = tmp_path / "figures.json"
    result = term.cli(
        "report",
        "--term",
        f"{first}:{term.script.term_end.isoformat()}",
        "--json",
        str(path),
        "--now",
        term.now(term.script.nights - 1),
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(path.read_text(encoding="utf-8"))
    expected = expected_figures(term)
    assert {k: figures[k] for k in expected} == expected
    # The file is about programmes, never people.
    assert "@" not in path.read_text(encoding="utf-8")


def test_every_invite_carries_both_check_in_codes_of_its_session(term: Term) -> None:
    texts = term.side.invite_texts()
    booked = booked_events(term)
    assert booked
    for event_id, (match_id, number, _attempt, _start) in booked.items():
        codes = codes_in(texts[event_id])
        assert len(codes) == 2, f"{event_id}: the mentor's and the student's check-in links"
        assert {c.rsplit("/", 1)[0] for c in codes} == {f"{match_id}/{number}"}, event_id
