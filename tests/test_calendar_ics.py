"""The .ics backend on its own: the VTIMEZONE clients rely on, idempotence, cancellation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
import pytest
from mentorship.calendar.ics import IcsCalendar
from mentorship.calendar.invite import Participant, build_invite
from mentorship.config import CalendarConfig
from mentorship.errors import AccessError
from mentorship.scheduling import Slot

UTC = dt.UTC
STAMP = dt.datetime(2027, 3, 1, 9, tzinfo=UTC)


def newfoundland_invite():
    # Mon 15 Mar 2027 20:30Z: St John's moved to NDT (-2:30) on 14 March, so 18:00 there.
    return build_invite(
        match_id="m-nl",
        mentor=Participant("Jane Doe", "jane@alumni.example.org", "America/St_Johns"),
        student=Participant("Sam Lee", "sam@student.example.edu", "Europe/London"),
        goals="",
        slot=Slot(
            dt.datetime(2027, 3, 15, 20, 30, tzinfo=UTC),
            dt.datetime(2027, 3, 15, 21, 15, tzinfo=UTC),
        ),
        calendar=CalendarConfig(),
    )


def test_vtimezone_alone_gives_the_right_instant_across_dst(tmp_path: Path):
    calendar = IcsCalendar(tmp_path, clock=lambda: STAMP)
    invite = newfoundland_invite()
    calendar.create([invite])
    parsed = icalendar.Calendar.from_ical(calendar.path(invite.event_id).read_bytes())
    (vtimezone,) = parsed.walk("VTIMEZONE")
    assert str(vtimezone["TZID"]) == "America/St_Johns"
    offsets = {(c.name, str(c["TZNAME"]), c.decoded("TZOFFSETTO")) for c in vtimezone.subcomponents}
    assert ("DAYLIGHT", "NDT", -dt.timedelta(hours=2, minutes=30)) in offsets
    assert ("STANDARD", "NST", -dt.timedelta(hours=3, minutes=30)) in offsets
    # A client that knows only the VTIMEZONE (not tzdata) computes the same instant.
    tz = vtimezone.to_tz()
    (event,) = parsed.walk("VEVENT")
    assert "TZID=America/St_Johns:20270315T180000" in event.to_ical().decode()
    local = dt.datetime(2027, 3, 15, 18, 0, tzinfo=tz)
    assert local.astimezone(UTC) == dt.datetime(2027, 3, 15, 20, 30, tzinfo=UTC)
    assert dt.datetime(2027, 1, 15, 18, 0, tzinfo=tz).utcoffset() == dt.timedelta(
        hours=-3, minutes=-30
    )


def test_creating_twice_keeps_the_first_file(tmp_path: Path):
    calendar = IcsCalendar(tmp_path, clock=lambda: STAMP)
    invite = newfoundland_invite()
    (first,) = calendar.create([invite])
    content = calendar.path(invite.event_id).read_bytes()
    later = IcsCalendar(tmp_path, clock=lambda: STAMP + dt.timedelta(days=3))
    (second,) = later.create([invite])
    assert (first.kind, second.kind) == ("created", "exists")
    assert second.event is not None and second.event.start == invite.start
    assert calendar.path(invite.event_id).read_bytes() == content
    assert later.find([invite.event_id, "nosuchevent"]).keys() == {invite.event_id}


def test_cancel_of_unknown_event_is_missing(tmp_path: Path):
    (outcome,) = IcsCalendar(tmp_path).cancel(["abcdefgh"])
    assert outcome.kind == "missing"


def test_local_calendar_sees_nobodys_busy_time(tmp_path: Path):
    assert IcsCalendar(tmp_path).freebusy(["a@b.c"], STAMP, STAMP + dt.timedelta(days=1)) == {}


def test_folder_in_place_of_a_file_is_an_access_error(tmp_path: Path):
    blocker = tmp_path / "invites"
    blocker.write_text("not a folder")
    with pytest.raises(AccessError, match="invites_dir"):
        IcsCalendar(blocker).create([newfoundland_invite()])
