"""The `mentorship` command line: a thin click layer over the core.

Every command module registers itself on `main`; this module only sets up logging and turns
the core's `MentorshipError`s into a message and an exit code (0 ok, 1 user-fixable problems,
2 configuration or access error) instead of a traceback.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

from ..errors import MentorshipError, ProblemsFound


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ProblemsFound as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            ctx.exit(exc.exit_code)
        except MentorshipError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except Exception as exc:
            # google-auth's refresh and transport failures escape every client library.
            if not type(exc).__module__.startswith("google.auth"):
                raise
            from ..google_api import CREDENTIAL_ERRORS, credential_failure

            if not isinstance(exc, CREDENTIAL_ERRORS):
                raise
            error = credential_failure(exc)
            click.echo(f"Error: {error}", err=True)
            ctx.exit(error.exit_code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, help="Say more (repeat for debug output).")
@click.option("-q", "--quiet", is_flag=True, help="Only warnings and errors.")
@click.version_option(package_name="alumni-mentorship")
def main(verbose: int, quiet: bool) -> None:
    """Alumni mentoring toolkit: profiles, directory, intake, matching and invites."""
    level = logging.WARNING if quiet else logging.DEBUG if verbose > 1 else logging.INFO
    logging.basicConfig(level=level, format="%(message)s", stream=sys.stderr)


# Command modules, one per stage; importing one registers its commands on `main`.
from . import (  # noqa: E402,F401
    invite_cmd,
    issue_form_cmds,
    match_cmd,
    messages_cmd,
    nightly_cmd,
    profiles_cmds,
    report_cmd,
    roster_cmds,
    site_cmd,
    sync_cmd,
)
