"""Both site engines build the same site: `mentorship site build --engine mkdocs|zensical`.

The project holds only this file's own mentors (the sample profiles are deleted, as a fork
does), and each engine builds it for real. The two sites must have the same pages, the same
mentors on the directory, the same mentor pages and mentors.json, searchable mentor pages,
and in Chromium neither may ask another origin for anything.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.request
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.site_browser import AXE, FORM_ENTRY, FORM_URL, make_project

MENTORSHIP = Path(sys.executable).with_name("mentorship")
ENGINES = ("mkdocs", "zensical")
# Whether a text box has the focus, looking into shadow roots (Zensical's search lives in one).
FOCUSED_INPUT = """() => {
  let e = document.activeElement;
  while (e && e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement;
  return !!e && e.matches('input');
}"""
# The key that opens each theme's search box.
SEARCH_KEY = {"mkdocs": "/", "zensical": "Control+k"}
REPO_EDIT = "https://github.com/your-university/alumni-mentoring/edit/main/mentors"


def tiny_png() -> bytes:
    """A valid 1x1 PNG, so one mentor has a photo and the others an initials avatar."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x10\x60\xb0")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def profile(name: str, *, industry: str, accepting: bool = True, photo: str = "") -> str:
    data: dict[str, Any] = {
        "name": name,
        "graduation_year": 2012,
        "program": "BSc Physics",
        "title": "Engineer",
        "employer": "Smith & <Sons>",
        "industry": industry,
        "topics": ["Networking"],
        "location": "Lisbon, Portugal",
        "timezone": "Europe/Lisbon",
        "languages": ["English"],
        "meeting_formats": ["video"],
        "availability": [{"day": "tuesday", "start": "18:00", "end": "20:00"}],
        "capacity": 2,
        "accepting": accepting,
        "bio": f"Hello, I am **{name}**.",
        "confirmed": "2026-01-15",
    }
    if photo:
        data["photo"] = photo
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


# A name that must be escaped once, neither raw nor twice, by either engine.
TRICKY = "Zoë O'Brien & Ana"
MENTORS = {
    "zoe-obrien": profile(TRICKY, industry="Finance"),
    "kai-test": profile("Kai Test", industry="Education", photo="kai-test.png"),
    "lee-closed": profile("Lee Closed", industry="Finance", accepting=False),
}


@dataclass(frozen=True)
class Built:
    """One engine's build of the same project."""

    engine: str
    path: Path
    seconds: float

    def html(self, url: str) -> str:
        return (self.path / url / "index.html").read_text(encoding="utf-8")

    def pages(self) -> set[str]:
        return {p.relative_to(self.path).as_posix() for p in self.path.rglob("*.html")}

    def searchable(self) -> set[str]:
        """Page URLs in the engine's search index (the engines name the file differently)."""
        for name, key in (("search/search_index.json", "docs"), ("search.json", "items")):
            if (self.path / name).is_file():
                items = json.loads((self.path / name).read_text(encoding="utf-8"))[key]
                return {item["location"].split("#")[0] for item in items}
        raise AssertionError(f"{self.engine} wrote no search index")


def directory_slugs(html: str) -> list[str]:
    """The mentors the directory links to, in page order."""
    return list(dict.fromkeys(re.findall(r'href="\.\./mentors/([a-z0-9-]+)/"', html)))


def article(html: str) -> str:
    """The mentor page's own content, as the templates rendered it."""
    match = re.search(r'<article class="mentor-profile">.*?</article>', html, re.S)
    assert match, "no mentor article on the page"
    return match.group(0)


def run_build(project: Path, engine: str, site: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(MENTORSHIP), "site", "build", "--engine", engine, "--site-dir", str(site)],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )


def fork_project(dest: Path) -> Path:
    """The repository's site sources with only this file's mentors (and one photo)."""
    project = make_project(dest, form=(FORM_URL, FORM_ENTRY))
    for path in (project / "mentors").glob("*.yml"):
        if path.name != "taxonomy.yml":
            path.unlink()
    for path in (project / "mentors" / "photos").glob("*"):
        path.unlink()
    (project / "mentors" / "photos").mkdir(exist_ok=True)
    (project / "mentors" / "photos" / "kai-test.png").write_bytes(tiny_png())
    for slug, text in MENTORS.items():
        (project / "mentors" / f"{slug}.yml").write_text(text, encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    base = tmp_path_factory.mktemp("engines")
    project = fork_project(base / "project")
    out = {}
    for engine in ENGINES:
        started = time.perf_counter()
        result = run_build(project, engine, base / f"site-{engine}")
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Traceback" not in result.stderr
        out[engine] = Built(engine, base / f"site-{engine}", time.perf_counter() - started)
    return out


def test_both_engines_publish_the_same_pages(builds: dict[str, Built]) -> None:
    mkdocs, zensical = builds["mkdocs"], builds["zensical"]
    assert mkdocs.pages() == zensical.pages()
    for slug in MENTORS:
        assert f"mentors/{slug}/index.html" in mkdocs.pages()
    for url in ("", "guides/faq/", "privacy/"):
        assert "<h1" in zensical.html(url)


def test_both_directories_list_the_same_mentors(builds: dict[str, Built]) -> None:
    listed = {engine: directory_slugs(b.html("mentors")) for engine, b in builds.items()}
    assert sorted(listed["mkdocs"]) == sorted(MENTORS)
    assert listed["zensical"] == listed["mkdocs"]


def test_mentor_pages_carry_the_same_content_and_edit_link(builds: dict[str, Built]) -> None:
    for slug in MENTORS:
        pages = {engine: b.html(f"mentors/{slug}") for engine, b in builds.items()}
        assert article(pages["zensical"]) == article(pages["mkdocs"])
        for html in pages.values():
            # The theme's edit button opens the profile, not a Markdown file that does not exist.
            assert f'href="{REPO_EDIT}/{slug}.yml" title="Edit this page"' in html
            assert "/content/mentors/" not in html
    for html in (b.html("mentors/zoe-obrien") for b in builds.values()):
        assert "Zoë O&#39;Brien &amp; Ana" in article(html)
        assert "Smith &amp; &lt;Sons&gt;" in article(html)
        title = re.search(r"<title>(.*?)</title>", html, re.S)
        assert title and re.match(r"Zoë O(&#39;|&#x27;|')Brien &amp; Ana -", title.group(1))
        assert "&amp;amp;" not in html and "<Sons>" not in html
        assert f"{FORM_URL}?usp=pp_url&amp;{FORM_ENTRY}=zoe-obrien" in html
    for built in builds.values():
        assert 'title="Edit this page"' not in built.html("mentors")


def test_both_publish_the_same_data_and_pictures(builds: dict[str, Built]) -> None:
    mkdocs, zensical = builds["mkdocs"], builds["zensical"]
    for name in (
        "mentors.json",
        "assets/mentorship/photos/kai-test.png",
        "assets/mentorship/avatars/zoe-obrien.svg",
        "assets/mentorship/mentors.css",
        "assets/mentorship/directory.js",
    ):
        assert (zensical.path / name).read_bytes() == (mkdocs.path / name).read_bytes(), name
    records = json.loads((zensical.path / "mentors.json").read_text(encoding="utf-8"))["mentors"]
    assert sorted(r["slug"] for r in records) == sorted(MENTORS)


def test_both_search_the_mentor_pages_but_not_the_directory(builds: dict[str, Built]) -> None:
    for built in builds.values():
        found = built.searchable()
        assert {f"mentors/{slug}/" for slug in MENTORS} <= found, built.engine
        assert "mentors/" not in found and "guides/faq/" in found


@pytest.fixture(scope="module")
def served(builds: dict[str, Built]) -> Iterator[dict[str, str]]:
    """Each site under a sub-path, as GitHub Pages serves a project's site (/<repo>/)."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    parent = builds["mkdocs"].path.parent
    assert all(b.path.parent == parent for b in builds.values())
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(parent))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield {e: f"http://127.0.0.1:{server.server_port}/{b.path.name}/" for e, b in builds.items()}
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("engine", ENGINES)
def test_in_chromium_nothing_leaves_the_origin_and_the_filters_work(
    engine: str, served: dict[str, str], browser: Any
) -> None:
    base = served[engine]
    context = browser.new_context(timezone_id="America/New_York")
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    missing: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        for url in ("", "guides/faq/", "mentors/kai-test/", "mentors/"):
            page.goto(base + url)
            page.wait_for_load_state("networkidle")
        page.locator('fieldset[data-group="industry"] input[value="Finance"]').check()
        visible = page.eval_on_selector_all(
            ".mentor-card:not([hidden]) .mentor-card__name a", "as => as.length"
        )
        assert visible == 2
        page.goto(base + "mentors/zoe-obrien/")
        page.wait_for_load_state("networkidle")
        # mentor.js converted the availability into the visitor's timezone.
        assert "America/New_York" in page.locator("[data-mentor-availability]").inner_text()
        # The theme's own search finds a mentor page by a word of the bio.
        page.goto(base + "guides/faq/")
        page.wait_for_load_state("networkidle")
        page.keyboard.press(SEARCH_KEY[engine])
        page.wait_for_function(FOCUSED_INPUT, timeout=10000)
        page.keyboard.type("Kai")
        page.wait_for_selector("a[href*='mentors/kai-test/']", state="attached", timeout=15000)
        for url in ("mentors/", "mentors/zoe-obrien/", "guides/faq/"):
            page.goto(base + url)
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("async () => await axe.run(document)")
            serious = [
                (url, v["id"], [n["target"] for n in v["nodes"]][:3])
                for v in result["violations"]
                if v["impact"] in ("serious", "critical")
            ]
            assert serious == [], serious
    finally:
        context.close()
    assert requests and all(url.startswith(base) for url in requests), [
        url for url in requests if not url.startswith(base)
    ]
    assert errors == [] and missing == []


def test_zensical_build_stops_on_an_invalid_profile_and_keeps_the_last_site(
    tmp_path: Path,
) -> None:
    project = fork_project(tmp_path / "project")
    site = tmp_path / "site"
    (site / "old").mkdir(parents=True)
    (site / "old" / "index.html").write_text("last good build", encoding="utf-8")
    profile_path = project / "mentors" / "kai-test.yml"
    profile_path.write_text(
        profile_path.read_text(encoding="utf-8").replace("industry: Education", "industry: Edtech"),
        encoding="utf-8",
    )
    result = run_build(project, "zensical", site)
    assert result.returncode == 1
    assert "mentors/kai-test.yml:" in result.stderr and "'Edtech'" in result.stderr
    assert "Traceback" not in result.stderr
    assert (site / "old" / "index.html").read_text(encoding="utf-8") == "last good build"
    assert not (site / "mentors").exists()


def test_zensical_build_fails_on_a_broken_link_without_a_traceback(tmp_path: Path) -> None:
    project = fork_project(tmp_path / "project")
    with (project / "content" / "privacy.md").open("a", encoding="utf-8") as guide:
        guide.write("\nSee [the missing page](missing.md).\n")
    result = run_build(project, "zensical", tmp_path / "site")
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert "privacy.md" in output and "Zensical did not build the site" in output
    assert "Traceback" not in output
    assert not (tmp_path / "site").exists()


def wait_for(url: str, text: str, timeout: float = 30) -> str:
    """The body at `url` once it contains `text` (polling: rebuilds are asynchronous)."""
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


def test_zensical_preview_reloads_on_profile_and_template_changes(tmp_path: Path) -> None:
    project = fork_project(tmp_path / "project")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [str(MENTORSHIP), "site", "serve", "--engine", "zensical", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/mentors/kai-test/"
        wait_for(url, "mentor-profile")
        profile_path = project / "mentors" / "kai-test.yml"
        text = profile_path.read_text(encoding="utf-8")
        profile_path.write_text(text.replace("title: Engineer", "title: Chief Reload Officer"))
        wait_for(url, "Chief Reload Officer")
        template = project / "site_templates" / "mentor.html"
        template.write_text(
            template.read_text(encoding="utf-8").replace(">About</h2>", ">About them</h2>"),
            encoding="utf-8",
        )
        wait_for(url, "About them")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


def test_zensical_names_a_bad_mkdocs_yml_without_a_traceback(tmp_path: Path) -> None:
    project = fork_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(re.sub(r"(?m)^site_name: .*\n", "", config.read_text("utf-8")), "utf-8")
    result = run_build(project, "zensical", tmp_path / "site")
    assert result.returncode == 2
    assert "Zensical cannot use mkdocs.yml" in result.stderr and "site_name" in result.stderr
    assert "Traceback" not in result.stderr


def test_restaging_rewrites_only_what_changed_and_drops_removed_mentors(tmp_path: Path) -> None:
    from mentorship.site.generate import page_url, root_of
    from mentorship.site.stage import stage

    assert page_url("mentors/ana.md") == "mentors/ana/" and root_of("mentors/ana/") == "../../"
    assert page_url("mentors/ana.md", use_directory_urls=False) == "mentors/ana.html"
    assert page_url("mentors/index.md") == "mentors/" and root_of("") == "./"
    project = fork_project(tmp_path / "project")
    dest = project / "build" / "zensical"
    config = stage(project, dest)
    assert "INHERIT: ../../mkdocs.yml" in config.read_text("utf-8")
    assert not (dest / "theme" / "partials" / "search.html").exists()
    assert (dest / "theme" / "partials" / "actions.html").is_file()
    docs = dest / "docs"
    before = {p: p.stat().st_mtime_ns for p in docs.rglob("*") if p.is_file()}
    time.sleep(0.05)
    (project / "mentors" / "lee-closed.yml").unlink()
    stage(project, dest)
    after = {p: p.stat().st_mtime_ns for p in docs.rglob("*") if p.is_file()}
    assert not (docs / "mentors" / "lee-closed.md").exists()
    assert not (docs / "assets" / "mentorship" / "avatars" / "lee-closed.svg").exists()
    rewritten = {p.relative_to(docs).as_posix() for p in after if after[p] != before.get(p)}
    # The directory, mentors.json and nothing else changed (no mentor page, no guide).
    assert rewritten == {"mentors/index.md", "mentors.json"}
    assert (docs / "guides" / "faq.md").read_bytes() == (
        project / "content" / "guides" / "faq.md"
    ).read_bytes()
