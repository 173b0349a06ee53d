"""The request and match lifecycle: every state, who may set it, and what each change does.

Requests (the Requests tab's `status`):

| State        | Set by | Means, and what follows                                                   |
| ------------ | ------ | ------------------------------------------------------------------------- |
| `new`        | sync   | A valid answer matching has not seen yet.                                 |
| `invalid`    | sync   | The answer cannot be used; `reason` says why. Listed for staff once.       |
| `superseded` | sync   | The same student's later answer replaced it before any match.             |
| `duplicate`  | sync   | The student already has an open request or a live match; both rows are    |
|              |        | named in `reason`. Staff set `waiting` to allow a second mentor on purpose.|
| `waiting`    | match, | Nobody fits yet (`reason` says why), or the match was cancelled: matching  |
|              | staff  | tries again every night, never with a mentor this student had before.     |
| `matched`    | match  | The request holds a match. Back to `waiting` when that match is cancelled  |
|              |        | (or closed before its first session), keeping `submitted_at`.             |
| `withdrawn`  | staff  | The student stopped. Its live match is cancelled the same night (one       |
|              |        | cancellation to both people) and the mentor's place is freed; after the   |
|              |        | first session it is `closed` instead (only sessions to come cancelled).   |

Matches (the Matches tab's `status`):

| State       | Set by        | Means, and what follows                                               |
| ----------- | ------------- | --------------------------------------------------------------------- |
| `proposed`  | match         | Waits for staff (`approval = "manual"`); in "Your action" every night.  |
| `approved`  | match, staff  | The next run finds a time and sends the invite.                        |
| `invited`   | invite        | The first session's event exists (a decline moves it once); the       |
|             |               | relationship stage books the follow-ups while it stays `invited`.      |
| `no_time`   | invite        | No common time in the horizon yet; tried again every night.            |
| `declined`  | invite        | An invitee declined the moved session too: listed for staff, who set   |
|             |               | `approved` (try again) or `cancelled`.                                 |
| `completed` | relationship, | Mentoring ended: the last session is over, a side said not to          |
|             | staff         | continue, or the term ended after the first session. Future session    |
|             |               | events are cancelled once; the place is freed; the request stays.      |
| `closed`    | staff, match  | Mentoring ended early; the place is freed, future session events are  |
|             |               | cancelled once, the request stays `matched` (no new mentor). Staff     |
|             |               | `cancelled` after the first session's time becomes `closed`. Closed    |
|             |               | before the first session counts as a cancellation (the student waits). |
| `cancelled` | staff, match  | Before the first session: the event is cancelled once (both people     |
|             |               | told), the place freed and the student waits again, never for the same |
|             |               | mentor. After it, the match becomes `closed` instead.                  |

`proposed`, `approved`, `invited`, `no_time` and `declined` are *live*: they hold one of the
mentor's places and count as the student's one live match.

Sessions (the Sessions tab's `status`, one row per session number of a match):

| State       | Set by             | Means, and what follows                                      |
| ----------- | ------------------ | ------------------------------------------------------------ |
| `scheduled` | relationship       | The session's invite is out (session 1 mirrors the Matches   |
|             |                    | row). After it ends the next number is booked at the cadence.|
| `no_time`   | relationship       | No slot before the horizon or the term's end; tried nightly. |
| `held`      | check-ins, staff   | It happened.                                                 |
| `moved`,    | check-ins, staff   | Booked again under the same number (`attempt` + 1, back to   |
| `missed`    |                    | `scheduled`); the old event is cancelled if still to come.   |
| `cancelled` | check-ins, staff,  | It will not happen (not booked again); also set on sessions  |
|             | relationship       | to come when the match ends (their events cancelled once).   |

Every status cell is read case-insensitively, with spaces, hyphens and a trailing full stop
ignored, and common synonyms understood (`canceled`, `cancel`, `done`, `ok`, ...); a synonym is
rewritten as the canonical word. Any other value is never ignored: `settle` lists it for staff
and leaves the row alone. This module is core: it works on `ledger.Table`s, never on I/O.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .ledger import MatchStatus, Record, RequestStatus, SessionStatus, Table

LIVE = frozenset(
    {
        MatchStatus.PROPOSED,
        MatchStatus.APPROVED,
        MatchStatus.INVITED,
        MatchStatus.NO_TIME,
        MatchStatus.DECLINED,
    }
)
"""Match states that hold a mentor's place and are the student's live match."""

OPEN_REQUESTS = frozenset({RequestStatus.NEW, RequestStatus.WAITING, RequestStatus.MATCHED})
"""Request states that count as the student's one open request."""

REQUEST_SYNONYMS: dict[str, str] = {
    "withdraw": RequestStatus.WITHDRAWN,
    "withdrew": RequestStatus.WITHDRAWN,
    "cancelled": RequestStatus.WITHDRAWN,
    "canceled": RequestStatus.WITHDRAWN,
    "cancel": RequestStatus.WITHDRAWN,
    "wait": RequestStatus.WAITING,
    "dup": RequestStatus.DUPLICATE,
}
MATCH_SYNONYMS: dict[str, str] = {
    "canceled": MatchStatus.CANCELLED,
    "cancel": MatchStatus.CANCELLED,
    "cancelled_by_staff": MatchStatus.CANCELLED,
    "approve": MatchStatus.APPROVED,
    "ok": MatchStatus.APPROVED,
    "yes": MatchStatus.APPROVED,
    "go": MatchStatus.APPROVED,
    "done": MatchStatus.COMPLETED,
    "complete": MatchStatus.COMPLETED,
    "finished": MatchStatus.COMPLETED,
    "close": MatchStatus.CLOSED,
    "ended": MatchStatus.CLOSED,
    "notime": MatchStatus.NO_TIME,
    "decline": MatchStatus.DECLINED,
}

SESSION_SYNONYMS: dict[str, str] = {
    "happened": SessionStatus.HELD,
    "done": SessionStatus.HELD,
    "yes": SessionStatus.HELD,
    "took_place": SessionStatus.HELD,
    "rescheduled": SessionStatus.MOVED,
    "move": SessionStatus.MOVED,
    "no_show": SessionStatus.MISSED,
    "noshow": SessionStatus.MISSED,
    "did_not_happen": SessionStatus.MISSED,
    "miss": SessionStatus.MISSED,
    "canceled": SessionStatus.CANCELLED,
    "cancel": SessionStatus.CANCELLED,
    "invited": SessionStatus.SCHEDULED,
    "notime": SessionStatus.NO_TIME,
}

WITHDRAWN_NOTE = "request withdrawn"
# The invite stage's note on a match whose first event it cancelled (or found gone).
_CANCEL_NOTED = re.compile(r"event (cancelled|not found) on \d{4}-\d{2}-\d{2}")
CLOSED_NOTE = "cancelled after the first session: closed (the student is not matched again)"
CANCELLED_REASON = (
    "match {match} was {how}; matching tries again (never with the same mentor), keeping the "
    "original submission time"
)


def _key(cell: str) -> str:
    return re.sub(r"[\s\-]+", "_", cell.strip().casefold().rstrip(".!").strip())


def request_state(cell: str) -> str | None:
    """The canonical request state of a status cell, '' for blank, None when unknown."""
    key = _key(cell)
    if not key:
        return ""
    if key in RequestStatus.ALL:
        return key
    return REQUEST_SYNONYMS.get(key)


def match_state(cell: str) -> str | None:
    """The canonical match state of a status cell, '' for blank, None when unknown."""
    key = _key(cell)
    if not key:
        return ""
    if key in MatchStatus.ALL:
        return key
    return MATCH_SYNONYMS.get(key)


def session_state(cell: str) -> str | None:
    """The canonical session state of a status cell, '' for blank, None when unknown."""
    key = _key(cell)
    if not key:
        return ""
    if key in SessionStatus.ALL:
        return key
    return SESSION_SYNONYMS.get(key)


def is_live(cell: str) -> bool:
    """True when a Matches status cell holds a live match (see the module docstring)."""
    return match_state(cell) in LIVE


@dataclass(frozen=True)
class UnknownStatus:
    """A status cell this module does not understand: where it is and what it says."""

    tab: str
    row: int
    value: str
    row_id: str


@dataclass
class Settled:
    """What `settle` changed: every id here is for the private report only."""

    unknown: list[UnknownStatus] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    """Match ids cancelled because their request was withdrawn."""
    rewaiting: list[str] = field(default_factory=list)
    """Request ids back to `waiting` after their match was cancelled or closed early."""
    closed: list[str] = field(default_factory=list)
    """Match ids staff cancelled after their first session: now `closed`, not re-matched."""
    normalised: int = 0


def _before_first_session(match: Record, now: dt.datetime) -> bool:
    start = match["event_start"].strip()
    if not start:
        return True
    try:
        moment = dt.datetime.fromisoformat(start)
    except ValueError:
        return False
    if moment.tzinfo is None:
        return False
    return moment > now


def _after_first_session(match: Record, now: dt.datetime) -> bool:
    # Only a match that was invited has a first session; the invite stage has not noted a
    # cancellation of it yet (a note would mean it was cancelled before it happened).
    if not match["event_id"].strip() or _CANCEL_NOTED.search(match["note"]):
        return False
    if "declined the moved session too" in match["note"]:
        return False  # the first session never happened: the student waits again
    start = match["event_start"].strip()
    try:
        moment = dt.datetime.fromisoformat(start)
    except ValueError:
        return False
    return moment.tzinfo is not None and moment <= now


def settle(requests: Table, matches: Table, now: dt.datetime, stamp: str) -> Settled:
    """Apply staff's edits before matching: the lifecycle's cross-tab rules, once each.

    - a synonym is rewritten as its canonical state; an unknown value is listed, row untouched;
    - a `cancelled` match whose first session's time has passed becomes `closed`: the
      relationship stage cancels its sessions to come once, and the request stays `matched`;
    - a `withdrawn` request's live matches become `cancelled` (the invite stage then cancels
      the event once), which frees the mentor's place;
    - a `matched` request whose matches are all `cancelled` (or `closed` before the first
      session) goes back to `waiting`, `submitted_at` untouched; matching never picks a mentor
      this student had before.

    Idempotent: a second call on the result changes nothing.
    """
    out = Settled()
    request_states: dict[str, str] = {}
    for record in requests:
        state = request_state(record["status"])
        if state is None:
            out.unknown.append(
                UnknownStatus(
                    requests.title, record.row, record["status"].strip(), record["request_id"]
                )
            )
            continue
        if state and state != record["status"]:
            requests.set(record, "status", state)
            requests.set(record, "updated_at", stamp)
            out.normalised += 1
        request_states[record["request_id"].strip()] = state

    by_request: dict[str, list[Record]] = {}
    # Only a request's latest match can be closed: an older cancelled one was replaced.
    last_of = {r["request_id"].strip(): r.row for r in matches}
    for record in matches:
        state = match_state(record["status"])
        if state is None:
            out.unknown.append(
                UnknownStatus(
                    matches.title, record.row, record["status"].strip(), record["match_id"]
                )
            )
            by_request.setdefault(record["request_id"].strip(), []).append(record)
            continue
        if state and state != record["status"]:
            matches.set(record, "status", state)
            matches.set(record, "updated_at", stamp)
            out.normalised += 1
        rid = record["request_id"].strip()
        by_request.setdefault(rid, []).append(record)
        if (
            state == MatchStatus.CANCELLED
            and request_states.get(rid) == RequestStatus.MATCHED
            and last_of.get(rid) == record.row
            and _after_first_session(record, now)
        ):
            matches.set(record, "status", MatchStatus.CLOSED)
            note = record["note"].strip()
            matches.set(record, "note", "; ".join(x for x in (note, CLOSED_NOTE) if x))
            matches.set(record, "updated_at", stamp)
            out.closed.append(record["match_id"].strip())
            continue
        if request_states.get(rid) == RequestStatus.WITHDRAWN and state in LIVE:
            # After the first session the mentoring ended early: `closed`, so the sessions
            # still to come are cancelled and the past one is not "cancelled" to both people.
            outcome = (
                MatchStatus.CLOSED if _after_first_session(record, now) else MatchStatus.CANCELLED
            )
            matches.set(record, "status", outcome)
            note = record["note"].strip()
            if WITHDRAWN_NOTE not in note:
                matches.set(record, "note", "; ".join(x for x in (note, WITHDRAWN_NOTE) if x))
            matches.set(record, "updated_at", stamp)
            out.withdrawn.append(record["match_id"].strip())

    for record in requests:
        rid = record["request_id"].strip()
        if request_states.get(rid) != RequestStatus.MATCHED:
            continue
        own = by_request.get(rid, [])
        if not own or any(match_state(m["status"]) in LIVE for m in own):
            continue
        if any(match_state(m["status"]) is None for m in own):
            continue  # staff must settle the unknown value first
        ended = [
            m
            for m in own
            if match_state(m["status"]) == MatchStatus.CANCELLED
            or (match_state(m["status"]) == MatchStatus.CLOSED and _before_first_session(m, now))
        ]
        if len(ended) != len(own):
            continue  # completed or closed after sessions: the request is done
        last = ended[-1]
        how = match_state(last["status"]) or MatchStatus.CANCELLED
        requests.set(record, "status", RequestStatus.WAITING)
        requests.set(
            record,
            "reason",
            CANCELLED_REASON.format(match=last["match_id"].strip(), how=how),
        )
        requests.set(record, "updated_at", stamp)
        out.rewaiting.append(rid)
    return out
