"""Benchmark matching at scale: scoring and solving time, peak memory, objective vs greedy.

    .venv/bin/python benchmarks/matching.py    # 1,000 x 300, 3,000 x 2,000, 10,000 x 2,000
    .venv/bin/python benchmarks/matching.py --sizes 2000x500 --exact-sizes 2000x500

Each size runs in its own process so its peak resident memory (ru_maxrss, the whole Python
process including numpy/scipy) is its own. Synthetic requests and mentors draw industries,
topics, programmes, languages, timezones and weekly windows at random (seeded), capacity 1-3.
The greedy baseline is first come, first served: each request in order takes its best-scoring
mentor who still has a place. Times are wall-clock seconds, with the process's CPU seconds
beside the total (on a busy machine wall time grows, CPU time hardly). Prints a Markdown table. Target: 10,000 x 2,000 scored and solved
in under 10 s and under 2 GB.

A second table checks the solver's total against the optimum on random scores (uniform in
[0, 10), 70% of pairs forbidden, capacity 1-3): the optimum is what
`scipy.optimize.linear_sum_assignment` finds on the capacity-expanded matrix in plain floats,
a forbidden pair costing more than any total score can gain. Target: the same count, and a
total short of the optimum by less than 1e-6 of it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import time

import numpy as np

INDUSTRIES = [
    "Biotech & Pharma", "Consulting", "Design", "Education", "Energy", "Finance",
    "Government & Public Policy", "Healthcare", "Law", "Manufacturing", "Marketing",
    "Media & Journalism", "Nonprofit", "Research & Academia", "Retail & Consumer", "Software",
]  # fmt: skip
TOPICS = [
    "Interview practice", "CV and cover letters", "Career change", "Graduate school",
    "Networking", "Starting a business", "Negotiating an offer", "Leadership", "Internships",
    "Working abroad", "Work-life balance", "First job", "Public speaking", "Personal finance",
    "Technical skills", "Building a portfolio", "Research careers", "Returning to work",
]  # fmt: skip
PROGRAMS = [
    "BSc Computer Science", "MSc Data Science", "BA History", "LLB Law", "MBA",
    "BSc Biology", "BA Economics", "MEng Mechanical Engineering", "BA Journalism",
    "MSc Public Health", "BSc Mathematics", "BA Design",
]  # fmt: skip
LANGUAGES = ["English", "Spanish", "French", "Portuguese", "German", "Mandarin Chinese", "Hindi"]
ZONES = [
    "Europe/London", "Europe/Lisbon", "Europe/Berlin", "America/New_York", "America/Chicago",
    "America/Los_Angeles", "America/Sao_Paulo", "Asia/Kolkata", "Asia/Singapore",
    "Asia/Tokyo", "Australia/Sydney", "Africa/Nairobi",
]  # fmt: skip
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
PARTS = [(9 * 60, 12 * 60), (12 * 60, 17 * 60), (17 * 60, 21 * 60)]
NOW = dt.datetime(2026, 11, 28, 21, 0, tzinfo=dt.UTC)


def languages(rng: random.Random) -> list[str]:
    spoken = ["English"] if rng.random() < 0.85 else []
    spoken += rng.sample(LANGUAGES[1:], rng.choice([0, 0, 1, 1, 2]))
    return spoken or ["Spanish"]


def make_mentors(rng: random.Random, n: int) -> list:
    from mentorship.profiles.models import Mentor

    mentors = []
    for j in range(n):
        windows = []
        for day in rng.sample(DAYS, rng.randint(1, 3)):
            start = rng.randrange(7 * 2, 20 * 2) * 30
            length = rng.choice([60, 90, 120, 180])
            end = min(start + length, 24 * 60)
            windows.append(
                {
                    "day": day,
                    "start": f"{start // 60:02d}:{start % 60:02d}",
                    "end": f"{end // 60:02d}:{end % 60:02d}",
                }
            )
        mentors.append(
            Mentor.model_validate(
                {
                    "name": f"Mentor {j}",
                    "graduation_year": 2000 + j % 25,
                    "program": rng.choice(PROGRAMS),
                    "title": "Alumna",
                    "employer": "Example",
                    "industry": rng.choice(INDUSTRIES),
                    "topics": rng.sample(TOPICS, rng.randint(2, 5)),
                    "location": "Somewhere",
                    "timezone": rng.choice(ZONES),
                    "languages": languages(rng),
                    "meeting_formats": rng.sample(
                        ["video", "phone", "in person"], rng.randint(1, 3)
                    ),
                    "availability": windows,
                    "capacity": rng.randint(1, 3),
                    "accepting": rng.random() < 0.95,
                    "confirmed": (
                        NOW.date() - dt.timedelta(days=rng.randrange(0, 450))
                    ).isoformat(),
                    "email": f"mentor{j}@example.org",
                    "slug": f"mentor-{j:05d}",
                }
            )
        )
    return mentors


def make_requests(rng: random.Random, n: int, n_mentors: int) -> list:
    from mentorship.matching import MatchRequest

    requests = []
    for i in range(n):
        windows = []
        for group in rng.sample(["weekday", "weekend"], rng.randint(1, 2)):
            days = range(5) if group == "weekday" else range(5, 7)
            for start, end in rng.sample(PARTS, rng.randint(1, 2)):
                windows += [(d, start, end) for d in days]
        requests.append(
            MatchRequest(
                request_id=f"r{i}",
                program=rng.choice(PROGRAMS),
                industries=tuple(rng.sample(INDUSTRIES, rng.randint(1, 3))),
                topics=tuple(rng.sample(TOPICS, rng.randint(1, 3))),
                languages=tuple(languages(rng)),
                meeting_formats=tuple(
                    rng.sample(["video", "phone", "in person"], rng.randint(0, 2))
                ),
                timezone=rng.choice(ZONES),
                availability=tuple(sorted(set(windows))),
                preferred_mentor=f"mentor-{rng.randrange(n_mentors):05d}"
                if rng.random() < 0.1
                else "",
            )
        )
    return requests


def greedy(scores: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """First come, first served: each request in order takes its best mentor with a place."""
    left = capacity.astype(np.int64).copy()
    result = np.full(scores.shape[0], -1, dtype=np.int64)
    for i in range(scores.shape[0]):
        row = np.where((left > 0) & np.isfinite(scores[i]), scores[i], -np.inf)
        j = int(np.argmax(row)) if row.size else -1
        if j >= 0 and np.isfinite(row[j]):
            result[i] = j
            left[j] -= 1
    return result


def objective(scores: np.ndarray, result: np.ndarray) -> tuple[int, float]:
    assigned = np.flatnonzero(result >= 0)
    return len(assigned), float(scores[assigned, result[assigned]].sum())


def run_one(n_requests: int, n_mentors: int, seed: int) -> dict[str, float]:
    """Measure one size in this process."""
    from mentorship.config import MatchingConfig
    from mentorship.matching import score_pairs, solve

    rng = random.Random(seed)
    mentors = make_mentors(rng, n_mentors)
    requests = make_requests(rng, n_requests, n_mentors)
    capacity = np.array([m.capacity for m in mentors], dtype=np.int64)
    before_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    c0, t0 = time.process_time(), time.perf_counter()
    pairs = score_pairs(requests, mentors, MatchingConfig(), NOW, remaining=capacity)
    t1 = time.perf_counter()
    result = solve(pairs.scores, capacity)
    c2, t2 = time.process_time(), time.perf_counter()
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    base = greedy(pairs.scores, capacity)
    count, total = objective(pairs.scores, result)
    g_count, g_total = objective(pairs.scores, base)
    return {
        "requests": n_requests,
        "mentors": n_mentors,
        "places": int(capacity.sum()),
        "allowed": float(np.isfinite(pairs.scores).mean()),
        "score_s": t1 - t0,
        "solve_s": t2 - t1,
        "cpu_s": c2 - c0,
        "peak_mb": peak_rss / 1024,
        "inputs_mb": before_rss / 1024,
        "matched": count,
        "total": total,
        "greedy_matched": g_count,
        "greedy_total": g_total,
    }


def run_exact(n_requests: int, n_mentors: int, seed: int) -> dict[str, float]:
    """Solve one random instance with `solve` and with scipy on the expanded matrix."""
    from mentorship.matching import solve
    from scipy.optimize import linear_sum_assignment

    rng = np.random.default_rng(seed)
    scores = rng.uniform(0, 10, size=(n_requests, n_mentors))
    scores[rng.random(scores.shape) < 0.7] = -np.inf
    capacity = rng.integers(1, 4, size=n_mentors)

    t0 = time.perf_counter()
    result = solve(scores, capacity)
    t1 = time.perf_counter()
    slots = np.repeat(np.arange(n_mentors), capacity)
    forbidden = 1.0 + 2 * slots.size * 10.0
    cost = np.where(np.isfinite(scores[:, slots]), -scores[:, slots], forbidden)
    requests, places = linear_sum_assignment(cost)
    t2 = time.perf_counter()
    mentors = slots[places]
    kept = np.isfinite(scores[requests, mentors])
    count, total = objective(scores, result)
    return {
        "requests": n_requests,
        "mentors": n_mentors,
        "places": int(capacity.sum()),
        "matched": count,
        "total": total,
        "best_matched": int(kept.sum()),
        "best_total": float(scores[requests[kept], mentors[kept]].sum()),
        "solve_s": t1 - t0,
        "scipy_s": t2 - t1,
    }


def measure(mode: str, size: str, seed: int) -> dict[str, float]:
    """Run one measurement in a fresh process, so its memory and timing are its own."""
    out = subprocess.run(
        [sys.executable, __file__, mode, size.strip(), "--seed", str(seed)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="1000x300,3000x2000,10000x2000",
        help="requests x mentors, comma separated",
    )
    parser.add_argument(
        "--exact-sizes",
        default="10000x2000",
        help="requests x mentors of the random instances checked against scipy, comma separated",
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: measure one size, print JSON
    parser.add_argument("--one-exact", help=argparse.SUPPRESS)  # internal: one exactness check
    args = parser.parse_args()
    if args.one or args.one_exact:
        n_req, n_men = (int(x) for x in (args.one or args.one_exact).split("x"))
        run = run_one if args.one else run_exact
        print(json.dumps(run(n_req, n_men, args.seed)))
        return 0
    rows = [measure("--one", size, args.seed) for size in args.sizes.split(",") if size]
    if rows:
        print(
            "| Requests x mentors | Places | Allowed pairs | Scoring | Solving | Total (CPU) | Peak RSS "
            "| Matched (optimal / greedy) | Total score (optimal / greedy) |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for r in rows:
            print(
                f"| {r['requests']:,} x {r['mentors']:,} | {r['places']:,} | {r['allowed']:.1%} "
                f"| {r['score_s']:.2f} s | {r['solve_s']:.2f} s "
                f"| {r['score_s'] + r['solve_s']:.2f} s ({r['cpu_s']:.2f} s) "
                f"| {r['peak_mb']:,.0f} MB | {r['matched']:,} / {r['greedy_matched']:,} "
                f"| {r['total']:,.1f} / {r['greedy_total']:,.1f} |"
            )
    exact = [
        measure("--one-exact", size, args.seed) for size in args.exact_sizes.split(",") if size
    ]
    if exact:
        print()
        print(
            "| Random instance | Places | Matched (ours / optimum) | Total score (ours / optimum) "
            "| Short of the optimum | Our solve | scipy, expanded matrix |"
        )
        print("|---|---|---|---|---|---|---|")
    for r in exact:
        loss = r["best_total"] - r["total"]
        print(
            f"| {r['requests']:,} x {r['mentors']:,} | {r['places']:,} "
            f"| {r['matched']:,} / {r['best_matched']:,} "
            f"| {r['total']:,.6f} / {r['best_total']:,.6f} "
            f"| {loss:.3g} ({loss / r['best_total']:.1e}) "
            f"| {r['solve_s']:.2f} s | {r['scipy_s']:.2f} s |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
