"""Benchmark: the whole `mentorship nightly` (real CLI, real clients) against the loopback fake.

For each size (form answers / mentors; default 300/60, 1,000/150 and 3,000/400) it runs the
nightly twice on a fresh spreadsheet and calendar: the first run (sync, match and invite
everything) and a second run (nothing to do). It prints a Markdown table of wall time and API
calls per run. The second run's Sheets writes are the run lock's (claim and release; a
heartbeat writes only when the expiry moves) and nothing else.

Target: 3,000 answers and 400 mentors in under a minute. Sync and match cost a fixed number of
Sheets calls; the invite stage sends one calendar batch and one ledger write per 50 invites, so
those grow with the invites sent, not with the size of the sheet.

    .venv/bin/python benchmarks/nightly.py [--sizes 300/60 1000/150 3000/400]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fake_google import FakeGoogle  # noqa: E402
from tests.nightly_project import CALENDAR_ID, NOW, RESPONSES_TAB, make_project  # noqa: E402
from tests.nightly_run import cli_env, run  # noqa: E402

SHEET_ID = "1NightlyBenchmarkSheet0123456789abcdefghijk"


def measure(answers: int, mentors: int) -> list[str]:
    """Two nightly runs of one size; a table row for each."""
    out = []
    with tempfile.TemporaryDirectory() as folder, FakeGoogle(seed=1) as fake:
        root = Path(folder)
        project = make_project(
            root, backend="google", mentors=mentors, responses=answers, spreadsheet_key=SHEET_ID
        )
        fake.create_spreadsheet(
            "Intake", {RESPONSES_TAB: project.responses}, spreadsheet_id=SHEET_ID
        )
        fake.add_calendar(CALENDAR_ID)
        env = cli_env(MENTORSHIP_GOOGLE_API_ROOT=fake.base_url)
        for name in ("first", "second"):
            fake.calls.clear()
            began = time.perf_counter()
            result = run(root, "nightly", "--now", NOW, env=env, timeout=600)
            seconds = time.perf_counter() - began
            if result.returncode != 0:
                raise SystemExit(result.stderr)
            sheets = sum(v for k, v in fake.calls.items() if k.startswith("sheets."))
            writes = (
                fake.calls["sheets.values.batchUpdate"]
                + fake.calls["sheets.spreadsheets.batchUpdate"]
            )
            calendar = sum(v for k, v in fake.calls.items() if k.startswith("calendar."))
            invites = fake.calls["calendar.events.insert"]
            out.append(
                f"| {answers:,} / {mentors} | {name} | {seconds:.1f} | {sheets} | {writes} "
                f"| {fake.calls['batch']} | {calendar} | {invites} |"
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["300/60", "1000/150", "3000/400"])
    args = parser.parse_args()
    print(
        "| Answers / mentors | Run | Seconds | Sheets calls | Sheets writes | Calendar batches "
        "| Calendar calls | Invites sent |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size in args.sizes:
        answers, mentors = (int(x) for x in size.split("/"))
        for row in measure(answers, mentors):
            print(row, flush=True)


if __name__ == "__main__":
    main()
