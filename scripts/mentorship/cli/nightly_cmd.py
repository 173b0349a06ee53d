"""Commands for the whole job: `nightly` (sync, match, invite under the run lock) and `doctor`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
from pathlib import Path

import click

from ..errors import ConfigError, MentorshipError
from . import main

log = logging.getLogger(__name__)

SETTLE_ENV = "MENTORSHIP_LOCK_SETTLE_SECONDS"


def _now(text: str | None) -> dt.datetime:
    if not text:
        return dt.datetime.now(dt.UTC)
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(f"--now {text!r} is not an ISO time like 2026-11-28T03:17:00Z.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _settle() -> float:
    from ..lock import DEFAULT_SETTLE

    text = os.environ.get(SETTLE_ENV, "").strip()
    try:
        return float(text) if text else DEFAULT_SETTLE
    except ValueError:
        raise ConfigError(f"{SETTLE_ENV}={text!r} must be a number of seconds.") from None


def _one_line(text: str) -> str:
    # Workflow commands end at a newline; '%' starts an escape.
    return text.replace("%", "%25").replace("\r", " ").replace("\n", " ")


@main.command()
@click.option(
    "--dry-run", is_flag=True, help="Read everything and print the report; change nothing."
)
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 1 when rows or invites need staff attention (default: report them, exit 0).",
)
@click.option(
    "--approval",
    type=click.Choice(["auto", "manual"]),
    help="Override [tool.mentorship] approval for this run (`make demo` uses auto).",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, writable=True),
    help="Also write the private report to this file (the only place a dry run writes it).",
)
@click.option("--now", "now_text", hidden=True, help="Run as of this ISO time (for replays).")
@click.pass_context
def nightly(
    ctx: click.Context,
    dry_run: bool,
    strict: bool,
    approval: str | None,
    report_path: str | None,
    now_text: str | None,
) -> None:
    """Sync the form's answers, match, send invites, read check-ins, send messages, under a lock.

    Prints a summary of counts only (appended to $GITHUB_STEP_SUMMARY when that is set: on a
    public repository it is public). The private report, with rows, matches, names and times,
    replaces the ledger's `Report` tab (local backend: Report.md beside the ledger), and the
    directory's open places are written to `open_places_file` and the programme's PII-free
    figures to `figures_file` (charted in the summary). A dry run writes none of these.
    Exit 0 when the run finished (what needs staff is in the report; with --strict it makes
    it exit 1), 2 on a configuration or access error or when another run holds the lock.

    Example: mentorship nightly --dry-run --report /tmp/preview.md
    """
    # Imported here so that `mentorship --help` and the other commands stay quick (scipy).
    from ..backends import open_calendar, open_mailer, open_spreadsheet
    from ..config import load_config
    from ..nightly import (
        programme_figures_now,
        run_nightly,
        write_figures,
        write_open_places,
        write_private_report,
    )
    from ..profiles import load_profiles

    now = _now(now_text)
    config = load_config()
    if approval:
        config = dataclasses.replace(config, approval=approval)
    profiles = load_profiles(config.mentors_path)
    spreadsheet = open_spreadsheet(config)
    calendar = open_calendar(config)
    report = run_nightly(
        config,
        spreadsheet,
        calendar,
        profiles,
        now,
        dry_run=dry_run,
        settle=_settle(),
        mailer=open_mailer(config),
    )
    private = report.to_markdown()
    places = []
    if report_path:
        Path(report_path).write_text(private, encoding="utf-8")
        places.append(report_path)
    if not dry_run:
        places.append(write_private_report(config, spreadsheet, private))
        if write_open_places(config, report, profiles):
            places.append(f"open places: {config.open_places_file} updated")
        try:
            figures = programme_figures_now(config, spreadsheet, profiles, report)
        except MentorshipError as exc:
            # The run's work is done and recorded; stale figures wait for the next night.
            log.warning("The programme figures were not updated: %s", exc)
        else:
            if write_figures(config, figures):
                places.append(f"figures: {config.figures_file} updated")
    public = report.public_markdown()
    click.echo(public)
    if places:
        click.echo("Written: " + "; ".join(places) + ".")
    summary = os.environ.get("GITHUB_STEP_SUMMARY", "").strip()
    if summary:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(public + "\n")
    waiting = len(report.attention) + (len(report.match.proposals) if report.match else 0)
    if os.environ.get("GITHUB_ACTIONS") == "true" and waiting:
        # A count only: the log of a public repository is public.
        click.echo(
            f"::warning title=Needs staff attention::{waiting} item(s) wait for staff: "
            "read Your action in the Report tab of the ledger spreadsheet."
        )
    ctx.exit(1 if strict and report.needs_attention else 0)


@main.command()
@click.pass_context
def doctor(ctx: click.Context) -> None:
    """Check the configuration, credentials, sheet, form questions and calendar; print each fix.

    Reads only. Exit 0 when every line is green, 2 otherwise.
    """
    from ..doctor import diagnose, exit_code

    findings = diagnose()
    for finding in findings:
        click.echo(finding.render())
    failed = sum(not f.ok for f in findings)
    click.echo()
    click.echo(
        "All green: try `mentorship nightly --dry-run` next."
        if not failed
        else f"{failed} check(s) failed: fix them in order and run `mentorship doctor` again."
    )
    ctx.exit(exit_code(findings))
