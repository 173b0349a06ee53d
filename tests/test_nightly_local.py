"""The nightly run end to end on the local backend (CSV ledger, .ics invites): what `make demo` shows.

The real `mentorship nightly` runs in a subprocess on a generated project: 300 form answers and
60 mentors for the full flow, a smaller one where the run is killed many times.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import signal
import time
from pathlib import Path

import pytest
from mentorship.ledger import MATCHES, REQUESTS, MatchStatus, RequestStatus
from mentorship.lock import RUNS, acquire, current_holder
from mentorship.sheets_local import LocalSpreadsheet

from tests.nightly_project import NOW, make_project
from tests.nightly_run import cli_env, local_state, local_tab, rows, run, start

ONE_STATE = set(RequestStatus.ALL)


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    """A 300-answer, 60-mentor project after one clean nightly run."""
    root = tmp_path_factory.mktemp("big")
    make_project(root, backend="local", mentors=60, responses=300)
    result = run(root, "nightly", "--now", NOW)
    assert result.returncode == 0, result.stderr
    (root / "first-summary.md").write_text(result.stdout, encoding="utf-8")
    (root / "first-report.md").write_text(
        (root / ".ledger" / "Report.md").read_text(encoding="utf-8"), encoding="utf-8"
    )
    return root


def test_full_nightly_gives_every_request_one_state_and_every_match_one_invite(big: Path):
    requests = rows(local_tab(big, REQUESTS))
    matches = rows(local_tab(big, MATCHES))
    assert len(requests) == 300
    assert {r["status"] for r in requests} <= ONE_STATE
    assert len({r["request_id"] for r in requests}) == 300
    invited = [m for m in matches if m["status"] == MatchStatus.INVITED]
    assert invited, "the sample should produce invites"
    assert len({m["request_id"] for m in matches}) == len(matches), "one match per request"
    files = sorted(p.stem for p in (big / ".invites").glob("*.ics"))
    assert sorted(m["event_id"] for m in invited) == files
    matched = {r["request_id"] for r in requests if r["status"] == RequestStatus.MATCHED}
    assert matched == {m["request_id"] for m in matches}


def test_private_report_names_rows_for_staff_and_no_student_data(big: Path):
    report = (big / "first-report.md").read_text(encoding="utf-8")
    assert report.startswith("# Nightly run 2026-11-28 03:17 UTC\n\n## Your action\n")
    for section in ("Your action", "Counts", "Intake", "Matching", "Demand", "Invites"):
        assert f"### {section}" in report or f"## {section}" in report, section
    for row, request in enumerate(rows(local_tab(big, REQUESTS)), start=2):
        if request["status"] == RequestStatus.INVALID:
            assert f"- Requests row {row}: " in report
    invited = [m for m in rows(local_tab(big, MATCHES)) if m["status"] == MatchStatus.INVITED]
    for match in invited:
        assert f"| {match['match_id']} | sent | " in report
    assert "Ask `mentor-000` to confirm their profile: last confirmed 2025-06-01" in report
    assert "@example" not in report and "Student 0" not in report


def test_every_stamp_in_the_ledger_is_utc_to_the_second_with_a_z(big: Path):
    stamps = 0
    for tab in (REQUESTS, MATCHES, RUNS):
        for row in rows(local_tab(big, tab)):
            for column, cell in row.items():
                # submitted_at is the form's own clock (the sheet's timezone), not a stamp.
                if column.endswith("_at") and column != "submitted_at" and cell:
                    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", cell), (tab, column)
                    stamps += 1
    assert stamps > 300


def test_second_run_changes_nothing(big: Path):
    before = local_state(big)
    runs_before = len(local_tab(big, RUNS))
    result = run(big, "nightly", "--now", NOW)
    assert result.returncode == 0, result.stderr
    assert local_state(big) == before
    assert result.stdout.splitlines()[4].startswith("| 0 | "), "no new requests the second time"
    assert len(local_tab(big, RUNS)) == runs_before + 1, "only the run log grows"


def test_dry_run_writes_nothing_and_previews_what_the_real_run_does(tmp_path: Path, big: Path):
    make_project(tmp_path, backend="local", mentors=60, responses=300)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    result = run(tmp_path, "nightly", "--dry-run", "--now", NOW)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
    assert "(dry run)" in result.stdout.splitlines()[0]
    real = (big / "first-summary.md").read_text(encoding="utf-8").splitlines()
    # The headline numbers of the preview are those of the real first run.
    assert result.stdout.splitlines()[6] == real[4]
    preview = tmp_path.parent / "preview.md"
    again = run(tmp_path, "nightly", "--dry-run", "--report", str(preview), "--now", NOW)
    assert again.returncode == 0, again.stderr
    assert preview.read_text(encoding="utf-8").startswith(
        "# Nightly run 2026-11-28 03:17 UTC (dry run)"
    )
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_report_goes_to_the_job_summary_with_warnings_and_strict_exits_1(tmp_path: Path):
    make_project(tmp_path, backend="local", mentors=10, responses=30)
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    env = cli_env(GITHUB_STEP_SUMMARY=str(summary), GITHUB_ACTIONS="true")
    result = run(tmp_path, "nightly", "--now", NOW, env=env)
    assert result.returncode == 0, result.stderr
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n## Nightly run")
    warnings = [line for line in result.stdout.splitlines() if line.startswith("::warning")]
    # One warning with a count: the log of a public repository is public.
    assert len(warnings) == 1 and "item(s) wait for staff" in warnings[0]
    assert "Requests row" not in result.stdout
    strict = run(tmp_path, "nightly", "--strict", "--now", NOW, env=env)
    assert strict.returncode == 1


def test_a_second_run_is_refused_while_the_lock_is_held(tmp_path: Path):
    make_project(tmp_path, backend="local", mentors=5, responses=10)
    sheet = LocalSpreadsheet(tmp_path / ".ledger")
    now = dt.datetime.fromisoformat(NOW.replace("Z", "+00:00"))
    lock = acquire(sheet, now, holder=current_holder(), settle=0.5)  # this test process: alive
    result = run(tmp_path, "nightly", "--now", NOW)
    assert result.returncode == 2
    assert "Another nightly run holds the ledger lock" in result.stderr
    assert not local_tab(tmp_path, REQUESTS)
    preview = run(tmp_path, "nightly", "--dry-run", "--now", NOW)
    assert preview.returncode == 0, "a dry run takes no lock"
    assert "> Another run holds the ledger lock" in preview.stdout
    lock.release(now, "ok")
    assert run(tmp_path, "nightly", "--now", NOW).returncode == 0
    assert local_tab(tmp_path, REQUESTS)


def test_killed_at_random_moments_then_rerun_ends_as_one_clean_run(tmp_path: Path):
    reference = tmp_path / "reference"
    make_project(reference, backend="local", mentors=20, responses=80)
    began = time.monotonic()
    assert run(reference, "nightly", "--now", NOW).returncode == 0
    duration = time.monotonic() - began
    expected = local_state(reference)
    rng = random.Random(2026)
    interrupted = 0
    for attempt in range(5):
        root = tmp_path / f"killed-{attempt}"
        make_project(root, backend="local", mentors=20, responses=80)
        process = start(root, "nightly", "--now", NOW)
        time.sleep(rng.uniform(0.2, duration))
        os.kill(process.pid, signal.SIGKILL)
        process.communicate()
        interrupted += process.returncode == -signal.SIGKILL
        rerun = run(root, "nightly", "--now", NOW)
        assert rerun.returncode == 0, rerun.stderr
        assert local_state(root) == expected, f"attempt {attempt}"
    assert interrupted >= 3, "most kills should land while the run is working"
