"""`mentorship match` end to end on the local CSV ledger: sync the sample responses, dry-run,
then match for real; the Matches tab appears, statuses change, emails are never printed."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from mentorship.cli import main
from mentorship.cli.match_cmd import masked
from mentorship.profiles import profile_paths
from mentorship.sheets_local import LocalSpreadsheet

from tests.fixtures import write_mentors
from tests.roster_support import write_roster

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The repository's configuration and sample form responses, with the fixture mentors."""
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    write_mentors(tmp_path / "mentors")
    ledger = tmp_path / ".ledger"
    ledger.mkdir()
    shutil.copy(REPO / "examples" / "form_responses.csv", ledger / "Form Responses 1.csv")
    slugs = [p.stem for p in profile_paths(tmp_path / "mentors")]
    write_roster(LocalSpreadsheet(ledger), {s: f"{s}@example.org" for s in slugs})
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_match_on_the_local_ledger(project: Path) -> None:
    invoke("sync")
    requests_csv = project / ".ledger" / "Requests.csv"
    before = requests_csv.read_bytes()

    code, out, _ = invoke("match", "--dry-run")
    assert code == 0
    assert "would be matched" in out
    assert "Dry run: nothing was written." in out
    assert requests_csv.read_bytes() == before
    assert not (project / ".ledger" / "Matches.csv").exists()

    code, out, _ = invoke("match")
    assert code == 0
    matches = rows(project / ".ledger" / "Matches.csv")
    assert matches, out
    # The shipped default is manual approval: new matches wait for staff.
    assert {m["status"] for m in matches} == {"proposed"}
    assert all(m["reasons"] and float(m["score"]) > 0 for m in matches)
    statuses = {r["request_id"]: r["status"] for r in rows(requests_csv)}
    assert {statuses[m["request_id"]] for m in matches} == {"matched"}
    assert "new" not in statuses.values()
    for m in matches:
        assert f"| {m['request_id']} | {m['mentor']} |" in out
    assert "### Demand" in out
    assert "@" not in out

    # A second run finds nothing new to do.
    code, out, _ = invoke("match")
    assert code == 0
    assert len(rows(project / ".ledger" / "Matches.csv")) == len(matches)
    assert "0 were matched" in out


def test_an_unreadable_request_row_exits_1(project: Path) -> None:
    invoke("sync")
    path = project / ".ledger" / "Requests.csv"
    table = rows(path)
    first_new = next(r for r in table if r["status"] == "new")
    first_new["availability"] = "whenever"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(table[0]))
        writer.writeheader()
        writer.writerows(table)
    code, out, _ = invoke("match", "--dry-run")
    assert code == 1
    assert "availability could not be read" in out


def test_masked_hides_email_addresses() -> None:
    assert masked("write to jane.doe@example.org now") == "write to j***@e***.org now"
