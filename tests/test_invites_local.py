"""The invite stage over the local backends: CSV ledger and .ics files."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import icalendar
import pytest
from mentorship.calendar import event_id_for
from mentorship.calendar.ics import IcsCalendar
from mentorship.calendar.stage import run_invites
from mentorship.config import ScheduleConfig
from mentorship.errors import ConfigError
from mentorship.ledger import MATCH_COLUMNS, MATCHES, Table, WriteBatch

from tests.invite_support import (
    NOW,
    SITE,
    CountingSpreadsheet,
    Killed,
    config,
    match_row,
    mentor,
    read_matches,
    request_row,
    write_ledger,
)

JANE = mentor("jane-doe", "Europe/London", [("tuesday", "18:00", "20:00")])


def ics_calendar(root: Path, now: dt.datetime = NOW) -> IcsCalendar:
    return IcsCalendar.for_site(root / ".invites", SITE, clock=lambda: now)


@pytest.fixture
def sheet(tmp_path: Path) -> CountingSpreadsheet:
    sheet = CountingSpreadsheet(tmp_path / ".ledger")
    write_ledger(
        sheet,
        [
            request_row("r1", "Sam Lee", "America/New_York", "tue 13:00-15:00"),
            request_row("r2", "Ana Lima", "America/New_York", "wed 09:00-10:00"),
        ],
        [match_row("m1", "r1", "jane-doe")],
    )
    sheet.writes = 0
    return sheet


def test_approved_match_gets_an_invite_and_its_row_is_recorded(tmp_path, sheet):
    cfg = config(tmp_path, coordinator_email="coordinator@example.edu")
    report = run_invites(sheet, ics_calendar(tmp_path), [JANE], cfg, NOW)
    assert report.sent == ["m1"] and not report.errors
    row = read_matches(sheet)["m1"]
    # Mon 23 Nov + 48 h -> Tue 1 Dec, 18:00 GMT = 13:00 EST.
    assert row["status"] == "invited"
    assert row["event_id"] == event_id_for("m1")
    assert row["event_start"] == "2026-12-01T18:00:00+00:00"
    assert row["invited_at"] == "2026-11-23T12:00:00Z"
    assert sheet.writes == 1


def test_ics_invite_is_a_valid_request_with_timezone_attendees_and_description(tmp_path, sheet):
    cfg = config(tmp_path, coordinator_email="coordinator@example.edu")
    run_invites(sheet, ics_calendar(tmp_path), [JANE], cfg, NOW)
    files = list((tmp_path / ".invites").glob("*.ics"))
    assert [f.name for f in files] == [f"{event_id_for('m1')}.ics"]
    raw = files[0].read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")  # CRLF only
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded
    cal = icalendar.Calendar.from_ical(raw)
    assert str(cal["METHOD"]) == "REQUEST" and str(cal["VERSION"]) == "2.0"
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]
    (event,) = cal.walk("VEVENT")
    assert str(event["UID"]) == f"{event_id_for('m1')}@alumni.example.edu"
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event.decoded("DTSTART") == dt.datetime(2026, 12, 1, 18, tzinfo=dt.UTC)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == dt.timedelta(minutes=45)
    assert int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTAMP") == NOW
    # The first of `[tool.mentorship.relationship] sessions` (4 by default).
    assert str(event["SUMMARY"]) == "Mentoring: Jane Doe & Sam Lee (session 1 of 4)"
    assert str(event["ORGANIZER"]) == "mailto:coordinator@example.edu"
    attendees = {str(a): a.params for a in event["ATTENDEE"]}
    assert set(attendees) == {
        "mailto:jane-doe@alumni.example.org",
        "mailto:sam.r1@student.example.edu",
        "mailto:coordinator@example.edu",
    }
    assert all(p["RSVP"] == "TRUE" for p in attendees.values())
    assert attendees["mailto:coordinator@example.edu"]["ROLE"] == "OPT-PARTICIPANT"
    assert attendees["mailto:sam.r1@student.example.edu"]["CN"] == "Sam Lee"
    description = str(event["DESCRIPTION"])
    assert "Jane Doe: Tuesday 1 December 2026, 18:00–18:45 GMT (Europe/London)" in description
    assert "Sam Lee: Tuesday 1 December 2026, 13:00–13:45 EST (America/New_York)" in description
    assert "Sam Lee wants to learn how to break into finance." in description
    assert "Topics Sam chose: Networking, Interview practice" in description
    assert f"{SITE}/guides/preparing-for-a-session/" in description
    assert f"{SITE}/guides/mentor-responsibilities/#checklist" in description
    assert [a.decoded("TRIGGER") for a in event.walk("VALARM")] == [
        dt.timedelta(days=-1),
        dt.timedelta(minutes=-30),
    ]


def test_proposed_and_closed_matches_are_never_invited(tmp_path):
    sheet = CountingSpreadsheet(tmp_path / ".ledger")
    write_ledger(
        sheet,
        [request_row("r1", "Sam Lee", "America/New_York", "tue 13:00-15:00")],
        [
            match_row("m1", "r1", "jane-doe", "proposed"),
            match_row("m2", "r1", "jane-doe", "closed"),
        ],
    )
    report = run_invites(sheet, ics_calendar(tmp_path), [JANE], config(tmp_path), NOW)
    assert report.invites == [] and report.sent == []
    assert not (tmp_path / ".invites").exists()
    assert {r["status"] for r in read_matches(sheet).values()} == {"proposed", "closed"}


def test_second_run_sends_no_duplicate_invite(tmp_path, sheet):
    cfg = config(tmp_path)
    run_invites(sheet, ics_calendar(tmp_path), [JANE], cfg, NOW)
    path = tmp_path / ".invites" / f"{event_id_for('m1')}.ics"
    first = path.read_bytes()
    writes = sheet.writes
    later = NOW + dt.timedelta(days=1)
    report = run_invites(sheet, ics_calendar(tmp_path, later), [JANE], cfg, later)
    assert report.invites == [] and report.sent == [] and report.already_sent == []
    assert path.read_bytes() == first
    assert sheet.writes == writes


def test_invite_whose_ledger_write_was_lost_is_recorded_not_resent(tmp_path, sheet):
    cfg = config(tmp_path)
    sheet.die_on_write = 1
    with pytest.raises(Killed):
        run_invites(sheet, ics_calendar(tmp_path), [JANE], cfg, NOW)
    assert read_matches(sheet)["m1"]["status"] == "approved"  # the write never happened
    path = tmp_path / ".invites" / f"{event_id_for('m1')}.ics"
    sent = path.read_bytes()
    # A week later the earliest slot would be Tue 8 Dec; the invite already says 1 Dec.
    later = NOW + dt.timedelta(days=7)
    report = run_invites(sheet, ics_calendar(tmp_path, later), [JANE], cfg, later)
    assert report.sent == [] and report.already_sent == ["m1"]
    assert path.read_bytes() == sent
    row = read_matches(sheet)["m1"]
    assert row["status"] == "invited"
    assert row["event_start"] == "2026-12-01T18:00:00+00:00"


def test_no_common_time_is_noted_and_retried_on_later_runs(tmp_path):
    sheet = CountingSpreadsheet(tmp_path / ".ledger")
    write_ledger(
        sheet,
        [request_row("r2", "Ana Lima", "America/New_York", "wed 09:00-10:00")],
        [match_row("m2", "r2", "jane-doe")],
    )
    cfg = config(tmp_path)
    report = run_invites(sheet, ics_calendar(tmp_path), [JANE], cfg, NOW)
    assert report.no_time == [("m2", "no common time in the next 21 days")]
    row = read_matches(sheet)["m2"]
    assert (row["status"], row["note"]) == ("no_time", "no common time in the next 21 days")
    assert not (tmp_path / ".invites").exists()
    # Nothing changed: the next run tries again and writes nothing new.
    writes = sheet.writes
    report = run_invites(sheet, ics_calendar(tmp_path), [JANE], cfg, NOW)
    assert report.no_time and sheet.writes == writes
    # The mentor adds Wednesday mornings (London 14:00 = 09:00 EST): now it works.
    jane = mentor("jane-doe", "Europe/London", [("wednesday", "14:00", "15:00")])
    report = run_invites(sheet, ics_calendar(tmp_path), [jane], cfg, NOW)
    assert report.sent == ["m2"]
    row = read_matches(sheet)["m2"]
    assert (row["status"], row["note"]) == ("invited", "")
    assert row["event_start"] == "2026-11-25T14:00:00+00:00"


def test_staff_cancellation_cancels_the_event_once(tmp_path, sheet):
    cfg = config(tmp_path)
    run_invites(sheet, ics_calendar(tmp_path), [JANE], cfg, NOW)
    assert read_matches(sheet)["m1"]["event_id"]
    # Staff set the match to cancelled in the sheet.
    table = Table(MATCHES, MATCH_COLUMNS, sheet.read([MATCHES])[MATCHES])
    table.set(table.by("match_id")["m1"], "status", "Cancelled ")  # as staff type it
    batch = WriteBatch()
    table.collect(batch)
    sheet.write(batch)

    later = NOW + dt.timedelta(days=2)
    report = run_invites(sheet, ics_calendar(tmp_path, later), [JANE], cfg, later)
    assert report.cancelled == ["m1"]
    path = tmp_path / ".invites" / f"{event_id_for('m1')}.ics"
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    (event,) = cal.walk("VEVENT")
    assert str(cal["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 1
    assert str(event["UID"]) == f"{event_id_for('m1')}@alumni.example.edu"
    assert event.decoded("DTSTAMP") == later
    assert read_matches(sheet)["m1"]["note"] == "event cancelled on 2026-11-25"
    cancelled = path.read_bytes()
    # The next run does nothing more.
    report = run_invites(sheet, ics_calendar(tmp_path, later), [JANE], cfg, later)
    assert report.cancelled == [] and path.read_bytes() == cancelled


def test_two_matches_of_one_mentor_get_different_times(tmp_path):
    sheet = CountingSpreadsheet(tmp_path / ".ledger")
    write_ledger(
        sheet,
        [
            request_row("r1", "Sam Lee", "America/New_York", "tue 13:00-15:00"),
            request_row("r3", "Kai Ono", "Europe/London", "tue 18:00-20:00"),
        ],
        [match_row("m1", "r1", "jane-doe"), match_row("m3", "r3", "jane-doe")],
    )
    run_invites(sheet, ics_calendar(tmp_path), [JANE], config(tmp_path), NOW)
    rows = read_matches(sheet)
    assert rows["m1"]["event_start"] == "2026-12-01T18:00:00+00:00"
    assert rows["m3"]["event_start"] == "2026-12-01T19:00:00+00:00"


def test_booked_session_in_ledger_blocks_the_mentor(tmp_path):
    sheet = CountingSpreadsheet(tmp_path / ".ledger")
    write_ledger(
        sheet,
        [
            request_row("r1", "Sam Lee", "America/New_York", "tue 13:00-15:00"),
            request_row("r3", "Kai Ono", "Europe/London", "tue 18:00-19:00"),
        ],
        [
            match_row("m1", "r1", "jane-doe", "invited", event_start="2026-12-01T18:00:00+00:00"),
            match_row("m3", "r3", "jane-doe"),
        ],
    )
    run_invites(sheet, ics_calendar(tmp_path), [JANE], config(tmp_path), NOW)
    assert read_matches(sheet)["m3"]["event_start"] == "2026-12-08T18:00:00+00:00"


def test_rows_needing_attention_are_reported_without_personal_data(tmp_path):
    sheet = CountingSpreadsheet(tmp_path / ".ledger")
    write_ledger(
        sheet,
        [
            request_row("r1", "Sam Lee", "America/New_York", "tue 13:00-15:00"),
            request_row("r4", "Lia Moss", "Mars/Base", "tue 13:00-15:00"),
        ],
        [
            match_row("m1", "r1", "gone-mentor"),
            match_row("m4", "r4", "jane-doe"),
            match_row("m5", "r9", "jane-doe"),
        ],
    )
    report = run_invites(sheet, ics_calendar(tmp_path), [JANE], config(tmp_path), NOW)
    errors = dict(report.errors)
    assert "mentor 'gone-mentor' has no valid profile" in errors["m1"]
    assert (
        errors["m4"] == "Requests row 3: 'Mars/Base' is not an IANA timezone like 'Europe/Lisbon'"
    )
    assert "request 'r9' is not in the Requests tab" in errors["m5"]
    assert report.needs_attention
    assert not any("Lia" in m or "student.example" in m for m in errors.values())
    assert {r["status"] for r in read_matches(sheet).values()} == {"approved"}


def test_dry_run_lists_invites_and_changes_nothing(tmp_path, sheet):
    before = (tmp_path / ".ledger" / "Matches.csv").read_bytes()
    report = run_invites(sheet, ics_calendar(tmp_path), [JANE], config(tmp_path), NOW, dry_run=True)
    assert [i.match_id for i in report.invites] == ["m1"]
    preview = report.invites[0].preview()
    assert "GMT (Europe/London)" in preview and "EST (America/New_York)" in preview
    assert "S. L." in preview and "s***@s***.edu" in preview and "Sam" not in preview
    assert report.summary()[0] == "Invites to send: 1"
    assert (tmp_path / ".ledger" / "Matches.csv").read_bytes() == before
    assert not (tmp_path / ".invites").exists() and sheet.writes == 0


def test_ledger_is_written_once_per_batch_of_fifty(tmp_path):
    sheet = CountingSpreadsheet(tmp_path / ".ledger")
    requests = [
        request_row(f"r{i}", f"Student {i}", "Europe/London", "tue 08:00-22:00; thu 08:00-22:00")
        for i in range(120)
    ]
    matches = [match_row(f"m{i:03d}", f"r{i}", f"mentor-{i % 40}") for i in range(120)]
    write_ledger(sheet, requests, matches)
    sheet.writes = 0
    mentors = [
        mentor(
            f"mentor-{k}",
            "Europe/London",
            [("tuesday", "09:00", "21:00"), ("thursday", "09:00", "21:00")],
        )
        for k in range(40)
    ]
    cfg = dataclasses.replace(config(tmp_path), schedule=ScheduleConfig())
    report = run_invites(sheet, ics_calendar(tmp_path), mentors, cfg, NOW)
    assert len(report.sent) == 120 and not report.errors
    assert sheet.writes == 3  # 50 + 50 + 20
    assert len(list((tmp_path / ".invites").glob("*.ics"))) == 120
    # Each mentor has three mentees: three different Tuesday times.
    rows = read_matches(sheet)
    starts = {rows[f"m{i:03d}"]["event_start"] for i in range(0, 120, 40)}
    assert len(starts) == 3


def test_bad_schedule_settings_are_a_config_error(tmp_path, sheet):
    cfg = dataclasses.replace(config(tmp_path), schedule=ScheduleConfig(grid_minutes=7))
    with pytest.raises(ConfigError, match=r"\[tool.mentorship.schedule\]: grid_minutes"):
        run_invites(sheet, ics_calendar(tmp_path), [JANE], cfg, NOW)
