"""The nightly run: lock → sync → match → invite → check-ins → relationship → messages → unlock,
and reports.

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

from .calendar import Calendar
from .calendar.stage import run_invites
from .checkin_secret import checkin_secret
from .config import Config
from .errors import LockedError, MentorshipError
from .intake import run_sync
from .ledger import Spreadsheet, WriteBatch, apply_batch
from .lock import DEFAULT_SETTLE, Claim, acquire, holder_of
from .matching.stage import run_match
from .messages.send import Mailer
from .messages.stage import run_messages
from .nightly_report import REPORT_FILE, REPORT_TAB, NightlyReport, report_rows, stale_profiles
from .open_places import open_places, to_json
from .outcomes.figures import Figures, ledger_figures
from .outcomes.figures_file import configured_term
from .outcomes.figures_file import write_figures as write_figures_file
from .profiles import ProfileSet
from .profiles.models import Mentor
from .relationship.checkins import run_checkins
from .relationship.stage import run_relationship
from .roster import reachable_mentors, sync_contact_form

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
    """Sync, match, invite and follow up under the ledger lock; return the report (see above).

    `now` is the run's time for every stage (one run, one timestamp); the lock's heartbeat adds
    the time elapsed since the start. Raises LockedError when another run holds the lock, and
    whatever a stage raises (ConfigError, AccessError, LedgerError) after releasing the lock.
    Messages go out after the invites through `mailer` (None: messages are off).
    """
    began = clock()
    checkin_secret(config, create=False)  # a missing secret stops the run before any write

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
        report.checkins = run_checkins(preview, config, now, dry_run=True)
        report.relationship = run_relationship(
            preview, calendar, reachable, config, now, dry_run=True
        )
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
        lock.refresh(lock_now())
        report.checkins = run_checkins(spreadsheet, config, now)
        lock.refresh(lock_now())
        report.relationship = run_relationship(spreadsheet, calendar, reachable, config, now)
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
    report.unlisted_slugs = reachable.unlisted
    return reachable.mentors


def write_private_report(config: Config, spreadsheet: Spreadsheet, markdown: str) -> str:
    """Replace the private report: the `Report` tab, or `Report.md` beside the local ledger.

    Returns where it went, for the public log (a place, never its content). The tab is
    rewritten whole, blanking what is left of a longer earlier report, in one write.
    """
    if config.backend == "local":
        path = config.local_path / REPORT_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(markdown, encoding="utf-8")
        return str(path.relative_to(config.root))
    rows = report_rows(markdown)
    old = spreadsheet.read([REPORT_TAB]).get(REPORT_TAB)
    batch = WriteBatch()
    if old is None:
        batch.new_tabs[REPORT_TAB] = rows[0]
    old = old or []
    width = max([len(r) for r in rows + old] or [1])
    for i in range(max(len(rows), len(old))):
        cells = rows[i] if i < len(rows) else []
        for j in range(width):
            value = cells[j] if j < len(cells) else ""
            before = old[i][j] if i < len(old) and j < len(old[i]) else ""
            if value != before:
                batch.updates.append((REPORT_TAB, i + 1, j + 1, value))
    spreadsheet.write(batch)
    return f"the {REPORT_TAB!r} tab of the ledger spreadsheet"


def write_open_places(config: Config, report: NightlyReport, profiles: ProfileSet) -> bool:
    """Write the directory's PII-free status (slug -> open places); True when it changed."""
    live = dict(report.match.live) if report.match else {}
    # Matches the relationship stage completed after matching counted them free their place.
    for slug in report.relationship.freed if report.relationship else ():
        live[slug] = max(live.get(slug, 0) - 1, 0)
    today = report.started.astimezone(dt.UTC).date()
    text = to_json(open_places(profiles.mentors, live, today, config.matching.max_profile_age_days))
    path = config.open_places_path
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


def programme_figures_now(
    config: Config, spreadsheet: Spreadsheet, profiles: ProfileSet, report: NightlyReport
) -> Figures:
    """The configured term's PII-free figures after the run (one read); kept on the report
    for the job summary's chart."""
    figures = ledger_figures(
        spreadsheet,
        configured_term(config),
        report.started,
        profiles.mentors,
        config.matching.max_profile_age_days,
        profiles.taxonomy.industries,
        profiles.taxonomy.languages,
    )
    report.figures = figures.to_dict()
    return figures


def write_figures(config: Config, figures: Figures) -> bool:
    """Write the PII-free figures file beside the open places; True when it changed."""
    return write_figures_file(config.figures_path, figures)
