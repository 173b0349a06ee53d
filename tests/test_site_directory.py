"""The directory at 3,000 generated mentors: static pages, filters, counts, URL state, search,
keyboard, landmarks and axe, in a real build and headless Chromium."""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, quote_plus, urljoin

import pytest
from mentorship.site.avatars import initials_avatar
from mentorship.site.directory import PAGE_SIZE, url_slug

from tests.site_browser import AXE, BIG_DIRECTORY, BuiltSite

GROUP_FIELD = {"industry": "industry", "topic": "topics", "language": "languages"}


class Cards(HTMLParser):
    """The mentor links of a directory page's cards (not its <template>) and its rel=next."""

    def __init__(self) -> None:
        super().__init__()
        self.slugs: list[str] = []
        self.next: str | None = None
        self._in_name = False
        self._in_template = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self._in_template = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "template" or self._in_template:
            self._in_template = True
        elif tag == "h2" and a.get("class") == "mentor-card__name":
            self._in_name = True
        elif tag == "a" and self._in_name:
            self.slugs.append((a["href"] or "").rstrip("/").rsplit("/", 1)[-1])
            self._in_name = False
        elif tag == "a" and a.get("rel") == "next":
            self.next = a["href"]


def page_cards(site: BuiltSite, url: str) -> Cards:
    parser = Cards()
    parser.feed(site.html(url))
    return parser


def series(site: BuiltSite, first_url: str) -> tuple[list[str], int]:
    """Every slug of a paged series, following rel=next from its first page; and its pages."""
    slugs, url, pages = [], first_url, 0
    while True:
        cards = page_cards(site, url)
        assert 0 < len(cards.slugs) <= PAGE_SIZE
        slugs += cards.slugs
        pages += 1
        if cards.next is None:
            return slugs, pages
        url = urljoin(f"http://site/{url}/", cards.next).removeprefix("http://site/").rstrip("/")


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def has(mentor: dict[str, Any], key: str, value: str) -> bool:
    field = mentor[GROUP_FIELD[key]]
    return value in field if isinstance(field, list) else value == field


def select(mentors: list[dict[str, Any]], accepting: bool = False, **chosen: str) -> list[str]:
    """Slugs, in directory order, of mentors with every chosen value (one value per group)."""
    return [
        m["slug"]
        for m in mentors
        if (m["accepting"] or not accepting) and all(has(m, k, v) for k, v in chosen.items())
    ]


class Directory:
    """The interactive first page of the big directory in a browser."""

    def __init__(self, page: Any, base: str):
        self.page = page
        self.base = base
        self.errors: list[str] = []
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

    def open(self, query: str = "") -> None:
        self.page.goto(self.base + "mentors/" + query)
        self.page.wait_for_selector("[data-mentor-ready]", state="attached")

    def slugs(self) -> list[str]:
        """The cards' mentors, once the list is drawn (the cards past a screenful follow the
        first frame, the list being aria-busy meanwhile)."""
        self.page.wait_for_selector("[data-mentor-cards]:not([aria-busy])", state="attached")
        return self.page.eval_on_selector_all(
            "[data-mentor-cards] .mentor-card__name a",
            "as => as.map(a => a.getAttribute('href').split('/').filter(Boolean).pop())",
        )

    def query_params(self) -> dict[str, list[str]]:
        """The URL's query, once written (the page writes it when idle after a change)."""
        self.page.evaluate(
            "() => new Promise(done => requestIdleCallback(() => done(), { timeout: 1000 }))"
        )
        return parse_qs(self.page.evaluate("location.search").lstrip("?"))

    def status(self) -> str:
        return self.page.locator("[data-mentor-status]").inner_text().strip()

    def box(self, group: str, value: str) -> Any:
        return self.page.locator(f'fieldset[data-group="{group}"] input[value="{value}"]')

    def counts(self, group: str) -> dict[str, int]:
        return self.page.eval_on_selector_all(
            f'fieldset[data-group="{group}"] input',
            """boxes => Object.fromEntries(boxes.map(b => [b.value,
                +b.parentNode.querySelector('[data-count]').textContent.replace(/[(),]/g, '')]))""",
        )


@pytest.fixture
def directory(browser: Any, big_site_url: str) -> Iterator[Directory]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield Directory(context.new_page(), big_site_url)
    context.close()


def test_static_pages_list_every_mentor_once_48_a_page(big_site: BuiltSite) -> None:
    slugs = [m["slug"] for m in big_site.mentors]
    assert len(slugs) == BIG_DIRECTORY
    listed, pages = series(big_site, "mentors")
    assert listed == slugs
    assert pages == math.ceil(BIG_DIRECTORY / PAGE_SIZE)
    industries = sorted({m["industry"] for m in big_site.mentors})
    for industry in industries:
        listed, _ = series(big_site, f"mentors/industry/{url_slug(industry)}")
        assert listed == [m["slug"] for m in big_site.mentors if m["industry"] == industry]


def test_first_page_stays_small_and_carries_a_compact_filter_index(big_site: BuiltSite) -> None:
    html = big_site.html("mentors")
    assert len(page_cards(big_site, "mentors").slugs) == PAGE_SIZE
    assert len(re.findall(r"<[a-z]", html)) < 2500  # every element of the page, theme included
    index = json.loads(
        (big_site.path / "assets/mentorship/directory-index.json").read_text(encoding="utf-8")
    )
    assert len(index["mentors"]) == BIG_DIRECTORY
    assert len(json.dumps(index["mentors"])) / BIG_DIRECTORY < 300


def test_search_index_holds_one_short_entry_per_mentor_without_bios(big_site: BuiltSite) -> None:
    docs = json.loads((big_site.path / "search/search_index.json").read_text(encoding="utf-8"))[
        "docs"
    ]
    mentor_docs = [d for d in docs if d["location"].startswith("mentors/")]
    assert sorted(d["location"] for d in mentor_docs) == sorted(
        f"mentors/{m['slug']}/" for m in big_site.mentors
    )
    record = big_site.mentors[0]
    entry = next(d for d in mentor_docs if d["location"] == f"mentors/{record['slug']}/")
    assert entry["title"] == record["name"]
    for word in (record["title"], record["employer"], record["industry"], *record["topics"]):
        assert word in entry["text"]
    assert all("volunteer" not in d["text"] for d in mentor_docs)  # a word of every bio
    assert max(len(json.dumps(d)) for d in mentor_docs) < 400


def test_without_javascript_page_links_reach_the_last_page(browser: Any, big_site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(big_site_url + "mentors/")
    assert page.locator(".mentor-card").count() == PAGE_SIZE
    assert not page.locator("[data-mentor-filters]").is_visible()
    pages = page.get_by_role("navigation", name="Directory pages")
    pages.get_by_role("link", name="Next page").click()
    assert page.url.endswith("/mentors/page/2/")
    assert page.locator("[data-mentor-status]").inner_text() == "Mentors 49–96 of 3,000"
    last = math.ceil(BIG_DIRECTORY / PAGE_SIZE)
    pages.get_by_role("link", name=f"Page {last}", exact=True).click()
    assert page.url.endswith(f"/mentors/page/{last}/")
    assert page.locator(".mentor-card").count() == BIG_DIRECTORY - (last - 1) * PAGE_SIZE
    assert pages.get_by_role("link", name="Next page").count() == 0
    page.get_by_role("navigation", name="Mentors by industry").get_by_role("link").first.click()
    assert "/mentors/industry/" in page.url
    context.close()


def test_filters_combine_and_counts_cover_the_whole_set(
    directory: Directory, big_site: BuiltSite
) -> None:
    mentors = big_site.mentors
    directory.open()
    assert directory.status() == "3,000 mentors"
    industry, language = mentors[0]["industry"], mentors[0]["languages"][0]
    directory.box("industry", industry).check()
    directory.box("language", language).check()
    expected = select(mentors, industry=industry, language=language)
    assert directory.status() == f"Showing {len(expected):,} of 3,000 mentors"
    assert directory.slugs() == expected[:PAGE_SIZE]
    assert directory.query_params() == {"industry": [industry], "language": [language]}
    # Each option counts within every other group's selection, over all 3,000 mentors.
    for key, value in directory.counts("industry").items():
        assert value == len(select(mentors, industry=key, language=language)), key
    for key, value in directory.counts("language").items():
        assert value == len(select(mentors, industry=industry, language=key)), key
    for key, value in directory.counts("topic").items():
        assert value == len(select(mentors, industry=industry, language=language, topic=key))
    assert directory.errors == []


def test_show_more_draws_the_next_matches_and_moves_focus_to_them(
    directory: Directory, big_site: BuiltSite
) -> None:
    mentors = big_site.mentors
    directory.open("?accepting=1")
    expected = select(mentors, accepting=True)
    assert len(expected) > 2 * PAGE_SIZE
    assert directory.slugs() == expected[:PAGE_SIZE]
    assert not directory.page.get_by_role("navigation", name="Directory pages").is_visible()
    more = directory.page.get_by_role("button", name=re.compile("^Show more mentors"))
    assert more.inner_text() == f"Show more mentors ({len(expected) - PAGE_SIZE:,} not shown yet)"
    more.focus()
    directory.page.keyboard.press("Enter")
    assert directory.slugs() == expected[: 2 * PAGE_SIZE]
    focused = directory.page.evaluate("document.activeElement.getAttribute('href')")
    assert focused.rstrip("/").endswith(expected[PAGE_SIZE])
    # Clearing the filters returns to the first page with its page links.
    directory.page.get_by_role("button", name="Clear all filters").click()
    directory.page.wait_for_function("() => !location.search")
    assert directory.slugs() == [m["slug"] for m in mentors[:PAGE_SIZE]]
    assert directory.page.get_by_role("navigation", name="Directory pages").is_visible()
    assert not more.is_visible()


def test_a_change_draws_a_screenful_first_and_reuses_cards_it_built(
    directory: Directory, big_site: BuiltSite
) -> None:
    mentors = big_site.mentors
    directory.open()
    page = directory.page
    # The page's own cards are kept: clearing a filter brings the same elements back.
    page.evaluate("window.firstCard = document.querySelector('[data-mentor-cards] > li')")
    industry = mentors[1]["industry"]
    expected = select(mentors, industry=industry)
    assert len(expected) > PAGE_SIZE
    # Right after the change (before any frame) the first cards are there, the rest pending.
    drawn = page.evaluate(
        """industry => {
          document.querySelector(`fieldset[data-group=industry] input[value="${industry}"]`)
            .click();
          const list = document.querySelector('[data-mentor-cards]');
          window.industryCard = list.children[1];
          return [list.children.length, list.getAttribute('aria-busy')];
        }""",
        industry,
    )
    assert drawn[1] == "true" and 0 < drawn[0] < PAGE_SIZE
    assert directory.slugs() == expected[:PAGE_SIZE]
    # A card drawn from the index shows the initials avatar as text, as the page's own do.
    second = next(m for m in mentors if m["slug"] == expected[1])
    colour, letters = initials_avatar(second["name"], second["slug"])
    avatar = page.locator("[data-mentor-cards] > li").nth(1).locator(".mentor-avatar")
    assert avatar.inner_text() == letters and avatar.get_attribute("aria-hidden") == "true"
    assert page.evaluate(
        "c => getComputedStyle(document.querySelectorAll('.mentor-avatar')[1]).backgroundColor"
        " === c",
        "rgb({}, {}, {})".format(*(int(colour[i : i + 2], 16) for i in (1, 3, 5))),
    )
    assert page.locator("[data-mentor-cards] img").count() == 0
    directory.box("language", mentors[1]["languages"][0]).check()
    directory.box("language", mentors[1]["languages"][0]).uncheck()
    assert directory.slugs() == expected[:PAGE_SIZE]
    assert page.evaluate(
        "window.industryCard === document.querySelector('[data-mentor-cards]').children[1]"
    )
    page.get_by_role("button", name="Clear all filters").click()
    assert directory.slugs() == [m["slug"] for m in mentors[:PAGE_SIZE]]
    assert page.evaluate("window.firstCard === document.querySelector('[data-mentor-cards] > li')")
    assert directory.status() == "3,000 mentors"
    assert directory.errors == []


def test_every_match_is_reachable_with_show_more(directory: Directory, big_site: BuiltSite) -> None:
    mentors = big_site.mentors
    industry = mentors[2]["industry"]
    expected = select(mentors, accepting=True, industry=industry)
    assert 2 * PAGE_SIZE < len(expected) < 6 * PAGE_SIZE
    directory.open(f"?accepting=1&industry={quote_plus(industry)}")
    more = directory.page.get_by_role("button", name=re.compile("^Show more mentors"))
    while more.is_visible():
        more.click()
        directory.slugs()
    assert directory.slugs() == expected
    assert directory.status() == f"Showing {len(expected):,} of 3,000 mentors"


def test_a_shared_url_restores_filters_search_and_results(
    directory: Directory, big_site: BuiltSite
) -> None:
    mentors = big_site.mentors
    topic, industry = mentors[5]["topics"][0], mentors[5]["industry"]
    directory.open(
        f"?industry={quote_plus(industry)}&topic={quote_plus(topic)}&accepting=1&search=example"
    )
    expected = select(mentors, accepting=True, industry=industry, topic=topic)
    assert directory.box("industry", industry).is_checked()
    assert directory.box("topic", topic).is_checked()
    assert directory.page.locator("#mentor-accepting").is_checked()
    assert directory.page.locator("#mentor-search").input_value() == "example"
    assert directory.slugs() == expected[:PAGE_SIZE]
    assert directory.status() == f"Showing {len(expected):,} of 3,000 mentors"


def test_free_text_finds_a_mentor_by_name_employer_and_topic(
    directory: Directory, big_site: BuiltSite
) -> None:
    mentors = big_site.mentors
    target = mentors[1234]
    query = f"{target['name'].split()[-1]} {target['employer']} {target['topics'][0]}"
    directory.open()
    directory.page.fill("#mentor-search", query)
    terms = fold(query).split()

    def text(m: dict[str, Any]) -> str:
        parts = [m["name"], m["pronouns"], m["title"], m["employer"], m["location"]]
        return fold(" ".join([*parts, m["industry"], *m["topics"], *m["languages"]]))

    expected = [m["slug"] for m in mentors if all(t in text(m) for t in terms)]
    assert target["slug"] in expected
    directory.page.wait_for_function(
        "n => document.querySelector('[data-mentor-status]').textContent.includes(' ' + n + ' of')",
        arg=f"{len(expected):,}",
    )
    assert directory.slugs() == expected[:PAGE_SIZE]
    assert directory.query_params()["search"] == [query]


@pytest.mark.parametrize("field", ["name", "employer", "topic"])
def test_site_search_finds_a_mentor_by_name_employer_or_topic(
    browser: Any, big_site_url: str, big_site: BuiltSite, field: str
) -> None:
    mentor = big_site.mentors[2024]
    query = {
        "name": mentor["name"],
        # Every generated employer starts with "Example", a word the guides use too.
        "employer": mentor["employer"].removeprefix("Example "),
        "topic": f"{mentor['name']} {mentor['topics'][-1]}",
    }[field]
    context = browser.new_context()
    page = context.new_page()
    page.goto(big_site_url)
    page.locator("input[name=query]").press_sequentially(query, delay=10)
    first = page.locator(".md-search-result__item a").first
    first.wait_for()
    assert "/mentors/" in (first.get_attribute("href") or "")
    text = first.inner_text()
    assert (mentor["employer"] if field == "employer" else mentor["name"]) in text
    context.close()


def test_keyboard_order_landmarks_and_announcements(directory: Directory) -> None:
    directory.open()
    page = directory.page
    assert page.get_by_role("heading", level=1, name="Find a mentor").is_visible()
    assert page.get_by_role("search", name="Filter mentors").is_visible()
    status = page.get_by_role("status")
    assert status.get_attribute("aria-live") == "polite"
    assert page.get_by_role("region", name="3,000 mentors").is_visible()
    assert page.get_by_role("navigation", name="Directory pages").is_visible()
    assert page.get_by_role("navigation", name="Mentors by industry").is_visible()
    page.focus("#mentor-search")
    order = []
    for _ in range(3):
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.id"))
    assert order == ["mentor-accepting", "f-industry-0", "f-industry-1"]
    page.keyboard.press("Space")
    assert re.fullmatch(r"Showing [\d,]+ of 3,000 mentors", status.inner_text().strip())
    # After the last filter come the results' links, in reading order.
    page.focus("[data-mentor-clear]")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.mentor-card') !== null")


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("mentors/", "light"),
        ("mentors/", "dark"),
        ("mentors/?accepting=1&format=video", "dark"),
        ("mentors/page/2/", "light"),
        ("mentors/industry/finance/", "dark"),
    ],
)
def test_axe_finds_no_violation_on_the_big_directory(
    browser: Any, big_site_url: str, url: str, scheme: str
) -> None:
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(big_site_url + url)
    if url.startswith("mentors/?"):
        page.wait_for_selector("[data-mentor-ready]", state="attached")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    found = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("moderate", "serious", "critical")
    ]
    assert found == [], "\n".join(map(str, found))
    context.close()


def test_on_a_phone_the_index_loads_only_when_the_filters_are_opened(
    browser: Any, big_site_url: str
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 800}, has_touch=True)
    page = context.new_page()
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if "directory-index" in r.url else None)
    page.goto(big_site_url + "mentors/")
    page.wait_for_load_state("networkidle")
    assert fetched == [] and page.locator(".mentor-card").count() == PAGE_SIZE
    page.locator(".mentor-filters__summary").tap()
    page.wait_for_selector("[data-mentor-ready]", state="attached")
    page.locator("#mentor-accepting").check()
    status = page.locator("[data-mentor-status]").inner_text().strip()
    assert re.fullmatch(r"Showing [\d,]+ of 3,000 mentors", status)
    assert len(fetched) == 1
    context.close()
