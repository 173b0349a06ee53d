"""The kinds of message the toolkit sends, who gets each, and their stable ids.

A message id is derived from what caused it: the kind, the request id, match id or mentor slug
it is about, and a number (the session, or which reminder this is). The same cause always gives
the same id, so the `Outbox` tab can tell "already queued or sent" from "new" on every run.

| Kind | To | Sent when | Trigger |
| --- | --- | --- | --- |
| `invalid_answer` | student | the form answer cannot be used | today (sync) |
| `still_waiting` | student | `waiting_notice_days` after asking, then every `waiting_repeat_days` | today (match) |
| `request_closed` | student | staff set the request `withdrawn` (or `closed`) | today (staff) |
| `matched_student` | student | the match is approved (or invited) | today (match, invite) |
| `matched_mentor` | mentor | the match is approved (or invited) | today (match, invite) |
| `match_cancelled` | student | the match is cancelled (or closed before its first session) and the request waits again | today (staff, lifecycle) |
| `profile_stale` | mentor | `stale_notice_days` before the profile goes stale | today (profiles) |
| `checkin_reminder_student`, `checkin_reminder_mentor` | both | the match's latest session is quiet: `quiet_days` after its start, no check-in from either side (once per session; only with check-ins on) | relationship |
| `wrap_up_student`, `wrap_up_mentor` | both | the match is completed after at least one session, with the check-in link of its last session | relationship |
"""

from __future__ import annotations

from dataclasses import dataclass

STUDENT = "student"
MENTOR = "mentor"


@dataclass(frozen=True)
class Kind:
    """One kind of message: its name (also its template's file name) and who receives it."""

    name: str
    audience: str
    about: str
    """What the message's subject id is: a request id, a match id or a mentor slug."""


INVALID_ANSWER = Kind("invalid_answer", STUDENT, "request")
STILL_WAITING = Kind("still_waiting", STUDENT, "request")
REQUEST_CLOSED = Kind("request_closed", STUDENT, "request")
MATCHED_STUDENT = Kind("matched_student", STUDENT, "match")
MATCHED_MENTOR = Kind("matched_mentor", MENTOR, "match")
MATCH_CANCELLED = Kind("match_cancelled", STUDENT, "match")
PROFILE_STALE = Kind("profile_stale", MENTOR, "mentor")
CHECKIN_REMINDER_STUDENT = Kind("checkin_reminder_student", STUDENT, "match")
CHECKIN_REMINDER_MENTOR = Kind("checkin_reminder_mentor", MENTOR, "match")
WRAP_UP_STUDENT = Kind("wrap_up_student", STUDENT, "match")
WRAP_UP_MENTOR = Kind("wrap_up_mentor", MENTOR, "match")

ALL: tuple[Kind, ...] = (
    INVALID_ANSWER,
    STILL_WAITING,
    REQUEST_CLOSED,
    MATCHED_STUDENT,
    MATCHED_MENTOR,
    MATCH_CANCELLED,
    PROFILE_STALE,
    CHECKIN_REMINDER_STUDENT,
    CHECKIN_REMINDER_MENTOR,
    WRAP_UP_STUDENT,
    WRAP_UP_MENTOR,
)
BY_NAME = {kind.name: kind for kind in ALL}
NAMES: tuple[str, ...] = tuple(BY_NAME)


def message_id(kind: Kind, subject: str, number: int = 1) -> str:
    """The stable id of a message: `<kind>:<subject id>:<number>`.

    `subject` is the request id, match id or mentor key the message is about; `number` the
    session number, or which reminder of a series this is (1 for one-off messages).
    """
    if not subject or ":" in subject:
        raise ValueError(f"a message subject must be a non-empty id without ':', not {subject!r}")
    if number < 1:
        raise ValueError(f"a message number starts at 1, not {number}")
    return f"{kind.name}:{subject}:{number}"


def parse_message_id(text: str) -> tuple[Kind, str, int] | None:
    """(kind, subject, number) of a message id, or None when it is not one of ours."""
    name, _, rest = text.strip().partition(":")
    subject, _, number = rest.rpartition(":")
    kind = BY_NAME.get(name)
    if kind is None or not subject or not number.isdigit():
        return None
    return kind, subject, int(number)
