"""Seed the local ledger with the fictional form responses of examples/ (for `make demo`).

Copies examples/form_responses.csv to `<local_dir>/<responses_worksheet>.csv` (by default
`.ledger/Form Responses 1.csv`, git-ignored) when that file does not exist yet, so a second
`make demo` keeps whatever you changed there. `--force` replaces it. Tracked files are never
touched, and nothing happens unless the configured backend is "local".

    python examples/seed_local_ledger.py [--force]
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from mentorship.config import load_config
from mentorship.errors import MentorshipError

SAMPLE = Path(__file__).resolve().parent / "form_responses.csv"


def seed(root: Path, force: bool = False) -> str:
    """Copy the sample responses into the local ledger; returns what was done, in words."""
    config = load_config(root)
    if config.backend != "local":
        return f'backend is "{config.backend}", not "local": the sample responses were not copied.'
    target = config.local_path / f"{config.responses_worksheet}.csv"
    if target.exists() and not force:
        return (
            f"{target.relative_to(config.root)} already exists; kept it (use --force to replace)."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SAMPLE, target)
    return f"Seeded {target.relative_to(config.root)} with the sample form responses."


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
