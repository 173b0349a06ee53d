"""`mentorship doctor` on the Google backend, against the fake Google APIs (real clients)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from mentorship.config import load_config
from mentorship.doctor import Identity, check_invite_sender, diagnose, exit_code, google_identity

from tests.fake_google import FakeGoogle
from tests.nightly_project import CALENDAR_ID, QUESTIONS, RESPONSES_TAB, make_project
from tests.support.keys import write_service_account_key

SHEET_ID = "1DoctorSheet0123456789abcdefghijklmnopqrstu"
NOW = dt.datetime(2026, 11, 28, 3, 17, tzinfo=dt.UTC)


def by_check(findings):
    return {f.check: f for f in findings}


@pytest.fixture
def setup(tmp_path: Path, fake_google: FakeGoogle, monkeypatch):
    """A Google project whose sheet and calendar exist on the fake; returns (root, fake)."""
    project = make_project(
        tmp_path, backend="google", mentors=4, responses=5, spreadsheet_key=SHEET_ID
    )
    fake_google.create_spreadsheet(
        "Intake",
        {RESPONSES_TAB: project.responses, "Mentors": project.roster},
        spreadsheet_id=SHEET_ID,
    )
    fake_google.add_calendar(CALENDAR_ID)
    monkeypatch.setenv("MENTORSHIP_GOOGLE_API_ROOT", fake_google.base_url)
    monkeypatch.setenv("NO_GCE_CHECK", "True")
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    return tmp_path, fake_google


def run_doctor(root: Path):
    import os

    return diagnose(root, env=os.environ, now=NOW)


def test_a_ready_google_setup_is_all_green(setup):
    root, fake = setup
    findings = run_doctor(root)
    assert exit_code(findings) == 0, [f.render() for f in findings if not f.ok]
    # The order the setup guide (content/guides/setup.md, step 10) describes.
    assert [f.check for f in findings] == [
        "configuration",
        "mentor profiles",
        "credentials",
        "spreadsheet",
        "form questions",
        "mentor roster",
        "calendar",
        "invite sender",
        "form url",
        "form prefill id",
        "form time-zone prefill id",
        "check-ins",
        "messages",
        "run lock",
    ]
    checks = by_check(findings)
    assert f"opened {SHEET_ID}" in checks["spreadsheet"].detail
    assert "all 14 question titles" in checks["form questions"].detail
    assert CALENDAR_ID in checks["calendar"].detail
    assert fake.calls["calendar.events.list"] == 1
    # The doctor only reads.
    assert fake.calls["sheets.values.batchUpdate"] == 0
    assert fake.calls["sheets.spreadsheets.batchUpdate"] == 0


def test_a_sheet_not_shared_says_whom_to_share_it_with(setup):
    root, fake = setup
    fake.refuse_access(SHEET_ID)
    checks = by_check(run_doctor(root))
    assert not checks["spreadsheet"].ok
    assert "share the spreadsheet with" in checks["spreadsheet"].fix
    assert "form questions" not in checks, "questions cannot be checked without the sheet"


def test_a_calendar_not_shared_is_reported_with_the_fix(setup):
    root, fake = setup
    fake.refuse_access(CALENDAR_ID)
    checks = by_check(run_doctor(root))
    assert checks["spreadsheet"].ok
    assert not checks["calendar"].ok
    assert "refused access" in checks["calendar"].detail
    assert "Make changes to events" in checks["calendar"].fix


def test_a_question_missing_from_the_form_is_named_with_the_closest_title(setup):
    root, fake = setup
    header = [*QUESTIONS.values()]
    header[header.index("What would you like help with?")] = "What would you like help with"
    fake.reset()
    fake.create_spreadsheet("Intake", {RESPONSES_TAB: [header]}, spreadsheet_id=SHEET_ID)
    fake.add_calendar(CALENDAR_ID)
    finding = by_check(run_doctor(root))["form questions"]
    assert not finding.ok
    assert (
        'topics = "What would you like help with?" is not a column; '
        'closest column: "What would you like help with"'
    ) in finding.detail


def test_an_empty_responses_tab_asks_for_a_test_answer(setup):
    root, fake = setup
    fake.reset()
    fake.create_spreadsheet("Intake", {RESPONSES_TAB: []}, spreadsheet_id=SHEET_ID)
    fake.add_calendar(CALENDAR_ID)
    finding = by_check(run_doctor(root))["form questions"]
    assert not finding.ok and "submit one test answer" in finding.fix


def test_no_credentials_at_all_says_how_to_provide_them(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("MENTORSHIP_GOOGLE_API_ROOT", raising=False)
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.setenv("NO_GCE_CHECK", "True")
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path / "gcloud"))  # no gcloud login either
    make_project(tmp_path, backend="google", mentors=2, responses=1, spreadsheet_key=SHEET_ID)
    findings = run_doctor(tmp_path)
    checks = by_check(findings)
    assert not checks["credentials"].ok
    assert "GOOGLE_APPLICATION_CREDENTIALS" in checks["credentials"].fix
    assert "GCP_WORKLOAD_IDENTITY_PROVIDER" in checks["credentials"].fix
    assert exit_code(findings) == 2


def _service_account_key(path: Path) -> str:
    email = "mentoring-nightly@alumni-mentoring.iam.gserviceaccount.com"
    write_service_account_key(path, email)
    return email


def test_a_service_account_key_is_named_and_needs_a_delegate(tmp_path: Path, monkeypatch):
    key = tmp_path / "key.json"
    email = _service_account_key(key)
    monkeypatch.delenv("MENTORSHIP_GOOGLE_API_ROOT", raising=False)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key))
    identity = google_identity({"GOOGLE_APPLICATION_CREDENTIALS": str(key)})
    assert identity.service_account == email
    assert f"service account {email} (from {key})" == identity.description

    make_project(tmp_path, backend="google", mentors=2, responses=1, spreadsheet_key=SHEET_ID)
    path = tmp_path / "pyproject.toml"
    path.write_text(path.read_text().replace(f'delegate = "{CALENDAR_ID}"', 'delegate = ""'))
    finding = check_invite_sender(load_config(tmp_path), identity)
    assert not finding.ok and "forbiddenForServiceAccounts" in finding.detail
    assert "domain-wide delegation" in finding.fix
    with_delegate = check_invite_sender(load_config(tmp_path), Identity("you"))
    assert with_delegate.ok
