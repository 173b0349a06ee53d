"""Benchmark: the time-zone resolver over the table of real answers (tests/timezone_answers.py).

Prints a Markdown table: how many answers resolve to the expected zone, how many ambiguous ones
name every expected candidate, and what the lazy data costs: a fresh process's import of the
CLI (CPU seconds), the first answer that needs only tz/CLDR data, the first that needs the GeoNames cities,
and the table once everything is loaded.

On main before the resolver (IANA names and offsets only), 7 of the 160 single-zone answers
resolved; every other one made the request invalid.

Targets: the CLI import loads no place data; the city index under 5 s on a developer machine.

    .venv/bin/python benchmarks/timezone_answers.py
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.timezone_answers import ANSWERS  # noqa: E402


def fresh(code: str) -> float:
    """CPU seconds a new interpreter spends running `code` (imports included).

    CPU rather than wall time, so a busy shared machine does not inflate the figures.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    baseline = fresh("pass")
    cli = fresh("import mentorship.cli") - baseline
    zone_layers = fresh("from mentorship.timezones import resolve; resolve('Eastern Time')")
    cities = fresh("from mentorship.timezones import resolve; resolve('Bengaluru')")

    from mentorship.timezones import Ambiguous, Resolved, resolve

    resolve("Bengaluru")  # load everything once, then time the table warm
    start = time.process_time()
    found = [(resolve.__wrapped__(answer), expected) for answer, expected in ANSWERS]
    warm = (time.process_time() - start) / len(ANSWERS)

    single = [(f, e) for f, e in found if isinstance(e, str)]
    right = sum(1 for f, e in single if isinstance(f, Resolved) and f.zone == e)
    questions = [(f, e) for f, e in found if not isinstance(e, str)]
    named = sum(1 for f, e in questions if isinstance(f, Ambiguous) and set(e) <= set(f.zones))

    print("| Measure | Value |")
    print("| --- | ---: |")
    print(f"| Answers in the table | {len(ANSWERS)} |")
    print(f"| Single-zone answers resolved to the expected zone | {right} / {len(single)} |")
    print(f"| Ambiguous answers asked with every expected candidate | {named} / {len(questions)} |")
    print(f"| Import of the CLI beyond a bare interpreter (CPU) | {cli:.2f} s |")
    print(
        f"| Fresh process, first zone-name answer: tz + CLDR (CPU) | {zone_layers - baseline:.2f} s |"
    )
    print(f"| Fresh process, first city answer: GeoNames index (CPU) | {cities - baseline:.2f} s |")
    print(f"| One answer, data loaded, mean over the table (CPU) | {warm * 1000:.2f} ms |")


if __name__ == "__main__":
    main()
