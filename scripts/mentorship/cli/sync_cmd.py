"""`mentorship sync`: read the form's responses into the Requests tab of the ledger."""

from __future__ import annotations

import datetime as dt
import logging

import click

from ..backends import open_spreadsheet
from ..config import load_config
from ..intake import run_sync
from ..profiles.load import load_profiles
from . import main

log = logging.getLogger(__name__)


@main.command()
@click.option("--dry-run", is_flag=True, help="Work out and print the changes; write nothing.")
@click.pass_context
def sync(ctx: click.Context, dry_run: bool) -> None:
    """Read every form response into the Requests tab, with a status for each.

    Exit 0 when all is well, 1 when some requests are invalid and need staff, 2 on a
    configuration or access error.
    """
    config = load_config()
    profiles = load_profiles(config.mentors_path)
    if profiles.problems:
        # Preferred mentors are checked against valid profiles only.
        log.warning(
            "%d mentor profile problem(s); run `mentorship validate`. Requests naming those "
            "mentors get a note and no preferred mentor.",
            len(profiles.problems),
        )
    spreadsheet = open_spreadsheet(config)
    report = run_sync(
        spreadsheet,
        config,
        profiles.taxonomy,
        profiles.mentors,
        now=dt.datetime.now(dt.UTC),
        dry_run=dry_run,
    )
    for line in report.summary():
        click.echo(line)
    if dry_run:
        click.echo("Dry run: nothing was written.")
    ctx.exit(1 if report.needs_attention else 0)
