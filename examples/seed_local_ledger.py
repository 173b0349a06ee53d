"""Seed the local ledger with the fictional form responses of examples/ (for `make demo`).

Copies examples/form_responses.csv to `<local_dir>/<responses_worksheet>.csv` (by default
`.ledger/Form Responses 1.csv`, git-ignored) when that file does not exist yet, so a second
`make demo` keeps whatever you changed there. `--force` replaces it. It also writes the private
roster, `<local_dir>/Mentors.csv`, giving every sample mentor a made-up `<slug>@example.org`
address, so the demo's invites have somewhere to go; no address is stored in a tracked file.
Tracked files are never touched, and nothing happens unless the configured backend is "local".

    python examples/seed_local_ledger.py [--force]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
from pathlib import Path

from mentorship.config import Config, load_config
from mentorship.errors import MentorshipError
from mentorship.ledger import Table, WriteBatch
from mentorship.profiles import profile_paths
from mentorship.roster import ROSTER_COLUMNS
from mentorship.sheets_local import LocalSpreadsheet

SAMPLE = Path(__file__).resolve().parent / "form_responses.csv"


def seed(root: Path, force: bool = False) -> str:
    """Copy the sample responses into the local ledger; returns what was done, in words."""
    config = load_config(root)
    if config.backend != "local":
        return f'backend is "{config.backend}", not "local": the sample responses were not copied.'
    target = config.local_path / f"{config.responses_worksheet}.csv"
    roster = seed_roster(config)
    if target.exists() and not force:
        return (
            f"{target.relative_to(config.root)} already exists; kept it (use --force to replace)."
            + roster
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SAMPLE, target)
    return f"Seeded {target.relative_to(config.root)} with the sample form responses." + roster


def seed_roster(config: Config) -> str:
    """Give every profile without a roster row a made-up address; returns what was done."""
    sheet = LocalSpreadsheet(config.local_path)
    title = config.roster.worksheet
    table = Table(title, ROSTER_COLUMNS, sheet.read([title])[title])
    listed = set(table.by("slug"))
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    added = 0
    for path in profile_paths(config.mentors_path):
        if path.stem not in listed:
            table.append(
                {
                    "slug": path.stem,
                    "email": f"{path.stem}@example.org",
                    "notes": "fictional sample",
                    "updated_at": stamp,
                }
            )
            added += 1
    batch = WriteBatch()
    table.collect(batch)
    if batch:
        sheet.write(batch)
    if not added:
        return ""
    return f" Added {added} sample mentor(s) to the private roster {config.local_dir}/{title}.csv."


def main() -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="replace an existing responses file")
    args = parser.parse_args()
    try:
        print(seed(Path(__file__).resolve().parent.parent, force=args.force))
    except MentorshipError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
