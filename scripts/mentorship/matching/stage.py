"""The `match` stage over the ledger: waiting requests in, Matches rows and statuses out.

It reads the Requests and Matches tabs once, scores and solves, and writes everything back in
one `WriteBatch`. A run that died half-way (matches appended, statuses not yet written) is
finished by the next: a request that already holds an active match is marked `matched`, never
matched twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from .. import ledger, lifecycle, weekly
from ..config import Config
from ..ledger import MATCHES, REQUESTS, MatchStatus, RequestStatus, Spreadsheet, Table
from ..profiles.models import Mentor
from . import scoring
from .demand import DemandReport, demand_report
from .explain import match_reasons, waiting_reason
from .scoring import MatchRequest, score_pairs
from .solver import solve

PENDING = (RequestStatus.NEW, RequestStatus.WAITING)


@dataclass(frozen=True)
class MatchMade:
    """One new match, as written to the Matches tab."""

    match_id: str
    request_id: str
    mentor: str
    mentor_name: str
    score: float
    reasons: str
    status: str


@dataclass(frozen=True)
class StillWaiting:
    """A request nobody fits this round, and why in plain words.

    `needs_staff` marks a row matching could not read (fix it in the Requests tab).
    """

    request_id: str
    reason: str
    needs_staff: bool = False


@dataclass(frozen=True)
class Proposal:
    """A `proposed` match waiting for staff, and for how many whole days."""

    match_id: str
    request_id: str
    mentor: str
    days: int


@dataclass
class MatchReport:
    """What one `match` run did (or, with `dry_run`, would do).

    `matches` are the new matches; `waiting` the requests left waiting with their reason;
    `resumed` the request ids marked matched because an earlier run had already written their
    match; `demand` the demand report; `pending` the number of requests considered.
    """

    matches: list[MatchMade] = field(default_factory=list)
    waiting: list[StillWaiting] = field(default_factory=list)
    resumed: list[str] = field(default_factory=list)
    demand: DemandReport = field(default_factory=DemandReport)
    pending: int = 0
    dry_run: bool = False
    approval: str = "auto"
    proposals: list[Proposal] = field(default_factory=list)
    """Every match still `proposed` after this run (new or old), oldest first."""
    live: dict[str, int] = field(default_factory=dict)
    """Live matches per mentor slug after this run (for the directory's open places)."""
    settled: lifecycle.Settled = field(default_factory=lifecycle.Settled)
    """What the lifecycle rules changed before matching (withdrawn, cancelled, unknown)."""

    @property
    def needs_attention(self) -> bool:
        """True when some request row could not be read and staff should fix it."""
        return any(w.needs_staff for w in self.waiting)

    def summary(self) -> str:
        """One line: how many were matched and how many wait."""
        verb = "would be" if self.dry_run else "were"
        text = (
            f"{self.pending} request(s) considered: {len(self.matches)} {verb} matched, "
            f"{len(self.waiting)} wait."
        )
        if self.resumed:
            text += f" {len(self.resumed)} already had a match from an earlier run."
        if self.matches and self.approval == "manual":
            text += " New matches are proposed: set status to approved in the Matches tab."
        return text

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for JSON or the nightly summary)."""
        return {
            "summary": self.summary(),
            "dry_run": self.dry_run,
            "pending": self.pending,
            "matches": [vars(m) for m in self.matches],
            "waiting": [vars(w) for w in self.waiting],
            "resumed": list(self.resumed),
            "demand": self.demand.to_dict(),
        }

    def to_markdown(self) -> str:
        """The run as Markdown: summary, matches, waiting requests, then the demand report."""
        lines = ["## Matching", "", self.summary(), ""]
        if self.matches:
            lines += ["| Request | Mentor | Score | Status | Reasons |", "|---|---|---|---|---|"]
            lines += [
                f"| {m.request_id} | {m.mentor} | {m.score:.2f} | {m.status} | {_md(m.reasons)} |"
                for m in self.matches
            ]
            lines.append("")
        if self.waiting:
            lines += ["| Waiting request | Why |", "|---|---|"]
            lines += [f"| {w.request_id} | {_md(w.reason)} |" for w in self.waiting]
            lines.append("")
        return "\n".join(lines) + "\n" + self.demand.to_markdown()


def _md(text: str) -> str:
    value = " ".join(text.split())
    for char in "\\|*_`[]<>#":
        value = value.replace(char, "\\" + char)
    return value


def match_id(request_id: str, mentor: str, earlier: int) -> str:
    """A stable id: the same request, mentor and number of earlier such matches give the same id.

    Lowercase hex, so the calendar's event id (base32hex) can be derived from it directly.
    """
    material = f"{request_id}\x1f{mentor}\x1f{earlier}".encode()
    return "m" + hashlib.sha256(material).hexdigest()[:12]


def read_request(record: ledger.Record) -> tuple[MatchRequest | None, str]:
    """The matching fields of a Requests row, or None and a reason staff can act on."""
    zone = record["timezone"].strip() or "UTC"
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return None, f"timezone {zone!r} is not known; fix it in row {record.row} of {REQUESTS}"
    try:
        windows = weekly.parse_windows(record["availability"])
    except ValueError as exc:
        return None, f"availability could not be read ({exc}); fix it in row {record.row}"
    if not windows:
        return None, "no availability given"
    request = MatchRequest(
        request_id=record["request_id"].strip(),
        program=record["program"].strip(),
        industries=tuple(ledger.split_list(record["industries"])),
        topics=tuple(ledger.split_list(record["topics"])),
        languages=tuple(ledger.split_list(record["languages"])),
        meeting_formats=tuple(ledger.split_list(record["meeting_formats"])),
        timezone=zone,
        availability=tuple(windows),
        preferred_mentor=record["preferred_mentor"].strip(),
    )
    return request, ""


def run_match(
    spreadsheet: Spreadsheet,
    mentors: Sequence[Mentor],
    config: Config,
    now: dt.datetime,
    dry_run: bool = False,
) -> MatchReport:
    """Match every `new` or `waiting` request and record the result in the ledger.

    New Matches rows get status `approved` (config approval "auto") or `proposed` ("manual");
    matched requests get status `matched`; the rest `waiting` with a reason. With `dry_run`
    nothing is written and the report says what would happen.
    """
    stamp = ledger.utc_timestamp(now)
    tabs = spreadsheet.read([REQUESTS, MATCHES])
    report = MatchReport(dry_run=dry_run, approval=config.approval)
    if not tabs.get(REQUESTS):
        return report  # intake has not run yet: nothing to match
    requests = Table(REQUESTS, ledger.REQUEST_COLUMNS, tabs[REQUESTS])
    matches = Table(MATCHES, ledger.MATCH_COLUMNS, tabs.get(MATCHES))
    report.settled = lifecycle.settle(requests, matches, now, stamp)
    mentors = sorted(mentors, key=lambda m: m.slug)
    known = {m.slug for m in mentors}

    def who(record: ledger.Record) -> str:
        # A student is the same person across requests by email; fall back to the request.
        return record["email"].strip().casefold() or "#" + record["request_id"].strip()

    student_of = {r["request_id"].strip(): who(r) for r in requests if r["request_id"].strip()}
    active: Counter[str] = Counter()
    has_active: set[str] = set()
    before: set[tuple[str, str]] = set()
    repeats: Counter[tuple[str, str]] = Counter()
    for m in matches:
        rid, slug = m["request_id"].strip(), m["mentor"].strip()
        repeats[(rid, slug)] += 1
        before.add((student_of.get(rid, "#" + rid), slug))
        # An unknown status keeps its place until staff say what they meant.
        if lifecycle.is_live(m["status"]) or lifecycle.match_state(m["status"]) is None:
            active[slug] += 1
            has_active.add(rid)

    pending: list[tuple[ledger.Record, MatchRequest]] = []
    left_unreadable: list[MatchRequest] = []
    for record in requests:
        if (
            lifecycle.request_state(record["status"]) not in PENDING
            or not record["request_id"].strip()
        ):
            continue
        report.pending += 1
        rid = record["request_id"].strip()
        if rid in has_active:
            report.resumed.append(rid)
            _set_status(requests, record, RequestStatus.MATCHED, "", stamp)
            continue
        parsed, problem = read_request(record)
        if parsed is None:
            report.waiting.append(StillWaiting(rid, problem, needs_staff=True))
            _set_status(requests, record, RequestStatus.WAITING, problem, stamp)
            # Still demand: count what the student asked for.
            left_unreadable.append(
                MatchRequest(
                    rid,
                    industries=tuple(ledger.split_list(record["industries"])),
                    topics=tuple(ledger.split_list(record["topics"])),
                )
            )
            continue
        pending.append((record, parsed))

    batch_requests = [p for _, p in pending]
    remaining = np.array([m.capacity - active[m.slug] for m in mentors], dtype=np.int64)
    mentor_index = {m.slug: j for j, m in enumerate(mentors)}
    earlier: dict[str, list[int]] = {}
    for student, slug in before:
        if slug in mentor_index:
            earlier.setdefault(student, []).append(mentor_index[slug])
    previous = [
        (i, j) for i, (record, _) in enumerate(pending) for j in earlier.get(who(record), ())
    ]
    pairs = score_pairs(
        batch_requests,
        mentors,
        config.matching,
        now,
        remaining=remaining,
        previous=previous,
        session_minutes=config.schedule.session_minutes,
    )
    assigned = solve(pairs.scores, np.maximum(remaining, 0))
    # Waiting reasons describe the ledger after this round, so a re-run repeats them exactly.
    taken = np.bincount(assigned[assigned >= 0], minlength=len(mentors))
    full_after = (remaining - taken) <= 0
    status = MatchStatus.PROPOSED if config.approval == "manual" else MatchStatus.APPROVED
    left: list[MatchRequest] = list(left_unreadable)
    for i, (record, request) in enumerate(pending):
        j = int(assigned[i])
        if j < 0:
            after = pairs.blocked[i].copy()
            after[full_after & (after != scoring.NOT_ACCEPTING)] = scoring.FULL
            reason = waiting_reason(request, mentors, after)
            report.waiting.append(StillWaiting(request.request_id, reason))
            _set_status(requests, record, RequestStatus.WAITING, reason, stamp)
            left.append(request)
            continue
        mentor = mentors[j]
        reasons = "; ".join(match_reasons(pairs, i, j, request, mentor))
        made = MatchMade(
            match_id=match_id(
                request.request_id, mentor.slug, repeats[(request.request_id, mentor.slug)]
            ),
            request_id=request.request_id,
            mentor=mentor.slug,
            mentor_name=mentor.name,
            score=round(float(pairs.scores[i, j]), 2),
            reasons=reasons,
            status=status,
        )
        matches.append(
            {
                "match_id": made.match_id,
                "request_id": made.request_id,
                "mentor": made.mentor,
                "score": f"{made.score:.2f}",
                "reasons": made.reasons,
                "status": made.status,
                "created_at": stamp,
                "updated_at": stamp,
            }
        )
        active[mentor.slug] += 1
        report.matches.append(made)
        _set_status(requests, record, RequestStatus.MATCHED, "", stamp)

    report.proposals = proposals(matches, now)
    known_active = {slug: n for slug, n in active.items() if slug in known}
    report.live = dict(known_active)
    report.demand = demand_report(left, mentors, known_active)
    batch = ledger.WriteBatch()
    requests.collect(batch)
    if report.matches or not matches.is_new:
        matches.collect(batch)
    if batch and not dry_run:
        spreadsheet.write(batch)
    return report


def proposals(matches: Table, now: dt.datetime) -> list[Proposal]:
    """Every `proposed` match with its age in whole days, oldest first."""
    out = []
    for record in matches:
        if lifecycle.match_state(record["status"]) != MatchStatus.PROPOSED:
            continue
        created = ledger.parse_utc_timestamp(record["created_at"])
        days = max(0, (now - created).days) if created else 0
        out.append(
            Proposal(
                record["match_id"].strip(),
                record["request_id"].strip(),
                record["mentor"].strip(),
                days,
            )
        )
    return sorted(out, key=lambda p: (-p.days, p.match_id))


def _set_status(table: Table, record: ledger.Record, status: str, reason: str, stamp: str) -> None:
    if record["status"].strip() == status and record["reason"] == reason:
        return
    table.set(record, "status", status)
    table.set(record, "reason", reason)
    table.set(record, "updated_at", stamp)
