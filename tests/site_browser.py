"""Helpers and fixtures for the site tests: a temp copy of the project, a real
`mkdocs build --strict`, a loopback HTTP server for the built site and one headless Chromium.

The sample site is built once per session (`built_site`) and shared by every site test.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.fixtures import write_mentors

REPO = Path(__file__).resolve().parents[1]
MKDOCS = Path(sys.executable).with_name("mkdocs")
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

FORM_URL = "https://docs.google.com/forms/d/e/1FAIpQLSfEXAMPLE/viewform"
FORM_ENTRY = "entry.1234567890"
HOSTILE_SLUG = "zz-hostile"
# Every free-text field of this profile carries markup that would run script if it were ever
# output unescaped; the validator accepts it all, so only the site's escaping stands in the way.
XSS = "<script>alert('x')</script><img src=x onerror=alert('y')>"
HOSTILE_PROFILE = f"""\
name: "Eve {XSS} Hostile"
pronouns: "<img src=x onerror=alert(1)>"
graduation_year: 2010
program: "BSc {XSS}"
title: "Chief <svg onload=alert(2)> Officer"
employer: "</script><script>alert(3)</script>"
industry: Finance
topics:
  - Networking
location: "javascript:alert(4) <b onmouseover=alert(5)>Lisbon</b>"
timezone: Europe/Lisbon
languages:
  - English
meeting_formats:
  - video
availability:
  - day: tuesday
    start: "18:00"
    end: "20:00"
capacity: 2
accepting: true
links:
  - label: "{XSS}"
    url: "https://example.org/\\"><script>alert(6)</script>"
bio: |
  Hello <script>alert(7)</script> and <img src=x onerror="alert(8)">.

  [a javascript link](javascript:alert(9)) and [data](data:text/html,<script>alert(10)</script>)
  <a href="javascript:alert(11)" onclick="alert(12)">raw link</a>
  <iframe src="javascript:alert(13)"></iframe><style>body{{display:none}}</style>
  </script><script>alert(14)</script>
  [mail me](mailto:eve@example.org) and [site](https://example.org/eve)
confirmed: 2026-01-15
"""


def make_project(
    dest: Path,
    *,
    form: tuple[str, str] | None = None,
    profiles: dict[str, str] | None = None,
    timezone_entry: str = "",
) -> Path:
    """A copy of the repository's site sources in `dest` (scripts/ linked, not copied).

    `form` sets `[tool.mentorship.form]` (url, entry); None leaves it empty. `timezone_entry`
    sets the time-zone question's prefill id. `profiles` adds or replaces `mentors/<slug>.yml`
    files.
    """
    dest.mkdir(parents=True, exist_ok=True)
    for folder in ("content", "site_templates"):
        shutil.copytree(REPO / folder, dest / folder)
    # The mentors are the test fixtures (tests/fixtures/), never the repository's samples.
    write_mentors(dest / "mentors")
    shutil.copy(REPO / "mentors" / "schema.json", dest / "mentors" / "schema.json")
    shutil.copy(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    (dest / "scripts").symlink_to(REPO / "scripts", target_is_directory=True)
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    url, entry = form or ("", "")
    pyproject = re.sub(
        r"(\[tool\.mentorship\.form\][^\[]*?)url = \"[^\"]*\"\nmentor_entry = \"[^\"]*\"",
        lambda m: f'{m.group(1)}url = "{url}"\nmentor_entry = "{entry}"',
        pyproject,
        flags=re.S,
    )
    pyproject = re.sub(
        r'^timezone_entry = "[^"]*"$',
        f'timezone_entry = "{timezone_entry}"',
        pyproject,
        flags=re.M,
    )
    (dest / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    for slug, text in (profiles or {}).items():
        (dest / "mentors" / f"{slug}.yml").write_text(text, encoding="utf-8")
    return dest


def build(project: Path, site_dir: Path) -> subprocess.CompletedProcess[str]:
    """Run a real `mkdocs build --strict` of `project` into `site_dir`."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [str(MKDOCS), "build", "--strict", "-d", str(site_dir)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@dataclass(frozen=True)
class BuiltSite:
    """The sample site (plus the hostile profile), built once with the form configured."""

    project: Path
    path: Path
    log: str

    @functools.cached_property
    def mentors(self) -> list[dict[str, Any]]:
        """The published mentors.json records."""
        return json.loads((self.path / "mentors.json").read_text(encoding="utf-8"))["mentors"]

    def html(self, url: str) -> str:
        """The built HTML at a site-relative URL like 'mentors/' or 'mentors/ana/'."""
        return (self.path / url / "index.html").read_text(encoding="utf-8")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The sample site built once per session by a real `mkdocs build --strict`."""
    base = tmp_path_factory.mktemp("site")
    project = make_project(
        base / "project",
        form=(FORM_URL, FORM_ENTRY),
        profiles={HOSTILE_SLUG: HOSTILE_PROFILE},
    )
    result = build(project, base / "site")
    assert result.returncode == 0, result.stderr
    return BuiltSite(project, base / "site", result.stdout + result.stderr)


def _serve(folder: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def site_url(built_site: BuiltSite) -> Iterator[str]:
    """The built site served on 127.0.0.1 at an ephemeral port; yields its base URL."""
    yield from _serve(built_site.path)


BIG_DIRECTORY = 3000


@pytest.fixture(scope="session")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """A site of 3,000 generated mentors (none of the samples), built once per session."""
    from benchmarks.site_build import make_ours, synthetic_profiles

    base = tmp_path_factory.mktemp("big-site")
    taxonomy = yaml.safe_load((REPO / "mentors" / "taxonomy.yml").read_text(encoding="utf-8"))
    make_ours(base / "project", synthetic_profiles(BIG_DIRECTORY, taxonomy))
    result = build(base / "project", base / "site")
    assert result.returncode == 0, result.stderr
    return BuiltSite(base / "project", base / "site", result.stdout + result.stderr)


@pytest.fixture(scope="session")
def big_site_url(big_site: BuiltSite) -> Iterator[str]:
    """The 3,000-mentor site served on 127.0.0.1; yields its base URL."""
    yield from _serve(big_site.path)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium (Debian's) for the whole session."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
