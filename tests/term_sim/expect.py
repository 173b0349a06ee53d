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
| `checkin_reminder_*`, `wrap_up_*` | issue 10: see `relationship_messages` |
"""

from __future__ import annotations

import datetime as dt
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


def all_messages(term: Term) -> dict[str, str]:
    """Every message of the term: message id -> the one address it goes to."""
    return {**student_messages(term), **match_messages(term), **mentor_messages(term)}


def cancelled_matches(term: Term) -> set[str]:
    """Matches whose event staff (or a withdrawal) cancelled after it was sent."""
    out = set()
    for action in term.actions:
        if action.kind in ("cancel_before", "cancel_after"):
            out.add(action.detail)
        if action.kind == "withdraw":
            out.update(m for m in action.detail.split(",") if m and term.matches[m]["event_id"])
    return {m for m in out if term.matches[m]["event_id"]}
