"""Benchmark: the programme figures (`mentorship.outcomes`) over a large ledger, in memory.

For each size (default 3,000 and 30,000 students) this builds Requests, Matches and Sessions
tabs (one match per two students, four sessions per match, check-in answers on half of them)
and times `programme_figures` for a term, the best of three. It prints the rows per tab, the
seconds and the size of the figures file. The figures are a pass over each tab, so the time
should grow linearly and stay well under a second at 3,000 students.

    .venv/bin/python benchmarks/figures.py [--sizes 3000 30000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time

from mentorship.ledger import (
    MATCH_COLUMNS,
    MATCHES,
    REQUEST_COLUMNS,
    REQUESTS,
    SESSION_COLUMNS,
    SESSIONS,
    Table,
)
from mentorship.outcomes.figures import Term, programme_figures
from mentorship.outcomes.figures_file import to_json

INDUSTRIES = ("Finance", "Law", "Software", "Healthcare", "Energy", "Design")
LANGUAGES = ("English", "Spanish", "French", "Portuguese")
TERM = Term(dt.date(2026, 9, 1), dt.date(2026, 12, 19))
NOW = dt.datetime(2026, 12, 20, tzinfo=dt.UTC)


def _tab(title: str, columns: tuple[str, ...], rows: list[dict[str, str]]) -> Table:
    return Table(title, columns, [list(columns), *[[r.get(c, "") for c in columns] for r in rows]])


def ledger(students: int, rng: random.Random) -> tuple[Table, Table, Table]:
    """Synthetic tabs: half the students matched, four sessions each, half of them rated."""
    start = dt.datetime(2026, 9, 1, 9, tzinfo=dt.UTC)
    requests, matches, sessions = [], [], []
    for n in range(students):
        asked = start + dt.timedelta(hours=rng.randrange(24 * 60))
        matched = n % 2 == 0
        requests.append(
            {
                "request_id": f"r{n}",
                "submitted_at": asked.isoformat(),
                "status": "matched" if matched else "waiting",
                "industries": rng.choice(INDUSTRIES),
                "languages": rng.choice(LANGUAGES),
            }
        )
        if not matched:
            continue
        first = asked + dt.timedelta(days=rng.randrange(3, 20))
        matches.append(
            {
                "match_id": f"m{n}",
                "request_id": f"r{n}",
                "mentor": f"mentor-{rng.randrange(students // 8 or 1)}",
                "status": "invited",
                "event_start": first.isoformat(),
            }
        )
        for number in range(1, 5):
            when = first + dt.timedelta(weeks=3 * (number - 1))
            rated = rng.random() < 0.5
            sessions.append(
                {
                    "session_id": f"m{n}/{number}",
                    "match_id": f"m{n}",
                    "number": str(number),
                    "status": "held" if when < NOW else "scheduled",
                    "start": when.isoformat(),
                    "student_useful": str(rng.randint(1, 5)) if rated else "",
                    "mentor_progress": str(rng.randint(1, 5)) if rated else "",
                }
            )
    return (
        _tab(REQUESTS, REQUEST_COLUMNS, requests),
        _tab(MATCHES, MATCH_COLUMNS, matches),
        _tab(SESSIONS, SESSION_COLUMNS, sessions),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[3000, 30000])
    args = parser.parse_args()
    print("| Students | Requests | Matches | Sessions | Figures (s) | figures.json (bytes) |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for size in args.sizes:
        requests, matches, sessions = ledger(size, random.Random(size))
        best = float("inf")
        for _ in range(3):
            began = time.perf_counter()
            figures = programme_figures(requests, matches, sessions, TERM, NOW)
            best = min(best, time.perf_counter() - began)
        print(
            f"| {size:,} | {len(requests.records):,} | {len(matches.records):,} | "
            f"{len(sessions.records):,} | {best:.3f} | {len(to_json(figures).encode()):,} |"
        )


if __name__ == "__main__":
    main()
