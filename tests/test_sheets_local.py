"""The local CSV ledger: one UTF-8 file per worksheet, replaced atomically, values verbatim."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest
from mentorship.errors import LedgerError
from mentorship.ledger import WriteBatch
from mentorship.sheets_local import LocalSpreadsheet


def test_a_missing_worksheet_reads_as_none(tmp_path: Path) -> None:
    assert LocalSpreadsheet(tmp_path / "nowhere").read(["Requests"]) == {"Requests": None}


def test_new_tabs_updates_and_appends_round_trip_verbatim(tmp_path: Path) -> None:
    sheet = LocalSpreadsheet(tmp_path / ".ledger")
    tricky = ['=HYPERLINK("http://evil")', "+1", "-2", "@x", 'Zoë, "quoted"\nnew line', "日本"]
    sheet.write(WriteBatch(new_tabs={"Requests": ["a", "b"]}, appends={"Requests": [tricky]}))
    sheet.write(WriteBatch(updates=[("Requests", 2, 2, "changed"), ("Requests", 4, 3, "far")]))
    values = sheet.read(["Requests"])["Requests"]
    assert values == [
        ["a", "b"],
        [tricky[0], "changed", *tricky[2:]],
        [],
        ["", "", "far"],
    ]
    raw = (tmp_path / ".ledger" / "Requests.csv").read_bytes()
    assert "日本".encode() in raw and raw.startswith(b"a,b\r\n")


def test_cells_that_a_spreadsheet_would_run_are_neutralised_in_the_file(tmp_path: Path) -> None:
    """OWASP's CSV injection advice: a leading ' makes Excel, LibreOffice and Sheets show text."""
    sheet = LocalSpreadsheet(tmp_path)
    risky = [
        '=HYPERLINK("http://evil","x")',
        "+1+cmd|' /C calc'!A0",
        "-2",
        "@SUM(A1)",
        "\tx",
        "\ry",
    ]
    plain = ["'quoted", "'", "''=x", "'=x", "a=b", "", "Zoë"]
    sheet.write(WriteBatch(new_tabs={"T": ["h"]}, appends={"T": [risky, plain]}))
    text = (tmp_path / "T.csv").read_bytes().decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1] == ["'" + v for v in risky]
    # Only a quote the reader would take as ours is doubled; other text is as written.
    assert rows[2] == ["'quoted", "'", "'''=x", "''=x", "a=b", "", "Zoë"]
    assert sheet.read(["T"])["T"] == [["h"], risky, plain]


def test_a_file_written_by_hand_is_read_as_written(tmp_path: Path) -> None:
    (tmp_path / "T.csv").write_text("a,b\n=1+1,'hello\n", encoding="utf-8")
    assert LocalSpreadsheet(tmp_path).read(["T"])["T"] == [["a", "b"], ["=1+1", "'hello"]]


def test_trailing_empty_cells_and_rows_are_trimmed_like_sheets(tmp_path: Path) -> None:
    (tmp_path / "T.csv").write_text("a,b,,\n,,\nc,,\n,,\n\n", encoding="utf-8")
    assert LocalSpreadsheet(tmp_path).read(["T"])["T"] == [["a", "b"], [], ["c"]]


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sheet = LocalSpreadsheet(tmp_path)
    sheet.write(WriteBatch(new_tabs={"Requests": ["a"]}, appends={"Requests": [["1"]]}))
    before = (tmp_path / "Requests.csv").read_bytes()

    def power_cut(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", power_cut)
    with pytest.raises(Exception, match="disk full"):
        sheet.write(WriteBatch(appends={"Requests": [["2"]]}))
    monkeypatch.undo()
    assert (tmp_path / "Requests.csv").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Requests.csv"]


def test_updating_a_worksheet_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(LedgerError, match="no worksheet 'Matches'"):
        LocalSpreadsheet(tmp_path).write(WriteBatch(updates=[("Matches", 2, 1, "x")]))


@pytest.mark.parametrize("title", ["", "../escape", "a/b", ".hidden"])
def test_worksheet_names_cannot_leave_the_folder(tmp_path: Path, title: str) -> None:
    with pytest.raises(LedgerError):
        LocalSpreadsheet(tmp_path).read([title])
