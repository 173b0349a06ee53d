"""The mentor page's request link carries the visitor's own time zone (real build, Chromium)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from mentorship.timezones import Resolved, resolve

from tests.site_browser import FORM_ENTRY, FORM_URL, build, make_project

TZ_ENTRY = "entry.2345678901"
SLUG = "tz-prefill-mentor"
# A profile of the test's own (forks delete the samples).
PROFILE = """\
name: Tara Zonefield
graduation_year: 2012
program: BSc Economics
title: Analyst
employer: Example Bank
industry: Finance
topics:
  - Networking
location: Lisbon, Portugal
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
bio: Plain.
confirmed: 2026-01-15
"""


@pytest.fixture(scope="module")
def prefill_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A site built with `timezone_entry` set, served on 127.0.0.1; yields its base URL."""
    import functools
    import http.server
    import threading

    base = tmp_path_factory.mktemp("tz-site")
    project = make_project(
        base / "project",
        form=(FORM_URL, FORM_ENTRY),
        profiles={SLUG: PROFILE},
        timezone_entry=TZ_ENTRY,
    )
    result = build(project, base / "site")
    assert result.returncode == 0, result.stderr

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(base / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("zone", ["Asia/Kolkata", "America/St_Johns"])
def test_request_link_carries_the_visitors_zone(browser: Any, prefill_site: str, zone: str) -> None:
    context = browser.new_context(timezone_id=zone, locale="en-GB")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{prefill_site}mentors/{SLUG}/")
    page.wait_for_load_state("load")
    href = page.get_by_role("link", name="Request this mentor").get_attribute("href")
    browser_zone = page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone")
    context.close()
    assert href is not None and href.startswith(FORM_URL + "?")
    query = parse_qs(urlsplit(href).query)
    assert query == {"usp": ["pp_url"], FORM_ENTRY: [SLUG], TZ_ENTRY: [browser_zone]}
    # Chromium names India by CLDR's id, Asia/Calcutta; intake reads it as the IANA name.
    assert resolve(browser_zone) == Resolved(zone, "IANA name")
    assert errors == []


def test_without_javascript_the_link_still_names_the_mentor(prefill_site: str) -> None:
    import urllib.request

    html = urllib.request.urlopen(f"{prefill_site}mentors/{SLUG}/").read().decode()
    assert f'data-timezone-entry="{TZ_ENTRY}"' in html
    assert f"{FORM_URL}?usp=pp_url&amp;{FORM_ENTRY}={SLUG}" in html


def test_profile_fixture_is_a_valid_profile(tmp_path: Path) -> None:
    from mentorship.profiles.load import load_profiles

    (tmp_path / "taxonomy.yml").write_bytes(
        (Path(__file__).resolve().parents[1] / "mentors" / "taxonomy.yml").read_bytes()
    )
    (tmp_path / f"{SLUG}.yml").write_text(PROFILE, encoding="utf-8")
    assert load_profiles(tmp_path).problems == []
