"""The real gspread, through the production client factory, works against the fake."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import gspread
import pytest
import requests
from mentorship import google_api
from mentorship.errors import AccessError

from tests import google_clients
from tests.fake_google import FakeGoogle, Formula
from tests.fake_google.a1 import A1Range, RangeError, parse_cells, quote_title, split_title

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def book(fake_google: FakeGoogle) -> tuple[str, gspread.Spreadsheet]:
    """A spreadsheet shaped like the intake sheet, opened with the real gspread."""
    sid = fake_google.create_spreadsheet(
        "Mentoring intake",
        {
            "Form Responses 1": [
                ["Timestamp", "Email address", "Your full name"],
                ["1/9/2026 10:00:00", "ana@example.edu", "Ana"],
                ["1/9/2026 11:00:00", "bo@example.edu", "Bo"],
            ],
            "Requests": [["id", "status"]],
        },
    )
    return sid, google_clients.gspread_client(fake_google).open_by_key(sid)


def test_open_by_key_lists_worksheets_with_grid_sizes(book, fake_google):
    _sid, sh = book
    assert [ws.title for ws in sh.worksheets()] == ["Form Responses 1", "Requests"]
    ws = sh.worksheet("Form Responses 1")
    # Seeded sheets get Google's default grid for a new sheet.
    assert (ws.row_count, ws.col_count) == (1000, 26)
    assert fake_google.calls["sheets.spreadsheets.get"] >= 1


def test_get_all_values_reads_a_title_with_spaces(book):
    _, sh = book
    rows = sh.worksheet("Form Responses 1").get_all_values()
    assert rows[1] == ["1/9/2026 10:00:00", "ana@example.edu", "Ana"]


def test_batch_get_is_one_call_and_trims_like_google(book, fake_google):
    _sid, sh = book
    before = fake_google.calls["sheets.values.batchGet"]
    ranges = sh.values_batch_get(["'Form Responses 1'!A1:Z", "Requests!A:C", "'Requests'!A5:B9"])
    assert fake_google.calls["sheets.values.batchGet"] == before + 1
    first, second, third = ranges["valueRanges"]
    assert first["range"] == "'Form Responses 1'!A1:Z1000"  # echoed clipped to the grid
    assert first["values"][2] == ["1/9/2026 11:00:00", "bo@example.edu", "Bo"]
    assert second == {
        "range": "Requests!A1:C1000",
        "majorDimension": "ROWS",
        "values": [["id", "status"]],
    }
    assert third == {"range": "Requests!A5:B9", "majorDimension": "ROWS"}


def test_read_beyond_the_grid_is_googles_400(book):
    _, sh = book
    with pytest.raises(gspread.exceptions.APIError) as err:
        sh.values_get("Requests!A999:B1001")
    assert err.value.code == 400
    assert "exceeds grid limits" in str(err.value)


def test_raw_write_of_a_formula_stays_text(book, fake_google):
    sid, sh = book
    ws = sh.worksheet("Requests")
    ws.update([['=HYPERLINK("http://evil")', "+1 555", "-x", "@here", "0042"]], "A2", raw=True)
    assert fake_google.raw_cell(sid, "Requests", "A2") == '=HYPERLINK("http://evil")'
    assert ws.row_values(2) == ['=HYPERLINK("http://evil")', "+1 555", "-x", "@here", "0042"]
    assert ws.get("A2", value_render_option="FORMULA") == [['=HYPERLINK("http://evil")']]


def test_user_entered_parses_numbers_and_formulas(book, fake_google):
    sid, sh = book
    ws = sh.worksheet("Requests")
    ws.update([["=1+1", "0042", "true", "'=kept"]], "A2", raw=False)
    assert fake_google.raw_cell(sid, "Requests", "A2") == Formula("=1+1")
    assert ws.row_values(2) == ["2", "42", "TRUE", "=kept"]
    assert ws.get("A2:B2", value_render_option="FORMULA") == [["=1+1", 42]]
    assert ws.get("B2", value_render_option="UNFORMATTED_VALUE") == [[42]]


def test_update_echoes_the_written_range(book):
    _, sh = book
    result = sh.worksheet("Requests").update([["a", "b", "c", "d"]] * 3, "B4", raw=True)
    assert result["updatedRange"] == "Requests!B4:E6"
    assert (result["updatedRows"], result["updatedColumns"], result["updatedCells"]) == (3, 4, 12)


def test_update_past_the_grid_is_googles_400_but_append_grows_it(book, fake_google):
    """values.update never adds rows (resize first); values.append does."""
    _, sh = book
    ws = sh.worksheet("Requests")
    with pytest.raises(gspread.exceptions.APIError) as err:
        ws.update([["a", "b"]] * 2, "Y1000", raw=True)
    assert err.value.code == 400
    assert "Range (Requests!Y1000:Z1001) exceeds grid limits. Max rows: 1000, max columns: 26" in (
        str(err.value)
    )
    with pytest.raises(gspread.exceptions.APIError) as err:
        ws.update([["a", "b", "c"]], "Y1", raw=True)
    assert "Range (Requests!Y1:AA1) exceeds grid limits" in str(err.value)
    full = fake_google.create_spreadsheet("Full", {"S": [[str(i)] for i in range(1000)]})
    sheet = google_clients.gspread_client(fake_google).open_by_key(full).worksheet("S")
    sheet.append_rows([["r1"], ["r2"]], value_input_option="RAW")
    assert fake_google.sheet(full, "S").row_count == 1002
    assert fake_google.values(full, "S")[-3:] == [["999"], ["r1"], ["r2"]]


def test_growing_past_ten_million_cells_is_refused(fake_google):
    sid = fake_google.create_spreadsheet("x")
    sh = google_clients.gspread_client(fake_google).open_by_key(sid)
    with pytest.raises(gspread.exceptions.APIError) as err:
        sh.sheet1.resize(rows=400_000, cols=26)
    assert "above the limit of 10000000 cells" in str(err.value)
    assert fake_google.sheet(sid, "Sheet1").row_count == 1000


def test_update_refuses_values_spilling_out_of_a_bounded_range(book):
    _, sh = book
    with pytest.raises(gspread.exceptions.APIError) as err:
        sh.worksheet("Requests").update([["a", "b", "c"]], "A1:B1", raw=True)
    assert err.value.code == 400
    assert "tried writing to column [C]" in str(err.value)


def test_empty_string_clears_and_null_skips(book, fake_google):
    sid, sh = book
    sh.values_update(
        "'Form Responses 1'!A2",
        params={"valueInputOption": "RAW"},
        body={"values": [[None, "", "Ana Lima"]]},
    )
    assert fake_google.values(sid, "Form Responses 1")[1] == ["1/9/2026 10:00:00", "", "Ana Lima"]


def test_append_rows_goes_after_the_table(book, fake_google):
    sid, sh = book
    ws = sh.worksheet("Form Responses 1")
    result = ws.append_rows([["t", "c@example.edu", "Cy"]], value_input_option="RAW")
    assert result["tableRange"] == "'Form Responses 1'!A1:C3"
    assert result["updates"]["updatedRange"] == "'Form Responses 1'!A4:C4"
    assert fake_google.values(sid, "Form Responses 1")[-1] == ["t", "c@example.edu", "Cy"]


def test_append_insert_rows_pushes_rows_below_down(fake_google):
    sid = fake_google.create_spreadsheet("x", {"S": [["h"], ["1"], [], [], ["footer"]]})
    sh = google_clients.gspread_client(fake_google).open_by_key(sid)
    sh.values_append(
        "S!A1:A2",
        params={"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"},
        body={"values": [["2"]]},
    )
    assert fake_google.values(sid, "S") == [["h"], ["1"], ["2"], [], [], ["footer"]]


def test_values_batch_update_is_one_call_with_distinct_counts(book, fake_google):
    sid, sh = book
    result = sh.values_batch_update(
        {
            "valueInputOption": "RAW",
            "data": [
                {"range": "Requests!A2:B2", "values": [["r1", "new"]]},
                {"range": "Requests!B3", "values": [["waiting"]]},
            ],
        }
    )
    assert fake_google.calls["sheets.values.batchUpdate"] == 1
    assert (
        result["totalUpdatedRows"],
        result["totalUpdatedColumns"],
        result["totalUpdatedCells"],
    ) == (2, 2, 3)
    assert fake_google.values(sid, "Requests") == [["id", "status"], ["r1", "new"], ["", "waiting"]]


def test_worksheet_batch_update_and_clear(book, fake_google):
    sid, sh = book
    ws = sh.worksheet("Requests")
    ws.batch_update([{"range": "A2:B2", "values": [["r1", "new"]]}], raw=True)
    ws.batch_clear(["B2"])
    assert fake_google.values(sid, "Requests") == [["id", "status"], ["r1"]]


def test_add_resize_rename_and_delete_worksheets(book, fake_google):
    sid, sh = book
    ws = sh.add_worksheet("Matches", rows=5, cols=4)
    assert ws.id != 0 and fake_google.sheet(sid, "Matches").index == 2
    with pytest.raises(gspread.exceptions.APIError) as err:
        sh.add_worksheet("Matches", rows=5, cols=4)
    assert 'A sheet with the name "Matches" already exists' in str(err.value)
    ws.resize(2, 2)
    ws.update_title("It's done")
    assert fake_google.sheet(sid, "It's done").row_count == 2
    assert sh.values_get("'It''s done'")["range"] == "'It''s done'!A1:B2"
    sh.del_worksheet(ws)
    assert [w.title for w in sh.worksheets()] == ["Form Responses 1", "Requests"]


def test_drive_create_and_delete_through_gspread(fake_google):
    client = google_clients.gspread_client(fake_google)
    sh = client.create("Rehearsal")
    assert sh.sheet1.title == "Sheet1"
    assert client.open("Rehearsal").id == sh.id
    client.del_spreadsheet(sh.id)
    with pytest.raises(gspread.exceptions.SpreadsheetNotFound):
        client.open_by_key(sh.id)


@pytest.mark.parametrize("status", [429, 500, 503])
def test_client_retries_quota_and_outage_errors(book, fake_google, status):
    _sid, sh = book
    fake_google.faults.fail_next(2, status, match="sheets.values.get")
    assert sh.worksheet("Requests").row_values(1) == ["id", "status"]
    assert fake_google.calls["sheets.values.get"] == 3


def test_rate_limit_403_is_retried_but_permission_403_is_not(book, fake_google):
    _, sh = book
    fake_google.faults.fail_next(1, 403, match="drive.*", reason="userRateLimitExceeded")
    assert sh.get_lastUpdateTime()
    assert fake_google.calls["drive.files.get"] == 2
    ws = sh.worksheet("Requests")
    fake_google.refuse_access(sh.id)
    with pytest.raises(gspread.exceptions.APIError) as err:
        ws.row_values(1)
    assert err.value.code == 403
    assert fake_google.calls["sheets.values.get"] == 1


def test_store_then_fail_makes_a_retried_append_land_twice(book, fake_google):
    """Why appends must be keyed: a write that succeeded but answered 503 is retried."""
    sid, sh = book
    fake_google.faults.store_then_fail(1, 503, match="sheets.values.append")
    sh.worksheet("Requests").append_rows([["r1", "new"]], value_input_option="RAW")
    assert fake_google.values(sid, "Requests") == [["id", "status"], ["r1", "new"], ["r1", "new"]]


def test_kill_switch_fails_every_call_after_k(book, fake_google):
    _, sh = book
    ws = sh.worksheet("Requests")
    fake_google.fail_after(1)
    ws.row_values(1)
    client = google_clients.gspread_client(fake_google)
    with pytest.raises(gspread.exceptions.APIError) as err:
        client.open_by_key(sh.id)
    assert err.value.code == 503
    fake_google.faults.clear()
    assert client.open_by_key(sh.id).id == sh.id


def test_refused_access_becomes_an_actionable_message(book, fake_google):
    sid, _ = book
    fake_google.refuse_access(sid)
    client = google_clients.gspread_client(fake_google)
    with pytest.raises(PermissionError) as err:
        client.open_by_key(sid)  # gspread turns the 403 APIError into PermissionError
    cause = err.value.__cause__
    assert isinstance(cause, gspread.exceptions.APIError)
    response = cause.response
    error = google_api.describe_http_error(
        response.status_code,
        response.content,
        service_account_email="bot@proj.iam.gserviceaccount.com",
    )
    assert isinstance(error, AccessError)
    assert "Share the sheet with bot@proj.iam.gserviceaccount.com as Editor" in str(error)


def test_unknown_key_is_404_with_googles_body_and_a_hint(fake_google):
    response = requests.get(f"{fake_google.base_url}/v4/spreadsheets/nope")
    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}
    }
    error = google_api.describe_http_error(404, response.text, service_account_email="")
    assert "spreadsheet_key" in str(error)


def test_calls_are_counted_per_method_and_per_http_request(book, fake_google):
    _, sh = book
    fake_google.calls.clear()
    fake_google.http_requests = 0
    sh.values_batch_get(["Requests!A1:B1"])
    sh.worksheet("Requests").row_values(1)
    assert fake_google.calls["sheets.values.batchGet"] == 1
    assert fake_google.calls["sheets.values.get"] == 1
    assert fake_google.http_requests == 3  # worksheet() fetches metadata


def test_api_root_rewrites_only_google_hosts(monkeypatch):
    monkeypatch.setenv(google_api.API_ROOT_ENV, "http://127.0.0.1:9/")
    root = google_api.api_root()
    assert root == "http://127.0.0.1:9"
    assert google_api.rewrite_url("https://sheets.googleapis.com/v4/spreadsheets/x", root) == (
        "http://127.0.0.1:9/v4/spreadsheets/x"
    )
    assert google_api.rewrite_url("https://oauth2.googleapis.com/token", root) == (
        "https://oauth2.googleapis.com/token"
    )
    monkeypatch.delenv(google_api.API_ROOT_ENV)
    assert google_api.api_root() is None


def test_without_adc_the_fake_gets_anonymous_credentials(monkeypatch, tmp_path):
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "missing.json"))
    monkeypatch.setenv(google_api.API_ROOT_ENV, "http://127.0.0.1:9")
    from google.auth.credentials import AnonymousCredentials

    assert isinstance(google_api.credentials(google_api.SHEETS_SCOPES), AnonymousCredentials)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("'Form Responses 1'!A1:Z", A1Range("Form Responses 1", 1, 1, None, 26)),
        ("Sheet1!B2", A1Range("Sheet1", 2, 2, 2, 2)),
        ("'It''s'!A:C", A1Range("It's", None, 1, None, 3)),
        ("S!2:5", A1Range("S", 2, None, 5, None)),
        ("S!A2:C", A1Range("S", 2, 1, None, 3)),
        ("'Sheet 1'", A1Range("Sheet 1")),
    ],
)
def test_a1_parsing(text, expected):
    title, cells = split_title(text)
    assert parse_cells(title, cells) == expected


def test_a1_rejects_garbage_and_quotes_like_google():
    with pytest.raises(RangeError):
        parse_cells("S", "A1:B2:C3")
    assert quote_title("Sheet1") == "Sheet1"
    assert quote_title("D3") == "'D3'"
    assert quote_title("Form Responses 1") == "'Form Responses 1'"
    assert quote_title("It's") == "'It''s'"


def test_standalone_server_prints_its_url_and_serves_seeded_state(tmp_path):
    seed = tmp_path / "seed.json"
    seed.write_text(
        json.dumps(
            {
                "spreadsheets": {
                    "intake-key": {"title": "Intake", "sheets": {"Form Responses 1": [["a", "b"]]}}
                }
            }
        )
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fake_google", "--seed", str(seed)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        values = requests.get(
            f"{url}/v4/spreadsheets/intake-key/values/'Form Responses 1'", timeout=5
        ).json()
        assert values["values"] == [["a", "b"]]
        requests.post(
            f"{url}/_fake/faults", json={"fail_next": {"count": 1, "status": 429}}, timeout=5
        )
        assert requests.get(f"{url}/v4/spreadsheets/intake-key", timeout=5).status_code == 429
        calls = requests.get(f"{url}/_fake/calls", timeout=5).json()
        assert calls["calls"]["sheets.spreadsheets.get"] == 1
        assert calls["http_requests"] == 2
        state = requests.get(f"{url}/_fake/state", timeout=5).json()
        assert state["spreadsheets"]["intake-key"]["sheets"]["Form Responses 1"]["values"] == [
            ["a", "b"]
        ]
    finally:
        proc.terminate()
        proc.wait(timeout=5)


def test_append_stops_at_the_first_empty_row_of_the_table(fake_google):
    sid = fake_google.create_spreadsheet("x", {"S": [["h", "x"], ["1", "y"], [], ["later"]]})
    sh = google_clients.gspread_client(fake_google).open_by_key(sid)
    result = sh.values_append(
        "S!A1:B1", params={"valueInputOption": "RAW"}, body={"values": [["2"]]}
    )
    assert result["tableRange"] == "S!A1:B2"
    assert result["updates"]["updatedRange"] == "S!A3"
    assert fake_google.values(sid, "S") == [["h", "x"], ["1", "y"], ["2"], ["later"]]


def test_columns_major_dimension_reads_and_writes_transposed(fake_google):
    sid = fake_google.create_spreadsheet("x", {"S": [["a", "b"], ["c"]]})
    sh = google_clients.gspread_client(fake_google).open_by_key(sid)
    read = sh.values_get("S!A1:C3", params={"majorDimension": "COLUMNS"})
    assert read["values"] == [["a", "c"], ["b"]]
    sh.values_update(
        "S!C1",
        params={"valueInputOption": "RAW"},
        body={"majorDimension": "COLUMNS", "values": [["p", "q"]]},
    )
    assert fake_google.values(sid, "S") == [["a", "b", "p"], ["c", "", "q"]]


def test_fields_selects_parts_of_a_response(fake_google):
    sid = fake_google.create_spreadsheet("x", {"One": [], "Two": []})
    response = requests.get(
        f"{fake_google.base_url}/v4/spreadsheets/{sid}",
        params={"fields": "sheets(properties(title,sheetId)),properties/title"},
        timeout=5,
    )
    assert response.json() == {
        "properties": {"title": "x"},
        "sheets": [
            {"properties": {"title": "One", "sheetId": 0}},
            {"properties": {"title": "Two", "sheetId": fake_google.sheet(sid, "Two").sheet_id}},
        ],
    }


def test_a_failed_batch_update_changes_nothing(book, fake_google):
    sid, sh = book
    with pytest.raises(gspread.exceptions.APIError):
        sh.batch_update(
            {
                "requests": [
                    {"addSheet": {"properties": {"title": "Matches"}}},
                    {"deleteSheet": {"sheetId": 424242}},
                ]
            }
        )
    assert [s.title for s in fake_google.spreadsheet(sid).sheets] == [
        "Form Responses 1",
        "Requests",
    ]


def test_missing_value_input_option_is_googles_400(book, fake_google):
    sid, _ = book
    response = requests.put(
        f"{fake_google.base_url}/v4/spreadsheets/{sid}/values/Requests!A1",
        json={"values": [["x"]]},
        timeout=5,
    )
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": 400,
        "message": "'valueInputOption' is required but not specified",
        "status": "INVALID_ARGUMENT",
    }


@pytest.mark.parametrize(
    "mask", ["gridProperties/rowCount", "gridProperties.rowCount", "gridProperties"]
)
def test_update_sheet_properties_accepts_slash_and_dot_field_masks(book, fake_google, mask):
    sid, sh = book
    sheet_id = fake_google.sheet(sid, "Requests").sheet_id
    sh.batch_update(
        {
            "requests": [
                {
                    "updateSheetProperties": {
                        "properties": {"sheetId": sheet_id, "gridProperties": {"rowCount": 1500}},
                        "fields": mask,
                    }
                }
            ]
        }
    )
    assert fake_google.sheet(sid, "Requests").row_count == 1500
