"""A real `mkdocs build --strict` of the fixture mentors' site: pages, directory, mentors.json, safety."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from mentorship.site.avatars import initials_avatar

from tests.fixtures import MENTORS as FIXTURE_MENTORS
from tests.fixtures import fixture_slugs
from tests.site_browser import (
    FORM_ENTRY,
    FORM_URL,
    HOSTILE_SLUG,
    REPO,
    BuiltSite,
    build,
    make_project,
)


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text inside <script> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def parse(html: str) -> Tags:
    tags = Tags()
    tags.feed(html)
    return tags


def sample_slugs() -> list[str]:
    """The fixture mentors `make_project` puts in the site (tests/fixtures/)."""
    return fixture_slugs()


def test_every_sample_mentor_gets_a_page_and_a_card(built_site: BuiltSite) -> None:
    directory = built_site.html("mentors")
    for slug in [*sample_slugs(), HOSTILE_SLUG]:
        assert (built_site.path / "mentors" / slug / "index.html").is_file()
        assert f'href="../mentors/{slug}/"' in directory
    cards = directory.split("data-mentor-cards>", 1)[1].split("</ul>", 1)[0]
    assert cards.count('class="mentor-card"') == len(sample_slugs()) + 1


def test_mentor_pages_stay_out_of_the_nav_without_build_noise(built_site: BuiltSite) -> None:
    home = built_site.html("")
    assert "mentors/index.md" not in built_site.log
    assert "not included in the" not in built_site.log
    for slug in sample_slugs():
        assert f"mentors/{slug}/" not in home
    assert 'href="mentors/"' in home


def test_mentors_json_lists_public_fields_and_no_email(built_site: BuiltSite) -> None:
    text = (built_site.path / "mentors.json").read_text(encoding="utf-8")
    records = json.loads(text)["mentors"]
    assert sorted(r["slug"] for r in records) == sorted([*sample_slugs(), HOSTILE_SLUG])
    assert all("email" not in r for r in records)
    every_html = "".join(p.read_text(encoding="utf-8") for p in built_site.path.rglob("*.html"))
    for slug in sample_slugs():
        assert "email" not in yaml.safe_load((FIXTURE_MENTORS / f"{slug}.yml").read_text())
        # The address the demo's roster would give each mentor (<slug>@example.org) is nowhere.
        assert f"{slug}@example.org" not in text + every_html


def test_request_button_opens_the_form_prefilled_with_the_slug(built_site: BuiltSite) -> None:
    accepting = next(r for r in built_site.mentors if r["accepting"] and r["slug"] != HOSTILE_SLUG)
    links = [
        attrs["href"]
        for tag, attrs in parse(built_site.html(f"mentors/{accepting['slug']}")).tags
        if tag == "a" and "data-mentor-request" in attrs
    ]
    assert links == [f"{FORM_URL}?usp=pp_url&{FORM_ENTRY}={accepting['slug']}"]


def test_not_accepting_mentor_says_so_and_offers_no_button(built_site: BuiltSite) -> None:
    closed = next(r for r in built_site.mentors if not r["accepting"])
    html = built_site.html(f"mentors/{closed['slug']}")
    assert "data-mentor-request" not in html
    assert "not taking on new mentees" in html


def test_edit_link_points_at_the_profile_on_github(built_site: BuiltSite) -> None:
    slug = sample_slugs()[0]
    html = built_site.html(f"mentors/{slug}")
    expected = f"https://github.com/your-university/alumni-mentoring/edit/main/mentors/{slug}.yml"
    edit_links = [a["href"] for t, a in parse(html).tags if t == "a" and "data-mentor-edit" in a]
    assert edit_links == [expected]
    assert f'href="{expected}" title="Edit this page"' in html  # Material's own edit button


def test_without_form_configuration_the_page_explains_how_to_ask(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", form=None)
    result = build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    slug = next(
        s
        for s in sample_slugs()
        if yaml.safe_load((FIXTURE_MENTORS / f"{s}.yml").read_text())["accepting"]
    )
    html = (tmp_path / "site" / "mentors" / slug / "index.html").read_text(encoding="utf-8")
    assert "data-mentor-request-missing" in html and f"<code>{slug}</code>" in html
    assert "data-mentor-request" not in html.replace("data-mentor-request-missing", "")
    assert "docs.google.com" not in html


def test_invalid_profile_fails_the_build_with_the_validator_message(tmp_path: Path) -> None:
    slug = sample_slugs()[0]
    text = (FIXTURE_MENTORS / f"{slug}.yml").read_text(encoding="utf-8")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if t.startswith("industry:"))
    broken = re.sub(r"(?m)^industry: .*$", "industry: Fintech", text)
    project = make_project(tmp_path / "project", profiles={slug: broken})
    site = tmp_path / "site"
    (site / "old").mkdir(parents=True)
    (site / "old" / "index.html").write_text("last good build", encoding="utf-8")
    result = build(project, site)
    assert result.returncode != 0
    assert f"mentors/{slug}.yml:{line}:" in result.stderr
    assert "'Fintech'" in result.stderr and "Traceback" not in result.stderr
    # Nothing was written: the last good site is untouched, no half-built directory.
    assert (site / "old" / "index.html").read_text(encoding="utf-8") == "last good build"
    assert not (site / "mentors").exists()


def test_hostile_profile_comes_out_inert_in_the_html(built_site: BuiltSite) -> None:
    for url in (f"mentors/{HOSTILE_SLUG}", "mentors"):
        html = built_site.html(url)
        tags = parse(html)
        for tag, attrs in tags.tags:
            assert tag not in ("iframe", "svg", "style") or "alert" not in str(attrs)
            for name, value in attrs.items():
                assert not name.startswith("on"), (tag, attrs)
                assert not (value or "").strip().lower().startswith(("javascript:", "data:"))
            assert not (tag == "img" and attrs.get("src") == "x")
        assert all("alert(" not in s for s in tags.scripts)
        assert "<script>alert" not in html


def test_pages_load_nothing_from_other_origins(built_site: BuiltSite) -> None:
    for page in built_site.path.rglob("*.html"):
        for tag, attrs in parse(page.read_text(encoding="utf-8")).tags:
            url = None
            if tag in ("script", "img", "iframe", "source", "video", "audio"):
                url = attrs.get("src")
            elif tag == "link" and attrs.get("rel") not in ("canonical", "alternate", "edit"):
                url = attrs.get("href")
            if url:
                assert not re.match(r"^(https?:)?//", url), (page, tag, url)
    css = "".join(p.read_text(encoding="utf-8") for p in built_site.path.rglob("*.css"))
    assert "fonts.googleapis" not in css and "@import url(http" not in css


@pytest.mark.repo_mentors
def test_the_repository_site_builds_as_committed(tmp_path: Path) -> None:
    result = build(REPO, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr


def test_photos_are_copied_and_others_get_an_initials_avatar(built_site: BuiltSite) -> None:
    directory = built_site.html("mentors")
    for record in built_site.mentors:
        slug = record["slug"]
        if record["photo"]:
            suffix = Path(record["photo"]).suffix.lower()
            image = f"assets/mentorship/photos/{slug}{suffix}"
            source = FIXTURE_MENTORS / "photos" / record["photo"]
            assert (built_site.path / image).read_bytes() == source.read_bytes()
            assert f'src="../{image}"' in directory
        else:
            image = f"assets/mentorship/avatars/{slug}.svg"
            assert (built_site.path / image).read_text(encoding="utf-8").startswith("<svg")
            # The directory's card draws the same initials as text, not the SVG file.
            colour, letters = initials_avatar(record["name"], slug)
            assert (
                f'<span class="mentor-card__photo mentor-avatar" '
                f'style="background-color: {colour}" aria-hidden="true">{letters}</span>'
            ) in directory
            assert f'src="../{image}"' not in directory
        assert record["image"] == image
