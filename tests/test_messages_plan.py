"""Which messages the ledger calls for: each trigger, its cadence, and who is never mailed."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from mentorship.ledger import MATCH_COLUMNS, REQUEST_COLUMNS, Table
from mentorship.messages.links import Links, repo_from_mkdocs
from mentorship.messages.people import Roster
from mentorship.messages.plan import plan_messages, student_problems, widen_hints

from tests.invite_support import match_row, mentor, request_row
from tests.message_support import CONTACTS, NOW, SITE, config, mentors


def _plan(requests, matches=(), roster=None, cfg=None, now=NOW):  # type: ignore[no-untyped-def]
    req = Table("Requests", REQUEST_COLUMNS, None)
    for row in requests:
        req.append(row)
    mat = Table("Matches", MATCH_COLUMNS, None)
    for row in matches:
        mat.append(row)
    cfg = cfg or config(Path("/nowhere"))
    return plan_messages(req, mat, roster or Roster(mentors(), CONTACTS), cfg, Links(SITE), now)


def _waiting(days: int) -> dict[str, str]:
    submitted = (NOW - dt.timedelta(days=days)).isoformat()
    return request_row("r1", "Wes W", "UTC", "", status="waiting", submitted_at=submitted)


def test_still_waiting_after_seven_days_then_every_fourteen() -> None:
    ids = {
        days: [m.message_id for m in _plan([_waiting(days)]).messages]
        for days in (6, 7, 20, 21, 35)
    }
    assert ids == {
        6: [],
        7: ["still_waiting:r1:1"],
        20: ["still_waiting:r1:1"],
        21: ["still_waiting:r1:2"],
        35: ["still_waiting:r1:3"],
    }


def test_proposed_matches_are_not_announced_approved_ones_are() -> None:
    request = request_row("r1", "Mia M", "UTC", "", status="matched")
    proposed = _plan([request], [match_row("m1", "r1", "ana-lima", "proposed")])
    approved = _plan([request], [match_row("m1", "r1", "ana-lima", "approved")])
    assert proposed.messages == []
    assert {(m.kind.name, m.to) for m in approved.messages} == {
        ("matched_student", "mia.r1@student.example.edu"),
        ("matched_mentor", "ana-lima@alumni.example.org"),
    }


def test_a_cancelled_match_is_announced_once_the_event_is_cancelled_and_the_student_waits() -> None:
    waiting = request_row("r1", "Cal C", "UTC", "", status="waiting", submitted_at=NOW.isoformat())
    pending = match_row("m1", "r1", "ben-okafor", "cancelled", event_id="e1")
    done = match_row(
        "m1", "r1", "ben-okafor", "cancelled", event_id="e1", note="event cancelled on 2026-11-22"
    )
    assert _plan([waiting], [pending]).messages == []
    assert [m.kind.name for m in _plan([waiting], [done]).messages] == ["match_cancelled"]
    still_matched = dict(waiting, status="matched")
    assert _plan([still_matched], [done]).messages == []


def test_a_match_closed_before_its_first_session_is_announced_like_a_cancelled_one() -> None:
    waiting = request_row("r1", "Cal C", "UTC", "", status="waiting", submitted_at=NOW.isoformat())
    closed = match_row(
        "m1", "r1", "ben-okafor", "closed", event_id="e1", note="event cancelled on 2026-11-22"
    )
    plan = _plan([waiting], [closed])
    assert [m.message_id for m in plan.messages] == ["match_cancelled:m1:1"]
    # Closed after the mentoring began: the request stays matched and nobody is told to wait.
    assert _plan([dict(waiting, status="matched")], [closed]).messages == []


def test_a_mentor_outside_the_roster_is_never_mailed() -> None:
    request = request_row("r1", "Mia M", "UTC", "", status="matched")
    plan = _plan([request], [match_row("m1", "r1", "someone-else", "invited")])
    assert plan.messages == [] and plan.refused["mentor not in the roster"] == 1
    # A valid profile without a row in the private roster: the student hears, the mentor not.
    unlisted = Roster(mentors(), {"ben-okafor": "ben@alumni.example.org"})
    plan = _plan([request], [match_row("m1", "r1", "ana-lima", "invited")], roster=unlisted)
    assert [m.kind.name for m in plan.messages] == ["matched_student"]
    assert plan.refused["mentor not in the roster"] == 1


def test_students_without_consent_or_outside_the_domains_are_never_mailed() -> None:
    no_consent = request_row(
        "r1",
        "Nat N",
        "UTC",
        "",
        status="invalid",
        reason="the consent question was not agreed to, so ...; fix it in row 2 of X or ask",
    )
    plan = _plan([no_consent])
    assert plan.messages == [] and plan.refused["no consent"] == 1

    cfg = config(Path("/nowhere"))
    no_question = dataclasses.replace(cfg, questions={})
    assert _plan([_waiting(9)], cfg=no_question).messages == []

    limited = dataclasses.replace(cfg, student_email_domains=("university.edu",))
    plan = _plan([_waiting(9)], cfg=limited)
    assert plan.messages == [] and plan.refused["outside student_email_domains"] == 1
    inside = dict(_waiting(9), email="wes@mail.university.edu")
    assert [m.to for m in _plan([inside], cfg=limited).messages] == ["wes@mail.university.edu"]


def test_stale_profile_notice_starts_thirty_days_before_and_is_one_per_confirmation() -> None:
    old = mentor("old-timer", "UTC", [("monday", "09:00", "10:00")], confirmed="2025-11-01")
    roster = Roster([old], {"old-timer": "old.timer@alumni.example.org"})
    # max_profile_age_days 400: stale on 2026-12-06, notice from 2026-11-06.
    before = _plan([], roster=roster, now=dt.datetime(2026, 11, 5, tzinfo=dt.UTC))
    during = _plan([], roster=roster, now=NOW)
    assert before.messages == []
    (message,) = during.messages
    assert message.message_id == "profile_stale:old-timer.2025-11-01:1"
    assert message.values["stale_on"] == "2026-12-06"
    assert message.values["edit_url"] == f"{SITE}/mentors/old-timer/"


def test_problems_and_hints_in_the_students_words() -> None:
    reason = (
        "the name is empty; fix it in row 4 of Form Responses 1 or ask the student to submit "
        "the form again; no usable availability: tick at least one time; fix it in row 4 of "
        "Form Responses 1 or ask the student to submit the form again"
    )
    assert student_problems(reason) == [
        "The name is empty",
        "No usable availability: tick at least one time",
    ]
    assert student_problems("staff: looks like a duplicate of Jo's") == []
    assert widen_hints("no mentor in Law free at the times you gave") == [
        "tick more times when you are usually free",
        "add a neighbouring industry",
    ]


def test_edit_links_come_from_mkdocs_yml() -> None:
    repo = Path(__file__).resolve().parents[1]
    url, branch = repo_from_mkdocs(repo)
    assert url.startswith("https://github.com/") and branch == "main"
    links = Links(SITE, repo_url=url, branch=branch)
    assert links.edit_profile("ana-lima") == f"{url}/edit/main/mentors/ana-lima.yml"


def test_doctor_names_the_gmail_scope_and_the_smtp_password(tmp_path: Path) -> None:
    from mentorship.doctor import check_messages

    base = config(tmp_path, templates_dir="no-such-folder")  # the toolkit's own templates
    gmail = dataclasses.replace(
        base, messages=dataclasses.replace(base.messages, backend="gmail", gmail_user="o@x.edu")
    )
    findings = list(check_messages(gmail, {}))
    assert findings[0].ok and "https://www.googleapis.com/auth/gmail.send" in findings[0].detail
    assert findings[1].ok and findings[1].detail == "11 templates parse"
    smtp = dataclasses.replace(
        base,
        messages=dataclasses.replace(
            base.messages, backend="smtp", smtp_host="smtp.x.edu", smtp_user="office"
        ),
    )
    (missing, _) = check_messages(smtp, {})
    assert not missing.ok and "MENTORSHIP_SMTP_PASSWORD" in missing.detail
    (present, _) = check_messages(smtp, {"MENTORSHIP_SMTP_PASSWORD": "x"})
    assert present.ok
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "wrap_up_mentor.md").write_text("---\nsubject: x\n---\n{% if %}\n")
    broken = dataclasses.replace(
        base, messages=dataclasses.replace(base.messages, templates_dir="t")
    )
    (_, templates) = check_messages(broken, {})
    assert not templates.ok and "wrap_up_mentor.md:4" in templates.detail


def _session(match_id: str, number: int, start: dt.datetime, **cells: str) -> dict[str, str]:
    return {
        "session_id": f"{match_id}/{number}",
        "match_id": match_id,
        "number": str(number),
        "status": "scheduled",
        "start": start.isoformat(),
        "invited_at": (start - dt.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "attempt": "0",
        **cells,
    }


def _with_sessions(requests, matches, sessions, link=True, now=NOW):  # type: ignore[no-untyped-def]
    from mentorship.ledger import SESSION_COLUMNS

    table = Table("Sessions", SESSION_COLUMNS, None)
    for row in sessions:
        table.append(row)
    req = Table("Requests", REQUEST_COLUMNS, None)
    for row in requests:
        req.append(row)
    mat = Table("Matches", MATCH_COLUMNS, None)
    for row in matches:
        mat.append(row)

    def checkin_link(match_id: str, number: int, role: str) -> str:
        return f"https://forms.example/{match_id}/{number}/{role}"

    return plan_messages(
        req,
        mat,
        Roster(mentors(), CONTACTS),
        config(Path("/nowhere")),
        Links(SITE),
        now,
        sessions=table,
        checkin_link=checkin_link if link else None,
    )


def test_a_quiet_session_reminds_both_once_each_with_their_own_link() -> None:
    request = request_row("r1", "Mia Moss", "UTC", "", status="matched")
    match = match_row("m1", "r1", "ana-lima", "invited")
    fifteen_days = _session("m1", 2, NOW - dt.timedelta(days=15))
    held_before = _session("m1", 1, NOW - dt.timedelta(days=36), status="held")
    plan = _with_sessions([request], [match], [held_before, fifteen_days])
    reminders = {m.kind.name: m for m in plan.messages if "reminder" in m.kind.name}
    assert {k: m.message_id for k, m in reminders.items()} == {
        "checkin_reminder_student": "checkin_reminder_student:m1:2",
        "checkin_reminder_mentor": "checkin_reminder_mentor:m1:2",
    }
    student = reminders["checkin_reminder_student"].values
    assert student["checkin_url"] == "https://forms.example/m1/2/student"
    assert (student["name"], student["other_name"], student["session"]) == ("Mia", "Ana Lima", 2)
    mentor_values = reminders["checkin_reminder_mentor"].values
    assert mentor_values["checkin_url"] == "https://forms.example/m1/2/mentor"
    assert mentor_values["other_name"] == "Mia Moss"


def test_no_reminder_before_quiet_days_after_an_answer_or_without_check_ins() -> None:
    request = request_row("r1", "Mia Moss", "UTC", "", status="matched")
    match = match_row("m1", "r1", "ana-lima", "invited")

    def reminders(session, link=True):  # type: ignore[no-untyped-def]
        plan = _with_sessions([request], [match], [session], link=link)
        return [m.message_id for m in plan.messages if "reminder" in m.kind.name]

    assert reminders(_session("m1", 1, NOW - dt.timedelta(days=13))) == []
    answered = _session(
        "m1", 1, NOW - dt.timedelta(days=20), student_at=utc(NOW - dt.timedelta(days=19))
    )
    assert reminders(answered) == []
    assert reminders(_session("m1", 1, NOW - dt.timedelta(days=20), status="held")) == []
    assert reminders(_session("m1", 1, NOW - dt.timedelta(days=20)), link=False) == []
    assert len(reminders(_session("m1", 1, NOW - dt.timedelta(days=20)))) == 2


def test_a_completed_match_wraps_up_with_both_and_the_last_sessions_link() -> None:
    request = request_row("r1", "Mia Moss", "UTC", "", status="matched")
    match = match_row("m1", "r1", "ben-okafor", "completed")
    sessions = [
        _session("m1", n, NOW - dt.timedelta(days=7 + 21 * (4 - n)), status="held")
        for n in (1, 2, 3, 4)
    ]
    plan = _with_sessions([request], [match], sessions)
    wrap = {m.kind.name: m for m in plan.messages}
    assert set(wrap) == {"wrap_up_student", "wrap_up_mentor"}
    assert wrap["wrap_up_student"].message_id == "wrap_up_student:m1:1"
    assert wrap["wrap_up_student"].values["sessions"] == 4
    assert wrap["wrap_up_mentor"].values["checkin_url"] == "https://forms.example/m1/4/mentor"
    # Completed by staff before any session, or in a ledger that never had sessions: no wrap-up.
    future = [_session("m1", 1, NOW + dt.timedelta(days=3))]
    assert _with_sessions([request], [match], future).messages == []
    assert _with_sessions([request], [match], []).messages == []


def utc(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
