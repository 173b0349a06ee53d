"""`mkdocs serve` rebuilds when a profile or a site template changes."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from tests.fixtures import fixture_slugs
from tests.site_browser import MKDOCS, make_project


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, text: str, timeout: float = 30) -> str:
    """The body at `url` once it contains `text` (polling, since rebuilds are asynchronous)."""
    deadline = time.monotonic() + timeout
    body = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                body = response.read().decode("utf-8")
            if text in body:
                return body
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} never showed {text!r}; last body:\n{body[:500]}")


def test_serve_reloads_on_profile_and_template_changes(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    slug = fixture_slugs()[0]
    port = free_port()
    server = subprocess.Popen(
        [str(MKDOCS), "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/mentors/{slug}/"
        wait_for(url, "mentor-profile")
        profile = project / "mentors" / f"{slug}.yml"
        text = profile.read_text(encoding="utf-8")
        profile.write_text(
            re.sub(r"(?m)^title: .*$", "title: Chief Reload Officer", text), encoding="utf-8"
        )
        wait_for(url, "Chief Reload Officer")
        template = project / "site_templates" / "mentor.html"
        template.write_text(
            template.read_text(encoding="utf-8").replace(
                '<h2 id="about">About</h2>', '<h2 id="about">About them</h2>'
            ),
            encoding="utf-8",
        )
        wait_for(url, "About them")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
