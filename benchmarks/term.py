"""Benchmark: a simulated term (tests/term_sim) of nightly runs against the loopback fake Google.

By default 3,000 students and 400 mentors over 14 weeks: students answer over the first three
weeks, staff cancel and students withdraw, every night runs the real `mentorship nightly
--now <night>` (in this process, through click, with the real gspread and Google API clients
talking HTTP to the fake). It prints a Markdown table of each night of the first and the last
week, then the maximum over the term: wall seconds, Sheets calls (of which writes), Calendar
calls (batch requests and the calls inside them), invites sent and Gmail sends.

Targets: every nightly run under 30 s; Sheets calls that do not grow with the number of
sessions (a constant plus one write per batch of invites).

    .venv/bin/python benchmarks/term.py [--students 3000] [--mentors 400] [--weeks 14] [--kills 0]
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fake_google import FakeGoogle  # noqa: E402
from tests.term_sim import new_term  # noqa: E402
from tests.term_sim.term import NightLog, Term  # noqa: E402

COLUMNS = (
    "seconds",
    "sheets",
    "sheets_writes",
    "calendar_batches",
    "calendar",
    "invites",
    "gmail",
)
HEADER = (
    "| Night | Date | Seconds | Sheets calls | Sheets writes | Calendar batches "
    "| Calendar calls | Invites sent | Gmail sends |"
)


def row(term: Term, night: NightLog) -> str:
    """One table row for a night."""
    date = term.script.night_time(night.night).date().isoformat()
    cells = [f"{night.seconds:.1f}"] + [str(night.calls[c]) for c in COLUMNS[1:]]
    mark = " (killed, re-run)" if night.killed else ""
    return f"| {night.night + 1}{mark} | {date} | " + " | ".join(cells) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=3000)
    parser.add_argument("--mentors", type=int, default=400)
    parser.add_argument("--weeks", type=int, default=14)
    parser.add_argument("--kills", type=int, default=0, help="nights killed mid-run and re-run")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    # The nightly logs at INFO to stderr; a benchmark only wants its table.
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as folder, FakeGoogle(seed=1) as fake:
        term = new_term(
            Path(folder),
            "google",
            students=args.students,
            mentors=args.mentors,
            weeks=args.weeks,
            seed=args.seed,
            kills=args.kills,
            fake=fake,
        )
        term.keep_reports = False  # the table needs none, and at this size they are large
        began = time.perf_counter()

        def progress(played: Term, night: int) -> None:
            # Every night's row on stderr as it is played; the table comes at the end.
            print(row(played, played.log[-1]), file=sys.stderr, flush=True)

        term.on_night.append(progress)
        term.play()
        total = time.perf_counter() - began
        log = term.log
    print(
        f"Simulated term: {args.students:,} students, {args.mentors} mentors, "
        f"{args.weeks} weeks ({len(log)} nights) in {total:.0f} s."
    )
    print()
    print(HEADER)
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    shown = log[:7] + (log[-7:] if len(log) > 7 else [])
    for night in sorted({n.night: n for n in shown}.values(), key=lambda n: n.night):
        print(row(term, night))
    peak = [f"{max(n.seconds for n in log):.1f}"] + [
        str(max(n.calls[c] for n in log)) for c in COLUMNS[1:]
    ]
    print("| max over the term | | " + " | ".join(peak) + " |")
    slow = [n.night + 1 for n in log if n.seconds >= 30]
    print()
    print(f"Nights of 30 s or more: {slow or 'none'}.")


if __name__ == "__main__":
    main()
