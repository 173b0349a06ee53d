"""`mentorship match`: turn waiting requests into matches in the ledger's Matches tab."""

from __future__ import annotations

import datetime as dt
import logging
import re

import click

from ..backends import open_spreadsheet
from ..config import load_config
from ..privacy import mask_email
from ..profiles.load import load_profiles
from ..roster import reachable_mentors
from . import main

log = logging.getLogger(__name__)

_EMAIL_RE = re.compile(r"[^\s@|;,<>()]+@[^\s@|;,<>()]+")


def masked(text: str) -> str:
    """`text` with anything that looks like an email address masked."""
    return _EMAIL_RE.sub(lambda m: mask_email(m.group(0)), text)


@main.command()
@click.option("--dry-run", is_flag=True, help="Work out and print the matches; write nothing.")
@click.pass_context
def match(ctx: click.Context, dry_run: bool) -> None:
    """Match new and waiting requests with mentors; print the matches and the demand report.

    New matches are `approved`, or `proposed` when approval is "manual". Exit 0 when all is
    well, 1 when some request rows could not be read and need staff, 2 on a configuration or
    access error.
    """
    config = load_config()
    profiles = load_profiles(config.mentors_path)
    if profiles.problems:
        log.warning(
            "%d mentor profile problem(s); those mentors are left out. Run `mentorship validate`.",
            len(profiles.problems),
        )
    spreadsheet = open_spreadsheet(config)
    # Imported here: scipy takes most of a second to load, and `mentorship --help` need not wait.
    from ..matching import run_match

    mentors = reachable_mentors(spreadsheet, profiles.mentors, config.roster.worksheet).mentors
    report = run_match(spreadsheet, mentors, config, now=dt.datetime.now(dt.UTC), dry_run=dry_run)
    click.echo(masked(report.to_markdown()), nl=False)
    if dry_run:
        click.echo("\nDry run: nothing was written.")
    ctx.exit(1 if report.needs_attention else 0)
