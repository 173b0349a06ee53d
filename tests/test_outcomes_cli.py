"""`mentorship report` and the nightly's figures, for real: CLI subprocesses over a local ledger.

A 30-answer, 10-mentor project runs one nightly: it writes `status/figures.json` and charts
the headline figures in the job summary (Mermaid). `mentorship report` over the same ledger
prints the same figures; nothing anywhere names a student.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from mentorship.ledger import MATCHES, REQUESTS

from tests.nightly_project import NOW, Project, make_project
from tests.nightly_run import cli_env, local_tab, rows, run


@pytest.fixture(scope="module")
def ran(tmp_path_factory) -> tuple[Project, str, str]:
    """The project after one nightly run: (project, its stdout, the job summary)."""
    root = tmp_path_factory.mktemp("outcomes")
    project = make_project(root, backend="local", mentors=10, responses=30)
    summary = root / "summary.md"
    result = run(root, "nightly", "--now", NOW, env=cli_env(GITHUB_STEP_SUMMARY=str(summary)))
    assert result.returncode == 0, result.stderr
    return project, result.stdout, summary.read_text(encoding="utf-8")


def _students(project: Project) -> list[str]:
    # Names and emails of the fixture students (columns 1 and 2 of the form's answers).
    return [cell for row in project.responses[1:] for cell in row[1:3] if cell.strip()]


def test_the_nightly_writes_figures_that_match_the_ledger(ran):
    project, stdout, _ = ran
    path = project.root / "status" / "figures.json"
    assert "figures: status/figures.json updated" in stdout
    figures = json.loads(path.read_text(encoding="utf-8"))
    requests = rows(local_tab(project.root, REQUESTS))
    matches = rows(local_tab(project.root, MATCHES))
    assert figures["term"]["label"] == "all time"
    assert figures["requests"] == len(requests) >= 5
    assert figures["matched"] == sum(r["status"] == "matched" for r in requests)
    assert figures["waiting"] == sum(r["status"] == "waiting" for r in requests)
    # The night's invites are in the future: no first session has happened yet.
    assert matches and figures["first_sessions_held"] == "fewer than 5"
    text = path.read_text(encoding="utf-8")
    for secret in _students(project) + [m["match_id"] for m in matches]:
        assert secret not in text


def test_the_job_summary_charts_the_headline_counts_in_mermaid(ran):
    project, _, summary = ran
    figures = json.loads((project.root / "status" / "figures.json").read_text(encoding="utf-8"))
    block = re.search(r"```mermaid\n(.*?)```", summary, re.S)
    assert block, summary
    chart = block.group(1)
    assert chart.startswith("xychart-beta\n")
    labels = json.loads(re.search(r"x-axis (\[.*\])", chart).group(1))
    values = json.loads(re.search(r"bar (\[.*\])", chart).group(1))
    assert labels[:3] == ["Requests", "Valid requests", "Matched"]
    assert values[0] == figures["requests"]
    assert "fewer than 5" not in chart, "hidden figures get no bar"
    assert "Fewer than 5 (not charted): First sessions held" in summary
    for secret in _students(project):
        assert secret not in summary


def test_report_prints_the_same_figures_and_writes_them_as_json(ran, tmp_path: Path):
    project, _, _ = ran
    out = tmp_path / "figures.json"
    result = run(project.root, "report", "--now", NOW, "--json", str(out))
    assert result.returncode == 0, result.stderr
    published = json.loads((project.root / "status" / "figures.json").read_text(encoding="utf-8"))
    assert json.loads(out.read_text(encoding="utf-8")) == published
    lines = result.stdout.splitlines()
    assert lines[0] == "Programme figures, all time"
    assert any(re.fullmatch(rf"Requests\s+{published['requests']}", line) for line in lines)
    assert any(line.startswith("First sessions held") and "fewer than 5" in line for line in lines)
    for secret in _students(project):
        assert secret not in result.stdout


def test_report_for_a_term_before_any_request_hides_everything(ran):
    project, _, _ = ran
    result = run(project.root, "report", "--now", NOW, "--term", "2020-01-01:2020-06-30")
    assert result.returncode == 0, result.stderr
    assert "Programme figures, 2020-01-01 to 2020-06-30" in result.stdout
    assert re.search(r"^Requests\s+fewer than 5$", result.stdout, re.M)
    assert re.search(r"returning from last term\s+fewer than 5$", result.stdout, re.M)


@pytest.mark.parametrize("term", ["2026-09-01", "2026-09-31:2026-12-19", "2026-12-19:2026-09-01"])
def test_a_bad_term_is_refused_with_the_fix(ran, term: str):
    project, _, _ = ran
    result = run(project.root, "report", "--term", term)
    assert result.returncode == 2
    assert "--term" in result.stderr and "like 2026-09-01:2026-12-19" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_second_night_with_nothing_new_leaves_the_figures_file_alone(ran):
    project, _, _ = ran
    result = run(project.root, "nightly", "--now", NOW)
    assert result.returncode == 0, result.stderr
    assert "figures:" not in result.stdout
