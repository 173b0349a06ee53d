"""The relationship after the first invite, over many nights, through the real CLI.

Each test runs `mentorship nightly --now <night>` on the lifecycle suite's small project (three
London mentors free on weekday afternoons, students who fit them), on the local backend (.ics
files) and on the fake Google APIs, and plays the check-ins by typing Sessions cells as staff
could. Night 1 is Saturday 28 November 2026; the first session is Monday 30 November 12:00.
"""

from __future__ import annotations

import datetime as dt
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from mentorship.config import parse_config
from mentorship.errors import ConfigError
from mentorship.ledger import MATCHES, SESSIONS

from tests.checkin_support import with_checkins
from tests.fake_google import FakeGoogle
from tests.lifecycle_project import Project, make, night
from tests.nightly_run import run, start

Make = Callable[..., Project]
FIRST = "2026-11-30T12:00:00+00:00"


@pytest.fixture(params=["local", "google"])
def new_project(request, tmp_path: Path, monkeypatch) -> Iterator[Make]:
    """A project on the local backend, or on a fresh fake of the Google APIs."""

    def setup(backend: str, students: int, fake: FakeGoogle | None, relationship: str) -> Project:
        project = make(tmp_path / "p", backend, students, fake, approval="auto")
        with open(project.root / "pyproject.toml", "a", encoding="utf-8") as handle:
            handle.write(f"\n[tool.mentorship.relationship]\n{relationship}\n")
        return project

    if request.param == "local":
        yield lambda students=1, relationship="sessions = 3": setup(
            "local", students, None, relationship
        )
        return
    with FakeGoogle(seed=3) as fake:
        monkeypatch.setenv("MENTORSHIP_GOOGLE_API_ROOT", fake.base_url)
        monkeypatch.setenv("NO_GCE_CHECK", "True")
        monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
        yield lambda students=1, relationship="sessions = 3": setup(
            "google", students, fake, relationship
        )


def counts(summary: str) -> dict[str, int]:
    lines = summary.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("| New requests"))
    header, _, values = lines[at : at + 3]
    names = [c.strip() for c in header.strip("|").split("|")]
    return dict(zip(names, (int(v) for v in values.strip("|").split("|")), strict=True))


def again_changes_nothing(project: Project, n: int) -> None:
    before = project.state()
    project.nightly(n)
    assert project.state() == before, "a second run of the same night changed something"


def only(items: list[dict[str, str]]) -> dict[str, str]:
    assert len(items) == 1, items
    return items[0]


def session(project: Project, number: int) -> dict[str, str]:
    return only([s for s in project.sessions() if s["number"] == str(number)])


def description(project: Project, event_id: str) -> str:
    if project.fake is None:
        import icalendar

        ics = (project.root / ".invites" / f"{event_id}.ics").read_bytes()
        return str(next(iter(icalendar.Calendar.from_ical(ics).walk("VEVENT")))["DESCRIPTION"])
    return project.event(event_id)["description"]


def test_follow_ups_come_at_the_cadence_once_each_until_the_last_completes(new_project: Make):
    project = new_project()
    project.nightly(1)
    match = only(project.matches())
    first = session(project, 1)
    assert (first["status"], first["event_id"], first["start"], first["attempt"]) == (
        "scheduled",
        match["event_id"],
        match["event_start"],
        "0",
    )
    assert match["event_start"] == FIRST
    again_changes_nothing(project, 1)

    summary = project.nightly(4)  # Tuesday 1 December: session 1 is over
    second = session(project, 2)
    assert second["status"] == "scheduled" and second["start"] == "2026-12-21T12:00:00+00:00"
    assert second["session_id"] == f"{match['match_id']}/2"
    assert counts(summary)["Follow-up invites sent"] == 1
    assert "Mentoring session 2 of 3" in description(project, second["event_id"])
    assert "last session" not in description(project, second["event_id"])
    again_changes_nothing(project, 4)

    project.set_cell(SESSIONS, first["session_id"], "status", "Happened")  # a synonym of held
    project.nightly(25)  # Tuesday 22 December: session 2 is over
    assert session(project, 1)["status"] == "held"
    third = session(project, 3)
    assert third["start"] == "2027-01-11T12:00:00+00:00"
    assert "This is your last session; the check-in after it is the wrap-up." in description(
        project, third["event_id"]
    )
    assert project.invites() == {
        match["event_id"]: {"invite": 1},
        second["event_id"]: {"invite": 1},
        third["event_id"]: {"invite": 1},
    }

    summary = project.nightly(39)  # Tuesday 5 January: 14 days after session 2, no check-in
    assert counts(summary)["Quiet matches"] == 1
    your_action = project.report().split("## Counts", 1)[0]
    assert f"Quiet match {match['match_id']}: no check-in from either side 14 days after " in (
        your_action
    )
    assert only(project.matches())["status"] == "invited"
    assert project.open_places()[match["mentor"]] == 0

    project.set_cell(SESSIONS, third["session_id"], "status", "held")
    summary = project.nightly(46)  # Tuesday 12 January: the last session was held
    assert only(project.matches())["status"] == "completed"
    assert only(project.requests())["status"] == "matched"
    assert project.open_places()[match["mentor"]] == 1, "the mentor's place is free again"
    assert counts(summary)["Completed"] == 1
    assert f"Match {match['match_id']}: completed (the last session is over)" in project.report()
    assert len(project.sessions()) == 3, "no fourth session"
    again_changes_nothing(project, 46)


def test_moved_and_missed_are_booked_again_once_and_a_no_ends_it(new_project: Make):
    project = new_project()
    project.nightly(1)
    project.nightly(4)
    match = only(project.matches())
    first, second = session(project, 1), session(project, 2)

    project.set_cell(SESSIONS, first["session_id"], "status", "no show")  # missed
    project.set_cell(SESSIONS, second["session_id"], "status", "moved")
    project.nightly(5)  # Wednesday 2 December
    again = session(project, 1)
    assert again["status"] == "scheduled" and again["attempt"] == "1"
    assert again["event_id"] not in (first["event_id"], second["event_id"])
    match = only(project.matches())
    assert (match["event_id"], match["event_start"]) == (again["event_id"], again["start"])
    moved = session(project, 2)
    assert moved["status"] == "scheduled" and moved["attempt"] == "1"
    assert moved["start"] != again["start"], "one person, one session at a time"
    assert project.invites() == {
        first["event_id"]: {"invite": 1},  # in the past: not cancelled
        second["event_id"]: {"invite": 1, "cancel": 1},
        again["event_id"]: {"invite": 1},
        moved["event_id"]: {"invite": 1},
    }
    again_changes_nothing(project, 5)

    project.set_cell(SESSIONS, first["session_id"], "student_continue", "No")
    summary = project.nightly(6)
    assert only(project.matches())["status"] == "completed"
    assert counts(summary)["Completed"] == 1
    invites = project.invites()
    assert invites[again["event_id"]] == {"invite": 1, "cancel": 1}
    assert invites[moved["event_id"]] == {"invite": 1, "cancel": 1}
    assert {s["status"] for s in project.sessions()} == {"cancelled"}
    assert project.open_places()[match["mentor"]] == 1
    again_changes_nothing(project, 6)


def test_staff_cancelling_after_the_first_session_closes_the_match(new_project: Make):
    project = new_project()
    project.nightly(1)
    project.nightly(4)
    match = only(project.matches())
    second = session(project, 2)
    project.set_cell(MATCHES, match["match_id"], "status", "cancelled")
    summary = project.nightly(5)
    closed = only(project.matches())
    assert closed["status"] == "closed", "not re-matched: one match row"
    assert only(project.requests())["status"] == "matched"
    assert project.invites() == {
        match["event_id"]: {"invite": 1},  # held already: no cancellation
        second["event_id"]: {"invite": 1, "cancel": 1},
    }
    assert session(project, 2)["status"] == "cancelled"
    assert counts(summary)["Closed"] == 1
    assert f"Match {match['match_id']}: cancelled after its first session, so closed" in (
        project.report()
    )
    assert project.open_places()[match["mentor"]] == 1
    again_changes_nothing(project, 5)


def test_the_end_of_term_completes_the_match(new_project: Make):
    project = new_project(relationship='sessions = 3\nterm_end = "2026-12-15"')
    project.nightly(1)
    project.nightly(4)
    second = session(project, 2)
    assert second["status"] == "no_time" and "before the term ends (2026-12-15)" in second["note"]
    project.nightly(19)  # Wednesday 16 December: the term is over
    assert only(project.matches())["status"] == "completed"
    assert session(project, 2)["status"] == "cancelled"
    assert "completed (the term ended)" in project.report()


def test_a_follow_up_keeps_the_wall_clock_hour_across_the_clock_change(tmp_path: Path):
    project = make(tmp_path / "p", "local", 1, approval="auto")
    project.nightly(106)  # Saturday 13 March 2027: the first session is Monday 15 March, GMT
    assert only(project.matches())["event_start"] == "2027-03-15T12:00:00+00:00"
    project.nightly(109)
    # Four sessions by default; 5 April is after the clocks went forward: 12:00 BST, not 13:00.
    assert session(project, 2)["start"] == "2027-04-05T12:00:00+01:00"


def test_the_dry_run_previews_follow_ups_and_changes_nothing(tmp_path: Path):
    project = make(tmp_path / "p", "local", 1, approval="auto")
    project.nightly(1)
    before = project.state()
    summary = project.nightly(4, "--dry-run")
    assert counts(summary)["Follow-up invites to send"] == 1
    assert project.state() == before


def test_killed_between_sending_and_recording_records_the_event_without_resending(
    tmp_path: Path, monkeypatch
):
    with FakeGoogle(seed=4) as fake:
        monkeypatch.setenv("MENTORSHIP_GOOGLE_API_ROOT", fake.base_url)
        monkeypatch.setenv("NO_GCE_CHECK", "True")
        monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
        project = make(tmp_path / "p", "google", 1, fake, approval="auto")
        project.nightly(1)
        match = only(project.matches())
        sent: list[str] = []

        def kill_at_the_write_after_the_invite(key: str, req) -> int | None:
            if key == "calendar.events.insert":
                sent.append(key)
            elif sent and key == "sheets.values.batchUpdate" and process.pid:
                process.kill()
                return 503
            return None

        fake.on_call = kill_at_the_write_after_the_invite
        process = start(project.root, "nightly", "--now", night(4), env=project.env())
        process.communicate(timeout=120)
        fake.on_call = None
        assert process.returncode == -signal.SIGKILL and sent
        assert [s["number"] for s in project.sessions()] == ["1"], "killed before recording"
        rerun = run(
            project.root,
            "nightly",
            "--now",
            night(4),
            env={**project.env(), "MENTORSHIP_LOCK_SETTLE_SECONDS": "0.5"},
        )
        assert rerun.returncode == 0, rerun.stderr[-2000:]
        second = session(project, 2)
        assert second["status"] == "scheduled"
        assert project.invites() == {
            match["event_id"]: {"invite": 1},
            second["event_id"]: {"invite": 1},
        }, "found already there: recorded, not sent again"


def test_sheets_calls_stay_constant_plus_one_per_batch(tmp_path: Path, monkeypatch):
    with FakeGoogle(seed=6) as fake:
        monkeypatch.setenv("MENTORSHIP_GOOGLE_API_ROOT", fake.base_url)
        monkeypatch.setenv("NO_GCE_CHECK", "True")
        monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
        project = make(tmp_path / "p", "google", 3, fake, approval="auto")
        project.nightly(1)
        assert len(project.sessions()) == 3

        def sheets_calls(n: int) -> int:
            fake.calls.clear()
            project.nightly(n)
            return sum(v for k, v in fake.calls.items() if k.startswith("sheets."))

        quiet_night = sheets_calls(2)  # nothing to book
        busy_night = sheets_calls(4)  # three follow-ups, one batch
        assert len(project.sessions()) == 6
        assert fake.calls["calendar.events.insert"] == 3
        assert busy_night == quiet_night + 1, (quiet_night, busy_night)


def test_a_term_end_that_is_not_a_date_is_a_configuration_error(tmp_path: Path):
    project = make(tmp_path / "p", "local", 1, approval="auto")
    with open(project.root / "pyproject.toml", "a", encoding="utf-8") as handle:
        handle.write('\n[tool.mentorship.relationship]\nterm_end = "19/12/2026"\n')
    result = run(project.root, "nightly", "--now", night(1), env=project.env())
    assert result.returncode == 2
    assert "[tool.mentorship].relationship.term_end must be a date like" in result.stderr
    assert "Traceback" not in result.stderr
    with pytest.raises(ConfigError, match="sessions must be at least 1"):
        parse_config({"relationship": {"sessions": 0}}, tmp_path)
    config = parse_config({"relationship": {"term_end": "2026-12-19"}}, tmp_path)
    assert config.relationship.term_end_date == dt.date(2026, 12, 19)
    assert config.relationship.sessions == 4 and config.relationship.cadence_weeks == 3


def test_the_follow_up_decisions_import_no_io_library():
    code = (
        "import sys, mentorship.relationship.followups; "
        "print(sorted(m for m in ('gspread', 'googleapiclient', 'click', 'mkdocs', 'icalendar') "
        "if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stdout + result.stderr


def test_a_follow_up_invite_carries_that_sessions_check_in_links(tmp_path: Path):
    project = make(tmp_path / "p", "local", 1, approval="auto")
    with_checkins(project.root)
    project.nightly(1)
    project.nightly(4)
    match_id = only(project.matches())["match_id"]
    text = description(project, session(project, 2)["event_id"])
    assert "Student's check-in" in text and "Mentor's check-in" in text
    assert f"{match_id}%2F2%2F" in text and f"{match_id}%2F1%2F" not in text  # URL-encoded
