"""The site's building blocks: bio sanitising, safe embedded JSON, form links, avatars, export."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from mentorship.config import FormConfig
from mentorship.profiles.models import Mentor
from mentorship.profiles.taxonomy import Taxonomy
from mentorship.site.avatars import avatar_svg, initials, initials_avatar
from mentorship.site.bio import render_bio
from mentorship.site.directory import filter_groups, filter_index, listings, pager, url_slug
from mentorship.site.export import mentors_json
from mentorship.site.pages import branch_of
from mentorship.site.render import edit_url, request_url, script_json
from mentorship.site.search import add_to_search_index, search_entries

from tests.support.mentors import make_mentor as support_mentor


def make_mentor(**changes: object) -> Mentor:
    """An economist in Lisbon (the shared test mentor with other details)."""
    lisbon: dict[str, object] = {
        "name": "Ana Lima",
        "program": "BSc Economics",
        "title": "Analyst",
        "employer": "Example Bank",
        "industry": "Finance",
        "topics": ["Networking"],
        "location": "Lisbon, Portugal",
        "timezone": "Europe/Lisbon",
        "languages": ["English", "Portuguese"],
        "confirmed": dt.date(2026, 1, 1),
        "email": "ana.lima@example.org",
    }
    return support_mentor(**{"slug": "ana-lima", **lisbon, **changes})


def test_bio_markdown_is_rendered_and_links_get_nofollow() -> None:
    html = render_bio("Hello *there*, see [my site](https://example.org) or [mail](mailto:a@b.c).")
    assert "<em>there</em>" in html
    assert '<a href="https://example.org" rel="nofollow noopener">my site</a>' in html
    assert 'href="mailto:a@b.c"' in html


def test_bio_drops_script_handlers_and_non_http_schemes() -> None:
    html = render_bio(
        "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n"
        "[x](javascript:alert(3)) [y](data:text/html,hi) [z](vbscript:msgbox)\n\n"
        '<a href="JaVaScRiPt:alert(4)" onclick="alert(5)">w</a><iframe src="https://e.org"></iframe>'
    )
    lowered = html.lower()
    for bad in ("<script", "alert(1)", "<img", "onerror", "javascript:", "data:", "vbscript:"):
        assert bad not in lowered
    assert "onclick" not in lowered and "<iframe" not in lowered


def test_bio_headings_above_h3_do_not_compete_with_the_page_outline() -> None:
    assert "<h1" not in render_bio("# Big\n\ntext")


def test_script_json_cannot_close_the_script_element() -> None:
    text = str(script_json({"a": "</script><script>alert(1)</script><!-- \u2028"}))
    assert "</script" not in text.lower() and "<!--" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><script>alert(1)</script><!-- \u2028"}


def test_request_url_prefills_the_mentor_slug() -> None:
    url = request_url(FormConfig("https://docs.google.com/forms/d/e/X/viewform", "entry.42"), "a-b")
    assert url == "https://docs.google.com/forms/d/e/X/viewform?usp=pp_url&entry.42=a-b"
    parts = urlsplit(request_url(FormConfig("https://f.example/form?hl=en", "entry.1"), "x&y=z"))
    assert parse_qs(parts.query) == {"hl": ["en"], "usp": ["pp_url"], "entry.1": ["x&y=z"]}


def test_request_url_is_none_without_form_configuration() -> None:
    assert request_url(FormConfig("", ""), "ana") is None
    assert request_url(FormConfig("https://f.example/form", ""), "ana") is None


def test_edit_url_points_at_the_profile_yaml_on_the_configured_branch() -> None:
    assert branch_of("edit/trunk/content/") == "trunk"
    assert branch_of("") == "main"
    assert (
        edit_url("https://github.com/u/r/", "main", "mentors", "ana-lima")
        == "https://github.com/u/r/edit/main/mentors/ana-lima.yml"
    )


def test_initials_avatar_escapes_and_abbreviates_the_name() -> None:
    assert initials("Ana Maria de Lima") == "AL"
    assert initials("Ōta") == "Ō"
    svg = avatar_svg("<script>x</script> & Co", "slug")
    assert "<script>" not in svg and svg.startswith("<svg")


def test_mentors_json_has_public_fields_and_never_the_email() -> None:
    mentor = make_mentor()
    document = json.loads(
        mentors_json([mentor], {"ana-lima": "mentors/ana-lima/"}, {"ana-lima": "a.svg"})
    )
    (record,) = document["mentors"]
    assert record["name"] == "Ana Lima" and record["url"] == "mentors/ana-lima/"
    assert record["image"] == "a.svg"
    assert "email" not in record
    assert "ana.lima@example.org" not in json.dumps(document)


def many_mentors(n: int) -> list[Mentor]:
    industries = ["Finance", "Law", "Design"]
    return [
        make_mentor(
            slug=f"m-{i:03d}",
            name=f"Mentor {i}",
            email=f"m{i}@example.org",
            industry=industries[i % 3],
            topics=["Networking", "Leadership"] if i % 2 else ["Leadership"],
            accepting=i % 4 != 0,
        )
        for i in range(n)
    ]


def test_directory_pages_split_every_series_48_a_page() -> None:
    mentors = many_mentors(100)
    pages = listings(mentors, ["Finance", "Law", "Design"])
    everyone = [p for p in pages if p.industry is None]
    assert [p.url for p in everyone] == ["mentors/", "mentors/page/2/", "mentors/page/3/"]
    assert [p.src_uri for p in everyone] == [
        "mentors/index.md",
        "mentors/page/2.md",
        "mentors/page/3.md",
    ]
    assert [m for p in everyone for m in p.mentors] == mentors
    assert [len(p.mentors) for p in everyone] == [48, 48, 4]
    assert everyone[0].interactive and not everyone[1].interactive
    assert everyone[1].title == "Find a mentor (page 2 of 3)" and everyone[1].first == 49
    law = [p for p in pages if p.industry == "Law"]
    assert [p.url for p in law] == ["mentors/industry/law/"]
    assert list(law[0].mentors) == [m for m in mentors if m.industry == "Law"]
    assert url_slug("Biotech & Pharma") == "biotech-pharma" and url_slug("Café") == "cafe"


def test_pager_shows_the_ends_and_the_neighbours_of_the_current_page() -> None:
    pages = listings(many_mentors(48 * 20), [])
    labels = [(link.label, link.current) for link in pager(pages[9])]
    assert [label for label, _ in labels] == ["1", "…", "8", "9", "10", "11", "12", "…", "20"]
    assert [label for label, current in labels if current] == ["10"]
    assert [link.label for link in pager(pages[0])] == ["1", "2", "3", "…", "20"]


def test_filter_index_rows_carry_option_indexes_and_no_private_field() -> None:
    mentors = many_mentors(5)
    taxonomy = Taxonomy(
        industries=["Design", "Finance", "Law"],
        topics=["Leadership", "Networking"],
        languages=["English", "Portuguese"],
    )
    groups = filter_groups(mentors, taxonomy)
    assert [(o.value, o.count) for o in groups[0].options] == [
        ("Design", 1),
        ("Finance", 2),
        ("Law", 2),
    ]
    accepting = {m.slug: m.accepting for m in mentors}
    urls = {m.slug: f"mentors/{m.slug}/" for m in mentors}
    document = json.loads(filter_index(mentors, groups, accepting, urls, urls))
    assert document["fields"][5:11] == [
        "industry",
        "topic",
        "language",
        "format",
        "region",
        "accepting",
    ]
    row = document["mentors"][1]
    assert row[:2] == ["Mentor 1", ""]
    assert row[5:11] == [2, [1, 0], [0, 1], [0], 0, 1]
    assert row[12] == urls[mentors[1].slug]  # a photo: its URL
    # An initials avatar is drawn by the page from its colour and letters, not its SVG file.
    initials = {m.slug: initials_avatar(m.name, m.slug) for m in mentors}
    rows = json.loads(filter_index(mentors, groups, accepting, urls, urls, initials))["mentors"]
    assert [r[12] for r in rows] == [list(initials[m.slug]) for m in mentors]
    assert rows[1][12][1] == "M"  # digits are not initials
    assert document["mentors"][0][10] == 0
    assert "@" not in json.dumps(document)


def test_mentor_search_entries_are_short_escaped_and_never_duplicated(tmp_path: Path) -> None:
    mentor = make_mentor(employer="Smith & <i>Co</i>", bio="A very long bio. " * 100)
    (entry,) = search_entries([mentor], {"ana-lima": "mentors/ana-lima/"})
    assert entry == {
        "location": "mentors/ana-lima/",
        "title": "Ana Lima",
        "text": "Analyst, Smith &amp; &lt;i&gt;Co&lt;/i&gt;. Finance. Networking",
    }
    assert not add_to_search_index(tmp_path, [entry])
    index = tmp_path / "search" / "search_index.json"
    index.parent.mkdir()
    index.write_text(json.dumps({"config": {}, "docs": [{"location": "", "title": "Home"}]}))
    assert add_to_search_index(tmp_path, [entry]) and add_to_search_index(tmp_path, [entry])
    docs = json.loads(index.read_text())["docs"]
    assert [d["location"] for d in docs] == ["", "mentors/ana-lima/"]
