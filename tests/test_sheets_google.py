"""The Google Sheets backend through the real gspread against the loopback fake: a constant
number of API calls, RAW writes, retries, access errors, and interrupted runs that the next run
finishes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import requests
from gspread.exceptions import APIError
from mentorship.config import load_config
from mentorship.errors import AccessError
from mentorship.google_transport import RetryPolicy
from mentorship.intake import run_sync
from mentorship.ledger import REQUESTS, WriteBatch
from mentorship.profiles.taxonomy import load_taxonomy
from mentorship.sheets_google import GoogleSpreadsheet

from tests.fake_google import FakeGoogle, Formula
from tests.google_clients import gspread_client

ROOT = Path(__file__).resolve().parent.parent
CONFIG = load_config(ROOT)
QUESTIONS = CONFIG.questions
TAXONOMY = load_taxonomy(ROOT / "mentors" / "taxonomy.yml")
TAB = CONFIG.responses_worksheet
HEADER = [QUESTIONS[f] for f in QUESTIONS]
NOW = dt.datetime(2026, 11, 28, 3, 0, tzinfo=dt.UTC)
ACCOUNT = "intake-bot@alumni-mentoring.iam.gserviceaccount.com"


def responses(count: int, start: int = 0) -> list[list[str]]:
    rows = []
    for n in range(start, start + count):
        stamp = dt.datetime(2026, 1, 1) + dt.timedelta(minutes=n)
        answers = {
            "timestamp": stamp.strftime("%d/%m/%Y %H:%M:%S"),
            "name": f"Student {n}",
            "email": f"student{n % max(1, count // 2 + start)}@example.edu",
            "program": "BSc Physics",
            "year": "3",
            "industries": "Software, Energy",
            "topics": "First job",
            "goals": "A first job",
            "preferred_mentor": "",
            "timezone": "Africa/Lagos" if n % 7 else "Nowhere/Special",
            "availability": "Weekend mornings",
            "languages": "English, Yoruba",
            "meeting_format": "Phone",
            "consent": "I agree",
        }
        rows.append([answers[f] for f in QUESTIONS])
    return rows


def open_sheet(
    fake: FakeGoogle, sid: str, attempts: int = 4, sleeps: list[float] | None = None
) -> GoogleSpreadsheet:
    record = sleeps if sleeps is not None else []
    return GoogleSpreadsheet(
        gspread_client(fake).http_client,
        sid,
        account=ACCOUNT,
        retry=RetryPolicy(attempts=attempts, sleep=record.append),
    )


def sync(fake: FakeGoogle, sid: str, **kwargs: object):
    return run_sync(open_sheet(fake, sid, **kwargs), CONFIG, TAXONOMY, [], NOW)


def sheets_calls(fake: FakeGoogle) -> int:
    return sum(v for k, v in fake.calls.items() if k.startswith("sheets."))


@pytest.mark.parametrize("count", [10, 1000])
def test_api_calls_per_run_are_constant(fake_google: FakeGoogle, count: int) -> None:
    sid = fake_google.create_spreadsheet("Intake", {TAB: [HEADER, *responses(count)]})
    report = sync(fake_google, sid)
    assert report.added == count
    assert dict(fake_google.calls) == {
        "sheets.spreadsheets.get": 1,
        "sheets.values.batchGet": 1,
        "sheets.spreadsheets.batchUpdate": 1,  # the new Requests tab
        "sheets.values.batchUpdate": 1,
    }
    # New responses on an existing ledger: one read and one write (plus, once the tab's grid
    # is full, one batchUpdate that grows it).
    client = gspread_client(fake_google)
    client.open_by_key(sid).worksheet(TAB).append_rows(
        responses(count, start=count), value_input_option="RAW"
    )
    fake_google.calls.clear()
    report = sync(fake_google, sid)
    assert report.added == count
    calls = dict(fake_google.calls)
    grew = calls.pop("sheets.spreadsheets.batchUpdate", 0)
    assert calls == {
        "sheets.spreadsheets.get": 1,
        "sheets.values.batchGet": 1,
        "sheets.values.batchUpdate": 1,
    }
    assert grew <= 1


def test_a_full_grid_is_grown_in_the_same_batch_update(fake_google: FakeGoogle) -> None:
    sid = fake_google.create_spreadsheet(
        "Intake", {TAB: [HEADER, *responses(1200)], REQUESTS: [["request_id"]]}
    )
    assert fake_google.sheet(sid, REQUESTS).row_count == 1000
    sync(fake_google, sid)
    assert fake_google.calls["sheets.spreadsheets.batchUpdate"] == 1
    assert fake_google.sheet(sid, REQUESTS).row_count >= 1201
    assert len(fake_google.values(sid, REQUESTS)) == 1201


def test_writes_are_raw_so_formulas_stay_text(fake_google: FakeGoogle) -> None:
    row = responses(1)[0]
    row[HEADER.index(QUESTIONS["goals"])] = '=HYPERLINK("http://evil")'
    row[HEADER.index(QUESTIONS["name"])] = "+1 Ana"
    sid = fake_google.create_spreadsheet("Intake", {TAB: [HEADER, row]})
    sync(fake_google, sid)
    values = fake_google.values(sid, REQUESTS)
    goals = values[0].index("goals")
    stored = fake_google.raw_cell(sid, REQUESTS, f"{chr(65 + goals)}2")
    assert not isinstance(stored, Formula)
    assert values[1][goals] == '=HYPERLINK("http://evil")'
    assert values[1][values[0].index("name")] == "+1 Ana"
    # And the real gspread reads back the literal string, rendered or not.
    sheet = gspread_client(fake_google).open_by_key(sid).worksheet(REQUESTS)
    assert sheet.cell(2, goals + 1).value == '=HYPERLINK("http://evil")'


@pytest.mark.parametrize(
    ("status", "reason"),
    [(429, ""), (503, ""), (500, ""), (502, "")],
)
def test_transient_errors_are_retried_with_backoff(
    fake_google: FakeGoogle, status: int, reason: str
) -> None:
    sid = fake_google.create_spreadsheet("Intake", {TAB: [HEADER, *responses(5)]})
    for method in (
        "spreadsheets.get",
        "values.batchGet",
        "spreadsheets.batchUpdate",
        "values.batchUpdate",
    ):
        fake_google.faults.fail_next(2, status, match=f"sheets.{method}", reason=reason)
    sleeps: list[float] = []
    report = run_sync(
        open_sheet(fake_google, sid, attempts=3, sleeps=sleeps), CONFIG, TAXONOMY, [], NOW
    )
    assert report.added == 5
    assert len(sleeps) == 8 and all(0 <= s <= 2.0 for s in sleeps)
    assert len(fake_google.values(sid, REQUESTS)) == 6


def test_retries_give_up_with_a_clear_message(fake_google: FakeGoogle) -> None:
    sid = fake_google.create_spreadsheet("Intake", {TAB: [HEADER, *responses(5)]})
    fake_google.faults.fail_next(10, 503, match="sheets.values.batchGet")
    with pytest.raises(
        AccessError, match=r"kept answering HTTP 503 .*\(3 attempts\).*run the command again"
    ):
        sync(fake_google, sid, attempts=3)


def test_forbidden_names_the_service_account_to_share_with(fake_google: FakeGoogle) -> None:
    sid = fake_google.create_spreadsheet("Intake", {TAB: [HEADER]})
    fake_google.refuse_access(sid)
    with pytest.raises(AccessError) as info:
        sync(fake_google, sid)
    message = str(info.value)
    assert ACCOUNT in message and "Share" in message and sid in message
    assert fake_google.calls["sheets.spreadsheets.get"] == 1  # a refusal is not retried


def test_not_found_says_to_check_the_spreadsheet_key(fake_google: FakeGoogle) -> None:
    with pytest.raises(AccessError, match="spreadsheet_key"):
        sync(fake_google, "1NoSuchSpreadsheetKeyAtAllxxxxxxxxxxxxxxxxxx")


def test_a_retried_write_that_had_been_stored_is_harmless(fake_google: FakeGoogle) -> None:
    rows = [HEADER, *responses(30)]
    reference = fake_google.create_spreadsheet("Reference", {TAB: rows})
    sync(fake_google, reference)
    sid = fake_google.create_spreadsheet("Intake", {TAB: rows})
    fake_google.faults.store_then_fail(1, 503, match="sheets.spreadsheets.batchUpdate")
    fake_google.faults.store_then_fail(1, 503, match="sheets.values.batchUpdate")
    sync(fake_google, sid)
    assert fake_google.values(sid, REQUESTS) == fake_google.values(reference, REQUESTS)
    assert [s.title for s in fake_google.spreadsheet(sid).sheets].count(REQUESTS) == 1


@pytest.mark.parametrize("grown", [False, True], ids=["fresh", "grown"])
def test_a_run_interrupted_after_any_call_is_finished_by_the_next(
    fake_google: FakeGoogle, grown: bool
) -> None:
    first, more = responses(40), responses(25, start=40)

    def prepare(title: str) -> str:
        sid = fake_google.create_spreadsheet(title, {TAB: [HEADER, *first]})
        if grown:
            sync(fake_google, sid)
            sheet = gspread_client(fake_google).open_by_key(sid).worksheet(TAB)
            sheet.append_rows(more, value_input_option="RAW")
        return sid

    reference = prepare("Reference")
    before = sheets_calls(fake_google)
    sync(fake_google, reference)
    calls = sheets_calls(fake_google) - before
    expected = fake_google.values(reference, REQUESTS)
    for k in range(calls):
        fake_google.faults.clear()
        sid = prepare(f"Interrupted after {k}")
        fake_google.faults.fail_after(k)
        with pytest.raises(AccessError):
            sync(fake_google, sid, attempts=2)
        fake_google.faults.clear()
        sync(fake_google, sid)
        assert fake_google.values(sid, REQUESTS) == expected, f"interrupted after call {k}"


def test_write_without_a_read_finds_the_last_row_itself(fake_google: FakeGoogle) -> None:
    sid = fake_google.create_spreadsheet("Intake", {"Log": [["a"], ["b"]]})
    sheet = open_sheet(fake_google, sid)
    sheet.write(
        WriteBatch(
            appends={"Log": [["c"], ["=1+1"]]}, updates=[("Log", 1, 2, "x"), ("Log", 1, 3, "y")]
        )
    )
    assert fake_google.values(sid, "Log") == [["a", "x", "y"], ["b"], ["c"], ["=1+1"]]
    assert fake_google.calls["sheets.values.batchUpdate"] == 1


@pytest.mark.parametrize("reason", ["rateLimitExceeded", "userRateLimitExceeded"])
def test_rate_limit_403_is_retried_but_a_plain_403_is_not(
    fake_google: FakeGoogle, reason: str
) -> None:
    # The Sheets API itself answers 429 for quota, so the fake cannot send these 403s; a real
    # gspread APIError built from Google's legacy error body stands in for one.
    sid = fake_google.create_spreadsheet("Intake", {TAB: [HEADER]})
    sleeps: list[float] = []
    sheet = open_sheet(fake_google, sid, attempts=4, sleeps=sleeps)

    def google_403(why: str) -> APIError:
        response = requests.Response()
        response.status_code = 403
        response._content = json.dumps(
            {
                "error": {
                    "code": 403,
                    "message": "Rate Limit Exceeded",
                    "errors": [
                        {"reason": why, "domain": "usageLimits", "message": "Rate Limit Exceeded"}
                    ],
                }
            }
        ).encode()
        return APIError(response)

    answers = [google_403(reason), google_403(reason), "done"]

    def flaky() -> str:
        answer = answers.pop(0)
        if isinstance(answer, APIError):
            raise answer
        return answer

    assert sheet._call("test", flaky) == "done"
    assert len(sleeps) == 2
    answers[:] = [google_403("forbidden"), "never reached"]
    with pytest.raises(AccessError, match=ACCOUNT):
        sheet._call("test", flaky)
