"""`mentorship doctor` for the check-in form on the local backend: the tab, titles, ids, key."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from mentorship.checkin_secret import SECRET_ENV
from mentorship.doctor import diagnose, exit_code

from tests.checkin_support import HEADER, TAB, with_checkins
from tests.nightly_project import make_project

NOW = dt.datetime(2026, 11, 28, 3, 17, tzinfo=dt.UTC)


def by_check(findings):
    return {f.check: f for f in findings}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    make_project(tmp_path, backend="local", mentors=4, responses=6)
    with_checkins(tmp_path)
    return tmp_path


def write_header(root: Path, header: list[str]) -> None:
    with open(root / ".ledger" / f"{TAB}.csv", "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerow(header)


def test_a_linked_check_in_form_is_green(project: Path) -> None:
    write_header(project, [h.upper() for h in HEADER])  # letter case does not matter
    findings = by_check(diagnose(project, env={}, now=NOW))
    assert findings["check-in questions"].ok, findings["check-in questions"]
    assert findings["check-in prefill ids"].detail == "code entry.111, role entry.222"
    assert findings["check-in secret"].detail == (
        ".ledger/checkin.key is made by the first run that sends an invite"
    )
    assert not (project / ".ledger" / "checkin.key").exists()  # the doctor writes nothing
    findings = by_check(diagnose(project, env={SECRET_ENV: "s" * 32}, now=NOW))
    assert findings["check-in secret"].detail == f"{SECRET_ENV} is set"


def test_a_renamed_question_and_a_missing_tab_are_red_with_the_fix(project: Path) -> None:
    findings = diagnose(project, env={}, now=NOW)
    missing = by_check(findings)["check-in responses tab"]
    assert not missing.ok and "Link to Sheets" in missing.fix
    assert exit_code(findings) == 2
    write_header(project, [*HEADER[:4], "How useful was this session?", *HEADER[5:]])
    finding = by_check(diagnose(project, env={}, now=NOW))["check-in questions"]
    assert not finding.ok
    assert finding.detail == (
        'useful = "How useful was the session?" is not a column; '
        'closest column: "How useful was this session?"'
    )


def test_check_ins_off_is_one_green_line(tmp_path: Path) -> None:
    make_project(tmp_path, backend="local", mentors=4, responses=6)
    findings = by_check(diagnose(tmp_path, env={}, now=NOW))
    assert findings["check-ins"].ok and "off" in findings["check-ins"].detail
    assert "check-in questions" not in findings
