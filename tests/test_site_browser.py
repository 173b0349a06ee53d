"""The built site in headless Chromium: filters, URL state, timezones, requests, axe, safety."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import pytest

from tests.site_browser import AXE, FORM_ENTRY, FORM_URL, HOSTILE_SLUG, BuiltSite

DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


class Visit:
    """A browser page that records every request, console error, page error and dialog."""

    def __init__(self, page: Any, base: str):
        self.page = page
        self.base = base
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", self._dialog)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, url: str) -> None:
        self.page.goto(self.base + url)
        self.page.wait_for_load_state("load")
        if url.startswith("mentors/") and url.split("?")[0] == "mentors/":
            # The directory's filters work once its filter index has loaded (when idle).
            self.page.wait_for_selector("[data-mentor-ready]", state="attached")

    def visible_slugs(self) -> list[str]:
        # After a change, the cards past a screenful follow a frame later (list aria-busy).
        self.page.wait_for_selector("[data-mentor-cards]:not([aria-busy])", state="attached")
        return self.page.eval_on_selector_all(
            ".mentor-card:not([hidden]) .mentor-card__name a",
            "as => as.map(a => a.getAttribute('href').split('/').filter(Boolean).pop())",
        )

    def query(self) -> dict[str, list[str]]:
        # The directory writes the URL when the browser is idle after a change.
        self.page.evaluate(
            "() => new Promise(done => requestIdleCallback(() => done(), { timeout: 1000 }))"
        )
        return parse_qs(self.page.evaluate("location.search").lstrip("?"))

    def count_beside(self, group: str, value: str) -> int:
        text = self.page.locator(
            f'fieldset[data-group="{group}"] input[value="{value}"] ~ [data-count]'
        ).inner_text()
        return int(text.strip("()"))


@pytest.fixture
def visit(browser: Any, site_url: str) -> Iterator[Visit]:
    context = browser.new_context(timezone_id="America/New_York", locale="en-GB")
    page = context.new_page()
    yield Visit(page, site_url)
    context.close()


def matching(mentors: list[dict[str, Any]], **wanted: str) -> list[str]:
    """Slugs of mentors having every wanted value (industry, topics, languages)."""
    out = []
    for m in mentors:
        if "industry" in wanted and m["industry"] != wanted["industry"]:
            continue
        if "language" in wanted and wanted["language"] not in m["languages"]:
            continue
        if "topic" in wanted and wanted["topic"] not in m["topics"]:
            continue
        out.append(m["slug"])
    return sorted(out)


def popular(mentors: list[dict[str, Any]], key: str) -> str:
    """The value of a list field most mentors share, so filtering on it leaves several."""
    counts: dict[str, int] = {}
    for m in mentors:
        for v in m[key] if isinstance(m[key], list) else [m[key]]:
            counts[v] = counts.get(v, 0) + 1
    return max(counts, key=lambda v: (counts[v], v))


def test_filters_narrow_the_list_update_the_url_and_the_counts(
    visit: Visit, built_site: BuiltSite
) -> None:
    mentors = built_site.mentors
    industry = popular(mentors, "industry")
    visit.open("mentors/")
    assert len(visit.visible_slugs()) == len(mentors)
    visit.page.get_by_label(industry, exact=False).first.check()
    expected = matching(mentors, industry=industry)
    assert sorted(visit.visible_slugs()) == expected
    assert visit.query()["industry"] == [industry]
    assert visit.page.locator("[data-mentor-status]").inner_text() == (
        f"Showing {len(expected)} of {len(mentors)} mentors"
    )
    # Counts beside another group now count within the chosen industry.
    in_industry = [m for m in mentors if m["slug"] in expected]
    language = popular(in_industry, "languages")
    assert visit.count_beside("language", language) == len(
        matching(mentors, industry=industry, language=language)
    )
    # A second group narrows further (AND across groups).
    visit.page.locator(f'fieldset[data-group="language"] input[value="{language}"]').check()
    assert sorted(visit.visible_slugs()) == matching(mentors, industry=industry, language=language)
    assert visit.query() == {"industry": [industry], "language": [language]}
    assert visit.errors == []


def test_a_shared_filtered_url_restores_the_same_view(visit: Visit, built_site: BuiltSite) -> None:
    mentors = built_site.mentors
    topic = popular(mentors, "topics")
    visit.open(f"mentors/?topic={topic.replace(' ', '+').replace('&', '%26')}&accepting=1")
    expected = sorted(m["slug"] for m in mentors if topic in m["topics"] and m["accepting"])
    assert sorted(visit.visible_slugs()) == expected
    assert visit.page.locator(f'fieldset[data-group="topic"] input[value="{topic}"]').is_checked()
    assert visit.page.locator("#mentor-accepting").is_checked()


def test_search_is_free_text_and_clear_restores_everyone(
    visit: Visit, built_site: BuiltSite
) -> None:
    mentors = built_site.mentors
    target = next(m for m in mentors if m["slug"] != HOSTILE_SLUG)
    visit.open("mentors/")
    visit.page.fill("#mentor-search", target["employer"])
    visit.page.wait_for_function(
        "n => document.querySelectorAll('.mentor-card:not([hidden])').length === n",
        arg=sum(1 for m in mentors if target["employer"].lower() in str(m).lower()),
    )
    assert target["slug"] in visit.visible_slugs()
    assert visit.query()["search"] == [target["employer"]]
    visit.page.get_by_role("button", name="Clear all filters").click()
    visit.page.wait_for_function("() => !location.search")
    assert len(visit.visible_slugs()) == len(mentors)
    # One page of mentors: no page links, and nothing more to show.
    assert not visit.page.locator("[data-mentor-pager]").is_visible()
    assert not visit.page.locator("[data-mentor-more]").is_visible()


def test_filters_work_from_the_keyboard(visit: Visit, built_site: BuiltSite) -> None:
    visit.open("mentors/")
    visit.page.focus("#mentor-search")
    visit.page.keyboard.press("Tab")
    assert visit.page.evaluate("document.activeElement.id") == "mentor-accepting"
    visit.page.keyboard.press("Space")
    assert visit.query() == {"accepting": ["1"]}
    assert sorted(visit.visible_slugs()) == sorted(
        m["slug"] for m in built_site.mentors if m["accepting"]
    )


def test_filters_fold_away_on_a_phone(browser: Any, site_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(site_url + "mentors/")
    details = page.locator("[data-mentor-filters]")
    assert details.evaluate("d => d.open") is False
    page.locator(".mentor-filters__summary").click()
    assert details.evaluate("d => d.open") is True
    assert page.locator("#mentor-search").is_visible()
    context.close()


def test_without_javascript_the_directory_is_the_full_list(
    browser: Any, site_url: str, built_site: BuiltSite
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "mentors/")
    assert page.locator(".mentor-card").count() == len(built_site.mentors)
    assert page.locator(".mentor-card:visible").count() == len(built_site.mentors)
    assert not page.locator("[data-mentor-filters]").is_visible()
    context.close()


def test_request_button_links_to_the_prefilled_form(visit: Visit, built_site: BuiltSite) -> None:
    mentor = next(m for m in built_site.mentors if m["accepting"] and m["slug"] != HOSTILE_SLUG)
    visit.open(f"mentors/{mentor['slug']}/")
    button = visit.page.get_by_role("link", name="Request this mentor")
    assert button.get_attribute("href") == f"{FORM_URL}?usp=pp_url&{FORM_ENTRY}={mentor['slug']}"


def expected_visitor_time(window: dict[str, str], zone: str, visitor: str) -> str:
    """How the page should start a window: its next date that has not ended, in `visitor`
    (en-GB, the test browser's locale), e.g. '27 Nov, 19:00'."""
    mentor_tz, visitor_tz = ZoneInfo(zone), ZoneInfo(visitor)
    now = dt.datetime.now(mentor_tz)
    ahead = (DAYS.index(window["day"]) - now.weekday()) % 7
    day = now.date() + dt.timedelta(days=ahead)
    end_h, end_m = map(int, window["end"].split(":"))
    midnight = dt.datetime(day.year, day.month, day.day, tzinfo=mentor_tz)
    if midnight + dt.timedelta(hours=end_h, minutes=end_m) <= now:
        day += dt.timedelta(days=7)  # this week's window is over: the page shows next week's
    h, m = map(int, window["start"].split(":"))
    start = dt.datetime(day.year, day.month, day.day, h, m, tzinfo=mentor_tz).astimezone(visitor_tz)
    return f"{start.day} {start:%b}, {start:%H:%M}"


def test_availability_is_shown_in_the_visitors_timezone(
    visit: Visit, built_site: BuiltSite
) -> None:
    mentor = next(m for m in built_site.mentors if m["timezone"] != "America/New_York")
    visit.open(f"mentors/{mentor['slug']}/")
    headers = visit.page.locator(".mentor-availability thead th").all_inner_texts()
    assert headers[1] == "Your time (America/New_York)"
    cells = visit.page.locator(".mentor-availability tbody tr td:nth-child(2)").all_inner_texts()
    windows = sorted(
        mentor["availability"], key=lambda w: (DAYS.index(w["day"]), w["start"], w["end"])
    )
    assert len(cells) == len(windows)
    for window, cell in zip(windows, cells, strict=True):
        assert expected_visitor_time(window, mentor["timezone"], "America/New_York") in cell
    assert visit.errors == []


def test_no_request_leaves_the_local_origin_and_no_console_error(
    visit: Visit, built_site: BuiltSite
) -> None:
    slug = built_site.mentors[0]["slug"]
    for url in ("", "mentors/", f"mentors/{slug}/", "guides/why-mentoring/", "privacy/"):
        visit.open(url)
    visit.page.locator("input[name=query]").press_sequentially(
        "mentor", delay=20
    )  # Material search
    visit.page.wait_for_timeout(300)
    origin = visit.base.rstrip("/")
    foreign = [u for u in visit.requests if not u.startswith(origin + "/") and u != origin]
    assert foreign == []
    assert len(visit.requests) > 5
    assert visit.errors == []


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("mentors/", "light"),
        ("MENTOR", "light"),
        ("guides/preparing-for-a-session/", "light"),
        ("mentors/", "dark"),
        ("", "dark"),
    ],
)
def test_axe_finds_no_serious_or_critical_violation(
    visit: Visit, built_site: BuiltSite, url: str, scheme: str
) -> None:
    if url == "MENTOR":
        url = f"mentors/{built_site.mentors[0]['slug']}/"
    visit.page.emulate_media(color_scheme=scheme)
    visit.open(url)
    visit.page.add_script_tag(path=str(AXE))
    result = visit.page.evaluate("async () => await axe.run(document)")
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], "\n".join(map(str, serious))


def test_hostile_profile_runs_no_script_in_the_browser(visit: Visit) -> None:
    visit.open("mentors/?search=hostile")
    card = visit.page.locator(".mentor-card:not([hidden])")
    assert card.count() == 1
    card.hover()
    card.locator("a").click()
    visit.page.wait_for_url(f"**/mentors/{HOSTILE_SLUG}/")
    visit.page.locator(".mentor-profile__where").hover()
    # Material's own search renders the indexed profile as result HTML: still inert.
    visit.page.locator("input[name=query]").press_sequentially("Hostile", delay=20)
    visit.page.locator(".md-search-result__item").first.wait_for()
    assert "<script>" in visit.page.locator(".md-search-result__item").first.inner_text()
    assert visit.dialogs == []
    assert visit.errors == []
    assert visit.page.locator(".mentor-profile__name").inner_text().startswith("Eve <script>")
    assert visit.page.evaluate("document.querySelectorAll('img[src=\"x\"], iframe').length") == 0


def test_visitor_times_follow_daylight_saving_of_the_real_week(browser: Any, site_url: str) -> None:
    # Thursday 26 March 2026: New York is already on summer time, Lisbon changes on Sunday 29.
    # The Tuesday 18:00 Lisbon window (the test profile's) falls on 31 March, after Lisbon's
    # change, so it is 13:00 in New York; using Lisbon's offset of the day it is viewed would
    # wrongly give 14:00.
    context = browser.new_context(timezone_id="America/New_York", locale="en-GB")
    page = context.new_page()
    page.clock.set_fixed_time(dt.datetime(2026, 3, 26, 12, 0, tzinfo=dt.UTC))
    page.goto(f"{site_url}mentors/{HOSTILE_SLUG}/")
    cell = page.locator(".mentor-availability tbody tr td:nth-child(2)").first.inner_text()
    assert "31 Mar" in cell and "13:00–15:00" in cell
    context.close()
