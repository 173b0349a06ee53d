"""A simulated term: mentors, students, a script of events and 14 weeks of nightly runs.

Used by tests/test_term.py (a small term on both backends) and benchmarks/term.py (3,000
students and 400 mentors on the fake Google APIs). The API:

- `new_term(root, backend, students=..., mentors=..., weeks=..., seed=..., fake=...)` writes a
  project (cast.py: mentor profiles on five continents, the configuration, the roster) and
  returns a `Term` (term.py) holding its `Script` (script.py: submissions over the first
  weeks, withdrawals, staff cancellations before and after first sessions, killed nights,
  each student's check-in answers).
- `Term.play()` runs every night: people act (`Term.before`), the nightly runs (`Term.run`,
  in process, or SIGKILLed in a subprocess and re-run), the driver looks (`Term.observe`).
  `Term.actions` is what the driver did, `Term.log` the seconds and API calls of each night.
- `expect.py` turns the actions into what each person should have received.
"""

from __future__ import annotations

import random
from pathlib import Path

from tests.fake_google import FakeGoogle

from .backend import GoogleSide, Side
from .script import make_script
from .term import Term

__all__ = ["Term", "new_term"]


def new_term(
    root: Path,
    backend: str,
    *,
    students: int,
    mentors: int,
    weeks: int = 14,
    seed: int = 2026,
    kills: int = 3,
    fake: FakeGoogle | None = None,
) -> Term:
    """A project under `root` and the term to play on it (`fake` for the Google backend)."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    script = make_script(students, weeks, rng, kills=kills)
    side: Side = GoogleSide(root, fake=fake) if backend == "google" else Side(root)
    term = Term(root, side, script, rng)
    term.setup(mentors)
    return term
