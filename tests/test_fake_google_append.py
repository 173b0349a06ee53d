"""values.append finds its table as Google does (tests/fake_google/tables.py has the rule).

The expectations are Google's own: its guide's worked example (two tables, A1:C2 and B4:D6)
and recorded traffic of gspread's `append_row` with an empty middle cell.
"""

from __future__ import annotations

import gspread
import pytest

from tests import google_clients
from tests.fake_google import FakeGoogle


def open_sheet(fake_google: FakeGoogle, rows: list[list[str]]) -> tuple[str, gspread.Worksheet]:
    sid = fake_google.create_spreadsheet("x", {"Sheet1": rows})
    return sid, google_clients.gspread_client(fake_google).open_by_key(sid).sheet1


def test_row_with_an_empty_middle_cell_appended_twice_lands_under_its_last_table(fake_google):
    sid, ws = open_sheet(fake_google, [])
    row = ["first", "", "third"]
    first = ws.append_row(row, value_input_option="RAW")
    assert "tableRange" not in first
    assert first["updates"]["updatedRange"] == "Sheet1!A1:C1"
    # A1 and C1 are two tables now (B1 is empty); the whole sheet's last one is C1.
    second = ws.append_row(row, value_input_option="RAW")
    assert second["tableRange"] == "Sheet1!C1"
    assert second["updates"]["updatedRange"] == "Sheet1!C2:E2"
    assert fake_google.values(sid, "Sheet1") == [row, ["", "", "first", "", "third"]]


def test_a_table_range_of_a1_appends_under_the_table_holding_a1(fake_google):
    sid, ws = open_sheet(fake_google, [])
    row = ["first", "", "third"]
    ws.append_row(row, value_input_option="RAW")
    second = ws.append_row(row, value_input_option="RAW", table_range="A1")
    assert second["tableRange"] == "Sheet1!A1"
    assert second["updates"]["updatedRange"] == "Sheet1!A2:C2"
    assert fake_google.values(sid, "Sheet1") == [row, row]


# Google's guide: data in A1:C2 and B4:D6 (row 3 empty, column A empty from row 3 on).
TWO_TABLES = [
    ["x", "x", "x"],
    ["x", "x", "x"],
    [],
    ["", "x", "x", "x"],
    ["", "x", "x", "x"],
    ["", "x", "x", "x"],
]


@pytest.mark.parametrize(
    ("search", "table", "written"),
    [
        ("Sheet1", "Sheet1!B4:D6", "Sheet1!B7"),  # the last table of the sheet
        ("Sheet1!B4", "Sheet1!B4:D6", "Sheet1!B7"),  # inside the table
        ("Sheet1!C5:D5", "Sheet1!B4:D6", "Sheet1!B7"),
        ("Sheet1!B2:D4", "Sheet1!B4:D6", "Sheet1!B7"),  # touches both: the last one wins
        ("Sheet1!A3:G10", "Sheet1!B4:D6", "Sheet1!B7"),  # starts before and ends after it
        ("Sheet1!A1", "Sheet1!A1:C2", "Sheet1!A3"),  # the table holding A1
        ("Sheet1!E4", None, "Sheet1!E4"),  # no table there: written where asked
        ("Sheet1!A4", None, "Sheet1!A4"),
    ],
)
def test_googles_worked_example_of_two_tables(fake_google, search, table, written):
    _sid, ws = open_sheet(fake_google, TWO_TABLES)
    result = ws.spreadsheet.values_append(
        search, params={"valueInputOption": "RAW"}, body={"values": [["new"]]}
    )
    assert result.get("tableRange") == table
    assert result["updates"]["updatedRange"] == written
    assert ws.acell(written.split("!")[1]).value == "new"


def test_cells_touching_at_a_corner_are_one_table(fake_google):
    _sid, ws = open_sheet(fake_google, [["a"], ["", "b"]])
    result = ws.append_row(["c"], value_input_option="RAW")
    assert result["tableRange"] == "Sheet1!A1:B2"
    assert result["updates"]["updatedRange"] == "Sheet1!A3"
