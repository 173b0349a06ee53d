"""What an invite says: title, both people's local times, the mentee's goals, the guides.

Pure: no I/O. The backends turn an `Invite` into a Google Calendar event or an .ics file.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..config import CalendarConfig
from ..privacy import mask_email, mask_name
from ..scheduling import Slot, describe_local

EVENT_ID_PREFIX = b"alumni-mentorship:"
"""Prefixed to the match id before encoding, so our ids never collide with other events'."""

PREPARING_GUIDE = "guides/preparing-for-a-session/"
MENTOR_CHECKLIST = "guides/mentor-responsibilities/#checklist"

REMINDERS: tuple[tuple[str, int], ...] = (("email", 24 * 60), ("popup", 30))
"""(method, minutes before the start): an email the day before and a pop-up half an hour before."""

MAX_GOALS_CHARS = 1500
_CHECKIN_LABELS = {"mentor": "Mentor's check-in", "student": "Student's check-in"}
FINAL_NOTE = "This is your last session; the check-in after it is the wrap-up."
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class Participant:
    """A person on the invite: name, email and IANA timezone."""

    name: str
    email: str
    timezone: str


@dataclass(frozen=True)
class Attendee:
    """An attendee of the event; `optional` for the coordinator."""

    email: str
    name: str = ""
    optional: bool = False


@dataclass(frozen=True)
class Invite:
    """One event to create: everything a backend needs, nothing it has to work out."""

    match_id: str
    event_id: str
    summary: str
    description: str
    start: dt.datetime
    end: dt.datetime
    timezone: str
    """The mentor's IANA zone: the event is written in it."""
    attendees: tuple[Attendee, ...]
    organizer: str
    reminders: tuple[tuple[str, int], ...] = REMINDERS
    mentor: Participant | None = None
    student: Participant | None = None

    @property
    def slot(self) -> Slot:
        """The session's start and end."""
        return Slot(self.start, self.end)

    def preview(self) -> str:
        """Two lines for the console: who and both local times, the student masked."""
        if self.mentor is None or self.student is None:
            return f"{self.match_id}: {self.start.isoformat()}"
        return (
            f"{self.match_id}: {self.mentor.name} & {mask_name(self.student.name)} "
            f"<{mask_email(self.student.email)}>\n"
            f"    mentor  {describe_local(self.slot, self.mentor.timezone)}\n"
            f"    student {describe_local(self.slot, self.student.timezone)}"
        )


def event_id_for(match_id: str) -> str:
    """The calendar event id of a match: base32hex (a–v, 0–9) of a fixed prefix + the match id.

    Deterministic, so creating the same invite twice is a 409 `duplicate` rather than a second
    event. Google accepts 5 to 1024 characters; the result is always at least 29.
    """
    if not match_id.strip():
        raise ValueError("a match needs a match_id to be invited")
    encoded = base64.b32hexencode(EVENT_ID_PREFIX + match_id.strip().encode("utf-8"))
    event_id = encoded.decode("ascii").rstrip("=").lower()
    if len(event_id) > 1024:
        raise ValueError(f"match id {match_id[:40]!r}... is too long for a calendar event id")
    return event_id


def clean_text(text: str, limit: int = 200) -> str:
    """Untrusted text made safe to place in an invite: no control characters, bounded length."""
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def site_link(site_url: str, path: str) -> str:
    """`path` under the site's address, or '' when the site address is not configured."""
    if not site_url.strip():
        return ""
    return site_url.strip().rstrip("/") + "/" + path


def organizer_address(calendar: CalendarConfig) -> str:
    """Who the invite is from: the coordinator, else the calendar if it is an address."""
    if calendar.coordinator_email.strip():
        return calendar.coordinator_email.strip()
    if "@" in calendar.calendar_id:
        return calendar.calendar_id.strip()
    host = urlsplit(calendar.site_url).hostname or "alumni-mentorship.invalid"
    return f"mentoring@{host}"


def build_invite(
    *,
    match_id: str,
    mentor: Participant,
    student: Participant,
    goals: str,
    slot: Slot,
    calendar: CalendarConfig,
    topics: Sequence[str] = (),
    number: int = 1,
    sessions: int = 1,
    final: bool = False,
    checkin_links: Mapping[str, str] = {},
) -> Invite:
    """The invite for session `number` of a match at `slot` (`topics`: what the mentee ticked;
    `checkin_links`: role ("mentor", "student") -> that person's check-in form link).

    Session 1 of 1 is the first invite as it always read; a follow-up says "session 2 of 4",
    and `final` says it is the last session (its check-in is the wrap-up).
    """
    mentor = Participant(clean_text(mentor.name), mentor.email.strip(), mentor.timezone)
    student = Participant(clean_text(student.name), student.email.strip(), student.timezone)
    attendees = [Attendee(mentor.email, mentor.name), Attendee(student.email, student.name)]
    if calendar.coordinator_email.strip():
        attendees.append(
            Attendee(calendar.coordinator_email.strip(), "Programme coordinator", True)
        )
    return Invite(
        match_id=match_id,
        event_id=event_id_for(match_id),
        summary=f"Mentoring: {mentor.name} & {student.name}"
        + (f" (session {number} of {sessions})" if sessions > 1 else ""),
        description=describe(
            mentor,
            student,
            goals,
            slot,
            calendar,
            topics,
            number,
            sessions,
            final,
            checkin_links=checkin_links,
        ),
        start=slot.start,
        end=slot.end,
        timezone=mentor.timezone,
        attendees=tuple(attendees),
        organizer=organizer_address(calendar),
        mentor=mentor,
        student=student,
    )


def describe(
    mentor: Participant,
    student: Participant,
    goals: str,
    slot: Slot,
    calendar: CalendarConfig,
    topics: Sequence[str] = (),
    number: int = 1,
    sessions: int = 1,
    final: bool = False,
    *,
    checkin_links: Mapping[str, str] = {},
) -> str:
    """The event description: when (for each of them), goals, how to prepare, and the check-in
    links (one per role in `checkin_links`)."""
    first = student.name.split()[0] if student.name.split() else student.name
    which = "A first mentoring session" if number == 1 else f"Mentoring session {number}"
    if sessions > 1:
        which = f"Mentoring session {number} of {sessions}"
    lines = [
        f"{which} between {mentor.name} (mentor) and {student.name} (mentee), "
        "arranged by the alumni mentoring programme.",
        "",
    ]
    if final:
        lines += [FINAL_NOTE, ""]
    lines += [
        "When",
        f"- {mentor.name}: {describe_local(slot, mentor.timezone)}",
        f"- {student.name}: {describe_local(slot, student.timezone)}",
        "",
        "Where: the video call link is on this invite; if there is none, the mentor sends one.",
        "",
        f"What {first} hopes to get from mentoring",
        clean_text(goals, MAX_GOALS_CHARS) or "(not stated; a good first question to ask)",
    ]
    chosen = [clean_text(t, 80) for t in topics if t.strip()]
    if chosen:
        lines.append(f"Topics {first} chose: {', '.join(chosen)}")
    preparing = site_link(calendar.site_url, PREPARING_GUIDE)
    checklist = site_link(calendar.site_url, MENTOR_CHECKLIST)
    if preparing or checklist:
        lines += ["", "Before the session"]
        if preparing:
            lines.append(f"- How to prepare for a session: {preparing}")
        if checklist:
            lines.append(f"- Mentor's checklist: {checklist}")
    if checkin_links:
        heading = (
            "After this last session, the wrap-up: tell us how the mentoring went"
            if final
            else "After the session, tell us how it went"
        )
        lines += ["", f"{heading} (two minutes, private to the team)"]
        for role in ("mentor", "student"):
            if checkin_links.get(role):
                lines.append(f"- {_CHECKIN_LABELS[role]}: {checkin_links[role]}")
    contact = calendar.coordinator_email.strip()
    lines += [
        "",
        "Can't make it? Reply to this invite to decline and suggest another time"
        + (f", or write to {contact}." if contact else "."),
    ]
    return "\n".join(lines)
