"""Benchmark: sending N calendar invites through the real google-api-python-client.

Starts the loopback fake of the Google APIs, puts N approved matches (default 500, five per
mentor, students in a dozen timezones) in a local ledger, and runs the invite stage against the
fake's Calendar v3 three times: the first run (everything sent), a re-run (nothing to do), and a
run after the ledger was lost (every invite found again through 409 duplicates, none re-sent).
It prints a Markdown table of wall time, Calendar API HTTP requests and API calls.

Targets for the first run: at most N/50 + a few HTTP requests, and under 10 s.

    .venv/bin/python benchmarks/invites.py [--matches 500]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path

from google.auth.credentials import AnonymousCredentials

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mentorship import google_api  # noqa: E402
from mentorship.calendar.google import GoogleCalendar  # noqa: E402
from mentorship.calendar.stage import run_invites  # noqa: E402
from mentorship.config import CalendarConfig, Config  # noqa: E402
from mentorship.google_transport import RetryPolicy  # noqa: E402
from mentorship.sheets_local import LocalSpreadsheet  # noqa: E402

from tests.fake_google import FakeGoogle  # noqa: E402
from tests.invite_support import match_row, mentor, request_row, write_ledger  # noqa: E402

NOW = dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)
ZONES = [
    ("Europe/London", "mon 17:00-21:00; wed 17:00-21:00; sat 09:00-13:00"),
    ("America/New_York", "mon 12:00-16:00; wed 12:00-16:00; sat 09:00-12:00"),
    ("Asia/Kolkata", "mon 21:30-23:30; wed 21:30-23:30; sat 14:30-18:30"),
    ("America/St_Johns", "mon 13:30-17:30; wed 13:30-17:30; sat 09:00-12:00"),
    ("Europe/Berlin", "mon 18:00-22:00; wed 18:00-22:00; sat 10:00-14:00"),
    ("Asia/Tokyo", "tue 02:00-06:00; thu 02:00-06:00; sat 18:00-22:00"),
]


def ledger(folder: Path, n: int) -> list:
    """N approved matches with five per mentor; returns the mentors."""
    mentors = [
        mentor(
            f"mentor-{k}",
            ZONES[k % 2 * 4][0],  # London or Berlin
            [
                ("monday", "17:00", "22:00"),
                ("wednesday", "17:00", "22:00"),
                ("saturday", "09:00", "14:00"),
            ],
        )
        for k in range(max(1, n // 5))
    ]
    requests = [
        request_row(f"r{i}", f"Student {i}", ZONES[i % len(ZONES)][0], ZONES[i % len(ZONES)][1])
        for i in range(n)
    ]
    matches = [match_row(f"m{i:05d}", f"r{i}", f"mentor-{i % len(mentors)}") for i in range(n)]
    write_ledger(LocalSpreadsheet(folder), requests, matches)
    return mentors


def run(
    fake: FakeGoogle, sheet: LocalSpreadsheet, mentors: list, config: Config
) -> tuple[float, int, int, object]:
    before_http, before_calls = fake.http_requests, sum(fake.calls.values())
    service = google_api.calendar_service(AnonymousCredentials())
    calendar = GoogleCalendar(
        service,
        config.calendar.calendar_id,
        batch_uri=google_api.calendar_batch_uri(),
        retry=RetryPolicy(base=0.01),
    )
    started = time.perf_counter()
    report = run_invites(sheet, calendar, mentors, config, NOW)
    elapsed = time.perf_counter() - started
    return (
        elapsed,
        fake.http_requests - before_http,
        sum(fake.calls.values()) - before_calls,
        report,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--matches", type=int, default=500)
    args = parser.parse_args()
    n = args.matches
    tmp = Path(tempfile.mkdtemp(prefix="invites-bench-"))
    rows = []
    try:
        with FakeGoogle(seed=1) as fake:
            import os

            os.environ[google_api.API_ROOT_ENV] = fake.base_url
            config = dataclasses.replace(
                Config(root=tmp),
                calendar=CalendarConfig(
                    calendar_id="mentoring@example.edu", site_url="https://alumni.example.edu"
                ),
            )
            sheet = LocalSpreadsheet(tmp / ".ledger")
            mentors = ledger(tmp / ".ledger", n)
            for label in ("first run", "re-run (nothing to do)"):
                elapsed, http, calls, report = run(fake, sheet, mentors, config)
                rows.append((label, report, elapsed, http, calls))
            # The ledger is lost (say the run died before writing): every invite exists already.
            shutil.rmtree(tmp / ".ledger")
            ledger(tmp / ".ledger", n)
            elapsed, http, calls, report = run(fake, sheet, mentors, config)
            rows.append(("ledger lost, re-run", report, elapsed, http, calls))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(
        f"Invites for {n} approved matches ({max(1, n // 5)} mentors), Calendar v3 on the loopback fake\n"
    )
    print(
        "| run | sent | already there | no time | wall time | Calendar HTTP requests | API calls | ledger writes |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, report, elapsed, http, calls in rows:
        print(
            f"| {label} | {len(report.sent)} | {len(report.already_sent)} | {len(report.no_time)} "
            f"| {elapsed:.2f} s | {http} | {calls} | {report.ledger_writes} |"
        )
    first = rows[0]
    limit = -(-n // 50) + 3
    print(
        f"\nTarget (first run): at most {limit} HTTP requests (N/50 + a few) and under 10 s: "
        f"{'met' if first[3] <= limit and first[2] < 10 else 'NOT met'}."
    )


if __name__ == "__main__":
    main()
