"""`mentorship invite`: a first session and a calendar invite for every approved match."""

from __future__ import annotations

import datetime as dt
import logging

import click

from ..backends import open_calendar, open_spreadsheet
from ..calendar.stage import InviteReport, run_invites
from ..config import load_config
from ..profiles.load import load_profiles
from ..roster import reachable_mentors
from . import main

log = logging.getLogger(__name__)


def report_lines(report: InviteReport) -> list[str]:
    """Each invite with both local times (the student masked), then the summary."""
    already = set(report.already_sent)
    failed = {match_id for match_id, _ in report.errors}
    lines = []
    for invite in report.invites:
        if report.dry_run:
            label = "Would send"
        elif invite.match_id in already:
            label = "Already sent (recorded)"
        elif invite.match_id in failed:
            label = "Not sent"
        else:
            label = "Sent"
        lines.append(f"{label} {invite.preview()}")
    if report.cancelled:
        verb = "Would cancel" if report.dry_run else "Cancelled"
        lines.append(f"{verb} the event of: {', '.join(report.cancelled)}")
    return [*lines, *report.summary()]


@main.command()
@click.option("--dry-run", is_flag=True, help="Find the times and print the invites; send nothing.")
@click.pass_context
def invite(ctx: click.Context, dry_run: bool) -> None:
    """Send calendar invites for approved matches; cancel the events of cancelled ones.

    Sessions are the earliest time both people can make (see [tool.mentorship.schedule]).
    Exit 0 when all is well, 1 when some matches need staff, 2 on a configuration or access
    error.
    """
    config = load_config()
    profiles = load_profiles(config.mentors_path)
    if profiles.problems:
        log.warning(
            "%d mentor profile problem(s); run `mentorship validate`. Matches with those "
            "mentors are reported and not invited.",
            len(profiles.problems),
        )
    spreadsheet = open_spreadsheet(config)
    calendar = open_calendar(config)
    report = run_invites(
        spreadsheet,
        calendar,
        reachable_mentors(spreadsheet, profiles.mentors, config.roster.worksheet).mentors,
        config,
        now=dt.datetime.now(dt.UTC),
        dry_run=dry_run,
    )
    for line in report_lines(report):
        click.echo(line)
    if dry_run:
        click.echo("Dry run: nothing was sent or written.")
    ctx.exit(1 if report.needs_attention else 0)
