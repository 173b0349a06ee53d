"""What each person should have received in a simulated term, from the driver's own record.

The rules are the issues' words, applied to what the driver did (`Term.actions`) and to the
request states it saw after each night (`Term.requests_seen`); nothing here calls the
toolkit's planning code. Every function returns a dict message id -> the address it is for.

| Kind | Rule (issue 11) |
| --- | --- |
| `invalid_answer` | the student's unusable answer, once |
| `matched_student`, `matched_mentor` | every match made (approval is automatic), once each |
| `match_cancelled` | staff cancelled the match and the student waits again after that night |
| `request_closed` | staff marked the request withdrawn |
| `still_waiting` | a waiting student, 7 days after asking, then every 14 days: one per notice |
| `profile_stale` | a mentor whose profile goes stale within 30 days, once per confirmation |
| `checkin_reminder_*` | a quiet session (issue 10), to both people, once per session |
| `wrap_up_*` | a completed match, to both people, once |
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

from .term import Term

WAITING_NOTICE_DAYS = 7
WAITING_REPEAT_DAYS = 14


def _aware(cell: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(cell.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def requests_by_student(term: Term) -> dict[int, list[dict[str, str]]]:
    """Each student's requests, oldest first."""
    out: dict[int, list[dict[str, str]]] = defaultdict(list)
    for request in term.requests():
        email = request["email"]
        if email.startswith("student") and email.endswith("@example.edu"):
            out[int(email.removeprefix("student").split("@")[0])].append(request)
    for requests in out.values():
        requests.sort(key=lambda r: _aware(r["submitted_at"]))
    return out


def student_messages(term: Term) -> dict[str, str]:
    """The messages students should have had: invalid answers, waiting, withdrawn, cancelled."""
    expected: dict[str, str] = {}
    by_student = requests_by_student(term)
    email = {r["request_id"]: r["email"] for rs in by_student.values() for r in rs}
    for student in term.script.students:
        if student.invalid:
            first = by_student[student.number][0]
            expected[f"invalid_answer:{first['request_id']}:1"] = student.email
    for action in term.actions:
        if action.kind == "withdraw":
            expected[f"request_closed:{action.subject}:1"] = email[action.subject]
        if action.kind in ("cancel_before", "cancel_after"):
            match = term.matches[action.detail]
            status, _ = term.requests_seen[action.night][match["request_id"]]
            if status == "waiting":
                expected[f"match_cancelled:{action.detail}:1"] = email[match["request_id"]]
    for night, seen in enumerate(term.requests_seen):
        now = term.script.night_time(night)
        for request_id, (status, submitted) in seen.items():
            if status != "waiting" or not submitted:
                continue
            days = (now - _aware(submitted)).days
            if days >= WAITING_NOTICE_DAYS:
                number = 1 + (days - WAITING_NOTICE_DAYS) // WAITING_REPEAT_DAYS
                expected[f"still_waiting:{request_id}:{number}"] = email[request_id]
    return expected


def match_messages(term: Term) -> dict[str, str]:
    """Both people of every match hear who the other is."""
    expected: dict[str, str] = {}
    email = {r["request_id"]: r["email"] for r in term.requests()}
    mentors = {m.slug: m.email for m in term.script.mentors}
    for match_id, match in term.matches.items():
        expected[f"matched_student:{match_id}:1"] = email[match["request_id"]]
        expected[f"matched_mentor:{match_id}:1"] = mentors[match["mentor"]]
    return expected


def mentor_messages(term: Term) -> dict[str, str]:
    """Mentors whose profile goes stale within 30 days of a night of the term."""
    return {
        f"profile_stale:{m.slug}.{m.confirmed.isoformat()}:1": m.email
        for m in term.script.mentors
        if m.stale_notice_on() <= term.script.last_day
    }


def relationship_messages(term: Term) -> dict[str, str]:
    """Issue 11's messages about the relationship: a check-in reminder to both people of each
    quiet session, a wrap-up to both people of each completed match."""
    from mentorship.messages import kinds

    email = {r["request_id"]: r["email"] for r in term.requests()}
    mentors = {m.slug: m.email for m in term.script.mentors}
    expected: dict[str, str] = {}
    for kind, audience in (
        (kinds.CHECKIN_REMINDER_STUDENT, "student"),
        (kinds.CHECKIN_REMINDER_MENTOR, "mentor"),
    ):
        for match_id, number in quiet_sessions(term):
            match = term.matches[match_id]
            to = email[match["request_id"]] if audience == "student" else mentors[match["mentor"]]
            expected[kinds.message_id(kind, match_id, number)] = to
    for kind, audience in ((kinds.WRAP_UP_STUDENT, "student"), (kinds.WRAP_UP_MENTOR, "mentor")):
        for match_id, match in term.matches.items():
            if match["status"] == "completed":
                to = (
                    email[match["request_id"]]
                    if audience == "student"
                    else mentors[match["mentor"]]
                )
                expected[kinds.message_id(kind, match_id, 1)] = to
    return expected


def all_messages(term: Term) -> dict[str, str]:
    """Every message of the term: message id -> the one address it goes to."""
    return {
        **student_messages(term),
        **match_messages(term),
        **mentor_messages(term),
        **relationship_messages(term),
    }


def cancelled_matches(term: Term) -> set[str]:
    """Matches whose event staff (or a withdrawal) cancelled after it was sent."""
    out = set()
    for action in term.actions:
        if action.kind in ("cancel_before", "cancel_after"):
            out.add(action.detail)
        if action.kind == "withdraw":
            out.update(m for m in action.detail.split(",") if m and term.matches[m]["event_id"])
    return {m for m in out if term.matches[m]["event_id"]}


# --- sessions (issue 10) ----------------------------------------------------------------------

SILENT = ("silent", "forged")
SESSIONS_PER_MATCH = 4
CADENCE = dt.timedelta(weeks=3)
SESSION_LENGTH = dt.timedelta(minutes=45)
QUIET = dt.timedelta(days=14)
DAY = dt.timedelta(days=1)


def booked_events(term: Term) -> dict[str, tuple[str, int, int, dt.datetime]]:
    """Every event the term booked: event id -> (match id, number, attempt, start).

    Session 1's first booking is the match's first invite; the rest come from Sessions rows
    as the driver saw them night after night (each re-booking is a new event id).
    """
    out: dict[str, tuple[str, int, int, dt.datetime]] = {}
    for session_id, booked in term.bookings.items():
        match_id, number = session_id.rsplit("/", 1)
        for attempt, event_id in booked:
            if event_id:
                start = term.session_starts[event_id]
                out[event_id] = (match_id, int(number), int(attempt), start)
    # A match whose first invite the driver never saw in Sessions (cancelled the same night).
    for match_id, match in term.matches.items():
        if match["event_id"] and match["event_start"] and match["event_id"] not in out:
            out[match["event_id"]] = (match_id, 1, 0, _aware(match["event_start"]))
    return out


def expected_cancellations(term: Term) -> set[str]:
    """Events whose session was still to come when its match ended, or when it was re-booked:
    each must be cancelled exactly once (everything else never)."""
    out = set()
    booked = booked_events(term)
    for event_id, (match_id, _number, _attempt, start) in booked.items():
        night = term.ended.get(match_id)
        if night is not None and start is not None and start > term.script.night_time(night):
            out.add(event_id)
    for event_id, night in term.rebooked_from.items():
        start = booked[event_id][3]
        if start is not None and start > term.script.night_time(night):
            out.add(event_id)
    return out


def said(term: Term) -> dict[str, list[str]]:
    """Per session ("<match>/<number>"), what the script's check-ins said, attempt by attempt."""
    out: dict[str, list[str]] = defaultdict(list)
    for action in sorted((a for a in term.actions if a.kind == "checkin"), key=lambda a: a.subject):
        session_id = action.subject.rsplit("/", 1)[0]
        out[session_id].append(action.detail)
    return out


def quiet_sessions(term: Term) -> set[tuple[str, int]]:
    """(match id, number) of the sessions that must be listed as quiet: the latest session to
    have started, nobody (validly) checked in about it `quiet_days` after its start, and the
    match still running then (a last session that goes quiet completes its match instead)."""
    answered = {a.subject for a in term.actions if a.kind == "checkin" and a.detail not in SILENT}
    out = set()
    last = term.script.night_time(term.script.nights - 1)
    for session_id, session in term.sessions.items():
        key = f"{session_id}/{session['attempt'] or '0'}"
        if key in answered or not session["start"] or session["status"] != "scheduled":
            continue
        due = dt.datetime.fromisoformat(session["start"]) + QUIET
        match_id, number = session["match_id"], int(session["number"])
        end = term.ended.get(match_id)
        ended = term.script.night_time(end) if end is not None else last + dt.timedelta(days=1)
        # The first night that sees it quiet, unless a later session has started by then.
        seen = term.script.night_time(max(0, -(-(due - term.script.night_time(0)) // DAY)))
        later = [
            dt.datetime.fromisoformat(other["start"])
            for other in term.sessions.values()
            if other["match_id"] == match_id and int(other["number"]) > number and other["start"]
        ]
        if any(start <= seen for start in later):
            continue
        if due <= last and seen < ended:
            out.add((match_id, number))
    return out


def quiet_matches(term: Term) -> set[str]:
    """Matches that must be listed as quiet (see `quiet_sessions`)."""
    return {match_id for match_id, _number in quiet_sessions(term)}


def listed_quiet(term: Term) -> set[str]:
    """Matches any night's private report listed as quiet."""
    found = set()
    for night in term.log:
        found.update(re.findall(r"Quiet match (\w+)", night.report))
    return found


# --- the report's figures (issue 10) --------------------------------------------------------

FEWER = "fewer than 5"


def _shown(value: float | int | None, people: int) -> object:
    """The issue's privacy rule: a figure about fewer than 5 people is not shown."""
    if value is None or people < 5:
        return FEWER
    return round(value, 2) if isinstance(value, float) else value


def withdrawn_after_first_session(term: Term) -> set[str]:
    """Matches whose student withdrew once their first session had begun: `closed`."""
    out = set()
    for action in term.actions:
        if action.kind != "withdraw":
            continue
        when = term.script.night_time(action.night)
        for match_id in filter(None, action.detail.split(",")):
            ended = term.ended.get(match_id)
            if ended is not None and ended < action.night:
                continue  # completed (a side said stop) before the student withdrew
            match = term.matches[match_id]
            start = _aware(match["event_start"]) if match["event_start"] else None
            if match["event_id"] and start is not None and start <= when:
                out.add(match_id)
    return out


def expected_figures(term: Term) -> dict[str, object]:
    """The figures of `mentorship report --json` that the script alone decides.

    Requests: every answer sent; valid: all but the unusable ones (the script sends no
    duplicates); closed: the matches staff cancelled, or whose student withdrew, after their
    first session; ratings: what
    the script's check-ins said (a forged check-in is not applied), per side and question.
    """
    submitted = sum(a.kind == "submit" for a in term.actions)
    invalid = sum(s.invalid for s in term.script.students)
    closed = sum(a.kind == "cancel_after" for a in term.actions) + len(
        withdrawn_after_first_session(term)
    )
    figures: dict[str, object] = {
        "requests": _shown(submitted, submitted),
        "valid_requests": _shown(submitted - invalid, submitted - invalid),
    }
    if term.relationship_on:
        # Without follow-ups a match cancelled after its first session is `cancelled`.
        figures["closed_matches"] = _shown(closed, closed)
    ratings: dict[str, dict[str, dict[str, object]]] = {}
    for side, role in (("students", "student"), ("mentors", "mentor")):
        ratings[side] = {}
        for question in ("useful", "progress"):
            given = [
                (r.session.split("/")[0], getattr(r, question))
                for r in term.ratings
                if r.role == role
            ]
            people = len({m for m, _ in given})
            values = [v for _, v in given]
            ratings[side][question] = {
                "people": _shown(people, people),
                "mean": _shown(sum(values) / len(values) if values else None, people),
                "distribution": {
                    str(v): _shown(values.count(v), len({m for m, value in given if value == v}))
                    for v in range(1, 6)
                },
            }
    figures["ratings"] = ratings
    return figures
