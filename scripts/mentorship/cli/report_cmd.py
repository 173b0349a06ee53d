"""`mentorship report`: the programme's PII-free figures for a term, as a table or JSON."""

from __future__ import annotations

from pathlib import Path

import click

from . import main


@main.command()
@click.option(
    "--term",
    "term_text",
    metavar="START:END",
    help="First and last day, like 2026-09-01:2026-12-19 (either may be left empty). "
    "Default: up to term_end of [tool.mentorship.relationship], or all time.",
)
@click.option(
    "--json",
    "json_path",
    type=click.Path(dir_okay=False, writable=True),
    help="Also write the figures as JSON (the same PII-free file the nightly publishes).",
)
@click.option("--now", "now_text", hidden=True, help="As of this ISO time (for replays).")
def report(term_text: str | None, json_path: str | None, now_text: str | None) -> None:
    """Print the programme's figures: requests, matches, sessions, ratings, mentors, demand.

    Reads the Requests, Matches and Sessions tabs once and writes nothing to the ledger. Every
    figure about fewer than 5 people shows as "fewer than 5"; nothing names a student or pairs
    one with a mentor, so the output may be shared. Exit 0, or 2 on a configuration or access
    error (a bad --term is a usage error, also 2).

    Example: mentorship report --term 2026-09-01:2026-12-19 --json figures.json
    """
    from ..backends import open_spreadsheet
    from ..config import load_config
    from ..outcomes.figures import ledger_figures, parse_term
    from ..outcomes.figures_file import configured_term, to_json
    from ..outcomes.render import figures_text
    from ..profiles import load_profiles
    from .nightly_cmd import _now

    config = load_config()
    term = configured_term(config)
    if term_text is not None:
        try:
            term = parse_term(term_text)
        except ValueError as exc:
            raise click.BadParameter(
                f"{exc}. Give the first and last day as START:END, like 2026-09-01:2026-12-19 "
                "(leave a side empty for an open end, e.g. :2026-12-19).",
                param_hint="--term",
            ) from None
    now = _now(now_text)
    profiles = load_profiles(config.mentors_path)
    figures = ledger_figures(
        open_spreadsheet(config),
        term,
        now,
        profiles.mentors,
        config.matching.max_profile_age_days,
        profiles.taxonomy.industries,
        profiles.taxonomy.languages,
    )
    click.echo(figures_text(figures.to_dict()), nl=False)
    if json_path:
        Path(json_path).write_text(to_json(figures), encoding="utf-8")
        click.echo(f"Written: {json_path}.")
