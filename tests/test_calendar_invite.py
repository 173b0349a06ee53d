"""What an invite says, and the event id derived from the match id."""

from __future__ import annotations

import base64
import datetime as dt
import re

import pytest
from mentorship.calendar.google import event_body
from mentorship.calendar.invite import Participant, build_invite, event_id_for
from mentorship.config import CalendarConfig
from mentorship.scheduling import Slot

UTC = dt.UTC
SLOT = Slot(dt.datetime(2026, 12, 1, 18, tzinfo=UTC), dt.datetime(2026, 12, 1, 18, 45, tzinfo=UTC))
MENTOR = Participant("Jane Doe", "jane@alumni.example.org", "Europe/London")
STUDENT = Participant("Sam Lee", "sam@student.example.edu", "Asia/Kolkata")


def invite(**calendar: str):
    return build_invite(
        match_id="m-2026-0042",
        mentor=MENTOR,
        student=STUDENT,
        goals="Move from research into data science.",
        slot=SLOT,
        calendar=CalendarConfig(**calendar),
        topics=["Career change", "Networking"],
    )


@pytest.mark.parametrize("match_id", ["m1", "m-2026-0042", "x" * 600, "ünïcode-id"])
def test_event_id_is_base32hex_lowercase_within_googles_limits(match_id):
    event_id = event_id_for(match_id)
    assert re.fullmatch(r"[a-v0-9]{5,1024}", event_id)
    # Deterministic and reversible: the same match always gets the same event.
    assert event_id == event_id_for(match_id)
    padded = event_id.upper() + "=" * (-len(event_id) % 8)
    assert base64.b32hexdecode(padded) == b"alumni-mentorship:" + match_id.encode()


def test_event_ids_of_different_matches_differ():
    ids = {event_id_for(f"m{i}") for i in range(1000)}
    assert len(ids) == 1000


def test_event_id_refuses_blank_and_oversized_match_ids():
    with pytest.raises(ValueError):
        event_id_for("  ")
    with pytest.raises(ValueError, match="too long"):
        event_id_for("x" * 700)


def test_invite_names_both_people_local_times_goals_and_guides():
    inv = invite(
        site_url="https://alumni.example.edu/mentoring/", coordinator_email="c@example.edu"
    )
    assert inv.summary == "Mentoring: Jane Doe & Sam Lee"
    assert inv.event_id == event_id_for("m-2026-0042")
    assert inv.timezone == "Europe/London"
    text = inv.description
    assert "- Jane Doe: Tuesday 1 December 2026, 18:00–18:45 GMT (Europe/London)" in text
    assert "- Sam Lee: Tuesday 1 December 2026, 23:30–Wednesday 00:15 IST (Asia/Kolkata)" in text
    assert "Move from research into data science." in text
    assert "Topics Sam chose: Career change, Networking" in text
    assert (
        "How to prepare for a session: "
        "https://alumni.example.edu/mentoring/guides/preparing-for-a-session/" in text
    )
    assert (
        "Mentor's checklist: "
        "https://alumni.example.edu/mentoring/guides/mentor-responsibilities/#checklist" in text
    )
    assert "write to c@example.edu" in text
    assert [(a.email, a.optional) for a in inv.attendees] == [
        ("jane@alumni.example.org", False),
        ("sam@student.example.edu", False),
        ("c@example.edu", True),
    ]
    assert inv.organizer == "c@example.edu"


def test_invite_without_site_or_coordinator_has_no_broken_links():
    inv = invite(calendar_id="mentoring@group.calendar.google.com")
    assert "http" not in inv.description and "guides/" not in inv.description
    assert len(inv.attendees) == 2
    assert inv.organizer == "mentoring@group.calendar.google.com"


def test_untrusted_goals_are_cleaned_and_bounded():
    inv = build_invite(
        match_id="m1",
        mentor=MENTOR,
        student=Participant("Sam\x00 Lee", STUDENT.email, STUDENT.timezone),
        goals="a\x07b\r\nc" + "x" * 5000,
        slot=SLOT,
        calendar=CalendarConfig(),
    )
    assert "\x00" not in inv.summary and "\x07" not in inv.description
    assert "a b\nc" in inv.description
    assert len(inv.description) < 3000


def test_google_event_body_requests_meet_reminders_and_records_the_match():
    body = event_body(invite(coordinator_email="c@example.edu"))
    assert body["id"] == event_id_for("m-2026-0042")
    assert body["start"] == {"dateTime": "2026-12-01T18:00:00+00:00", "timeZone": "Europe/London"}
    assert body["end"] == {"dateTime": "2026-12-01T18:45:00+00:00", "timeZone": "Europe/London"}
    assert body["conferenceData"] == {
        "createRequest": {
            "requestId": "m-2026-0042",
            "conferenceSolutionKey": {"type": "hangoutsMeet"},
        }
    }
    assert body["reminders"] == {
        "useDefault": False,
        "overrides": [{"method": "email", "minutes": 1440}, {"method": "popup", "minutes": 30}],
    }
    assert body["extendedProperties"] == {"private": {"match_id": "m-2026-0042"}}
    assert body["attendees"][2] == {
        "email": "c@example.edu",
        "displayName": "Programme coordinator",
        "optional": True,
    }
