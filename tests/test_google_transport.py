"""One retry policy and one error parser for every Google client: the real gspread (Sheets) and
the real google-api-python-client (Calendar) against the loopback fake's injected faults retry
the same failures, wait the same times, honour Retry-After and give up after the same tries."""

from __future__ import annotations

import json
import random

import pytest
from mentorship import google_api
from mentorship.calendar.google import GoogleCalendar
from mentorship.errors import AccessError
from mentorship.google_transport import (
    GoogleError,
    RetryPolicy,
    is_transient,
    parse_error_body,
)
from mentorship.sheets_google import GoogleSpreadsheet

from tests import google_clients
from tests.fake_google import FakeGoogle

CAL = "mentoring@group.calendar.example.edu"


def policy(sleeps: list[float], attempts: int = 4) -> RetryPolicy:
    # The same seed for both clients: the same policy must then wait exactly the same times.
    return RetryPolicy(attempts=attempts, base=0.5, sleep=sleeps.append, rng=random.Random(7))


def open_sheet(fake: FakeGoogle, sid: str, retry: RetryPolicy) -> GoogleSpreadsheet:
    """Opening a spreadsheet is one sheets.spreadsheets.get through gspread."""
    return GoogleSpreadsheet(google_clients.gspread_client(fake).http_client, sid, retry=retry)


def look_up_event(fake: FakeGoogle, retry: RetryPolicy) -> dict:
    """One calendar.events.get in a batch through googleapiclient (the event does not exist)."""
    calendar = GoogleCalendar(
        google_clients.calendar_service(fake),
        CAL,
        batch_uri=f"{fake.base_url}/batch/calendar/v3",
        retry=retry,
    )
    return calendar.find(["e0000000001"])


@pytest.mark.parametrize(
    ("status", "reason"),
    [(408, ""), (429, ""), (500, ""), (502, ""), (503, ""), (504, "")],
)
def test_sheets_and_calendar_retry_the_same_failures_with_the_same_waits(
    fake_google: FakeGoogle, status: int, reason: str
) -> None:
    sid = fake_google.create_spreadsheet("Intake", {"Sheet1": [["a"]]})
    fake_google.add_calendar(CAL)
    fake_google.faults.fail_next(2, status, match="sheets.spreadsheets.get", reason=reason)
    fake_google.faults.fail_next(2, status, match="calendar.events.get", reason=reason)
    sheet_sleeps: list[float] = []
    calendar_sleeps: list[float] = []
    assert open_sheet(fake_google, sid, policy(sheet_sleeps)).title == "Intake"
    assert look_up_event(fake_google, policy(calendar_sleeps)) == {}
    assert fake_google.calls["sheets.spreadsheets.get"] == 3
    assert fake_google.calls["calendar.events.get"] == 3
    assert len(sheet_sleeps) == 2 and sheet_sleeps == calendar_sleeps
    # Exponential backoff with jitter: each wait is between half and all of 0.5 * 2**n.
    assert 0.25 <= sheet_sleeps[0] <= 0.5 and 0.5 <= sheet_sleeps[1] <= 1.0


def test_a_calendar_rate_limit_403_is_retried_and_a_usage_limit_403_is_not(
    fake_google: FakeGoogle,
) -> None:
    fake_google.add_calendar(CAL)
    fake_google.faults.fail_next(1, 403, match="calendar.events.get", reason="rateLimitExceeded")
    sleeps: list[float] = []
    assert look_up_event(fake_google, policy(sleeps)) == {}
    assert len(sleeps) == 1
    fake_google.faults.fail_next(1, 403, match="calendar.events.get", reason="quotaExceeded")
    with pytest.raises(AccessError, match=r"usage limit .* run the command again later"):
        look_up_event(fake_google, policy(sleeps))
    assert len(sleeps) == 1


def test_a_refusal_is_not_retried_by_either_client(fake_google: FakeGoogle) -> None:
    sid = fake_google.create_spreadsheet("Intake", {"Sheet1": [["a"]]})
    fake_google.add_calendar(CAL)
    fake_google.faults.fail_next(1, 403, match="sheets.spreadsheets.get")
    fake_google.faults.fail_next(1, 403, match="calendar.events.get")
    sleeps: list[float] = []
    with pytest.raises(AccessError, match="Share the sheet"):
        open_sheet(fake_google, sid, policy(sleeps))
    with pytest.raises(AccessError, match="Share the program calendar"):
        look_up_event(fake_google, policy(sleeps))
    assert sleeps == []


def test_both_clients_honour_retry_after(fake_google: FakeGoogle) -> None:
    sid = fake_google.create_spreadsheet("Intake", {"Sheet1": [["a"]]})
    fake_google.add_calendar(CAL)
    fake_google.faults.fail_next(1, 503, match="sheets.spreadsheets.get", retry_after=7)
    fake_google.faults.fail_next(1, 429, match="calendar.events.get", retry_after=7)
    sleeps: list[float] = []
    open_sheet(fake_google, sid, policy(sleeps))
    look_up_event(fake_google, policy(sleeps))
    assert sleeps == [7.0, 7.0]


def test_both_clients_give_up_after_the_same_number_of_tries(fake_google: FakeGoogle) -> None:
    sid = fake_google.create_spreadsheet("Intake", {"Sheet1": [["a"]]})
    fake_google.add_calendar(CAL)
    fake_google.faults.fail_next(10, 503, match="sheets.spreadsheets.get")
    fake_google.faults.fail_next(10, 503, match="calendar.events.get")
    sleeps: list[float] = []
    with pytest.raises(AccessError, match=r"\(3 attempts\)"):
        open_sheet(fake_google, sid, policy(sleeps, attempts=3))
    assert look_up_event(fake_google, policy(sleeps, attempts=3)) == {}  # logged, left for later
    assert fake_google.calls["sheets.spreadsheets.get"] == 3
    assert fake_google.calls["calendar.events.get"] == 3
    assert len(sleeps) == 4


def test_gspreads_own_http_client_follows_the_policy(fake_google: FakeGoogle) -> None:
    sid = fake_google.create_spreadsheet("Intake", {"Sheet1": [["a"]]})
    client = google_clients.gspread_client(fake_google)
    http = client.http_client
    assert isinstance(http, google_api.RetryingHTTPClient)
    sleeps: list[float] = []
    http.policy = policy(sleeps, attempts=3)
    fake_google.faults.fail_next(2, 408, match="sheets.spreadsheets.get")
    assert client.open_by_key(sid).title == "Intake"
    assert len(sleeps) == 2
    fake_google.faults.fail_next(1, 400, match="sheets.spreadsheets.get")
    with pytest.raises(Exception, match="400"):
        client.open_by_key(sid)
    assert len(sleeps) == 2


@pytest.mark.parametrize(
    ("body", "message", "reasons"),
    [
        (
            {"error": {"code": 429, "message": "Quota", "status": "RESOURCE_EXHAUSTED",
                       "details": [{"reason": "RATE_LIMIT_EXCEEDED"}]}},
            "Quota",
            {"RATE_LIMIT_EXCEEDED"},
        ),
        (
            {"error": {"errors": [{"reason": "rateLimitExceeded", "domain": "usageLimits"}],
                       "code": 403, "message": "Rate Limit Exceeded"}},
            "Rate Limit Exceeded",
            {"rateLimitExceeded"},
        ),
        ("<html>Bad gateway</html>", "<html>Bad gateway</html>", set()),
        (b"", "", set()),
    ],
)  # fmt: skip
def test_one_parser_reads_both_error_styles_and_non_json(body, message, reasons) -> None:
    raw = body if isinstance(body, str | bytes) else json.dumps(body).encode()
    parsed = parse_error_body(raw)
    assert parsed.message == message and parsed.reasons == reasons


@pytest.mark.parametrize(
    ("status", "reasons", "transient"),
    [
        (None, set(), True),
        (408, set(), True),
        (429, set(), True),
        (503, set(), True),
        (403, {"userRateLimitExceeded"}, True),
        (403, {"RATE_LIMIT_EXCEEDED"}, True),
        (403, {"quotaExceeded"}, False),
        (403, {"dailyLimitExceeded"}, False),
        (403, set(), False),
        (501, set(), False),
        (404, set(), False),
    ],
)
def test_which_failures_are_transient(status, reasons, transient) -> None:
    assert is_transient(status, reasons) is transient


def test_retry_after_is_capped_and_waits_grow_to_the_cap() -> None:
    retry = RetryPolicy(attempts=10, base=1.0, cap=8.0, rng=random.Random(1))
    waits = [retry.delay(n) for n in range(6)]
    assert all(w <= 8.0 for w in waits) and waits[-1] >= 4.0
    assert retry.delay(0, retry_after=3600) == 60.0


def test_a_bug_in_the_call_is_not_retried() -> None:
    sleeps: list[float] = []

    def broken() -> None:
        raise TypeError("a bug")

    with pytest.raises(TypeError):
        RetryPolicy(sleep=sleeps.append).call(broken)
    assert sleeps == [] and GoogleError.from_exception(TypeError()) is None
