"""Commands for the private roster of mentors' contact details: `roster import`, `roster check`."""

from __future__ import annotations

import datetime as dt

import click

from ..backends import open_spreadsheet
from ..config import load_config
from ..profiles import load_profiles
from . import main


@main.group()
def roster() -> None:
    """The private roster: mentors' email addresses, kept out of the public repository."""


@roster.command("import")
@click.option("--dry-run", is_flag=True, help="Say what would move; change nothing.")
def import_(dry_run: bool) -> None:
    """Move the `email:` lines of every profile into the roster and delete them from the files.

    The roster gets one row per mentor not listed yet; the files are changed in your working
    tree for you to review and commit. Then follow the printed steps to purge the addresses
    from the repository's history. Exit 0, or 1 when some profiles need a person.

    Example: mentorship roster import --dry-run
    """
    from ..roster_import import PURGE_ADVICE, import_emails

    config = load_config()
    sheet = open_spreadsheet(config)
    purge_file = config.local_path / "roster-purge.txt"
    report = import_emails(
        config.mentors_path,
        sheet,
        config.roster.worksheet,
        purge_file,
        dt.datetime.now(dt.UTC),
        dry_run=dry_run,
    )
    verb = "Would move" if dry_run else "Moved"
    click.echo(
        f"{verb} the email of {len(report.moved)} profile(s) into the {config.roster.worksheet} "
        f"tab ({len(report.already_listed)} already listed there)."
    )
    for shown in report.moved:
        click.echo(f"  {shown}")
    for problem in report.problems:
        click.echo(problem, err=True)
    if report.moved and not dry_run:
        click.echo()
        shown_purge = (
            purge_file.relative_to(config.root)
            if purge_file.is_relative_to(config.root)
            else purge_file
        )
        click.echo(PURGE_ADVICE.format(purge_file=shown_purge))
    raise SystemExit(1 if report.problems else 0)


@roster.command()
def check() -> None:
    """List the mentors the roster cannot reach, and rows of the roster that are unusable.

    Run it on your own computer: it names mentors (by slug). Exit 0 when every mentor with a
    valid profile has a usable row, 1 otherwise.
    """
    from ..roster import read_roster, with_contacts

    config = load_config()
    title = config.roster.worksheet
    found = read_roster(open_spreadsheet(config), title)
    mentors = load_profiles(config.mentors_path).mentors
    if not found.exists:
        click.echo(
            f"There is no {title} tab yet: no mentor can be matched. Run `mentorship roster "
            "import`, or add the tab (see the setup guide)."
        )
        raise SystemExit(1)
    for problem in found.problems:
        click.echo(problem)
    unlisted = with_contacts(mentors, found).unlisted
    for slug in unlisted:
        click.echo(f"{slug}: no row in the {title} tab; not matched until it has one")
    orphans = sorted(set(found.contacts) - {m.slug for m in mentors})
    for slug in orphans:
        click.echo(f"{slug}: in the {title} tab but there is no valid mentors/{slug}.yml")
    click.echo(
        f"{len(mentors) - len(unlisted)} of {len(mentors)} mentors reachable; "
        f"{len(found.problems)} unusable row(s)."
    )
    raise SystemExit(1 if unlisted or found.problems else 0)
