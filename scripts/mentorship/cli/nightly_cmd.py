"""Commands for the whole job: `nightly` (sync, match, invite under the run lock) and `doctor`."""

from __future__ import annotations

import click

from ..doctor import diagnose, exit_code
from . import main


@main.command()
@click.pass_context
def doctor(ctx: click.Context) -> None:
    """Check the configuration, credentials, sheet, form questions and calendar; print each fix.

    Reads only. Exit 0 when every line is green, 2 otherwise.
    """
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
