"""Benchmark: the nightly run's follow-up sessions (real CLI, real clients) against the loopback fake.

For each size (form answers / mentors; default 300/60 and 1,000/150) it runs three nights on a
fresh spreadsheet and calendar: the first (sync, match, first invites), a night 22 days later
when every first session is over (the relationship stage books every session 2 at once), and
that night again (nothing to do). It prints a Markdown table of wall time, API calls per run
and follow-up invites sent.

Target: Sheets calls that do not grow with the number of sessions: the relationship stage adds
one read, plus one write per batch of 50 follow-up invites (and one for the night's other
changes), to the constant of the other stages.

    .venv/bin/python benchmarks/followups.py [--sizes 300/60 1000/150]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fake_google import FakeGoogle  # noqa: E402
from tests.nightly_project import CALENDAR_ID, NOW, RESPONSES_TAB, make_project  # noqa: E402
from tests.nightly_run import cli_env, run  # noqa: E402

SHEET_ID = "1FollowupsBenchmarkSheet0123456789abcdefgh"
LATER = (dt.datetime.fromisoformat(NOW.replace("Z", "+00:00")) + dt.timedelta(days=22)).strftime(
    "%Y-%m-%dT%H:%M:%SZ"
)


def measure(answers: int, mentors: int) -> list[str]:
    """Three nightly runs of one size; a table row for each."""
    out = []
    with tempfile.TemporaryDirectory() as folder, FakeGoogle(seed=1) as fake:
        root = Path(folder)
        project = make_project(
            root, backend="google", mentors=mentors, responses=answers, spreadsheet_key=SHEET_ID
        )
        fake.create_spreadsheet(
            "Intake",
            {RESPONSES_TAB: project.responses, "Mentors": project.roster},
            spreadsheet_id=SHEET_ID,
        )
        fake.add_calendar(CALENDAR_ID)
        env = cli_env(MENTORSHIP_GOOGLE_API_ROOT=fake.base_url)
        for name, now in (("first", NOW), ("22 days later", LATER), ("again", LATER)):
            fake.calls.clear()
            began = time.perf_counter()
            result = run(root, "nightly", "--now", now, env=env, timeout=600)
            seconds = time.perf_counter() - began
            if result.returncode != 0:
                raise SystemExit(result.stderr)
            sheets = sum(v for k, v in fake.calls.items() if k.startswith("sheets."))
            writes = (
                fake.calls["sheets.values.batchUpdate"]
                + fake.calls["sheets.spreadsheets.batchUpdate"]
            )
            calendar = sum(v for k, v in fake.calls.items() if k.startswith("calendar."))
            follow_ups = _count(result.stdout, "Follow-up invites sent")
            out.append(
                f"| {answers:,} / {mentors} | {name} | {seconds:.1f} | {sheets} | {writes} "
                f"| {calendar} | {fake.calls['calendar.events.insert']} | {follow_ups} |"
            )
    return out


def _count(summary: str, column: str) -> int:
    lines = summary.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("| New requests"):
            names = [c.strip() for c in line.strip("|").split("|")]
            values = [int(v) for v in lines[i + 2].strip("|").split("|")]
            return dict(zip(names, values, strict=True)).get(column, 0)
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["300/60", "1000/150"])
    args = parser.parse_args()
    print(
        "| Answers / mentors | Night | Seconds | Sheets calls | Sheets writes | Calendar calls "
        "| Events inserted | Follow-up invites |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size in args.sizes:
        answers, mentors = (int(x) for x in size.split("/"))
        for row in measure(answers, mentors):
            print(row, flush=True)


if __name__ == "__main__":
    main()
