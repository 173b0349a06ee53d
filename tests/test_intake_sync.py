"""`run_sync` end to end, through the local CSV backend and through the real gspread against
the loopback fake: every messy case, re-runs, staff edits, latest-answer-wins."""

from __future__ import annotations

import csv
import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from mentorship.config import load_config
from mentorship.errors import LedgerError
from mentorship.google_transport import RetryPolicy
from mentorship.intake import SyncReport, run_sync
from mentorship.ledger import REQUESTS
from mentorship.profiles.taxonomy import load_taxonomy
from mentorship.sheets_google import GoogleSpreadsheet
from mentorship.sheets_local import LocalSpreadsheet

from tests.fake_google import FakeGoogle
from tests.google_clients import gspread_client
from tests.support.answers import answer_row, numbered_answers

ROOT = Path(__file__).resolve().parent.parent
CONFIG = load_config(ROOT)
QUESTIONS = CONFIG.questions
TAXONOMY = load_taxonomy(ROOT / "mentors" / "taxonomy.yml")
TAB = CONFIG.responses_worksheet
NOW = dt.datetime(2026, 11, 28, 3, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(days=1)
# The form's columns: every configured question, an untitled column, an extra question, and a
# second column under the goals title (Forms adds one when a question is deleted and re-made).
HEADER = [*(QUESTIONS[f] for f in QUESTIONS), "", "How did you hear about us?", QUESTIONS["goals"]]


@dataclass
class Mentor:
    slug: str
    name: str
    accepting: bool = True


MENTORS = [Mentor("priya-sample", "Priya Sample"), Mentor("hannah-dummy", "Hannah Dummy", False)]


def response(n: int, **answers: str) -> list[str]:
    """A response row; `n` makes the timestamp and email unique."""
    extra = {"untitled": "", "heard": "A friend", "goals2": ""}
    return answer_row([*QUESTIONS, *extra], **numbered_answers(n, **{**extra, **answers}))


class Backend:
    """A spreadsheet holding a responses tab, local or Google (the fake), for one test."""

    def __init__(self, kind: str, tmp_path: Path, fake: FakeGoogle | None):
        self.kind = kind
        self.folder = tmp_path / "ledger"
        self.fake = fake
        self.sid = ""

    def seed(self, rows: list[list[str]]) -> None:
        if self.fake is None:
            self.set_responses(rows)
        else:
            self.sid = self.fake.create_spreadsheet("Intake", {TAB: [HEADER, *rows]})

    def open(self) -> Any:
        if self.fake is None:
            return LocalSpreadsheet(self.folder)
        client = gspread_client(self.fake)
        return GoogleSpreadsheet(
            client.http_client, self.sid, retry=RetryPolicy(attempts=3, sleep=lambda s: None)
        )

    def set_responses(self, rows: list[list[str]]) -> None:
        """Replace the responses (as staff editing the form's sheet would)."""
        if self.fake is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            with (self.folder / f"{TAB}.csv").open("w", newline="", encoding="utf-8") as f:
                csv.writer(f).writerows([HEADER, *rows])
        else:
            sheet = gspread_client(self.fake).open_by_key(self.sid).worksheet(TAB)
            sheet.clear()
            sheet.update([HEADER, *rows], "A1", raw=True)

    def requests(self) -> list[list[str]]:
        values = self.open().read([REQUESTS])[REQUESTS]
        return values or []

    def records(self) -> dict[int, dict[str, str]]:
        """Requests rows by response row."""
        values = self.requests()
        header = values[0]
        out = {}
        for row in values[1:]:
            cells = dict(zip(header, row + [""] * (len(header) - len(row)), strict=True))
            out[int(cells["response_row"])] = cells
        return out

    def staff_sets(self, response_row: int, column: str, value: str) -> None:
        """A staff edit of one Requests cell."""
        values = self.requests()
        header = values[0]
        row = next(i for i, r in enumerate(values) if i and r[1] == str(response_row)) + 1
        col = header.index(column) + 1
        if self.fake is None:
            values[row - 1] += [""] * (col - len(values[row - 1]))
            values[row - 1][col - 1] = value
            with (self.folder / f"{REQUESTS}.csv").open("w", newline="", encoding="utf-8") as f:
                csv.writer(f).writerows(values)
        else:
            sheet = gspread_client(self.fake).open_by_key(self.sid).worksheet(REQUESTS)
            sheet.update_cell(row, col, value)

    def writes(self) -> int:
        """Write calls so far (Google), or 0 (local: the file's mtime is checked instead)."""
        if self.fake is None:
            return 0
        return (
            self.fake.calls["sheets.values.batchUpdate"]
            + self.fake.calls["sheets.spreadsheets.batchUpdate"]
        )


@pytest.fixture(params=["local", "google"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    fake = request.getfixturevalue("fake_google") if request.param == "google" else None
    return Backend(request.param, tmp_path, fake)


def sync(backend: Backend, now: dt.datetime = NOW, dry_run: bool = False) -> SyncReport:
    return run_sync(backend.open(), CONFIG, TAXONOMY, MENTORS, now, dry_run)


# Each messy case: (response row answers, expected status, words expected in reason or note).
MESSY: list[tuple[str, dict[str, str], str, str]] = [
    ("plain", {}, "new", ""),
    ("email case and spaces", {"email": "  Student2@EXAMPLE.edu "}, "new", ""),
    ("invalid email", {"email": "bob@"}, "invalid", "email 'bob@' is not a valid address"),
    (
        "unknown timezone",
        {"timezone": "Mars/Olympus_Mons"},
        "invalid",
        "timezone 'Mars/Olympus_Mons'",
    ),
    ("offset timezone", {"timezone": "UTC+05:30"}, "new", ""),
    (
        "mentor not in directory",
        {"preferred_mentor": "zara-nobody"},
        "new",
        "is not in the directory",
    ),
    (
        "mentor not accepting",
        {"preferred_mentor": "hannah-dummy"},
        "new",
        "not accepting new mentees",
    ),
    (
        "other answer",
        {"industries": "Finance, Space tourism, orbital hotels"},
        "new",
        "Space tourism, orbital hotels",
    ),
    ("checkbox case", {"industries": "fINANCE, software", "languages": "SPANISH"}, "new", ""),
    (
        "formula cells",
        {"goals": '=HYPERLINK("http://evil")', "name": "@ana", "program": "+44", "year": "-1"},
        "new",
        "",
    ),
    ("no availability", {"availability": ""}, "invalid", "no usable availability"),
    ("no consent", {"consent": ""}, "invalid", "consent"),
    ("empty name", {"name": ""}, "invalid", "the name is empty"),
    ("ISO timestamp", {"timestamp": "2026-11-20 09:15:00"}, "new", ""),
    ("serial timestamp", {"timestamp": "46350.5"}, "new", ""),
    ("US timestamp", {"timestamp": "11/21/2026 2:03:11 PM"}, "new", ""),
    ("untitled column used", {"untitled": "typed into an untitled column"}, "new", ""),
    ("goals in the newer column", {"goals": "", "goals2": "newer goals column"}, "new", ""),
]


def messy_rows() -> list[list[str]]:
    rows = [response(i, **answers) for i, (_, answers, _, _) in enumerate(MESSY)]
    rows.insert(5, [""] * len(HEADER))  # an empty row in the middle
    rows.append([])  # and a blank one at the end
    return rows


def test_every_messy_case_gets_a_clear_status(backend: Backend) -> None:
    backend.seed(messy_rows())
    report = sync(backend)
    records = backend.records()
    assert report.responses == len(MESSY) and report.empty_rows >= 1
    assert report.added == len(MESSY)
    for i, (label, _, status, words) in enumerate(MESSY):
        row = i + 2 + (1 if i >= 5 else 0)
        cells = records[row]
        assert cells["status"] == status, label
        assert words in cells["reason"] + cells["note"], label
    by_label = {label: records[i + 2 + (1 if i >= 5 else 0)] for i, (label, *_) in enumerate(MESSY)}
    assert by_label["email case and spaces"]["email"] == "student2@example.edu"
    assert by_label["offset timezone"]["timezone"] == "Asia/Kolkata"
    assert by_label["mentor not accepting"]["preferred_mentor"] == ""
    assert by_label["checkbox case"]["industries"] == "Finance; Software"
    assert by_label["checkbox case"]["languages"] == "Spanish"
    assert by_label["formula cells"]["goals"] == '=HYPERLINK("http://evil")'
    assert by_label["formula cells"]["name"] == "@ana"
    assert by_label["formula cells"]["program"] == "+44"
    assert by_label["formula cells"]["year"] == "-1"
    assert by_label["ISO timestamp"]["submitted_at"] == "2026-11-20T09:15:00"
    assert by_label["serial timestamp"]["submitted_at"] == "2026-11-24T12:00:00"
    assert by_label["US timestamp"]["submitted_at"] == "2026-11-21T14:03:11"
    assert by_label["goals in the newer column"]["goals"] == "newer goals column"
    assert [i.response_row for i in report.invalid] == sorted(
        i + 2 + (1 if i >= 5 else 0) for i, m in enumerate(MESSY) if m[2] == "invalid"
    )
    assert report.needs_attention
    assert any("untitled" not in w and "no title in row 1" in w for w in report.warnings)


def test_second_sync_changes_nothing(backend: Backend) -> None:
    backend.seed(messy_rows())
    sync(backend)
    before, writes = backend.requests(), backend.writes()
    report = sync(backend, now=LATER)
    assert report.cells_written == 0 and report.added == report.updated == 0
    assert report.unchanged == len(MESSY)
    assert backend.requests() == before
    assert backend.writes() == writes


def test_dry_run_computes_but_writes_nothing(backend: Backend) -> None:
    backend.seed(messy_rows())
    report = sync(backend, dry_run=True)
    assert report.added == len(MESSY) and report.cells_written > 0
    assert backend.requests() == []
    assert backend.writes() == 0


def test_the_responses_tab_is_never_written(backend: Backend) -> None:
    rows = messy_rows()
    backend.seed(rows)
    before = backend.open().read([TAB])[TAB]
    sync(backend)
    sync(backend, now=LATER)
    assert backend.open().read([TAB])[TAB] == before


def test_latest_answer_wins_and_invalid_answers_supersede_nothing(backend: Backend) -> None:
    backend.seed(
        [
            response(1, email="ana@example.edu"),
            response(2, email="ben@example.edu"),
            response(3, email="ANA@example.edu ", topics="Career change"),
            response(4, email="ben@example.edu", timezone="Atlantis/Central"),
            response(5, email="ana@example.edu", topics="Networking"),
        ]
    )
    report = sync(backend)
    records = backend.records()
    assert [records[r]["status"] for r in (2, 3, 4, 5, 6)] == [
        "superseded",
        "new",
        "superseded",
        "invalid",
        "new",
    ]
    assert "row 6 of Form Responses 1" in records[2]["reason"]
    assert report.superseded == [2, 4]


def test_fixing_a_response_updates_the_same_request(backend: Backend) -> None:
    rows = [response(1), response(2, email="bob@")]
    backend.seed(rows)
    sync(backend)
    assert backend.records()[3]["status"] == "invalid"
    rows[1] = response(2, email="bob@example.edu")
    backend.set_responses(rows)
    report = sync(backend, now=LATER)
    records = backend.records()
    assert len(records) == 2 and report.added == 0 and report.updated == 1
    assert records[3]["status"] == "new" and records[3]["reason"] == ""
    assert records[3]["email"] == "bob@example.edu"
    assert records[3]["updated_at"] == "2026-11-29T03:00:00Z"
    assert records[2]["updated_at"] == "2026-11-28T03:00:00Z"


def test_staff_statuses_are_respected(backend: Backend) -> None:
    rows = [response(i, email=f"s{i}@example.edu") for i in range(1, 5)]
    backend.seed(rows)
    sync(backend)
    backend.staff_sets(2, "status", "Withdrawn")  # staff type it their way
    backend.staff_sets(3, "status", "matched")
    backend.staff_sets(4, "status", "waiting")
    backend.staff_sets(5, "status", "on hold")
    backend.staff_sets(5, "name", "Edited by staff")
    # Every student answers again, and the rows move down by one (a row inserted on top).
    again = [response(10 + i, email=f"s{i}@example.edu") for i in range(1, 5)]
    backend.set_responses([response(0, email="new@example.edu"), *rows, *again])
    report = sync(backend, now=LATER)
    records = backend.records()
    assert records[3]["status"] == "Withdrawn"
    assert records[4]["status"] == "matched" and records[4]["reason"] == ""
    assert records[5]["status"] == "superseded"  # was waiting: the newer answer replaces it
    assert records[6]["status"] == "on hold" and records[6]["name"] == "Edited by staff"
    # The student with a live match is held as a duplicate for staff, both rows named.
    assert [records[r]["status"] for r in (7, 8, 9, 10)] == ["new", "duplicate", "new", "new"]
    assert records[8]["reason"].startswith(
        f"the same student already has request {records[4]['request_id']} (Requests row "
    )
    assert "set this row's status to waiting" in records[8]["reason"]
    assert report.duplicates and "(Requests row 8)" in report.duplicates[0]
    assert report.superseded == [5]
    assert report.added == 5


def test_a_withdrawn_latest_answer_supersedes_older_open_ones(backend: Backend) -> None:
    backend.seed([response(1, email="a@example.edu"), response(2, email="b@example.edu")])
    sync(backend)
    backend.set_responses(
        [
            response(1, email="a@example.edu"),
            response(2, email="b@example.edu"),
            response(3, email="a@example.edu"),
        ]
    )
    sync(backend)
    backend.staff_sets(4, "status", "withdrawn")
    sync(backend, now=LATER)
    records = backend.records()
    assert records[2]["status"] == "superseded" and records[4]["status"] == "withdrawn"


def test_a_deleted_response_is_reported_and_its_row_kept(backend: Backend) -> None:
    rows = [response(1), response(2), response(3)]
    backend.seed(rows)
    sync(backend)
    before = backend.records()
    backend.set_responses([rows[0], rows[2]])
    report = sync(backend, now=LATER)
    after = backend.records()
    assert report.orphaned == [3]
    assert len(backend.requests()) == 4
    # The third response moved up a row; its request row follows it.
    assert after[3]["request_id"] == before[4]["request_id"]


def test_a_missing_responses_tab_is_a_ledger_error(backend: Backend) -> None:
    backend.seed([response(1)])
    config = type(CONFIG)(**{**CONFIG.__dict__, "responses_worksheet": "Form Responses 2"})
    with pytest.raises(LedgerError, match="no worksheet 'Form Responses 2'"):
        run_sync(backend.open(), config, TAXONOMY, MENTORS, NOW)


def test_a_renamed_required_question_stops_the_run_before_any_write(backend: Backend) -> None:
    backend.seed([response(1)])
    questions = {**QUESTIONS, "timezone": "Your timezone (city)"}
    config = type(CONFIG)(**{**CONFIG.__dict__, "questions": questions})
    with pytest.raises(LedgerError, match="Your timezone \\(city\\)"):
        run_sync(backend.open(), config, TAXONOMY, MENTORS, NOW)
    assert backend.requests() == [] and backend.writes() == 0


def test_logs_never_show_student_data(backend: Backend, caplog: pytest.LogCaptureFixture) -> None:
    backend.seed(messy_rows())
    with caplog.at_level(logging.DEBUG):
        report = sync(backend)
    shown = caplog.text + "\n".join(report.summary()) + report.to_markdown()
    for row in messy_rows():
        if row:
            for field in ("email", "name", "goals"):
                value = row[list(QUESTIONS).index(field)].strip()
                if len(value) > 3:
                    assert value not in shown
    assert "bob@" not in shown


@pytest.mark.repo_mentors
def test_the_sample_responses_cover_the_messy_cases(tmp_path: Path) -> None:
    # A check of the demo's samples (examples/ against the sample mentors it names), so it has
    # nothing to check once a fork deleted the sample mentors.
    from mentorship.profiles.load import load_profiles

    from tests.fixtures import sample_paths

    if not sample_paths():
        pytest.skip("the sample mentors were deleted (a fork's own profiles are in mentors/)")
    folder = tmp_path / "ledger"
    folder.mkdir()
    (folder / f"{TAB}.csv").write_bytes((ROOT / "examples" / "form_responses.csv").read_bytes())
    profiles = load_profiles(ROOT / "mentors")
    report = run_sync(LocalSpreadsheet(folder), CONFIG, profiles.taxonomy, profiles.mentors, NOW)
    assert report.responses >= 40 and report.empty_rows >= 1
    assert report.status_counts.get("invalid", 0) >= 4
    assert report.status_counts.get("superseded", 0) >= 2
    assert len(report.warnings) == 2  # the untitled column and the repeated title
    rows = LocalSpreadsheet(folder).read([REQUESTS])[REQUESTS] or []
    notes = " ".join(r[rows[0].index("note")] for r in rows)
    assert "not in the directory" in notes and "not accepting" in notes and "other answer" in notes
