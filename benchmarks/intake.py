"""Benchmark: `run_sync` of N form responses through the real gspread against the loopback fake.

For each size (default 1,000 and 10,000 responses, a tenth of them messy: invalid emails,
unknown timezones, "Other" answers, repeat answers by the same student) it runs three syncs
against a fresh spreadsheet: the first (every request added, the Requests tab created), a
re-run (nothing to write), and a run after 10 % more responses arrived. It prints a Markdown
table of wall time and Sheets API calls per run.

Target: 10,000 responses in under 10 s and at most 6 Sheets API calls per run.

    .venv/bin/python benchmarks/intake.py [--sizes 1000 10000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from google.auth.credentials import AnonymousCredentials  # noqa: E402
from mentorship import google_api  # noqa: E402
from mentorship.config import load_config  # noqa: E402
from mentorship.intake import run_sync  # noqa: E402
from mentorship.profiles.load import load_profiles  # noqa: E402
from mentorship.sheets_google import GoogleSpreadsheet  # noqa: E402

from tests.fake_google import FakeGoogle  # noqa: E402

NOW = dt.datetime(2026, 11, 28, 3, tzinfo=dt.UTC)
ZONES = ["Europe/London", "America/New_York", "Asia/Kolkata", "UTC+05:30", "Africa/Lagos", "GMT-3"]
INDUSTRIES = ["Finance", "Software, Energy", "healthcare", "Law, Space tourism", "Design"]
TOPICS = ["Interview practice", "First job, Networking", "Career change", "Graduate school"]
SLOTS = ["Weekday evenings", "Weekend mornings, Weekday afternoons", "Tuesday evenings"]


def responses(config_questions: dict[str, str], count: int, start: int = 0) -> list[list[str]]:
    """`count` fictional responses; every tenth is messy in one way or another."""
    rows = []
    for n in range(start, start + count):
        stamp = dt.datetime(2026, 1, 1) + dt.timedelta(minutes=3 * n, seconds=n % 60)
        student = n if n % 10 != 3 else n - 1  # some students answer twice
        answers = {
            "timestamp": stamp.strftime("%d/%m/%Y %H:%M:%S"),
            "name": f"Student {student} Fictive",
            "email": f" Student{student}@Example.edu " if n % 10 != 5 else f"student{n}@",
            "program": "BSc Physics",
            "year": str(1 + n % 4),
            "industries": INDUSTRIES[n % len(INDUSTRIES)],
            "topics": TOPICS[n % len(TOPICS)],
            "goals": '=HYPERLINK("http://evil")' if n % 10 == 7 else "Find a first job",
            "preferred_mentor": "priya-sample"
            if n % 10 == 1
            else ("zara-nobody" if n % 10 == 2 else ""),
            "timezone": ZONES[n % len(ZONES)] if n % 10 != 9 else "Mars/Olympus",
            "availability": SLOTS[n % len(SLOTS)],
            "languages": "English, spanish",
            "meeting_format": "Video, Phone",
            "consent": "I agree",
        }
        rows.append([answers.get(f, "") for f in config_questions])
    return rows


def main() -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000])
    args = parser.parse_args()
    config = load_config(ROOT)
    profiles = load_profiles(config.mentors_path)
    header = [config.questions[f] for f in config.questions]
    table = [
        "| Responses | Run | Wall time (s) | Sheets API calls | Rows added | Cells written |",
        "| ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    worst_time, worst_calls = 0.0, 0
    with FakeGoogle(seed=1) as fake:
        import os

        os.environ[google_api.API_ROOT_ENV] = fake.base_url
        client = google_api.gspread_client(AnonymousCredentials())
        for size in args.sizes:
            rows = responses(config.questions, size)
            sid = fake.create_spreadsheet(
                f"Intake {size}", {config.responses_worksheet: [header, *rows]}
            )
            for label in ("first sync", "re-run", "+10 % responses"):
                if label == "+10 % responses":
                    more = responses(config.questions, size // 10, start=size)
                    client.open_by_key(sid).worksheet(config.responses_worksheet).append_rows(
                        more, value_input_option="RAW"
                    )
                before = sum(v for k, v in fake.calls.items() if k.startswith("sheets."))
                started = time.perf_counter()
                sheet = GoogleSpreadsheet(client.http_client, sid)
                report = run_sync(sheet, config, profiles.taxonomy, profiles.mentors, NOW)
                elapsed = time.perf_counter() - started
                calls = sum(v for k, v in fake.calls.items() if k.startswith("sheets.")) - before
                worst_calls = max(worst_calls, calls)
                if size == max(args.sizes):
                    worst_time = max(worst_time, elapsed)
                table.append(
                    f"| {size:,} | {label} | {elapsed:.2f} | {calls} | {report.added:,} "
                    f"| {report.cells_written:,} |"
                )
    print("\n".join(table))
    print()
    ok = worst_time < 10 and worst_calls <= 6
    print(
        f"Target (10,000 responses under 10 s, at most 6 calls per run): "
        f"{'met' if ok else 'NOT met'} (slowest {worst_time:.2f} s, most calls {worst_calls})."
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
