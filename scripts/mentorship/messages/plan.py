"""Which messages the ledger calls for right now: one pure function over the ledger's rows.

Every message is a consequence of a state the ledger holds (a request `invalid`, a match
`approved`, ...), so planning twice gives the same messages with the same ids, and a message
whose state has passed (a waiting student got matched) is no longer planned: a queued row for
it is skipped instead of sent. Only the current notice of a series is planned (the third
"still waiting" notice, not the two a newly switched-on programme missed).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from ..config import Config
from ..ledger import MatchStatus, Record, RequestStatus, SessionStatus, split_list
from ..lifecycle import match_state, request_state, session_state
from ..relationship.followups import parse_start, quiet_session
from . import kinds
from .kinds import Kind, message_id
from .links import Links
from .people import Roster, student_refusal
from .render import Trusted

# Matches that tell both people who the other is (proposed ones wait for staff).
ANNOUNCED = (MatchStatus.APPROVED, MatchStatus.INVITED, MatchStatus.NO_TIME)
CLOSED_REQUEST = (RequestStatus.WITHDRAWN, "closed")
_SYNC_FIX = re.compile(r"^fix it in row \d+ of .+$")
_CANCEL_DONE = re.compile(r"event (cancelled|not found) on \d{4}-\d{2}-\d{2}")

CheckinLink = Callable[[str, int, str], str]
"""(match id, session number, role "mentor" or "student") -> that person's check-in link."""


@dataclass(frozen=True)
class Planned:
    """One message the ledger calls for: its id, kind, address and template values."""

    message_id: str
    kind: Kind
    to: str
    about: str
    values: dict[str, Any]


@dataclass
class Plan:
    """The planned messages, and how many people were not mailed, by reason (counts only)."""

    messages: list[Planned] = field(default_factory=list)
    refused: Counter[str] = field(default_factory=Counter)


def first_name(name: str) -> str:
    """The word a message greets someone by ('' for an empty name)."""
    parts = name.split()
    return parts[0] if parts else ""


def student_problems(reason: str) -> list[str]:
    """The problems of an invalid answer in the student's words (from intake's `reason`).

    Only reasons sync wrote (each problem followed by "fix it in row N of ...") are quoted;
    anything staff typed may be an internal note, so it gives [] and a general sentence.
    """
    parts = [p.strip() for p in reason.split("; ") if p.strip()]
    if not any(_SYNC_FIX.match(p) for p in parts):
        return []
    problems = [p for p in parts if not _SYNC_FIX.match(p)]
    return [p[:1].upper() + p[1:] for p in problems]


def widen_hints(reason: str) -> list[str]:
    """How a waiting student could widen the request, from matching's waiting reason."""
    hints = []
    if "who speaks" in reason:
        hints.append("add another language you can hold a conversation in")
    if "free at the times" in reason:
        hints.append("tick more times when you are usually free")
    if "close enough" in reason:
        hints.append("choose broader topics, or fewer of them")
    if reason.startswith("no mentor in") or "free capacity" in reason or "confirmed" in reason:
        hints.append("add a neighbouring industry")
    return hints or ["add more industries, topics, languages or times"]


def _aware(cell: str) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(cell.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _local(cell: str, timezone: str) -> str:
    moment = _aware(cell)
    if moment is None:
        return ""
    try:
        zone = ZoneInfo(timezone.strip())
    except (ValueError, KeyError, OSError):
        return ""
    local = moment.astimezone(zone)
    return f"{local:%A} {local.day} {local:%B %Y}, {local:%H:%M} ({timezone.strip()})"


class _Planner:
    def __init__(
        self,
        config: Config,
        roster: Roster,
        links: Links,
        now: dt.datetime,
        checkin_link: CheckinLink | None = None,
    ):
        self.config = config
        self.checkin_link = checkin_link
        self.settings = config.messages
        self.roster = roster
        self.links = links
        self.now = now
        self.plan = Plan()
        self.common = {
            "university": config.messages.university,
            "signature": Trusted(config.messages.signature),
            "site_url": links.site(),
            "form_url": links.form,
            "directory_url": links.directory,
        }

    def wanted(self, kind: Kind) -> bool:
        return kind.name not in self.settings.off

    def add(self, kind: Kind, subject: str, number: int, to: str, values: dict[str, Any]) -> None:
        self.plan.messages.append(
            Planned(message_id(kind, subject, number), kind, to, subject, {**self.common, **values})
        )

    def student(self, request: Record) -> str:
        """The request's address when this student may be mailed; else count why not."""
        refusal = student_refusal(request["email"], request["reason"], self.config)
        if refusal:
            self.plan.refused[refusal] += 1
            return ""
        return request["email"].strip().lower()

    # -- requests --------------------------------------------------------------------------

    def request(self, request: Record) -> None:
        # Read as the lifecycle reads it: any case, common synonyms ("canceled", "done").
        status = request_state(request["status"]) or ""
        rid = request["request_id"].strip()
        if not rid:
            return
        kind = {
            RequestStatus.INVALID: kinds.INVALID_ANSWER,
            RequestStatus.WAITING: kinds.STILL_WAITING,
        }.get(status)
        if status in CLOSED_REQUEST:
            kind = kinds.REQUEST_CLOSED
        if kind is None or not self.wanted(kind):
            return
        number = 1
        values: dict[str, Any] = {"name": first_name(request["name"])}
        if kind is kinds.STILL_WAITING:
            submitted = _aware(request["submitted_at"])
            if submitted is None:
                return
            days = (self.now - submitted).days
            first = self.settings.waiting_notice_days
            if days < first:
                return
            number = 1 + (days - first) // self.settings.waiting_repeat_days
            reason = request["reason"].strip()
            # Only matching's own words (explain.waiting_reason) go to the student.
            ours = reason.startswith("no mentor")
            values |= {
                "reason": reason if ours else "",
                "hints": widen_hints(reason if ours else ""),
                "weeks": max(1, days // 7),
                "notice": number,
            }
        elif kind is kinds.INVALID_ANSWER:
            values["problems"] = student_problems(request["reason"])
        else:
            values["status"] = status
        to = self.student(request)
        if to:
            self.add(kind, rid, number, to, values)

    # -- matches ---------------------------------------------------------------------------

    def match(
        self,
        match: Record,
        requests: dict[str, Record],
        own: dict[int, Record] | None = None,
    ) -> None:
        status = match_state(match["status"]) or ""
        mid = match["match_id"].strip()
        request = requests.get(match["request_id"].strip())
        mentor = self.roster.mentor(match["mentor"])
        if not mid or request is None:
            return
        if status in ANNOUNCED:
            if mentor is None:
                self.plan.refused["mentor not in the roster"] += 1
                return
            mentor_values = {
                "name": mentor.name,
                "first_name": first_name(mentor.name),
                "title": mentor.title,
                "employer": mentor.employer,
                "page_url": self.links.mentor_page(mentor.slug),
            }
            student_values = {
                "name": request["name"].strip(),
                "first_name": first_name(request["name"]),
                "program": request["program"],
                "year": request["year"],
                "topics": split_list(request["topics"]),
                "goals": request["goals"],
            }
            guides = {"preparing_url": self.links.preparing, "checklist_url": self.links.checklist}
            if self.wanted(kinds.MATCHED_STUDENT):
                to = self.student(request)
                if to:
                    when = _local(match["event_start"], request["timezone"])
                    values = {"mentor": mentor_values, "student": student_values, "when": when}
                    self.add(kinds.MATCHED_STUDENT, mid, 1, to, values | guides)
            if self.wanted(kinds.MATCHED_MENTOR):
                to = self.roster.mentor_address(mentor.slug)
                if not to:
                    self.plan.refused["mentor not in the roster"] += 1
                    return
                when = _local(match["event_start"], mentor.timezone)
                values = {"mentor": mentor_values, "student": student_values, "when": when}
                self.add(kinds.MATCHED_MENTOR, mid, 1, to, values | guides)
            if status == MatchStatus.INVITED and own:
                self.reminders(match, request, mentor, own)
            return
        if status == MatchStatus.COMPLETED and own and mentor is not None:
            self.wrap_up(match, request, mentor, own)
            return
        ended = (MatchStatus.CANCELLED, MatchStatus.CLOSED)
        if status in ended and self.wanted(kinds.MATCH_CANCELLED):
            # Once the calendar event is cancelled, and only when the student waits again:
            # a match closed before its first session counts as cancelled (the lifecycle sends
            # the student back to waiting); closed after it, the student does not wait again.
            if match["event_id"].strip() and not _CANCEL_DONE.search(match["note"]):
                return
            if request_state(request["status"]) not in (RequestStatus.NEW, RequestStatus.WAITING):
                return
            to = self.student(request)
            if to:
                values = {"name": first_name(request["name"])}
                self.add(kinds.MATCH_CANCELLED, mid, 1, to, values)

    # -- sessions --------------------------------------------------------------------------

    def _both(
        self,
        pair: tuple[Kind, Kind],
        match: Record,
        request: Record,
        mentor: Any,
        link_number: int,
        number: int,
        values: dict[str, Any],
    ) -> None:
        """The student kind to the student and the mentor kind to the mentor, each greeted by
        name, told who the other is, and given their own check-in link."""
        mid = match["match_id"].strip()
        student_kind, mentor_kind = pair
        if self.wanted(student_kind):
            to = self.student(request)
            if to:
                personal = self._personal(mid, link_number, "student", request["name"], mentor.name)
                self.add(student_kind, mid, number, to, values | personal)
        if self.wanted(mentor_kind):
            to = self.roster.mentor_address(mentor.slug)
            if not to:
                self.plan.refused["mentor not in the roster"] += 1
                return
            personal = self._personal(mid, link_number, "mentor", mentor.name, request["name"])
            self.add(mentor_kind, mid, number, to, values | personal)

    def _personal(
        self, match_id: str, number: int, role: str, own_name: str, other_name: str
    ) -> dict[str, Any]:
        link = self.checkin_link(match_id, number, role) if self.checkin_link else ""
        return {
            "name": first_name(own_name),
            "other_name": " ".join(other_name.split()),
            "checkin_url": Trusted(link),
        }

    def reminders(
        self, match: Record, request: Record, mentor: Any, own: dict[int, Record]
    ) -> None:
        """A check-in reminder to both when the match's latest session is quiet (the same rule
        as the staff list), once per session number; only when check-ins are on."""
        if self.checkin_link is None:
            return
        quiet = quiet_session(own, dt.timedelta(days=self.config.relationship.quiet_days), self.now)
        if quiet is None:
            return
        number, _days = quiet
        pair = (kinds.CHECKIN_REMINDER_STUDENT, kinds.CHECKIN_REMINDER_MENTOR)
        self._both(pair, match, request, mentor, number, number, {"session": number})

    def wrap_up(self, match: Record, request: Record, mentor: Any, own: dict[int, Record]) -> None:
        """The wrap-up to both once a match with sessions is completed, with the check-in of
        its last session that began (a match staff completed before any session gets none)."""
        began = [n for n, r in own.items() if (s := parse_start(r["start"])) and s <= self.now]
        if not began:
            return
        held = sum(1 for r in own.values() if session_state(r["status"]) == SessionStatus.HELD)
        values = {"sessions": max(held, 1)}
        pair = (kinds.WRAP_UP_STUDENT, kinds.WRAP_UP_MENTOR)
        self._both(pair, match, request, mentor, max(began), 1, values)

    # -- mentors ---------------------------------------------------------------------------

    def mentor(self, mentor: Any, max_age_days: int) -> None:
        if not self.wanted(kinds.PROFILE_STALE):
            return
        today = self.now.astimezone(dt.UTC).date()
        stale_on = mentor.confirmed + dt.timedelta(days=max_age_days)
        notice_from = stale_on - dt.timedelta(days=self.settings.stale_notice_days)
        if today < notice_from:
            return
        to = self.roster.mentor_address(mentor.slug)
        if not to:
            return
        values = {
            "name": first_name(mentor.name),
            "confirmed": mentor.confirmed.isoformat(),
            "stale_on": stale_on.isoformat(),
            "already_stale": today >= stale_on,
            "edit_url": self.links.edit_profile(mentor.slug),
            "page_url": self.links.mentor_page(mentor.slug),
        }
        self.add(
            kinds.PROFILE_STALE, f"{mentor.slug}.{mentor.confirmed.isoformat()}", 1, to, values
        )


def plan_messages(
    requests: Iterable[Record],
    matches: Iterable[Record],
    roster: Roster,
    config: Config,
    links: Links,
    now: dt.datetime,
    sessions: Iterable[Record] = (),
    checkin_link: CheckinLink | None = None,
) -> Plan:
    """Every message the ledger and the roster call for now (see the module docstring).

    `sessions` are the Sessions tab's rows (check-in reminders and wrap-ups follow them);
    `checkin_link` makes each person's check-in link (None: check-ins are off).
    """
    planner = _Planner(config, roster, links, now, checkin_link)
    by_match: dict[str, dict[int, Record]] = {}
    for row in sessions:
        number = row["number"].strip()
        if row["match_id"].strip() and number.isdigit() and int(number) > 0:
            by_match.setdefault(row["match_id"].strip(), {})[int(number)] = row
    by_id = {}
    for record in requests:
        planner.request(record)
        if record["request_id"].strip():
            by_id[record["request_id"].strip()] = record
    for record in matches:
        planner.match(record, by_id, by_match.get(record["match_id"].strip()))
    for mentor in roster:
        planner.mentor(mentor, config.matching.max_profile_age_days)
    return planner.plan
