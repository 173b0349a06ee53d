"""The directory tells the truth: full and stale mentors are not shown as accepting.

A real nightly run on the local backend fills one mentor's only place and writes the PII-free
status (`status/open-places.json`); a real `mkdocs build --strict` reads it; headless Chromium
reads the badges. Without the status file the build falls back to the YAML.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.lifecycle_project import answer, write_mentors
from tests.nightly_project import QUESTIONS, RESPONSES_TAB
from tests.nightly_run import run
from tests.roster_support import roster_values
from tests.site_browser import FORM_ENTRY, FORM_URL, build, make_project

MENTORS = {
    "ana-lima": ("Ana Lima", 1),
    "ben-okafor": ("Ben Okafor", 2),
    "cleo-park": ("Cleo Park", 2),
}


def _project(root: Path) -> Path:
    """The site sources with only our three mentors (no sample mentor), Cleo's profile stale."""
    project = make_project(root, form=(FORM_URL, FORM_ENTRY))
    for path in (project / "mentors").glob("*.yml"):
        if path.name != "taxonomy.yml":
            path.unlink()
    write_mentors(project, MENTORS)
    cleo = project / "mentors" / "cleo-park.yml"
    cleo.write_text(
        cleo.read_text(encoding="utf-8").replace("confirmed: 2026-10-01", "confirmed: 2024-01-15"),
        encoding="utf-8",
    )
    ledger = project / ".ledger"
    ledger.mkdir()
    with open(ledger / "Mentors.csv", "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(
            roster_values({slug: f"{slug}@example.org" for slug in MENTORS})
        )
    with open(ledger / f"{RESPONSES_TAB}.csv", "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(
            [
                list(QUESTIONS.values()),
                answer(1, submitted="01/11/2026 09:00:00", preferred="ana-lima"),
            ]
        )
    return project


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    """The site built after a nightly run (with the status), and one built without it."""
    base = tmp_path_factory.mktemp("open-places")
    project = _project(base / "project")
    without = base / "without"
    assert build(project, without).returncode == 0
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    result = run(project, "nightly", "--approval", "auto", "--now", now)
    assert result.returncode == 0, result.stdout + result.stderr
    status = json.loads((project / "status" / "open-places.json").read_text(encoding="utf-8"))
    assert status == {"version": 1, "open_places": {"ana-lima": 0, "ben-okafor": 2, "cleo-park": 0}}
    text = (project / "status" / "open-places.json").read_text(encoding="utf-8")
    assert "@" not in text and "Student" not in text, "nothing about students"
    truth = base / "truth"
    result = build(project, truth)
    assert result.returncode == 0, result.stderr
    return {"truth": truth, "without": without}


@pytest.fixture(scope="module")
def served(sites: dict[str, Path]) -> Iterator[str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(sites["truth"]))
    handler.log_message = lambda *a: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


def _badges(browser: Any, url: str) -> dict[str, str]:
    page = browser.new_page()
    try:
        page.goto(url + "mentors/")
        return page.eval_on_selector_all(
            ".mentor-card",
            """cards => Object.fromEntries(cards.map(c => [
                c.querySelector('.mentor-card__name a').getAttribute('href')
                  .split('/').filter(Boolean).pop(),
                c.querySelector('.mentor-badge').textContent.trim()]))""",
        )
    finally:
        page.close()


def test_full_and_stale_mentors_are_not_shown_as_accepting(browser: Any, served: str):
    assert _badges(browser, served) == {
        "ana-lima": "Not accepting now",  # her one place is taken
        "ben-okafor": "Accepting mentees",
        "cleo-park": "Not accepting now",  # profile not confirmed for over 400 days
    }
    page = browser.new_page()
    try:
        page.goto(served + "mentors/?accepting=1")
        visible = page.eval_on_selector_all(
            ".mentor-card:not([hidden]) .mentor-card__name a", "as => as.length"
        )
        assert visible == 1
        page.goto(served + "mentors/ana-lima/")
        assert "Not accepting new mentees right now" in page.inner_text(".mentor-badge")
        assert page.locator(f'a[href^="{FORM_URL}"]').count() == 0, "no request button"
    finally:
        page.close()


def test_mentors_json_tells_the_same_truth(sites: dict[str, Path]):
    published = json.loads((sites["truth"] / "mentors.json").read_text(encoding="utf-8"))
    assert {m["slug"]: m["accepting"] for m in published["mentors"]} == {
        "ana-lima": False,
        "ben-okafor": True,
        "cleo-park": False,
    }


def test_without_the_status_file_the_yaml_decides(sites: dict[str, Path]):
    published = json.loads((sites["without"] / "mentors.json").read_text(encoding="utf-8"))
    # Stale profiles are still not accepting; the rest follow `accepting` in their YAML.
    assert {m["slug"]: m["accepting"] for m in published["mentors"]} == {
        "ana-lima": True,
        "ben-okafor": True,
        "cleo-park": False,
    }
