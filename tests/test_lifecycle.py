"""Every request reaches an outcome: the lifecycle over several nights, through the real CLI.

Each test runs `mentorship nightly --now <night>` on a small project, plays staff (or the
student) between nights, and asserts the ledger, the invites (.ics files locally; events and
notifications on the fake Google APIs) and the reports. Running a night twice changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from mentorship.ledger import MATCHES, REQUESTS

from tests.fake_google import FakeGoogle
from tests.lifecycle_project import CALENDAR_ID, MENTORS, Project, answer, make

Make = Callable[..., Project]


@pytest.fixture(params=["local", "google"])
def new_project(request, tmp_path: Path, monkeypatch) -> Iterator[Make]:
    """Make a project on the local backend, or on a fresh fake of the Google APIs."""
    if request.param == "local":
        yield lambda students, **top: make(tmp_path / "p", "local", students, **top)
        return
    with FakeGoogle(seed=3) as fake:
        monkeypatch.setenv("MENTORSHIP_GOOGLE_API_ROOT", fake.base_url)
        monkeypatch.setenv("NO_GCE_CHECK", "True")
        monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
        yield lambda students, **top: make(tmp_path / "p", "google", students, fake, **top)


def again_changes_nothing(project: Project, n: int) -> None:
    before = project.state()
    project.nightly(n)
    assert project.state() == before, "a second run of the same night changed something"


def counts(summary: str) -> dict[str, int]:
    """The public summary's table of counts, by column."""
    header, _, values = summary.splitlines()[2:5]
    names = [c.strip() for c in header.strip("|").split("|")]
    return dict(zip(names, (int(v) for v in values.strip("|").split("|")), strict=True))


def only(items: list[dict[str, str]]) -> dict[str, str]:
    assert len(items) == 1, items
    return items[0]


def test_withdrawn_cancels_the_live_match_once_and_frees_the_place(new_project: Make):
    project = new_project(1, approval="auto")
    project.nightly(1)
    match = only(project.matches())
    assert match["status"] == "invited"
    assert project.open_places()[match["mentor"]] == 0
    event = match["event_id"]
    assert project.invites() == {event: {"invite": 1}}

    request = only(project.requests())
    project.set_cell(REQUESTS, request["request_id"], "status", "Withdrawn")
    summary = project.nightly(2)

    match = only(project.matches())
    assert match["status"] == "cancelled" and "request withdrawn" in match["note"]
    assert only(project.requests())["status"] == "withdrawn"
    assert project.invites() == {event: {"invite": 1, "cancel": 1}}
    assert project.open_places()[match["mentor"]] == 1, "the mentor's place is free again"
    assert f"Match {match['match_id']}: cancelled because its request was withdrawn" in (
        project.report()
    )
    assert counts(summary)["Withdrawn"] == 1 and counts(summary)["Cancelled"] == 1
    again_changes_nothing(project, 2)


def test_a_cancelled_match_returns_the_student_to_waiting_and_rematches_elsewhere(
    new_project: Make,
):
    project = new_project(1, approval="auto")
    project.nightly(1)
    first = only(project.matches())
    submitted = only(project.requests())["submitted_at"]

    project.set_cell(MATCHES, first["match_id"], "status", "canceled")  # US spelling
    project.nightly(2)

    old, new = project.matches()
    assert old["match_id"] == first["match_id"] and old["status"] == "cancelled"
    assert new["status"] == "invited" and new["mentor"] != first["mentor"], "never the same mentor"
    request = only(project.requests())
    assert request["status"] == "matched" and request["submitted_at"] == submitted
    assert project.invites() == {
        first["event_id"]: {"invite": 1, "cancel": 1},
        new["event_id"]: {"invite": 1},
    }
    assert f"Request {request['request_id']}: back to waiting" in project.report()
    again_changes_nothing(project, 2)


def test_an_unknown_status_is_listed_for_staff_and_changes_nothing_else(new_project: Make):
    project = new_project(1, approval="auto")
    project.nightly(1)
    match = only(project.matches())
    project.set_cell(MATCHES, match["match_id"], "status", "maybe later")
    before = project.invites()
    project.nightly(2)

    assert only(project.matches())["status"] == "maybe later", "the cell is left to staff"
    assert project.invites() == before, "no cancellation, no second invite"
    assert project.open_places()[match["mentor"]] == 0, "the place stays held until staff decide"
    report = project.report()
    your_action = report.split("## Your action", 1)[1].split("## Counts", 1)[0]
    assert "Matches row 2: status 'maybe later' is not a known state" in your_action
    again_changes_nothing(project, 2)


def test_proposals_age_in_the_report_every_night_until_staff_act(new_project: Make):
    project = new_project(2, approval="manual")
    summary = project.nightly(1)
    proposed = project.matches()
    assert [m["status"] for m in proposed] == ["proposed", "proposed"]
    assert project.invites() == {}
    assert counts(summary)["Awaiting approval"] == 2 and counts(summary)["Matches proposed"] == 2

    project.nightly(3)
    report = project.report()
    for match in proposed:
        assert f"Approve or cancel proposed match {match['match_id']}" in report
    assert report.count("waiting 2 day(s)") == 2

    project.set_cell(MATCHES, proposed[0]["match_id"], "status", "Approved")
    project.nightly(4)
    first, second = project.matches()
    assert first["status"] == "invited" and second["status"] == "proposed"
    assert list(project.invites()) == [first["event_id"]]
    report = project.report()
    assert f"proposed match {second['match_id']}" in report and "waiting 3 day(s)" in report
    assert f"proposed match {first['match_id']}" not in report
    again_changes_nothing(project, 4)


def test_a_declined_session_moves_once_then_goes_to_staff(tmp_path: Path, monkeypatch):
    with FakeGoogle(seed=5) as fake:
        monkeypatch.setenv("MENTORSHIP_GOOGLE_API_ROOT", fake.base_url)
        monkeypatch.setenv("NO_GCE_CHECK", "True")
        monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
        project = make(tmp_path / "p", "google", 1, fake, approval="auto")
        project.nightly(1)
        first = only(project.matches())
        student = only(project.requests())["email"]

        fake.respond(CALENDAR_ID, first["event_id"], student, "declined")
        project.nightly(2)
        moved = only(project.matches())
        assert moved["status"] == "invited" and moved["declines"] == "1"
        assert moved["event_id"] != first["event_id"]
        assert moved["event_start"] != first["event_start"], (
            "the declined hour is not offered again"
        )
        assert "moved after the student declined" in moved["note"]
        [first_session] = project.sessions()
        assert (first_session["event_id"], first_session["start"]) == (
            moved["event_id"],
            moved["event_start"],
        ), "the Sessions row follows the moved first session"
        assert project.invites() == {
            first["event_id"]: {"invite": 1, "cancel": 1},
            moved["event_id"]: {"invite": 1},
        }
        assert project.event(first["event_id"])["status"] == "cancelled"
        again_changes_nothing(project, 2)

        mentor = f"{moved['mentor']}@example.org"
        fake.respond(CALENDAR_ID, moved["event_id"], mentor, "declined")
        project.nightly(3)
        declined = only(project.matches())
        assert declined["status"] == "declined" and declined["declines"] == "2"
        assert "the mentor declined the moved session too" in declined["note"]
        assert project.invites() == {
            first["event_id"]: {"invite": 1, "cancel": 1},
            moved["event_id"]: {"invite": 1},
        }, "no third invite: staff decide"
        your_action = project.report().split("## Counts", 1)[0]
        assert f"Match {declined['match_id']}: the moved session was declined too" in your_action
        again_changes_nothing(project, 3)


def test_the_public_summary_names_no_one_and_no_time(new_project: Make):
    project = new_project(2, approval="auto")
    project.nightly(1)
    match = project.matches()[0]
    project.set_cell(MATCHES, match["match_id"], "status", "cancel")
    project.nightly(2)
    assert len(project.summaries) == 2
    secrets: set[str] = set()
    for request in project.requests():
        secrets |= {request["request_id"], request["name"], request["email"], request["timezone"]}
        secrets.add(request["email"].split("@")[0])
    for m in project.matches():
        secrets |= {m["match_id"], m["event_id"], m["event_start"], m["event_start"][:16]}
    for slug, (name, _) in MENTORS.items():
        secrets |= {slug, name, f"{slug}@example.org"}
    secrets.discard("")
    for summary in project.summaries:
        leaked = sorted(s for s in secrets if s in summary)
        assert not leaked, leaked
        assert "@" not in summary
        assert not re.search(r"\b\d{1,2}:\d{2}\b", summary), "no clock time"
        assert not re.search(r"\b[A-Z][a-z]+/[A-Z][A-Za-z_]+\b", summary), "no timezone"


def test_resubmission_while_waiting_replaces_the_waiting_request(new_project: Make):
    # Three mentors of one place each and four students: student 4 waits.
    project = new_project(4, approval="auto")
    project.nightly(1)
    waiting = [r for r in project.requests() if r["status"] == "waiting"]
    assert len(waiting) == 1
    student = int(waiting[0]["name"].split()[1])
    project.submit(answer(student, submitted="05/11/2026 10:00:00"))
    project.nightly(2)
    old, new = (r for r in project.requests() if r["email"] == waiting[0]["email"])
    assert old["status"] == "superseded" and new["status"] == "waiting"
    assert len(project.matches()) == 3, "no second match"
    again_changes_nothing(project, 2)


@pytest.mark.parametrize("approval", ["manual", "auto"])
def test_resubmission_while_proposed_or_invited_is_held_as_duplicate(
    new_project: Make, approval: str
):
    project = new_project(1, approval=approval)
    project.nightly(1)
    first = only(project.matches())
    assert first["status"] == ("proposed" if approval == "manual" else "invited")
    invites = project.invites()
    project.submit(answer(1, submitted="05/11/2026 10:00:00"))
    summary = project.nightly(2)

    matched, duplicate = project.requests()
    assert matched["status"] == "matched"
    assert duplicate["status"] == "duplicate"
    assert f"already has request {matched['request_id']} (Requests row 2)" in duplicate["reason"]
    assert only(project.matches())["match_id"] == first["match_id"], "no second mentor"
    assert project.invites() == invites, "no second invite"
    assert counts(summary)["Duplicates"] == 1
    your_action = project.report().split("## Counts", 1)[0]
    assert f"Duplicate request {duplicate['request_id']} (Requests row 3)" in your_action
    again_changes_nothing(project, 2)

    # Staff allow a second mentor on purpose: the duplicate is matched, never with the first.
    project.set_cell(REQUESTS, duplicate["request_id"], "status", "waiting")
    project.nightly(3)
    one, two = project.matches()
    assert two["request_id"] == duplicate["request_id"] and two["mentor"] != one["mentor"]
