"""`mentorship doctor` on the local backend: the ledger folder, the responses CSV, profiles, lock."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from mentorship.cli import main
from mentorship.doctor import diagnose, exit_code
from mentorship.lock import acquire
from mentorship.sheets_local import LocalSpreadsheet

from tests.nightly_project import RESPONSES_TAB, make_project
from tests.nightly_run import run

NOW = dt.datetime(2026, 11, 28, 3, 17, tzinfo=dt.UTC)


def by_check(findings):
    return {f.check: f for f in findings}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    make_project(tmp_path, backend="local", mentors=6, responses=12)
    return tmp_path


def test_a_ready_local_project_is_all_green(project: Path, monkeypatch):
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["doctor"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert all(line.startswith("✓") for line in lines[:-2]), result.output
    assert "✓ mentor profiles: 6 valid in mentors/" in lines
    assert any("12 responses" in line for line in lines)
    assert lines[-1] == "All green: try `mentorship nightly --dry-run` next."


def test_missing_responses_file_says_where_to_put_it(project: Path):
    (project / ".ledger" / f"{RESPONSES_TAB}.csv").unlink()
    findings = diagnose(project, env={}, now=NOW)
    finding = by_check(findings)["responses file"]
    assert not finding.ok
    assert "examples/form_responses.csv" in finding.fix
    assert exit_code(findings) == 2


def test_a_missing_roster_is_red_and_says_how_to_create_it(project: Path):
    (project / ".ledger" / "Mentors.csv").unlink()
    findings = diagnose(project, env={}, now=NOW)
    finding = by_check(findings)["mentor roster"]
    assert not finding.ok
    assert finding.detail == "there is no Mentors tab: mentors cannot be invited without it"
    assert "`mentorship roster import`" in finding.fix and "slug, email, calendar" in finding.fix
    assert exit_code(findings) == 2


def test_roster_rows_missing_or_broken_are_counted_without_an_address(project: Path):
    path = project / ".ledger" / "Mentors.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")  # the last mentor unlisted
    finding = by_check(diagnose(project, env={}, now=NOW))["mentor roster"]
    assert finding.ok
    assert finding.detail.startswith("5 mentor(s) listed in Mentors; 1 profile(s) have no row")
    path.write_text("\n".join([*lines[:-1], "mentor-005,not-an-address"]) + "\n", encoding="utf-8")
    finding = by_check(diagnose(project, env={}, now=NOW))["mentor roster"]
    assert not finding.ok
    assert "Mentors row 7: the email cell does not hold a valid address" in finding.detail
    assert "not-an-address" not in finding.detail


def test_a_renamed_question_is_shown_with_the_closest_column(project: Path):
    path = project / ".ledger" / f"{RESPONSES_TAB}.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Your timezone", "Your time zone", 1), encoding="utf-8")
    finding = by_check(diagnose(project, env={}, now=NOW))["form questions"]
    assert not finding.ok
    assert 'timezone = "Your timezone" is not a column; closest column: "Your time zone"' in (
        finding.detail
    )
    assert "letter case and spacing do not matter" in finding.fix


def test_doctor_and_sync_agree_that_case_and_spacing_do_not_matter(project: Path):
    path = project / ".ledger" / f"{RESPONSES_TAB}.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Your timezone", "YOUR  Timezone", 1), encoding="utf-8")
    assert by_check(diagnose(project, env={}, now=NOW))["form questions"].ok
    sync = run(project, "sync", "--dry-run")
    assert sync.returncode in (0, 1), sync.stderr
    assert "no column" not in sync.stdout + sync.stderr


def test_an_invalid_profile_is_reported_with_its_location(project: Path):
    (project / "mentors" / "broken.yml").write_text("name: Broken\n", encoding="utf-8")
    finding = by_check(diagnose(project, env={}, now=NOW))["mentor profiles"]
    assert not finding.ok
    assert "mentors/broken.yml" in finding.detail
    assert "mentorship validate" in finding.fix


def test_a_broken_configuration_stops_the_other_checks(project: Path):
    path = project / "pyproject.toml"
    path.write_text(path.read_text().replace('backend = "local"', 'backend = "sheets"'))
    findings = diagnose(project, env={}, now=NOW)
    assert [f.check for f in findings] == ["configuration"]
    assert 'backend must be "local" or "google"' in findings[0].detail
    assert exit_code(findings) == 2


def test_a_held_lock_is_reported_with_how_to_clear_it(project: Path):
    # settle: the longest a claim may take to land; fsync on a busy machine can take 10 ms.
    acquire(LocalSpreadsheet(project / ".ledger"), NOW, settle=0.5)
    finding = by_check(diagnose(project, env={}, now=NOW))["run lock"]
    assert not finding.ok
    assert "held by local" in finding.detail and "Runs tab (row" in finding.fix


def test_form_settings_must_be_a_google_form_and_an_entry_id(project: Path):
    path = project / "pyproject.toml"
    text = path.read_text().replace('"entry.1234567890"', '"1234567890"')
    text = text.replace(
        "https://docs.google.com/forms/d/e/1FAIpQLSe-generated-form-0123456789/viewform",
        "https://forms.gle/abc",
    )
    path.write_text(text)
    checks = by_check(diagnose(project, env={}, now=NOW))
    assert not checks["form url"].ok and "not a Google Form address" in checks["form url"].detail
    assert not checks["form prefill id"].ok
    assert "entry.<digits>" in checks["form prefill id"].detail


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        ("", "timezone_entry is empty"),
        ("2345678901", "is not of the form entry.<digits>"),
        ("entry.1234567890", "the same as mentor_entry"),
    ],
)
def test_the_timezone_prefill_id_must_be_set_and_not_the_mentor_ones(
    project: Path, entry: str, words: str
):
    path = project / "pyproject.toml"
    path.write_text(path.read_text().replace('"entry.2345678901"', f'"{entry}"'))
    findings = diagnose(project, env={}, now=NOW)
    finding = by_check(findings)["form time-zone prefill id"]
    assert not finding.ok and words in finding.detail
    assert "timezone_entry" in finding.fix
    assert exit_code(findings) == 2


def test_a_distinct_timezone_prefill_id_is_green(project: Path):
    finding = by_check(diagnose(project, env={}, now=NOW))["form time-zone prefill id"]
    assert finding.ok and finding.detail == "entry.2345678901"
