"""The nightly run's two reports: a public summary of counts, and the private report for staff.

On a public repository the Actions log and job summary are public, so `public_markdown` holds
only counts: no request or match id, no name, slug, email, time or timezone. Everything staff
need to act on goes in `to_markdown`, which the CLI writes where only staff can read it (the
ledger's `Report` tab, or `Report.md` beside the local ledger), replaced each run. It opens with
**Your action**: what waits for staff, oldest first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .calendar.stage import InviteReport
from .intake import SyncReport
from .matching.stage import MatchReport
from .messages.stage import MessagesReport
from .outcomes.render import mermaid_chart
from .profiles import ProfileSet
from .relationship.checkins import CheckinReport
from .relationship.stage import RelationshipReport
from .roster import ContactSyncReport
from .scheduling import describe_local

REPORT_TAB = "Report"
REPORT_FILE = "Report.md"


@dataclass(frozen=True)
class StaleProfile:
    """A mentor whose profile was last confirmed more than `max_profile_age_days` ago."""

    slug: str
    confirmed: dt.date
    days: int


def stale_profiles(profiles: ProfileSet, today: dt.date, max_age_days: int) -> list[StaleProfile]:
    """Mentors to ask for a fresh confirmation, oldest first."""
    stale = [
        StaleProfile(m.slug, m.confirmed, (today - m.confirmed).days)
        for m in profiles.mentors
        if (today - m.confirmed).days > max_age_days
    ]
    return sorted(stale, key=lambda s: (s.confirmed, s.slug))


@dataclass
class NightlyReport:
    """What one nightly run did (or, dry, would do)."""

    started: dt.datetime
    dry_run: bool = False
    run_id: str = ""
    sync: SyncReport | None = None
    match: MatchReport | None = None
    invites: InviteReport | None = None
    messages: MessagesReport | None = None
    checkins: CheckinReport | None = None
    relationship: RelationshipReport | None = None
    stale: list[StaleProfile] = field(default_factory=list)
    profile_problems: int = 0
    lock_note: str = ""
    max_profile_age_days: int = 0
    # Mentors with no usable roster row (not matched): counted in public, named in the
    # private report only.
    unlisted_slugs: list[str] = field(default_factory=list)
    contacts: ContactSyncReport | None = None
    # The programme's PII-free figures (`mentorship.outcomes`), charted in the job summary.
    figures: dict[str, Any] | None = None

    @property
    def unlisted(self) -> int:
        """How many mentors the roster cannot reach."""
        return len(self.unlisted_slugs)

    @property
    def attention(self) -> list[str]:
        """Rows and invites staff must fix (private: names rows and matches)."""
        items = []
        if self.sync:
            # In full the night a row becomes invalid; after that, one line with the count.
            items += [f"Requests row {i.request_row}: {i.reason}" for i in self.sync.new_invalid]
            older = len(self.sync.invalid) - len(self.sync.new_invalid)
            if older:
                items.append(
                    f"{older} older invalid request(s) still wait for a fix (status invalid "
                    "in the Requests tab)"
                )
        if self.invites:
            items += [f"Match {mid}: {message}" for mid, message in self.invites.errors]
            items += [
                f"Match {mid}: the moved session was declined too; set approved to try once "
                "more, or cancelled"
                for mid in self.invites.declined
            ]
        if self.relationship:
            items += self.relationship.attention
        if self.match:
            items += [
                f"{u.tab} row {u.row}: status {u.value!r} is not a known state; "
                "see the setup guide's status table"
                for u in self.match.settled.unknown
            ]
        if self.profile_problems:
            items.append(
                f"{self.profile_problems} mentor profile problem(s): run `mentorship validate`"
            )
        if self.contacts:
            items += self.contacts.attention
        if self.unlisted:
            items.append(
                f"{self.unlisted} mentor(s) have no row in the Mentors tab and are not matched: "
                "run `mentorship roster check`"
            )
        return items

    @property
    def needs_attention(self) -> bool:
        """True when some row or invite needs staff (`mentorship nightly --strict` exits 1)."""
        return bool(self.attention) or bool(self.match and self.match.proposals)

    def counts(self) -> dict[str, int]:
        """The headline numbers of the run: counts only, safe for a public log."""
        made = len(self.match.matches) if self.match else 0
        if self.invites:
            sent = len(self.invites.invites) if self.dry_run else len(self.invites.sent)
        else:
            sent = 0
        settled = self.match.settled if self.match else None
        return {
            "new requests": self.sync.new if self.sync else 0,
            "need attention": len(self.attention),
            "duplicates": len(self.sync.duplicates) if self.sync else 0,
            "matches proposed"
            if self.match and self.match.approval == "manual"
            else "matches made": made,
            "invites sent" if not self.dry_run else "invites to send": sent,
            "no time yet": len(self.invites.no_time) if self.invites else 0,
            "waiting": len(self.match.waiting) if self.match else 0,
            "stale profiles": len(self.stale),
            "no roster row": self.unlisted,
            "awaiting approval": len(self.match.proposals) if self.match else 0,
            "withdrawn": len(settled.withdrawn) if settled else 0,
            "cancelled": len(self.invites.cancelled) if self.invites else 0,
            "moved after a decline": len(self.invites.moved) if self.invites else 0,
            "closed": len(settled.closed) if settled else 0,
            **(self.relationship.counts() if self.relationship else {}),
        }

    def public_markdown(self) -> str:
        """The job summary: counts only (the Actions log of a public repository is public)."""
        when = self.started.astimezone(dt.UTC).strftime("%Y-%m-%d")
        lines = [f"## Nightly run {when}" + (" (dry run)" if self.dry_run else ""), ""]
        if self.dry_run:
            lines += ["*Dry run: nothing was written to the sheet and no invite was sent.*", ""]
        if self.lock_note:
            lines += [
                "> Another run holds the ledger lock; this preview reads a ledger that may be "
                "changing.",
                "",
            ]
        lines += _count_table(self.counts())
        if self.checkins and self.checkins.enabled:
            lines += [self.checkins.public_markdown(), ""]
        if self.messages:
            lines += [self.messages.public_markdown(), ""]
        if self.figures is not None:
            lines += [mermaid_chart(self.figures), ""]
        where = "the `Report` tab of the ledger spreadsheet, or `Report.md` beside a local ledger"
        lines += [
            f"The details (who, which rows, which times) are in {where}: only staff can read it.",
        ]
        return "\n".join(lines).rstrip() + "\n"

    def your_action(self) -> list[str]:
        """The report's first section: what waits for staff, each item once."""
        lines = ["## Your action", ""]
        items: list[str] = []
        if self.match:
            for p in self.match.proposals:
                items.append(
                    f"Approve or cancel proposed match {p.match_id} (request {p.request_id}, "
                    f"mentor `{p.mentor}`): waiting {p.days} day(s)"
                )
        if self.sync:
            items += [f"Duplicate {d}" for d in self.sync.duplicates]
        items += self.attention
        if self.relationship:
            items += [
                f"Quiet match {q.match_id}: no check-in from either side {q.days} days after "
                f"session {q.number}; ask how it is going"
                for q in self.relationship.quiet
            ]
        if self.match:
            wanted = {i.industry.casefold() for i in self.match.demand.industries if i.waiting > 0}
            for m in self.match.demand.full_mentors:
                if m.industry.casefold() in wanted:
                    items.append(
                        f"`{m.slug}` is at capacity ({m.active} of {m.capacity}) while students "
                        f"wait for {m.industry}: ask whether they can take one more, or recruit"
                    )
        for s in self.stale:
            items.append(
                f"Ask `{s.slug}` to confirm their profile: last confirmed "
                f"{s.confirmed.isoformat()} ({s.days} days ago)"
            )
        lines += [f"- {item}" for item in items] or ["Nothing waits for you."]
        return [*lines, ""]

    def to_markdown(self) -> str:
        """The private report staff read every morning: Your action first, then every stage."""
        when = self.started.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        lines = [f"# Nightly run {when}" + (" (dry run)" if self.dry_run else ""), ""]
        if self.dry_run:
            lines += ["*Dry run: nothing was written to the sheet and no invite was sent.*", ""]
        if self.lock_note:
            lines += [f"> {self.lock_note}", ""]
        lines += self.your_action()
        lines += ["## Counts", "", *_count_table(self.counts())]
        settled = self.match.settled if self.match else None
        if settled and (settled.withdrawn or settled.rewaiting or settled.closed):
            lines += ["## Lifecycle", ""]
            lines += [
                f"- Match {m}: cancelled because its request was withdrawn"
                for m in settled.withdrawn
            ]
            lines += [
                f"- Request {r}: back to waiting after its match ended before the first session"
                for r in settled.rewaiting
            ]
            lines += [
                f"- Match {m}: cancelled after its first session, so closed (the request stays "
                "matched; the student is not matched again)"
                for m in settled.closed
            ]
            lines.append("")
        if self.unlisted_slugs or (self.contacts and self.contacts.added):
            added = self.contacts.added if self.contacts else 0
            lines += ["## Mentors without a roster row", ""]
            lines += [f"The Mentor contact form added {added} row(s) to the Mentors tab.", ""]
            lines += [
                f"- `{slug}`: not matched until the Mentors tab has their email"
                for slug in self.unlisted_slugs
            ]
            lines.append("")
        if self.invites and self.invites.moved:
            lines += ["## Moved after a decline", ""]
            lines += [
                f"- Match {mid}: declined once; the old event was cancelled and a new invite sent"
                for mid in self.invites.moved
            ]
            lines.append("")
        if self.invites and self.invites.no_time:
            lines += ["## No common time yet", ""]
            lines += [f"- Match {mid}: {reason}" for mid, reason in self.invites.no_time]
            lines.append("")
        if self.sync:
            lines += [self.sync.to_markdown(), ""]
        if self.match:
            lines += [self.match.to_markdown(), ""]
        if self.invites:
            lines += ["## Invites", ""]
            lines += self._invite_table()
            lines += [f"- {line}" for line in self.invites.summary()]
            lines.append("")
        if self.checkins and self.checkins.enabled:
            lines += [self.checkins.private_markdown(), ""]
        if self.relationship:
            lines += self.relationship.private_lines()
        if self.messages:
            lines += [self.messages.private_markdown(), ""]
        return "\n".join(lines).rstrip() + "\n"

    def _invite_table(self) -> list[str]:
        assert self.invites is not None
        already = set(self.invites.already_sent)
        failed = {mid for mid, _ in self.invites.errors}
        rows = []
        for invite in self.invites.invites:
            if invite.mentor is None or invite.student is None:
                continue
            state = (
                "to send"
                if self.dry_run
                else "already there"
                if invite.match_id in already
                else "not sent"
                if invite.match_id in failed
                else "sent"
            )
            rows.append(
                f"| {invite.match_id} | {state} | {describe_local(invite.slot, invite.mentor.timezone)} "
                f"| {describe_local(invite.slot, invite.student.timezone)} |"
            )
        if not rows:
            return []
        head = ["| Match | Invite | Mentor's time | Student's time |", "| --- | --- | --- | --- |"]
        return [*head, *rows, ""]


def _count_table(counts: dict[str, int]) -> list[str]:
    return [
        "| " + " | ".join(k.capitalize() for k in counts) + " |",
        "|" + " ---: |" * len(counts),
        "| " + " | ".join(str(v) for v in counts.values()) + " |",
        "",
    ]


def report_rows(markdown: str) -> list[list[str]]:
    """The private report as sheet rows: a table line becomes cells, any other line one cell."""
    rows: list[list[str]] = []
    for line in markdown.splitlines():
        text = line.strip()
        if text.startswith("|") and text.endswith("|"):
            cells = [c.strip() for c in text[1:-1].split(" | ")]
            if all(set(c) <= set("-: ") for c in cells):
                continue  # the Markdown separator row
            rows.append(cells)
        else:
            rows.append([line])
    return rows
