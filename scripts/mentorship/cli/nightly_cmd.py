"""Commands for the whole job: `nightly` (sync, match, invite under the run lock) and `doctor`."""

from __future__ import annotations

import datetime as dt
import os

import click

from ..errors import ConfigError
from . import main

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
@click.option("--now", "now_text", hidden=True, help="Run as of this ISO time (for replays).")
@click.pass_context
def nightly(ctx: click.Context, dry_run: bool, strict: bool, now_text: str | None) -> None:
    """Sync the form's answers, match students to mentors, send invites and messages, under a lock.

    Prints a Markdown run report, and appends it to $GITHUB_STEP_SUMMARY when that is set.
    Exit 0 when the run finished (rows needing attention are listed in the report; with
    --strict they make it exit 1), 2 on a configuration or access error or when another run
    holds the ledger lock.
    """
    # Imported here so that `mentorship --help` and the other commands stay quick (scipy).
    from ..backends import open_calendar, open_mailer, open_spreadsheet
    from ..config import load_config
    from ..nightly import run_nightly
    from ..profiles import load_profiles

    now = _now(now_text)
    config = load_config()
    profiles = load_profiles(config.mentors_path)
    spreadsheet = open_spreadsheet(config)
    calendar = open_calendar(config)
    mailer = open_mailer(config)
    report = run_nightly(
        config,
        spreadsheet,
        calendar,
        profiles,
        now,
        dry_run=dry_run,
        settle=_settle(),
        mailer=mailer,
    )
    markdown = report.to_markdown()
    click.echo(markdown)
    summary = os.environ.get("GITHUB_STEP_SUMMARY", "").strip()
    if summary:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(markdown + "\n")
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for item in report.attention:
            click.echo(f"::warning title=Needs staff attention::{_one_line(item)}")
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
