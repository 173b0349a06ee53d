"""Commands for mentor profiles: `schema` (and, from the profiles work, `validate` and `new`)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..config import load_config
from ..profiles.models import Profile
from . import main


def profile_schema() -> dict[str, object]:
    """The JSON schema of a profile file, as editors use it for autocompletion."""
    schema = Profile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Alumni mentor profile"
    return schema


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
