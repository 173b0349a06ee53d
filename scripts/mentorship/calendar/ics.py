"""The local calendar backend: one RFC 5545 .ics file per invite, in a git-ignored folder.

Each file is an iTIP message (RFC 5546): `METHOD:REQUEST` with a stable UID, the organizer, the
attendees (RSVP) and the start in the mentor's timezone with its VTIMEZONE, so Google Calendar,
Outlook and Apple Calendar import it as the invitation it is. Cancelling rewrites the file as
`METHOD:CANCEL` with `STATUS:CANCELLED` and a higher SEQUENCE, which those clients apply to the
event they imported. A file that already exists is the invite already sent: nothing is redone.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import urlsplit

import icalendar

from ..errors import AccessError
from . import Event, Interval, Outcome
from .invite import Invite

PRODID = "-//Alumni mentoring toolkit//mentorship//EN"
ORGANIZER_NAME = "Alumni mentoring programme"


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class IcsCalendar:
    """A folder of .ics invites named `<event id>.ics`."""

    def __init__(
        self,
        folder: Path,
        *,
        uid_domain: str = "",
        clock: Callable[[], dt.datetime] = _utcnow,
    ):
        self.folder = folder
        self.uid_domain = uid_domain or "alumni-mentorship.invalid"
        self.clock = clock
        self.description = f"invite files in {folder}"

    @classmethod
    def for_site(
        cls, folder: Path, site_url: str, *, clock: Callable[[], dt.datetime] = _utcnow
    ) -> IcsCalendar:
        """A backend whose UIDs end in the site's host name (when configured)."""
        return cls(folder, uid_domain=urlsplit(site_url).hostname or "", clock=clock)

    def path(self, event_id: str) -> Path:
        """The file of an event."""
        return self.folder / f"{event_id}.ics"

    # -- the Calendar interface -------------------------------------------------------------

    def create(self, invites: Sequence[Invite]) -> list[Outcome]:
        """Write one REQUEST file per invite, unless its file exists already."""
        outcomes = []
        for invite in invites:
            existing = self._read(invite.event_id)
            if existing is not None:
                outcomes.append(
                    Outcome(invite.event_id, "exists", _event(invite.event_id, existing))
                )
                continue
            calendar = self.request(invite)
            self._write(invite.event_id, calendar)
            outcomes.append(Outcome(invite.event_id, "created", _event(invite.event_id, calendar)))
        return outcomes

    def find(self, event_ids: Sequence[str]) -> dict[str, Event]:
        """The events whose files exist."""
        found = {}
        for event_id in event_ids:
            calendar = self._read(event_id)
            if calendar is not None:
                found[event_id] = _event(event_id, calendar)
        return found

    def cancel(self, event_ids: Sequence[str]) -> list[Outcome]:
        """Rewrite each event's file as its cancellation (once)."""
        outcomes = []
        for event_id in event_ids:
            calendar = self._read(event_id)
            if calendar is None:
                outcomes.append(Outcome(event_id, "missing", message="no invite file"))
                continue
            if str(calendar.get("METHOD", "")).upper() == "CANCEL":
                outcomes.append(Outcome(event_id, "already_cancelled", _event(event_id, calendar)))
                continue
            cancelled = self.cancellation(calendar)
            self._write(event_id, cancelled)
            outcomes.append(Outcome(event_id, "cancelled", _event(event_id, cancelled)))
        return outcomes

    def freebusy(
        self, emails: Sequence[str], start: dt.datetime, end: dt.datetime
    ) -> dict[str, list[Interval]]:
        """Nobody's calendar is visible from a folder of files."""
        return {}

    # -- building the files -----------------------------------------------------------------

    def request(self, invite: Invite) -> icalendar.Calendar:
        """The METHOD:REQUEST calendar of an invite."""
        tz = invite.slot.local(invite.timezone)
        calendar = icalendar.Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "REQUEST")
        event = icalendar.Event()
        event.add("uid", f"{invite.event_id}@{self.uid_domain}")
        event.add("dtstamp", self.clock().astimezone(dt.UTC))
        event.add("dtstart", tz[0])
        event.add("dtend", tz[1])
        event.add("summary", invite.summary)
        event.add("description", invite.description)
        event.add("sequence", 0)
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
        organizer = icalendar.vCalAddress(f"mailto:{invite.organizer}")
        organizer.params["CN"] = ORGANIZER_NAME
        event.add("organizer", organizer)
        for person in invite.attendees:
            attendee = icalendar.vCalAddress(f"mailto:{person.email}")
            if person.name:
                attendee.params["CN"] = person.name
            attendee.params["CUTYPE"] = "INDIVIDUAL"
            attendee.params["ROLE"] = "OPT-PARTICIPANT" if person.optional else "REQ-PARTICIPANT"
            attendee.params["PARTSTAT"] = "NEEDS-ACTION"
            attendee.params["RSVP"] = "TRUE"
            event.add("attendee", attendee)
        event.add("x-alumni-mentorship-match-id", invite.match_id)
        for _method, minutes in invite.reminders:
            alarm = icalendar.Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", invite.summary)
            alarm.add("trigger", dt.timedelta(minutes=-minutes))
            event.add_component(alarm)
        calendar.add_component(event)
        # Only the transitions around the session: a VTIMEZONE of two years, not seventy.
        day = invite.start.date()
        calendar.add_missing_timezones(
            first_date=day - dt.timedelta(days=366), last_date=day + dt.timedelta(days=366)
        )
        return calendar

    def cancellation(self, request: icalendar.Calendar) -> icalendar.Calendar:
        """The METHOD:CANCEL message for a REQUEST: same UID, SEQUENCE + 1, STATUS:CANCELLED."""
        calendar = icalendar.Calendar.from_ical(request.to_ical())
        calendar["METHOD"] = icalendar.vText("CANCEL")
        for event in calendar.walk("VEVENT"):
            event["SEQUENCE"] = int(event.get("SEQUENCE", 0)) + 1
            event["STATUS"] = icalendar.vText("CANCELLED")
            event.pop("DTSTAMP", None)
            event.add("dtstamp", self.clock().astimezone(dt.UTC))
            event.subcomponents = [c for c in event.subcomponents if c.name != "VALARM"]
        return calendar

    # -- files ------------------------------------------------------------------------------

    def _read(self, event_id: str) -> icalendar.Calendar | None:
        try:
            raw = self.path(event_id).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise AccessError(
                f"Cannot read {self.path(event_id)}: {exc.strerror}. Check that `invites_dir` "
                "in [tool.mentorship] points to a folder you can read and write."
            ) from None
        return icalendar.Calendar.from_ical(raw)

    def _write(self, event_id: str, calendar: icalendar.Calendar) -> None:
        target = self.path(event_id)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            # Write then rename, so a run killed mid-write never leaves half a file behind.
            partial = target.with_suffix(".ics.partial")
            partial.write_bytes(calendar.to_ical())
            os.replace(partial, target)
        except OSError as exc:
            raise AccessError(
                f"Cannot write invites to {self.folder}: {exc.strerror}. "
                "Check that `invites_dir` in [tool.mentorship] points to a writable folder."
            ) from None


def _event(event_id: str, calendar: icalendar.Calendar) -> Event:
    vevent = next(iter(calendar.walk("VEVENT")))
    start = vevent.decoded("DTSTART")
    if not isinstance(start, dt.datetime) or start.tzinfo is None:
        raise AccessError(f"The invite file for event {event_id} has no timezone-aware start.")
    cancelled = str(vevent.get("STATUS", "")).upper() == "CANCELLED"
    return Event(event_id, start, cancelled=cancelled)
