"""Benchmark: `run_checkins` over N sessions through the real gspread against the loopback fake.

For each size (default 1,000 and 3,000 matches of 3 sessions, both sides answering every
session, a tenth of the answers messy: reworded choices, star ratings, forged codes) it runs
the stage twice against a fresh spreadsheet: the first night (every answer written into the
Sessions tab) and the next (nothing to write). It prints a Markdown table of wall time and
Sheets API calls per run.

Target: one read and at most one write per run however many sessions, and well under the
nightly's 30 s budget at 3,000 matches.

    .venv/bin/python benchmarks/checkins.py [--sizes 1000 3000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from google.auth.credentials import AnonymousCredentials  # noqa: E402
from mentorship import google_api  # noqa: E402
from mentorship.ledger import SESSIONS  # noqa: E402
from mentorship.relationship.checkins import run_checkins  # noqa: E402
from mentorship.sheets_google import GoogleSpreadsheet  # noqa: E402

from tests.checkin_support import (  # noqa: E402
    HEADER,
    SECRET,
    TAB,
    answer,
    code,
    config,
    session,
    sessions_tab,
)
from tests.fake_google import FakeGoogle  # noqa: E402

NOW = dt.datetime(2026, 12, 20, 3, 17, tzinfo=dt.UTC)
SESSIONS_PER_MATCH = 3
HAPPENED = ["Yes, we met", "held", "It was moved to another time", "no-show", "Canceled"]
RATINGS = ["4", "5 - very useful", "★★★", "2", "3/5"]


def tabs(matches: int) -> tuple[list[list[str]], list[list[str]]]:
    """The check-in responses and the Sessions tab for `matches` fictional matches."""
    ids = [f"m{n:012x}" for n in range(matches)]
    responses = [HEADER]
    for n, match_id in enumerate(ids):
        for number in range(1, SESSIONS_PER_MATCH + 1):
            for role in ("Mentor", "Student"):
                text = code(match_id, number) if (n + number) % 10 != 7 else f"{match_id}/1/x"
                responses.append(
                    answer(
                        text,
                        role=role,
                        happened=HAPPENED[(n + number) % len(HAPPENED)],
                        useful=RATINGS[n % len(RATINGS)],
                        comment='=HYPERLINK("http://evil")' if n % 10 == 3 else "",
                        when=f"{number + 1:02d}/12/2026 1{n % 10}:00:00",
                    )
                )
    rows = [session(m, k) for m in ids for k in range(1, SESSIONS_PER_MATCH + 1)]
    return responses, sessions_tab(*rows)


def measure(size: int) -> list[str]:
    responses, sessions = tabs(size)
    with FakeGoogle() as fake:
        sid = fake.create_spreadsheet("Ledger", {TAB: responses, SESSIONS: sessions})
        settings = config(ROOT, "google", spreadsheet_key=sid)
        os.environ[google_api.API_ROOT_ENV] = fake.base_url
        http = google_api.gspread_client(AnonymousCredentials()).http_client
        lines = []
        for night in ("first night", "next night"):
            fake.calls.clear()
            began = time.perf_counter()
            sheet = GoogleSpreadsheet(http, sid, account="bench@example.iam.gserviceaccount.com")
            report = run_checkins(sheet, settings, NOW, secret=SECRET)
            seconds = time.perf_counter() - began
            calls = sum(v for k, v in fake.calls.items() if k.startswith("sheets."))
            lines.append(
                f"| {size:,} | {size * SESSIONS_PER_MATCH:,} | {len(responses) - 1:,} | {night} "
                f"| {seconds:.1f} | {calls} | {len(report.applied):,} | {len(report.bad_token):,} |"
            )
        return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000])
    sizes = parser.parse_args().sizes
    print("| Matches | Sessions | Check-ins | Run | Seconds | Sheets calls | Applied | Bad code |")
    print("| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |")
    for size in sizes:
        for line in measure(size):
            print(line, flush=True)


if __name__ == "__main__":
    main()
