"""The optional "Programme in numbers" page, built for real by MkDocs and Zensical.

A real nightly run on the local backend writes the figures file; both engines build the site
with `numbers_page = true`; the page carries accessible SVG charts drawn from the file, sits
in the nav, passes axe in both colour schemes, and no page of the site holds a student's name
or email. Without the file the page says the figures are not published yet.
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.nightly_project import NOW, make_project
from tests.nightly_run import run
from tests.site_browser import AXE, REPO

ENGINES = ("mkdocs", "zensical")


def _site_project(root: Path) -> list[str]:
    """A nightly project plus the site sources, numbers page on; returns the students' PII."""
    project = make_project(root, backend="local", mentors=10, responses=30)
    for folder in ("content", "site_templates"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copy(REPO / "mentors" / "schema.json", root / "mentors" / "schema.json")
    (root / "scripts").symlink_to(REPO / "scripts", target_is_directory=True)
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(
        text.replace("[tool.mentorship]\n", "[tool.mentorship]\nnumbers_page = true\n", 1),
        encoding="utf-8",
    )
    return [cell for row in project.responses[1:] for cell in row[1:3] if cell.strip()]


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("numbers")
    root = base / "project"
    students = _site_project(root)
    out: dict[str, Any] = {"students": students, "root": root}
    result = run(root, "site", "build", "--engine", "mkdocs", "--site-dir", str(base / "before"))
    assert result.returncode == 0, result.stderr
    out["before"] = base / "before"
    result = run(root, "nightly", "--now", NOW)
    assert result.returncode == 0, result.stderr
    assert (root / "status" / "figures.json").is_file()
    for engine in ENGINES:
        result = run(root, "site", "build", "--engine", engine, "--site-dir", str(base / engine))
        assert result.returncode == 0, result.stdout + result.stderr
        out[engine] = base / engine
    return out


@pytest.mark.parametrize("engine", ENGINES)
def test_the_numbers_page_has_accessible_svg_charts_and_a_nav_entry(sites, engine: str):
    html = (sites[engine] / "numbers" / "index.html").read_text(encoding="utf-8")
    assert "<h1" in html and "Programme in numbers" in html
    assert html.count('class="mentorship-chart" role="img"') == 4
    for chart in ("numbers-headline", "numbers-ratings", "numbers-industry", "numbers-language"):
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in html
        assert f'<title id="{chart}-title">' in html and f'<desc id="{chart}-desc">' in html
    assert "Headline figures: the numbers as a table" in html
    figures = json.loads((sites["root"] / "status" / "figures.json").read_text(encoding="utf-8"))
    assert isinstance(figures["requests"], int)
    assert f"Requests: {figures['requests']};" in html, "the chart's text alternative"
    assert f">{figures['requests']}</text>" in html, "the bar's value label"
    assert "not published yet" not in html
    home = (sites[engine] / "index.html").read_text(encoding="utf-8")
    assert "numbers/" in home and "Programme in numbers" in home


@pytest.mark.parametrize("engine", ENGINES)
def test_no_page_of_the_site_names_a_student(sites, engine: str):
    students = sites["students"]
    for path in sites[engine].rglob("*"):
        if path.suffix in (".html", ".json", ".svg", ".xml", ".txt"):
            text = path.read_text(encoding="utf-8")
            leaked = [s for s in students if s in text]
            assert not leaked, f"{path}: {leaked[:3]}"


def test_without_the_figures_file_the_page_says_they_are_not_published_yet(sites):
    html = (sites["before"] / "numbers" / "index.html").read_text(encoding="utf-8")
    assert "The programme’s figures are not published yet." in html
    assert "mentorship-chart" not in html


@pytest.fixture(scope="module")
def served(sites) -> Iterator[str]:
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(sites["mkdocs"])
    )
    handler.log_message = lambda *a: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violation_on_the_numbers_page(browser: Any, served: str, scheme):
    page = browser.new_page(color_scheme=scheme)
    try:
        page.goto(served + "numbers/")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document)")
    finally:
        page.close()
    serious = [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
