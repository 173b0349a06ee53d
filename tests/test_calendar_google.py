"""The invite stage on Google Calendar: the real googleapiclient against the loopback fake."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections import Counter
from pathlib import Path
from typing import Any

import httplib2
import pytest
from mentorship import google_api
from mentorship.backends import open_calendar
from mentorship.calendar import event_id_for
from mentorship.calendar.google import GoogleCalendar
from mentorship.calendar.stage import run_invites
from mentorship.config import Config
from mentorship.errors import AccessError
from mentorship.google_transport import RetryPolicy
from mentorship.ledger import MATCH_COLUMNS, MATCHES, Table, WriteBatch

from tests import google_clients
from tests.fake_google import FakeGoogle
from tests.invite_support import (
    NOW,
    CountingSpreadsheet,
    Killed,
    config,
    match_row,
    mentor,
    read_matches,
    request_row,
    write_ledger,
)

CAL = "mentoring@group.calendar.example.edu"
ZONES = [
    ("Europe/London", "tue 17:00-21:00; thu 17:00-21:00"),
    ("America/New_York", "tue 12:00-16:00; thu 12:00-16:00"),
    ("Asia/Kolkata", "tue 21:30-23:30; thu 21:30-23:30"),
    ("America/St_Johns", "tue 13:30-17:30; thu 13:30-17:30"),
]


def google_calendar(
    fake: FakeGoogle, http: Any = None, sleeps: list[float] | None = None
) -> GoogleCalendar:
    return GoogleCalendar(
        google_clients.calendar_service(fake),
        CAL,
        batch_uri=f"{fake.base_url}/batch/calendar/v3",
        http=http,
        retry=RetryPolicy(
            base=0.001, sleep=sleeps.append if sleeps is not None else lambda _s: None
        ),
    )


def ledger(tmp_path: Path, n: int, per_mentor: int = 5) -> tuple[CountingSpreadsheet, list, Config]:
    sheet = CountingSpreadsheet(tmp_path / ".ledger")
    count = max(1, n // per_mentor)
    mentors = [
        mentor(
            f"mentor-{k}",
            "Europe/London",
            [("tuesday", "17:00", "22:00"), ("thursday", "17:00", "22:00")],
        )
        for k in range(count)
    ]
    write_ledger(
        sheet,
        [request_row(f"r{i}", f"Student {i}", *ZONES[i % len(ZONES)]) for i in range(n)],
        [match_row(f"m{i:04d}", f"r{i}", f"mentor-{i % count}") for i in range(n)],
    )
    sheet.writes = 0
    cfg = dataclasses.replace(
        config(tmp_path), calendar=dataclasses.replace(config(tmp_path).calendar, calendar_id=CAL)
    )
    return sheet, mentors, cfg


def insert_notices(fake: FakeGoogle) -> Counter[str]:
    """Event id -> how many times Google would have emailed the invitation."""
    return Counter(
        n["eventId"]
        for n in fake.notifications
        if n["action"] == "insert" and n["sendUpdates"] == "all"
    )


def assert_each_invited_exactly_once(fake: FakeGoogle, sheet: CountingSpreadsheet, n: int) -> None:
    events = {e["id"]: e for e in fake.events(CAL)}
    assert len(events) == n
    assert set(insert_notices(fake).values()) == {1} and len(insert_notices(fake)) == n
    rows = read_matches(sheet)
    assert {r["status"] for r in rows.values()} == {"invited"}
    for match_id, row in rows.items():
        event = events[event_id_for(match_id)]
        assert row["event_id"] == event["id"]
        assert dt.datetime.fromisoformat(row["event_start"]) == dt.datetime.fromisoformat(
            event["start"]["dateTime"]
        )


def test_batch_of_200_invites_costs_a_handful_of_http_requests(fake_google, tmp_path):
    sheet, mentors, cfg = ledger(tmp_path, 200)
    report = run_invites(sheet, google_calendar(fake_google), mentors, cfg, NOW)
    assert len(report.sent) == 200 and not report.errors and not report.no_time
    # 4 batches of 50 inserts + 1 batch of freeBusy queries.
    assert fake_google.http_requests <= 200 / 50 + 2
    assert fake_google.calls["calendar.events.insert"] == 200
    assert sheet.writes == 4
    assert_each_invited_exactly_once(fake_google, sheet, 200)


def test_event_has_meet_link_attendees_reminders_and_match_id(fake_google, tmp_path):
    sheet, mentors, cfg = ledger(tmp_path, 1)
    cfg = dataclasses.replace(
        cfg, calendar=dataclasses.replace(cfg.calendar, coordinator_email="coord@example.edu")
    )
    run_invites(sheet, google_calendar(fake_google), mentors, cfg, NOW)
    (event,) = fake_google.events(CAL)
    assert event["id"] == event_id_for("m0000")
    assert event["summary"] == "Mentoring: Mentor 0 & Student 0 (session 1 of 4)"
    assert event["hangoutLink"].startswith("https://meet.google.com/")
    assert event["conferenceData"]["createRequest"]["requestId"] == "m0000"
    assert event["conferenceData"]["conferenceSolution"]["key"]["type"] == "hangoutsMeet"
    assert [(a["email"], a.get("optional", False)) for a in event["attendees"]] == [
        ("mentor-0@alumni.example.org", False),
        ("student.r0@student.example.edu", False),
        ("coord@example.edu", True),
    ]
    assert event["reminders"]["useDefault"] is False
    assert event["extendedProperties"]["private"] == {"match_id": "m0000"}
    # Thu 26 Nov 2026 (the first day after Mon 23 + 48 h): 17:00 GMT for both in London.
    # Google answers in the calendar's zone ("Z" for UTC), so compare the instant, not the text.
    assert event["start"]["timeZone"] == "Europe/London"
    assert dt.datetime.fromisoformat(event["start"]["dateTime"]) == dt.datetime(
        2026, 11, 26, 17, 0, tzinfo=dt.UTC
    )
    (notice,) = fake_google.notifications
    assert notice["sendUpdates"] == "all"
    # The event can be found by its match id, as staff tools do.
    service = google_clients.calendar_service(fake_google)
    listed = (
        service.events().list(calendarId=CAL, privateExtendedProperty="match_id=m0000").execute()
    )
    assert [e["id"] for e in listed["items"]] == [event["id"]]


class KillAfterCall(httplib2.Http):
    """A transport that kills the run as soon as the fake has handled `k` API calls."""

    def __init__(self, fake: FakeGoogle, k: int):
        super().__init__()
        self.fake, self.k = fake, k

    def request(self, *args: Any, **kwargs: Any) -> Any:
        answer = super().request(*args, **kwargs)
        if sum(self.fake.calls.values()) >= self.k:
            raise Killed(f"killed after call {self.k}")
        return answer


def test_run_killed_after_any_call_then_rerun_sends_each_invite_exactly_once(
    fake_google, tmp_path, monkeypatch
):
    # Batches of 5 so that 12 invites make three batches (5 + 5 + 2), and every k is quick.
    monkeypatch.setattr("mentorship.calendar.stage.BATCH_SIZE", 5)
    n = 12
    sheet, mentors, cfg = ledger(tmp_path / "clean", n)
    run_invites(sheet, google_calendar(fake_google), mentors, cfg, NOW)
    total = sum(fake_google.calls.values())
    assert total == 2 + 6 + 6 + 3  # each batch is a call, then one call per part
    for k in range(1, total):
        fake_google.reset()
        sheet, mentors, cfg = ledger(tmp_path / f"k{k}", n)
        # The first k calls take effect; the process dies as their answer comes back.
        fake_google.fail_after(k)
        calendar = google_calendar(fake_google, http=KillAfterCall(fake_google, k))
        with pytest.raises(Killed):
            run_invites(sheet, calendar, mentors, cfg, NOW)
        fake_google.faults.clear()
        later = NOW + dt.timedelta(hours=1)
        report = run_invites(sheet, google_calendar(fake_google), mentors, cfg, later)
        assert not report.errors, (k, report.errors)
        assert_each_invited_exactly_once(fake_google, sheet, n)


def test_run_killed_before_its_ledger_write_is_finished_by_the_next(fake_google, tmp_path):
    sheet, mentors, cfg = ledger(tmp_path, 120)
    sheet.die_on_write = 2  # the second batch's ledger write never happens
    with pytest.raises(Killed):
        run_invites(sheet, google_calendar(fake_google), mentors, cfg, NOW)
    assert len(fake_google.events(CAL)) == 100
    # A day later the earliest slots have moved; the recorded starts must be the real ones.
    later = NOW + dt.timedelta(days=1)
    report = run_invites(sheet, google_calendar(fake_google), mentors, cfg, later)
    assert len(report.already_sent) == 50 and len(report.sent) == 20
    assert_each_invited_exactly_once(fake_google, sheet, 120)


def test_stored_then_failed_insert_is_a_409_on_retry_and_counts_as_sent(fake_google, tmp_path):
    sheet, mentors, cfg = ledger(tmp_path, 3)
    fake_google.faults.store_then_fail(1, 503, match="calendar.events.insert")
    report = run_invites(sheet, google_calendar(fake_google), mentors, cfg, NOW)
    assert sorted(report.sent) == ["m0000", "m0001", "m0002"] and not report.already_sent
    assert fake_google.calls["calendar.events.insert"] == 4  # one retried, answered 409
    assert fake_google.calls["calendar.events.get"] == 1
    assert_each_invited_exactly_once(fake_google, sheet, 3)


def test_rate_limits_and_server_errors_are_retried_with_backoff(fake_google, tmp_path):
    sheet, mentors, cfg = ledger(tmp_path, 10)
    fake_google.faults.fail_next(2, 429, match="calendar.events.insert")
    fake_google.faults.fail_next(1, 403, match="calendar.events.insert", reason="rateLimitExceeded")
    fake_google.faults.fail_next(1, 500, match="calendar.events.insert")
    fake_google.faults.fail_next(1, 503, match="batch")
    sleeps: list[float] = []
    report = run_invites(sheet, google_calendar(fake_google, sleeps=sleeps), mentors, cfg, NOW)
    assert len(report.sent) == 10 and not report.errors
    assert sleeps and all(b >= a / 2 for a, b in itertools.pairwise(sleeps))
    assert_each_invited_exactly_once(fake_google, sheet, 10)


def test_persistent_server_errors_leave_the_match_for_the_next_run(fake_google, tmp_path):
    sheet, mentors, cfg = ledger(tmp_path, 2)
    fake_google.faults.fail_next(100, 503, match="calendar.events.insert")
    report = run_invites(sheet, google_calendar(fake_google), mentors, cfg, NOW)
    assert report.sent == [] and len(report.errors) == 2
    assert "kept failing (503)" in report.errors[0][1] and "next run" in report.errors[0][1]
    assert {r["status"] for r in read_matches(sheet).values()} == {"approved"}
    fake_google.faults.clear()
    assert len(run_invites(sheet, google_calendar(fake_google), mentors, cfg, NOW).sent) == 2


def test_service_account_refused_invites_says_how_to_fix_it(fake_google, tmp_path):
    sheet, mentors, cfg = ledger(tmp_path, 2)
    fake_google.forbid_service_account_invites = True
    with pytest.raises(AccessError) as caught:
        run_invites(sheet, google_calendar(fake_google), mentors, cfg, NOW)
    message = str(caught.value)
    assert "forbiddenForServiceAccounts" in message
    assert "domain-wide delegation" in message and "delegate" in message
    assert "[tool.mentorship.calendar]" in message
    assert fake_google.events(CAL) == []
    assert {r["status"] for r in read_matches(sheet).values()} == {"approved"}


def test_refused_calendar_is_an_access_error(fake_google, tmp_path):
    sheet, mentors, cfg = ledger(tmp_path, 2)
    fake_google.refuse_access(CAL)
    with pytest.raises(AccessError, match="Share the program calendar"):
        run_invites(sheet, google_calendar(fake_google), mentors, cfg, NOW)


def cancel_in_sheet(sheet: CountingSpreadsheet, match_id: str) -> None:
    table = Table(MATCHES, MATCH_COLUMNS, sheet.read([MATCHES])[MATCHES])
    table.set(table.by("match_id")[match_id], "status", "cancelled")
    batch = WriteBatch()
    table.collect(batch)
    sheet.write(batch)


def test_cancelled_match_cancels_the_event_and_notifies_once(fake_google, tmp_path):
    sheet, mentors, cfg = ledger(tmp_path, 2)
    run_invites(sheet, google_calendar(fake_google), mentors, cfg, NOW)
    cancel_in_sheet(sheet, "m0001")
    # The run dies right after Google cancelled the event, before the note is written.
    sheet.die_on_write = sheet.writes + 1
    with pytest.raises(Killed):
        run_invites(sheet, google_calendar(fake_google), mentors, cfg, NOW)
    sheet.die_on_write = 0
    report = run_invites(sheet, google_calendar(fake_google), mentors, cfg, NOW)
    assert report.cancelled == ["m0001"]
    assert read_matches(sheet)["m0001"]["note"] == "event cancelled on 2026-11-23"
    report = run_invites(sheet, google_calendar(fake_google), mentors, cfg, NOW)
    assert report.cancelled == []
    cancels = [n for n in fake_google.notifications if n["action"] == "cancel"]
    assert [(n["eventId"], n["sendUpdates"]) for n in cancels] == [(event_id_for("m0001"), "all")]
    statuses = {e["id"]: e["status"] for e in fake_google.events(CAL)}
    assert statuses == {event_id_for("m0000"): "confirmed", event_id_for("m0001"): "cancelled"}


def test_mentors_busy_time_from_freebusy_is_skipped(fake_google, tmp_path):
    sheet, mentors, cfg = ledger(tmp_path, 1)
    # The student (London) and mentor share Thu 26 Nov 17:00-21:00 GMT; the mentor is busy
    # 16:30-19:10, so the first half-hour after that is 19:30.
    fake_google.calendar_busy(
        "mentor-0@alumni.example.org", "2026-11-26T16:30:00Z", "2026-11-26T19:10:00Z"
    )
    run_invites(sheet, google_calendar(fake_google), mentors, cfg, NOW)
    assert read_matches(sheet)["m0000"]["event_start"] == "2026-11-26T19:30:00+00:00"
    assert fake_google.calls["calendar.freebusy.query"] == 1


def test_open_calendar_uses_adc_and_the_api_root(fake_google, tmp_path, monkeypatch):
    google_clients.use_fake(fake_google, monkeypatch)
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    sheet, mentors, cfg = ledger(tmp_path, 3)
    calendar = open_calendar(dataclasses.replace(cfg, backend="google"))
    assert isinstance(calendar, GoogleCalendar)
    assert calendar.batch_uri == f"{fake_google.base_url}/batch/calendar/v3"
    assert google_api.api_root() == fake_google.base_url
    report = run_invites(sheet, calendar, mentors, cfg, NOW)
    assert len(report.sent) == 3
    assert_each_invited_exactly_once(fake_google, sheet, 3)
