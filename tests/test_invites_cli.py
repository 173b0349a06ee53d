"""`mentorship invite` end to end on the local backends, through click's CliRunner."""

from __future__ import annotations

from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner
from mentorship.cli import main
from mentorship.sheets_local import LocalSpreadsheet

from tests.fixtures import write_mentors
from tests.invite_support import match_row, read_matches, request_row, write_ledger
from tests.roster_support import write_roster

PYPROJECT = """
[tool.mentorship]
backend = "local"

[tool.mentorship.calendar]
site_url = "https://alumni.example.edu/mentoring/"
coordinator_email = "mentoring@example.edu"
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    # Priya: Asia/Kolkata, Wednesday 19:30-21:00 and Saturday 09:30-11:30.
    write_mentors(tmp_path / "mentors", "priya-quebec")
    # A student in Dubai (+04:00, no DST): Saturday 08:00-10:00 there is 09:30-11:30 in Kolkata.
    write_ledger(
        LocalSpreadsheet(tmp_path / ".ledger"),
        [request_row("r1", "Omar Haddad", "Asia/Dubai", "sat 08:00-10:00")],
        [match_row("m1", "r1", "priya-quebec")],
    )
    write_roster(
        LocalSpreadsheet(tmp_path / ".ledger"), {"priya-quebec": "priya@alumni.example.org"}
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_dry_run_prints_both_local_times_masked_and_sends_nothing(project):
    result = CliRunner().invoke(main, ["invite", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Would send m1: Priya Quebec & O. H. <o***@s***.edu>" in result.output
    assert "09:30–10:15 IST (Asia/Kolkata)" in result.output
    assert "08:00–08:45 UTC+04:00 (Asia/Dubai)" in result.output
    assert "Omar" not in result.output and "omar" not in result.output
    assert "Dry run: nothing was sent or written." in result.output
    assert not (project / ".invites").exists()
    assert read_matches(LocalSpreadsheet(project / ".ledger"))["m1"]["status"] == "approved"


def test_invite_writes_the_ics_and_the_ledger_then_does_nothing_twice(project):
    result = CliRunner().invoke(main, ["invite"])
    assert result.exit_code == 0, result.output
    assert "Sent m1: Priya Quebec & O. H." in result.output
    assert "Invites sent: 1" in result.output
    row = read_matches(LocalSpreadsheet(project / ".ledger"))["m1"]
    assert row["status"] == "invited" and row["event_start"].endswith("T09:30:00+05:30")
    (path,) = (project / ".invites").glob("*.ics")
    event = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")[0]
    assert event["DTSTART"].params["TZID"] == "Asia/Kolkata"
    again = CliRunner().invoke(main, ["invite"])
    assert again.exit_code == 0 and "Invites sent: 0" in again.output


def test_match_needing_attention_exits_1(project):
    for tab in ("Requests", "Matches"):
        (project / ".ledger" / f"{tab}.csv").unlink()
    write_ledger(
        LocalSpreadsheet(project / ".ledger"),
        [request_row("r1", "Omar Haddad", "Asia/Dubai", "sat 08:00-10:00")],
        [match_row("m9", "r1", "nobody-here")],
    )
    result = CliRunner().invoke(main, ["invite"])
    assert result.exit_code == 1
    assert (
        "Needs attention: m9: Matches row 2: mentor 'nobody-here' has no valid profile"
        in result.output
    )
