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
from mentorship.calendar.invite import event_id_for
from mentorship.ledger import RequestStatus

from tests.fake_google import FakeGoogle
from tests.term_sim import Term, new_term
from tests.term_sim.backend import rows
from tests.term_sim.checkins import codes_in
from tests.term_sim.expect import (
    CADENCE,
    SESSIONS_PER_MATCH,
    all_messages,
    booked_events,
    expected_cancellations,
    expected_figures,
    listed_quiet,
    quiet_matches,
    requests_by_student,
    said,
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


def test_every_session_invite_goes_once_and_every_cancellation_once(term: Term) -> None:
    invites = term.side.invites()
    booked = booked_events(term)
    assert set(invites) == set(booked), "an invite for no session, or a session never sent"
    assert {e: c["invite"] for e, c in invites.items() if c["invite"] != 1} == {}
    # Cancelled: exactly the sessions still to come when their match ended or moved.
    expected = expected_cancellations(term)
    assert expected, "the script cancels matches with sessions to come"
    cancelled = {e for e, c in invites.items() if c["cancel"]}
    wrong = {
        e: (booked[e], term.matches[booked[e][0]]["status"], e in expected)
        for e in cancelled ^ expected
    }
    withdrawn = {m for a in term.actions if a.kind == "withdraw" for m in a.detail.split(",")}
    assert cancelled == expected, (wrong, withdrawn & {v[0][0] for v in wrong.values()})
    assert {e: c["cancel"] for e, c in invites.items() if c["cancel"] > 1} == {}


def test_every_match_gets_the_right_number_of_sessions(term: Term) -> None:
    booked = booked_events(term)
    numbers: dict[str, dict[int, list[tuple[int, str, dt.datetime]]]] = {}
    for event_id, (match_id, number, attempt, start) in booked.items():
        numbers.setdefault(match_id, {}).setdefault(number, []).append((attempt, event_id, start))
    # Where a check-in said stop: (match id) -> (session number, the night it was sent).
    stopped = {
        a.subject.split("/")[0]: (int(a.subject.split("/")[1]), a.night)
        for a in term.actions
        if a.kind == "checkin" and a.detail == "stop"
    }
    term_end = dt.datetime.combine(term.script.term_end, dt.time(23, 59), dt.UTC)
    full = 0
    for match_id, sessions in numbers.items():
        match = term.matches[match_id]
        assert sorted(sessions) == list(range(1, len(sessions) + 1)), match_id
        assert len(sessions) <= SESSIONS_PER_MATCH, match_id
        for number, attempts in sessions.items():
            assert sorted(a for a, _e, _s in attempts) == list(range(len(attempts))), match_id
            for attempt, event_id, _start in attempts:
                if number > 1 or attempt > 0:
                    base = f"{match_id}.s{number}" + (f".{attempt}" if attempt else "")
                    assert event_id == event_id_for(base), (match_id, number, attempt)
        last = max(sessions)
        if match_id in stopped:
            # The next session may have been booked before the answer came (the session had
            # ended); nothing is booked after it, and the match is completed.
            number, night = stopped[match_id]
            assert match["status"] in ("completed", "closed", "cancelled"), match_id
            assert last <= number + 1, match_id
            for later in sessions.get(number + 1, []):
                assert term.first_seen[later[1]] < night, f"{match_id}: booked after stop"
        elif match["status"] == "completed" and last < SESSIONS_PER_MATCH:
            # Only the end of the term cuts a match short: the next session's cadence point
            # (three weeks on) leaves too little of the term, or the pair had no common time
            # left before it ended (a clock change can take their only overlap away).
            start = max(s for _a, _e, s in sessions[last])
            following = term.sessions.get(f"{match_id}/{last + 1}")
            unbooked = following is not None and not following["event_id"]
            assert unbooked or start + CADENCE > term_end - dt.timedelta(days=10), match_id
        full += last == SESSIONS_PER_MATCH
        for number in range(2, last + 1):
            previous = min(s for _a, _e, s in sessions[number - 1])
            first = min(s for a, _e, s in sessions[number] if a == 0)
            assert first >= previous + CADENCE - dt.timedelta(days=2), (match_id, number)
    assert full >= len(numbers) // 3, "most matches should have all their sessions"


def test_term_end_completes_every_match_that_began(term: Term) -> None:
    statuses = Counter(m["status"] for m in term.matches.values())
    assert set(statuses) <= {"completed", "closed", "cancelled"}, statuses
    for action in term.actions:
        if action.kind == "cancel_after":
            assert term.matches[action.detail]["status"] == "closed"
            request = term.matches[action.detail]["request_id"]
            later = [m for m in term.matches.values() if m["request_id"] == request]
            assert len(later) == 1, "a closed match's student was matched again"
        if action.kind == "cancel_before":
            assert term.matches[action.detail]["status"] == "cancelled"
    assert statuses["completed"] >= len(term.matches) // 2


def test_quiet_matches_are_listed_for_staff(term: Term) -> None:
    expected = quiet_matches(term)
    assert expected, "the script leaves sessions without a check-in"
    assert listed_quiet(term) == expected


def test_a_cancelled_student_waits_again_and_never_meets_the_same_mentor(term: Term) -> None:
    cancelled = {a.detail for a in term.actions if a.kind == "cancel_before"}
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


def test_every_invite_carries_check_in_links_that_work(term: Term) -> None:
    answers = [a for a in term.actions if a.kind == "checkin"]
    assert len(answers) >= len(term.matches), "most sessions get a check-in"
    assert term.missing_codes == [], "an invite without its session's check-in code"
    applied = {r.session for r in term.ratings}
    for session_id in applied:
        session = term.sessions[session_id]
        assert session["mentor_at"] or session["student_at"], session_id


def test_moved_and_missed_sessions_get_exactly_one_new_invite(term: Term) -> None:
    rebooked = 0
    for action in term.actions:
        if action.kind != "checkin" or action.detail not in ("moved", "missed"):
            continue
        session_id, attempt = action.subject.rsplit("/", 1)
        attempts = {int(a) for a, _event in term.bookings[session_id]}
        match = term.matches[session_id.split("/")[0]]
        if int(attempt) + 1 in attempts:
            rebooked += 1
        else:
            # Not booked again: the match ended (term end, staff), or no common time was left
            # before the term ended (the row kept no new event).
            session = term.sessions[session_id]
            ended = match["status"] in ("completed", "closed", "cancelled")
            assert ended or session["status"] == "no_time", action
    assert rebooked >= 3, "the script moves and misses sessions"
    # Never more bookings of a number than its moved and missed answers allow.
    answers = said(term)
    for session_id, booked in term.bookings.items():
        moves = sum(d in ("moved", "missed") for d in answers.get(session_id, []))
        assert len(booked) <= moves + 1, session_id


def test_forged_check_ins_are_not_applied_and_are_counted(term: Term) -> None:
    forged = [a for a in term.actions if a.kind == "checkin" and a.detail == "forged"]
    assert forged
    assert f"Bad or missing code: {len(forged)}" in term.log[-1].summary
    for action in forged:
        session_id, attempt = action.subject.rsplit("/", 1)
        session = term.sessions[session_id]
        if session["attempt"] == attempt and session["status"] == "scheduled":
            assert not session["student_at"] and not session["student_useful"], session_id


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
