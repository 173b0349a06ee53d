"""Commands for mentor profiles: `validate`, `new` and `schema`."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import click

from ..config import load_config
from ..errors import ConfigError, Problem
from ..profiles import display_path, load_profiles, load_taxonomy, profile_paths
from ..profiles.load import NOT_PROFILES
from ..profiles.models import SLUG_RE, Profile
from ..profiles.template import profile_template
from . import main


def profile_schema() -> dict[str, object]:
    """The JSON schema of a profile file, as editors use it for autocompletion."""
    schema = Profile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Alumni mentor profile"
    return schema


def github_annotation(problem: Problem) -> str:
    """The problem as a GitHub Actions `::error` workflow command (shown on the pull request)."""
    props = [f"file={_escape_property(problem.path)}"]
    if problem.line:
        props.append(f"line={problem.line}")
        if problem.column:
            props.append(f"col={problem.column}")
    return f"::error {','.join(props)}::{_escape_data(problem.message)}"


def _escape_data(text: str) -> str:
    # GitHub's workflow-command rules: % first, then the line breaks.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _expand(paths: tuple[Path, ...]) -> list[Path]:
    """Profile files named on the command line; folders expand to their profiles.

    The taxonomy, the schema and photos are skipped, so CI can pass every changed file
    under mentors/ without sorting them first.
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(profile_paths(path))
        elif path.name not in NOT_PROFILES and path.parent.name != "photos":
            files.append(path)
    return files


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def validate(paths: tuple[Path, ...]) -> None:
    """Check mentor profiles and list every problem as file:line:col: message.

    With no PATHS, checks every mentors/*.yml. Exit 0 when all are valid, 1 when there are
    problems. In GitHub Actions the problems are also annotations on the pull request.
    """
    config = load_config()
    mentors_dir = config.mentors_path
    if not mentors_dir.is_dir():
        raise ConfigError(f"The mentors folder {mentors_dir} does not exist.")
    everything = profile_paths(mentors_dir)
    if paths:
        # Load the named files with all the others, so a new profile whose slug clashes with
        # another's is caught, but report only the named files' problems.
        files = _expand(paths)
        root = mentors_dir.resolve().parent
        named = {display_path(p, root) for p in files}
        resolved = {p.resolve() for p in everything}
        result = load_profiles(
            mentors_dir, everything + [p for p in files if p.resolve() not in resolved]
        )
        problems = [p for p in result.problems if p.path in named]
        checked = len(named)
    else:
        result = load_profiles(mentors_dir)
        problems = result.problems
        checked = len(everything)
    in_actions = os.environ.get("GITHUB_ACTIONS") == "true"
    for problem in problems:
        click.echo(str(problem))
        if in_actions:
            click.echo(github_annotation(problem))
    noun = "profile" if checked == 1 else "profiles"
    if not problems:
        click.echo(f"{checked} {noun} OK")
        return
    bad = len({p.path for p in problems})
    count = len(problems)
    click.echo(
        f"{count} problem{'s' if count != 1 else ''} in {bad} of {checked} {noun}; "
        "fix them and run `mentorship validate` again.",
        err=True,
    )
    raise SystemExit(1)


@main.command()
@click.argument("slug")
def new(slug: str) -> None:
    """Start a profile: write mentors/SLUG.yml from a commented template.

    SLUG is your page's address, lowercase words joined by hyphens, like ana-lima.
    """
    config = load_config()
    if not SLUG_RE.match(slug):
        raise click.BadParameter(
            "use lowercase letters, digits and single hyphens, like 'ana-lima' "
            "(no spaces, accents or '.yml').",
            param_hint="SLUG",
        )
    mentors_dir = config.mentors_path
    taxonomy = load_taxonomy(mentors_dir / "taxonomy.yml")
    target = mentors_dir / f"{slug}.yml"
    taken = {p.stem.casefold(): p for p in profile_paths(mentors_dir)}
    if slug.casefold() in taken:
        raise click.ClickException(
            f"{config.mentors_dir}/{taken[slug.casefold()].name} already exists; edit that file, "
            "or pick another slug (e.g. add your graduation year: ana-lima-2015)."
        )
    text = profile_template(slug, taxonomy, dt.date.today())
    with target.open("x", encoding="utf-8") as f:  # "x": never overwrite, even in a race
        f.write(text)
    click.echo(f"Wrote {config.mentors_dir}/{slug}.yml")
    click.echo(
        "Fill in your name (and replace the example values; your email goes in the private "
        '"Mentor contact" form, not the file), then run '
        f"`mentorship validate {config.mentors_dir}/{slug}.yml`."
    )


@main.command()
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    help="Where to write (default mentors/schema.json).",
)
def schema(output: Path | None) -> None:
    """Write the JSON schema of mentor profiles (mentors/schema.json)."""
    target = output or load_config().mentors_path / "schema.json"
    target.write_text(
        json.dumps(profile_schema(), indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    click.echo(f"Wrote {target}")
