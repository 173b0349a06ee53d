"""Calendar invites: the small `Calendar` interface and its two backends.

`invite` builds what an invite says (pure); `ics` writes RFC 5545 files (the local default);
`google` talks to Google Calendar; `stage` is the invite step of the nightly run over the
ledger. A backend works on lists, so the Google one can send up to `BATCH_SIZE` requests in one
HTTP call; each result says what happened to one event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from .invite import Attendee, Invite, event_id_for

BATCH_SIZE = 50
"""Invites per batch: Google's recommended batch size, and how often the ledger is written."""

Interval = tuple[dt.datetime, dt.datetime]

OutcomeKind = Literal["created", "exists", "cancelled", "already_cancelled", "missing", "error"]


@dataclass(frozen=True)
class Event:
    """An event as the calendar holds it: its id, start (aware), whether it was cancelled, and
    the (required) attendees who declined it, where the backend can tell (Google only)."""

    event_id: str
    start: dt.datetime
    cancelled: bool = False
    link: str = ""
    declined: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """What happened to one event.

    `created`: made now, invitations sent. `exists`: it was already there (a 409 duplicate, or
    the file exists), nothing sent again; `event` tells its real start. `cancelled`: cancelled now,
    both people notified. `already_cancelled` / `missing`: nothing to cancel. `error`: `message`
    says why.
    """

    event_id: str
    kind: OutcomeKind
    event: Event | None = None
    message: str = ""


class Calendar(Protocol):
    """Where invites go: Google Calendar or a folder of .ics files."""

    description: str
    """Where the events live, for messages ('Google Calendar x@group...', '.invites/')."""

    def create(self, invites: Sequence[Invite]) -> list[Outcome]:
        """Create the events (at most BATCH_SIZE), one Outcome each, in order; idempotent."""
        ...

    def find(self, event_ids: Sequence[str]) -> dict[str, Event]:
        """The events that exist among `event_ids` (cancelled ones included, marked so)."""
        ...

    def cancel(self, event_ids: Sequence[str]) -> list[Outcome]:
        """Cancel the events and notify the attendees, once; one Outcome each, in order."""
        ...

    def freebusy(
        self, emails: Sequence[str], start: dt.datetime, end: dt.datetime
    ) -> dict[str, list[Interval]]:
        """Busy intervals of the people whose calendars this backend can see (others absent)."""
        ...


__all__ = [
    "BATCH_SIZE",
    "Attendee",
    "Calendar",
    "Event",
    "Interval",
    "Invite",
    "Outcome",
    "event_id_for",
]
