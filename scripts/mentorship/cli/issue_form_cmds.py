"""Commands for joining without YAML: `issue-form templates`, `prepare` and `publish`.

`prepare` and `publish` are what `.github/workflows/profile-from-issue.yml` runs. The issue's
text is read from the event payload file here, in Python; it never passes through a shell.
What they print goes to a public log: numbers and outcomes only, never the issue's text.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import click

from ..config import load_config
from ..errors import ConfigError
from . import main


@main.group("issue-form")
def issue_form() -> None:
    """The "Become a mentor" and "Update my profile" issue forms, and their workflow steps."""


@issue_form.command()
@click.option("--check", is_flag=True, help="Exit 1 when the committed forms are out of date.")
def templates(check: bool) -> None:
    """Write .github/ISSUE_TEMPLATE/ forms whose choices come from mentors/taxonomy.yml.

    Run it after changing the taxonomy, and commit the result.

    Example: mentorship issue-form templates
    """
    from ..issue_forms.templates import render_forms
    from ..profiles import load_taxonomy

    config = load_config()
    folder = config.root / ".github" / "ISSUE_TEMPLATE"
    forms = render_forms(load_taxonomy(config.mentors_path / "taxonomy.yml"))
    stale = [
        name
        for name, text in forms.items()
        if not (folder / name).is_file() or (folder / name).read_text(encoding="utf-8") != text
    ]
    if check:
        for name in stale:
            click.echo(f".github/ISSUE_TEMPLATE/{name} is out of date with mentors/taxonomy.yml")
        raise SystemExit(1 if stale else 0)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in forms.items():
        (folder / name).write_text(text, encoding="utf-8")
        click.echo(f"Wrote .github/ISSUE_TEMPLATE/{name}")


@issue_form.command()
@click.option("--event", "event_path", type=click.Path(exists=True, path_type=Path), required=True)
@click.option("--plan", "plan_path", type=click.Path(path_type=Path), required=True)
def prepare(event_path: Path, plan_path: Path) -> None:
    """Read the issue from the event payload, write and validate the profile, save a plan."""
    from ..issue_forms.apply import prepare as make_plan

    config = load_config()
    try:
        event = json.loads(event_path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise ConfigError(f"{event_path} is not a JSON event payload.") from None
    plan = make_plan(event, config.root, config.mentors_dir, dt.datetime.now(dt.UTC).date())
    plan.save(plan_path)
    click.echo(
        f"issue #{plan.issue}: {plan.action}"
        + (f", {len(plan.problems)} problem(s)" if plan.problems else "")
    )
    output = os.environ.get("GITHUB_OUTPUT", "").strip()
    if output:
        with open(output, "a", encoding="utf-8") as handle:
            handle.write(f"action={plan.action}\n")


@issue_form.command()
@click.option("--plan", "plan_path", type=click.Path(exists=True, path_type=Path), required=True)
def publish(plan_path: Path) -> None:
    """Comment on the issue, or open the pull request with the profile and its status.

    Needs GITHUB_TOKEN, GITHUB_REPOSITORY and GITHUB_API_URL (set on Actions runners);
    SITE_BUILD is the outcome of the site build step ("success" or another word).
    """
    from ..issue_forms.apply import Plan
    from ..issue_forms.apply import publish as send
    from ..issue_forms.github import GitHub

    env = os.environ
    missing = [k for k in ("GITHUB_TOKEN", "GITHUB_REPOSITORY") if not env.get(k)]
    if missing:
        raise ConfigError(f"{' and '.join(missing)} must be set (the workflow passes them).")
    config = load_config()
    github = GitHub(
        env.get("GITHUB_API_URL", "https://api.github.com"),
        env["GITHUB_TOKEN"],
        env["GITHUB_REPOSITORY"],
    )
    server = env.get("GITHUB_SERVER_URL", "https://github.com")
    run_url = f"{server}/{env['GITHUB_REPOSITORY']}/actions/runs/{env.get('GITHUB_RUN_ID', '')}"
    result = send(
        Plan.load(plan_path),
        github,
        now=dt.datetime.now(dt.UTC),
        run_url=run_url,
        build_ok=env.get("SITE_BUILD") == "success",
        contact_form_url=config.roster.contact_form_url,
    )
    click.echo(f"{result.outcome}" + (f": pull request #{result.pull}" if result.pull else ""))
