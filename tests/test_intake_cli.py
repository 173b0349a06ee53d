"""`mentorship sync [--dry-run]` as staff run it: summary, exit codes, both backends."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from mentorship.cli import main
from mentorship.config import load_config
from mentorship.ledger import REQUESTS

from tests.fake_google import FakeGoogle
from tests.support.answers import answer_row

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = load_config(ROOT).questions
HEADER = [QUESTIONS[f] for f in QUESTIONS]
TAB = "Form Responses 1"


def answers(n: int, **changes: str) -> list[str]:
    student = {
        "timestamp": f"{n + 1:02d}/11/2026 10:00:00",
        "name": f"Student {n}",
        "email": f"student{n}@example.edu",
        "program": "BA Law",
        "year": "1",
        "industries": "Law",
        "topics": "Internships",
        "goals": "An internship",
        "timezone": "Europe/London",
        "availability": "Weekday afternoons",
    }
    return answer_row(QUESTIONS, **{**student, **changes})


def make_project(
    root: Path, backend: str = "local", key: str = "", questions: dict[str, str] | None = None
) -> None:
    lines = [
        "[tool.mentorship]",
        f"backend = {json.dumps(backend)}",
        f"spreadsheet_key = {json.dumps(key)}",
        f"mentors_dir = {json.dumps(str(ROOT / 'mentors'))}",
        "[tool.mentorship.questions]",
        *(f"{k} = {json.dumps(v)}" for k, v in (questions or QUESTIONS).items()),
    ]
    (root / "pyproject.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_responses(root: Path, rows: list[list[str]]) -> None:
    folder = root / ".ledger"
    folder.mkdir(exist_ok=True)
    with (folder / f"{TAB}.csv").open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([HEADER, *rows])


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    make_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["sync", *args])
    return result.exit_code, result.output


def test_invalid_rows_exit_1_with_rows_and_reasons_but_no_student_data(project: Path) -> None:
    write_responses(
        project, [answers(1), answers(2, email="bob@"), answers(3, timezone="Mars/Base")]
    )
    code, out = run()
    assert code == 1
    assert "3 added" in out
    assert "Requests row 3: the email address is not valid (row 3 of Form Responses 1)" in out
    assert "Requests row 4: the timezone is not one we know (row 4 of Form Responses 1)" in out
    assert "bob@" not in out and "student1@example.edu" not in out and "Mars/Base" not in out
    code, out = run()
    assert code == 1 and "Wrote 0 cell(s)" in out and "3 unchanged" in out


def test_all_valid_exits_0(project: Path) -> None:
    write_responses(project, [answers(1), answers(2)])
    code, out = run()
    assert code == 0, out
    assert "Statuses now: new 2." in out


def test_dry_run_writes_nothing(project: Path) -> None:
    write_responses(project, [answers(1)])
    code, out = run("--dry-run")
    assert code == 0
    assert "Would write" in out and "Dry run: nothing was written." in out
    assert not (project / ".ledger" / f"{REQUESTS}.csv").exists()


def test_a_renamed_question_exits_2_naming_it(project: Path) -> None:
    make_project(project, questions={**QUESTIONS, "email": "E-mail"})
    write_responses(project, [answers(1)])
    code, out = run()
    assert code == 2
    assert "questions.email = 'E-mail'" in out and "'Email address'" in out
    assert "Traceback" not in out


def test_a_missing_local_responses_file_exits_2_saying_how_to_seed(project: Path) -> None:
    code, out = run()
    assert code == 2
    assert ".ledger/Form Responses 1.csv" in out and "make demo" in out


def test_sync_runs_against_google_through_the_api_root_override(
    project: Path, fake_google: FakeGoogle, monkeypatch: pytest.MonkeyPatch
) -> None:
    sid = fake_google.create_spreadsheet(
        "Intake", {TAB: [HEADER, answers(1), answers(2, email="x@")]}
    )
    make_project(project, backend="google", key=sid)
    monkeypatch.setenv("MENTORSHIP_GOOGLE_API_ROOT", fake_google.base_url)
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(project / "no-gcloud"))
    monkeypatch.setenv("NO_GCE_CHECK", "True")
    code, out = run()
    assert code == 1, out
    assert len(fake_google.values(sid, REQUESTS)) == 3
    fake_google.refuse_access(sid)
    code, out = run()
    assert code == 2 and "Share the sheet" in out


def test_google_backend_without_a_key_exits_2(project: Path) -> None:
    make_project(project, backend="google")
    code, out = run()
    assert code == 2 and "spreadsheet_key" in out
