"""Check-ins end to end through the real `mentorship` CLI: the links in the first invite, the
answers in the Sessions tab, the public summary (counts) and the private report (rows); and a
Google ledger without the secret stops with the fix."""

from __future__ import annotations

import csv
import stat
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest
from mentorship.checkin_secret import SECRET_ENV
from mentorship.ledger import MATCHES, SESSIONS, MatchStatus
from mentorship.relationship.checkin_codes import read_code

from tests.checkin_support import HEADER, TAB, answer, session, sessions_tab, with_checkins
from tests.fake_google import FakeGoogle
from tests.nightly_project import CALENDAR_ID, NOW, RESPONSES_TAB, make_project
from tests.nightly_run import cli_env, local_tab, rows, run

LATER = "2026-12-06T03:17:00Z"
PRIVATE = "Private: the student seemed worried about money"


def write_tab(root: Path, title: str, values: list[list[str]]) -> None:
    with open(root / ".ledger" / f"{title}.csv", "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(values)


def links_in(path: Path) -> dict[str, str]:
    """Role -> the check-in code prefilled in that role's link, from the invite's description."""
    event = next(iter(icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")))
    description = str(event["DESCRIPTION"])
    assert "After the session, tell us how it went" in description
    found = {}
    for label, role in (("Mentor's check-in: ", "Mentor"), ("Student's check-in: ", "Student")):
        line = next(x for x in description.splitlines() if x.startswith(f"- {label}"))
        query = parse_qs(urlsplit(line.split(label, 1)[1]).query)
        assert query["entry.222"] == [role]
        found[role] = query["entry.111"][0]
    return found


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("checkins")
    make_project(root, backend="local", mentors=12, responses=24)
    with_checkins(root)
    result = run(root, "nightly", "--now", NOW)
    assert result.returncode == 0, result.stderr
    return root


def test_the_first_invite_carries_both_check_in_links_signed_by_the_local_key(project: Path):
    key = project / ".ledger" / "checkin.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    invited = [m for m in rows(local_tab(project, MATCHES)) if m["status"] == MatchStatus.INVITED]
    assert len(invited) >= 3
    for match in invited:
        codes = links_in(project / ".invites" / f"{match['event_id']}.ics")
        assert codes["Mentor"] == codes["Student"]
        assert codes["Mentor"].startswith(f"{match['match_id']}/1/")


def test_the_nightly_applies_check_ins_and_reports_counts_in_public(project: Path):
    invited = [m for m in rows(local_tab(project, MATCHES)) if m["status"] == MatchStatus.INVITED]
    first, second, third = invited[:3]
    # The relationship stage's rows for the first sessions (written here directly).
    write_tab(
        project,
        SESSIONS,
        sessions_tab(*(session(m["match_id"], invited_at=m["invited_at"]) for m in invited)),
    )
    code = links_in(project / ".invites" / f"{first['event_id']}.ics")["Mentor"]
    other = links_in(project / ".invites" / f"{second['event_id']}.ics")["Mentor"]
    forged = f"{third['match_id']}/1/{other.rsplit('/', 1)[1]}"
    write_tab(
        project,
        TAB,
        [
            HEADER,
            answer(code, comment=PRIVATE),
            answer(code, role="Student", happened="Yes!", useful="5"),
            answer(other, happened="Postponed"),
            answer(forged, happened="held"),
            answer(code.replace("/1/", "/2/")),  # a tampered number
        ],
    )
    result = run(project, "nightly", "--now", LATER)
    assert result.returncode == 0, result.stderr
    sessions = {r["session_id"]: r for r in rows(local_tab(project, SESSIONS))}
    one = sessions[f"{first['match_id']}/1"]
    assert (one["status"], one["mentor_said"], one["student_useful"]) == ("held", "held", "5")
    assert one["mentor_comment"] == PRIVATE
    # "Postponed" reads as moved, and the relationship stage books it again the same night.
    moved = sessions[f"{second['match_id']}/1"]
    assert (moved["mentor_said"], moved["status"], moved["attempt"]) == ("moved", "scheduled", "1")
    assert sessions[f"{third['match_id']}/1"]["status"] == "scheduled"
    public = result.stdout
    assert "### Check-ins" in public
    assert "- Applied: 3" in public and "- Bad or missing code: 2" in public
    for secret_text in (PRIVATE, first["match_id"], second["match_id"], third["match_id"]):
        assert secret_text not in public and secret_text not in result.stderr
    report = (project / ".ledger" / "Report.md").read_text(encoding="utf-8")
    assert "## Check-ins" in report and "- 5, 6" in report
    assert PRIVATE not in report
    # The next night applies nothing new (it clears the answer about the old booking); a dry
    # run writes nothing.
    responses = (project / ".ledger" / f"{TAB}.csv").read_bytes()
    again = run(project, "nightly", "--now", LATER)
    assert again.returncode == 0, again.stderr
    before = (project / ".ledger" / f"{SESSIONS}.csv").read_bytes()
    assert "- Applied: 0" in again.stdout and "- Unchanged: 2" in again.stdout
    # "Postponed" was about the booking that moved, not the new one: it no longer counts.
    assert "- About an earlier booking: 1" in again.stdout
    dry = run(project, "nightly", "--dry-run", "--now", LATER)
    assert dry.returncode == 0, dry.stderr
    assert "### Check-ins" in dry.stdout
    assert (project / ".ledger" / f"{SESSIONS}.csv").read_bytes() == before
    assert (project / ".ledger" / f"{TAB}.csv").read_bytes() == responses


def google_project(root: Path, fake: FakeGoogle, sid: str) -> dict[str, str]:
    """A Google project with check-ins on, its spreadsheet and calendar; the CLI environment."""
    project = make_project(root, backend="google", mentors=8, responses=12, spreadsheet_key=sid)
    with_checkins(root)
    fake.create_spreadsheet(
        "Intake", {RESPONSES_TAB: project.responses, "Mentors": project.roster}, spreadsheet_id=sid
    )
    fake.add_calendar(CALENDAR_ID)
    env = cli_env(MENTORSHIP_GOOGLE_API_ROOT=fake.base_url)
    env.pop(SECRET_ENV, None)
    return env


def test_google_invites_carry_links_signed_with_the_environment_secret(
    tmp_path: Path, fake_google: FakeGoogle
) -> None:
    sid = "1CheckinLinksSheet0123456789abcdefghijklmno"
    secret = "a-long-random-secret-for-the-tests"
    env = google_project(tmp_path, fake_google, sid) | {SECRET_ENV: secret}
    result = run(tmp_path, "nightly", "--now", NOW, env=env)
    assert result.returncode == 0, result.stderr
    assert "### Check-ins" in result.stdout
    events = fake_google.events(CALENDAR_ID)
    assert events
    for event in events:
        line = next(
            x for x in event["description"].splitlines() if x.startswith("- Mentor's check-in: ")
        )
        query = parse_qs(urlsplit(line.split(": ", 1)[1]).query)
        found = read_code(secret.encode(), query["entry.111"][0])
        assert found is not None and found[1] == 1
    assert not (tmp_path / ".ledger" / "checkin.key").exists()


def test_a_google_ledger_without_the_secret_stops_with_the_fix(
    tmp_path: Path, fake_google: FakeGoogle
) -> None:
    sid = "1CheckinSecretSheet0123456789abcdefghijklmn"
    env = google_project(tmp_path, fake_google, sid)
    result = run(tmp_path, "nightly", "--now", NOW, env=env)
    assert result.returncode == 2
    assert f"{SECRET_ENV} is not set" in result.stderr and "`nightly` environment" in result.stderr
    # Stopped before the lock: nothing written, nothing sent.
    assert [s.title for s in fake_google.spreadsheet(sid).sheets] == [RESPONSES_TAB, "Mentors"]
    assert fake_google.events(CALENDAR_ID) == []
    doctor = run(tmp_path, "doctor", env=env)
    assert "✗ check-in secret: Check-ins are on" in doctor.stdout
    assert '✗ check-in responses tab: there is no tab "Form Responses 2"' in doctor.stdout
