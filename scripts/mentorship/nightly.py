"""The nightly run: lock → sync → match → invite → unlock, and a Markdown report for staff.

Each stage reads what the previous one wrote to the ledger and writes its own result back, so
the run is safe by construction:

- run twice in a row, the second run finds nothing to do and writes nothing to Requests or
  Matches (each run does add one row to the `Runs` tab: that is the lock, and the run log);
- killed at any point, the next run finishes the work: sync and match key their rows by stable
  ids, and an invite's event id is derived from its match id, so a re-sent invite comes back as
  "already there" instead of mailing anyone twice;
- two runs at once cannot both work: the first takes the ledger lock (`mentorship.lock`), the
  second stops with LockedError (exit 2).

A dry run takes no lock and changes nothing: the stages run against an in-memory copy of the
ledger (`PreviewSpreadsheet`), so the match stage sees the requests sync would add and the
invite stage the matches matching would make, and the invite stage only plans its invites.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .calendar import Calendar
from .calendar.stage import InviteReport, run_invites
from .config import Config
from .errors import LockedError, MentorshipError
from .intake import SyncReport, run_sync
from .ledger import Spreadsheet, WriteBatch, apply_batch
from .lock import DEFAULT_SETTLE, Claim, acquire, holder_of
from .matching.stage import MatchReport, run_match
from .messages.send import Mailer
from .messages.stage import MessagesReport, run_messages
from .profiles import ProfileSet
from .profiles.models import Mentor
from .roster import ContactSyncReport, reachable_mentors, sync_contact_form
from .scheduling import describe_local

log = logging.getLogger(__name__)


class PreviewSpreadsheet:
    """A spreadsheet whose writes stay in memory: what a dry run hands the stages.

    Each tab is read from the real spreadsheet once, the first time a stage asks for it; writes
    are applied to the copy the way the backends apply them, and never sent.
    """

    def __init__(self, base: Spreadsheet):
        self.base = base
        self.tabs: dict[str, list[list[str]] | None] = {}

    def read(self, titles: Sequence[str]) -> dict[str, list[list[str]] | None]:
        """The tabs as the real spreadsheet has them, with this run's writes applied."""
        missing = [t for t in titles if t not in self.tabs]
        if missing:
            self.tabs.update(self.base.read(missing))
        return {t: copy.deepcopy(self.tabs[t]) for t in titles}

    def write(self, batch: WriteBatch) -> None:
        """Apply the batch to the in-memory copy only."""
        # A stage may write a tab it never read (the backends read it themselves).
        missing = {t for t, *_ in batch.updates} | set(batch.appends)
        missing -= set(self.tabs)
        if missing:
            self.tabs.update(self.base.read(sorted(missing)))
        apply_batch(self.tabs, batch)


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
    """What one nightly run did (or, dry, would do). Row numbers and ids only: no student data."""

    started: dt.datetime
    dry_run: bool = False
    run_id: str = ""
    sync: SyncReport | None = None
    match: MatchReport | None = None
    invites: InviteReport | None = None
    messages: MessagesReport | None = None
    stale: list[StaleProfile] = field(default_factory=list)
    profile_problems: int = 0
    lock_note: str = ""
    max_profile_age_days: int = 0
    # Mentors with no usable roster row (not matched); a count only, the list is staff's
    # (`mentorship roster check`), as the report is public on GitHub.
    unlisted: int = 0
    contacts: ContactSyncReport | None = None

    @property
    def attention(self) -> list[str]:
        """Everything staff should act on: invalid rows (by sheet row) and failed invites."""
        items = []
        if self.sync:
            items += [f"Requests row {i.request_row}: {i.reason}" for i in self.sync.invalid]
        if self.invites:
            items += [f"Match {mid}: {message}" for mid, message in self.invites.errors]
        if self.contacts:
            items += self.contacts.attention
        if self.unlisted:
            items.append(
                f"{self.unlisted} mentor(s) have no row in the Mentors tab and are not matched: "
                "run `mentorship roster check`"
            )
        if self.profile_problems:
            items.append(
                f"{self.profile_problems} mentor profile problem(s): run `mentorship validate`"
            )
        return items

    @property
    def needs_attention(self) -> bool:
        """True when some row or invite needs staff (`mentorship nightly --strict` exits 1)."""
        return bool(self.attention)

    def counts(self) -> dict[str, int]:
        """The headline numbers of the run."""
        made = len(self.match.matches) if self.match else 0
        if self.invites:
            sent = len(self.invites.invites) if self.dry_run else len(self.invites.sent)
        else:
            sent = 0
        return {
            "new requests": self.sync.new if self.sync else 0,
            "need attention": len(self.attention),
            "matches proposed"
            if self.match and self.match.approval == "manual"
            else "matches made": made,
            "invites sent" if not self.dry_run else "invites to send": sent,
            "no time yet": len(self.invites.no_time) if self.invites else 0,
            "waiting": len(self.match.waiting) if self.match else 0,
            "stale profiles": len(self.stale),
        }

    def to_markdown(self) -> str:
        """The run report staff read every morning (GitHub's job summary renders it)."""
        when = self.started.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        lines = [f"## Nightly run {when}" + (" (dry run)" if self.dry_run else ""), ""]
        if self.dry_run:
            lines += ["*Dry run: nothing was written to the sheet and no invite was sent.*", ""]
        if self.lock_note:
            lines += [f"> {self.lock_note}", ""]
        counts = self.counts()
        lines += [
            "| " + " | ".join(k.capitalize() for k in counts) + " |",
            "|" + " ---: |" * len(counts),
            "| " + " | ".join(str(v) for v in counts.values()) + " |",
            "",
        ]
        lines += ["### Needs staff attention", ""]
        lines += [f"- {item}" for item in self.attention] or ["Nothing."]
        lines.append("")
        if self.invites and self.invites.no_time:
            lines += ["### No common time yet", ""]
            lines += [f"- Match {mid}: {reason}" for mid, reason in self.invites.no_time]
            lines.append("")
        lines += [f"### Mentor profiles not confirmed for {self.max_profile_age_days} days", ""]
        lines += [
            f"- `{s.slug}`: last confirmed {s.confirmed.isoformat()} ({s.days} days ago)"
            for s in self.stale
        ] or ["None."]
        lines.append("")
        if self.contacts and (self.contacts.added or self.unlisted):
            lines += [
                f"Mentor contact form: {self.contacts.added} new roster row(s); "
                f"{self.unlisted} mentor(s) without a roster row.",
                "",
            ]
        if self.sync:
            lines += [self.sync.to_markdown(), ""]
        if self.match:
            lines += [self.match.to_markdown(), ""]
        if self.invites:
            lines += ["### Invites", ""]
            lines += self._invite_table()
            lines += [f"- {line}" for line in self.invites.summary()]
            lines.append("")
        if self.messages:
            lines += [self.messages.public_markdown(), ""]
        return "\n".join(lines).rstrip() + "\n"

    def _invite_table(self) -> list[str]:
        # Match ids, mentor slugs and times only: run summaries of a public repository are
        # public, and staff find the student by the match id in the sheet.
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


def run_nightly(
    config: Config,
    spreadsheet: Spreadsheet,
    calendar: Calendar,
    profiles: ProfileSet,
    now: dt.datetime,
    dry_run: bool = False,
    *,
    holder: str | None = None,
    settle: float = DEFAULT_SETTLE,
    clock: Callable[[], float] = time.monotonic,
    mailer: Mailer | None = None,
) -> NightlyReport:
    """Sync, match and invite under the ledger lock; return the report (see the module docstring).

    `now` is the run's time for every stage (one run, one timestamp); the lock's heartbeat adds
    the time elapsed since the start. Raises LockedError when another run holds the lock, and
    whatever a stage raises (ConfigError, AccessError, LedgerError) after releasing the lock.
    Messages go out after the invites through `mailer` (None: messages are off).
    """
    began = clock()

    def lock_now() -> dt.datetime:
        return now + dt.timedelta(seconds=clock() - began)

    report = NightlyReport(
        started=now,
        dry_run=dry_run,
        max_profile_age_days=config.matching.max_profile_age_days,
        profile_problems=len(profiles.problems),
    )
    report.stale = stale_profiles(
        profiles, now.astimezone(dt.UTC).date(), config.matching.max_profile_age_days
    )
    mentors = profiles.mentors
    if dry_run:
        claim: Claim | None = holder_of(spreadsheet, now)
        if claim is not None:
            report.lock_note = (
                f"Another run holds the ledger lock ({claim.describe()}); this preview reads a "
                "ledger that may be changing."
            )
        preview = PreviewSpreadsheet(spreadsheet)
        reachable = _contacts(report, preview, profiles, config, now)
        report.sync = run_sync(preview, config, profiles.taxonomy, mentors, now)
        report.match = run_match(preview, reachable, config, now)
        report.invites = run_invites(preview, calendar, reachable, config, now, dry_run=True)
        if mailer is not None:
            report.messages = run_messages(preview, None, reachable, config, now, dry_run=True)
        for stage in (report.sync, report.match):
            stage.dry_run = True
        return report

    lock = acquire(spreadsheet, now, holder=holder, settle=settle)
    report.run_id = lock.run_id
    log.info("nightly: run %s holds the ledger lock", lock.run_id)
    try:
        reachable = _contacts(report, spreadsheet, profiles, config, now)
        report.sync = run_sync(spreadsheet, config, profiles.taxonomy, mentors, now)
        lock.refresh(lock_now())
        report.match = run_match(spreadsheet, reachable, config, now)
        lock.refresh(lock_now())
        report.invites = run_invites(spreadsheet, calendar, reachable, config, now)
        if mailer is not None:
            lock.refresh(lock_now())
            report.messages = run_messages(spreadsheet, mailer, reachable, config, now)
    except LockedError:
        raise  # our claim was taken over: it is not ours to release
    except MentorshipError as exc:
        lock.release(lock_now(), f"error: {type(exc).__name__}")
        raise
    except BaseException:
        # A bug or Ctrl-C: release so the next run need not wait for the claim to expire.
        try:
            lock.release(lock_now(), "error: interrupted")
        except Exception:
            log.warning("nightly: could not release the ledger lock")
        raise
    outcome = "ok, needs attention" if report.needs_attention else "ok"
    lock.release(lock_now(), outcome)
    return report


def _contacts(
    report: NightlyReport,
    spreadsheet: Spreadsheet,
    profiles: ProfileSet,
    config: Config,
    now: dt.datetime,
) -> list[Mentor]:
    """Sync the contact form into the roster; the mentors it can reach, with their address."""
    roster = config.roster
    report.contacts = sync_contact_form(
        spreadsheet,
        roster.worksheet,
        roster.contact_worksheet,
        {m.slug for m in profiles.mentors},
        now,
    )
    reachable = reachable_mentors(spreadsheet, profiles.mentors, roster.worksheet)
    report.unlisted = len(reachable.unlisted)
    return reachable.mentors
