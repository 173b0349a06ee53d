"""The ledger's shared rules: one way to apply a write batch (local backend, dry-run preview and
the tests' in-memory sheet agree cell for cell) and one UTC time format."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from mentorship.errors import LedgerError
from mentorship.ledger import WriteBatch, apply_batch, parse_utc_timestamp, utc_timestamp
from mentorship.nightly import PreviewSpreadsheet
from mentorship.sheets_local import LocalSpreadsheet

from tests.support.sheets import MemorySpreadsheet

BATCHES = [
    WriteBatch(new_tabs={"Requests": ["id", "status"]}, appends={"Requests": [["r1", "new"]]}),
    # The header of an existing tab is kept; a far cell pads the rows and cells before it.
    WriteBatch(
        new_tabs={"Requests": ["ignored"]},
        updates=[("Requests", 2, 2, "matched"), ("Requests", 4, 3, "=1+1")],
    ),
    WriteBatch(appends={"Requests": [["r2"], ["r3", "new", "note"]]}, new_tabs={"Runs": ["run"]}),
]


def test_a_batch_gives_a_header_to_new_tabs_pads_updates_and_appends_after_the_last_row() -> None:
    tabs: dict[str, list[list[str]] | None] = {}
    for batch in BATCHES:
        apply_batch(tabs, batch)
    assert tabs == {
        "Requests": [
            ["id", "status"],
            ["r1", "matched"],
            [],
            ["", "", "=1+1"],
            ["r2"],
            ["r3", "new", "note"],
        ],
        "Runs": [["run"]],
    }


def test_writing_to_a_tab_that_does_not_exist_is_a_ledger_error() -> None:
    with pytest.raises(LedgerError, match="no worksheet 'Matches'"):
        apply_batch({"Requests": [["id"]]}, WriteBatch(updates=[("Matches", 2, 1, "x")]))


def test_local_backend_preview_and_memory_sheet_apply_batches_alike(tmp_path: Path) -> None:
    local = LocalSpreadsheet(tmp_path)
    memory = MemorySpreadsheet()
    preview = PreviewSpreadsheet(MemorySpreadsheet())
    for batch in BATCHES:
        for sheet in (local, memory, preview):
            sheet.write(batch)
    titles = ["Requests", "Runs"]
    # CSV drops trailing empty cells and rows, as the Sheets API does when it returns values.
    expected = local.read(titles)
    for sheet in (memory, preview):
        got = sheet.read(titles)
        assert {t: [r for r in rows or [] if r] for t, rows in got.items()} == {
            t: [r for r in rows or [] if r] for t, rows in expected.items()
        }


def test_stamps_are_utc_to_the_second_with_a_z_and_read_back() -> None:
    lisbon = dt.datetime(2026, 7, 1, 10, 30, 15, 999_999, tzinfo=ZoneInfo("Europe/Lisbon"))
    stamp = utc_timestamp(lisbon)
    assert stamp == "2026-07-01T09:30:15Z"
    assert parse_utc_timestamp(stamp) == lisbon.replace(microsecond=0)
    # Rows written before the format was one (with +00:00, or naive) still read as UTC.
    assert parse_utc_timestamp("2026-07-01T09:30:15+00:00") == parse_utc_timestamp(stamp)
    assert parse_utc_timestamp("2026-07-01T09:30:15") == parse_utc_timestamp(stamp)
    assert parse_utc_timestamp("not a time") is None
