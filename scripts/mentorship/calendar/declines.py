"""Declined invites: a decline is not a cancellation, so the session moves once, then staff decide.

The invite itself tells both people to "decline and suggest another time". Where the calendar
shows that a (required) invitee declined the coming first session — Google Calendar does,
.ics files cannot — the invite stage:

1. after the first decline sets the match back to `approved` with `declines` 1; the old event
   is then cancelled once and one new invite goes out for the next slot both can make (the
   declined hour is kept out), under a new event id derived from the match id and the attempt;
2. after a decline of the moved session sets the match to `declined` and lists it for staff,
   who set `approved` (one more attempt, the declined event cancelled first) or `cancelled`.

Every step is idempotent: the attempt number lives in the ledger, each attempt's event id is
fixed by it, and an event already cancelled is never cancelled (or announced) twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

from .. import lifecycle
from ..ledger import MatchStatus, Record
from . import Calendar, Event
from .invite import event_id_for

MOVED_NOTE = "moved after {who} declined the session of {date}"
DECLINED_NOTE = "{who} declined the moved session too: set approved to try once more, or cancelled"


def attempt(record: Record) -> int:
    """How many times this match's session was declined (0 for a first invite)."""
    cell = record["declines"].strip()
    return int(cell) if cell.isdigit() else 0


def event_id_of(match_id: str, tries: int) -> str:
    """The event id of a match's `tries`-th attempt (the first keeps the match's own id)."""
    return event_id_for(match_id if tries == 0 else f"{match_id}.{tries}")


def check_declines(
    records: Sequence[Record],
    calendar: Calendar,
    mentor_email: Mapping[str, str],
    now: dt.datetime,
    change: Callable[..., None],
) -> tuple[list[str], list[str]]:
    """Look up the coming invited sessions; move the first decline, list the second.

    `mentor_email` maps a slug to the mentor's address (to say who declined without naming
    anyone). Returns (match ids moved, match ids now `declined`).
    """
    coming = [
        r
        for r in records
        if lifecycle.match_state(r["status"]) == MatchStatus.INVITED
        and r["event_id"].strip()
        and _start(r) is not None
        and _start(r) > now  # type: ignore[operator]
    ]
    if not coming:
        return [], []
    found: dict[str, Event] = calendar.find([r["event_id"].strip() for r in coming])
    moved: list[str] = []
    declined: list[str] = []
    for record in coming:
        event = found.get(record["event_id"].strip())
        if event is None or event.cancelled or not event.declined:
            continue
        mentor = mentor_email.get(record["mentor"].strip(), "").strip().lower()
        who = "the mentor" if mentor and mentor in event.declined else "the student"
        tries = attempt(record)
        date = event.start.date().isoformat()
        if tries == 0:
            change(
                record,
                status=MatchStatus.APPROVED,
                declines="1",
                note=MOVED_NOTE.format(who=who, date=date),
            )
            moved.append(record["match_id"].strip())
        else:
            change(
                record,
                status=MatchStatus.DECLINED,
                declines=str(tries + 1),
                note=DECLINED_NOTE.format(who=who),
            )
            declined.append(record["match_id"].strip())
    return moved, declined


def replaced_events(records: Sequence[Record]) -> list[Record]:
    """Approved matches still pointing at an earlier attempt's event: cancel it before re-inviting."""
    return [
        r
        for r in records
        if lifecycle.match_state(r["status"]) == MatchStatus.APPROVED
        and r["event_id"].strip()
        and r["match_id"].strip()
        and r["event_id"].strip() != event_id_of(r["match_id"].strip(), attempt(r))
    ]


def _start(record: Record) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(record["event_start"].strip())
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
