"""`mentorship messages`: email students and mentors what the ledger says is due, at most once."""

from __future__ import annotations

import os

import click

from . import main


@main.command()
@click.option("--dry-run", is_flag=True, help="List the messages that would go out; send nothing.")
@click.option(
    "--preview",
    "preview_dir",
    type=click.Path(file_okay=False),
    help="With --dry-run: also write each message as an .eml file into this folder.",
)
@click.option("--now", "now_text", hidden=True, help="Run as of this ISO time (for replays).")
@click.pass_context
def messages(
    ctx: click.Context, dry_run: bool, preview_dir: str | None, now_text: str | None
) -> None:
    """Send the messages the ledger calls for (invalid answers, still waiting, matched, ...).

    Every message gets a row in the Outbox tab before it is sent and is never sent twice; the
    nightly run does the same after its invites. Takes the ledger lock (a dry run does not).
    Exit 0 when all went out, 1 when some failed or may have gone out (Outbox rows `failed` or
    `unknown`), 2 on a configuration or access error.

    Example: mentorship messages --dry-run --preview /tmp/preview
    """
    from pathlib import Path

    from ..backends import open_mailer, open_spreadsheet
    from ..config import load_config
    from ..errors import ConfigError
    from ..lock import acquire
    from ..messages.stage import effective_backend, run_messages
    from ..profiles import load_profiles
    from .nightly_cmd import _now, _settle

    if preview_dir and not dry_run:
        raise ConfigError("--preview only goes with --dry-run.")
    now = _now(now_text)
    config = load_config()
    profiles = load_profiles(config.mentors_path)
    spreadsheet = open_spreadsheet(config)
    if dry_run:
        from ..messages.eml import EmlFolder

        preview = EmlFolder(Path(preview_dir)) if preview_dir else None
        report = run_messages(
            spreadsheet, None, profiles.mentors, config, now, dry_run=True, preview=preview
        )
    else:
        mailer = open_mailer(config)
        if mailer is None:
            click.echo(
                f'Messages are off (backend "{effective_backend(config)}"): set backend to '
                '"smtp" or "gmail" in [tool.mentorship.messages].'
            )
            ctx.exit(0)
        lock = acquire(spreadsheet, now, settle=_settle())
        try:
            report = run_messages(spreadsheet, mailer, profiles.mentors, config, now)
        except BaseException as exc:
            lock.release(now, f"error: {type(exc).__name__}")
            raise
        lock.release(now, "ok" if not report.needs_attention else "ok, needs attention")
    public = os.environ.get("GITHUB_ACTIONS") == "true"
    for planned in report.previews:
        if not public:
            click.echo(f"Would send {planned.message_id} to {planned.to}: {planned.subject}")
    click.echo(report.public_markdown() if public else report.private_markdown())
    if dry_run:
        click.echo("Dry run: nothing was written or sent.")
    ctx.exit(1 if report.needs_attention else 0)
