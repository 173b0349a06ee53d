"""The directory's pages and its filter index, independent of any site engine.

The directory is a series of pages of `PAGE_SIZE` cards, so no page grows with the number of
mentors: `/mentors/` (the first page, with the filters), `/mentors/page/<n>/`, and for each
industry `/mentors/industry/<slug>/` and its own `page/<n>/`. Without JavaScript each series
is a complete list, page by page. With JavaScript the first page loads the filter index, one
short row per mentor, and renders the matching cards on demand (`directory.js`).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..profiles.models import MeetingFormat, Mentor
from ..profiles.taxonomy import Taxonomy
from .render import FORMAT_LABELS, REGION_LABELS, region_label

PAGE_SIZE = 48
INDEX_VERSION = 2
# The columns of a filter index row; directory.js reads them by position.
INDEX_FIELDS = (
    "name",
    "pronouns",
    "title",
    "employer",
    "location",
    "industry",
    "topic",
    "language",
    "format",
    "region",
    "accepting",
    "url",
    "image",
)


def url_slug(text: str) -> str:
    """A URL path segment for an industry ('Biotech & Pharma' -> 'biotech-pharma')."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "other"


@dataclass(frozen=True)
class Option:
    """One checkbox of a filter group: its value (in the URL), label and total count."""

    index: int
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class FilterGroup:
    """A fieldset of the directory's filters; `key` is the URL parameter."""

    key: str
    legend: str
    options: tuple[Option, ...]
    values_of: Callable[[Mentor], list[str]]

    def indexes(self, mentor: Mentor) -> list[int]:
        """The indexes of the options `mentor` has, each once, in the mentor's order."""
        position = {o.value: o.index for o in self.options}
        return [position[v] for v in dict.fromkeys(self.values_of(mentor))]


def _ordered(preferred: Iterable[str], used: Mapping[str, int]) -> list[str]:
    """Values in `used`, taxonomy order first, anything else alphabetically after."""
    order = [v for v in dict.fromkeys(preferred) if v in used]
    extra = sorted(set(used) - set(order), key=str.casefold)
    return order + extra


def filter_groups(mentors: Sequence[Mentor], taxonomy: Taxonomy) -> tuple[FilterGroup, ...]:
    """The directory's filter groups, with every option's count over all mentors."""

    def group(
        key: str,
        legend: str,
        values_of: Callable[[Mentor], list[str]],
        preferred: Iterable[str],
        label: Callable[[str], str] = str,
    ) -> FilterGroup:
        used: dict[str, int] = {}
        for mentor in mentors:
            for value in dict.fromkeys(values_of(mentor)):
                used[value] = used.get(value, 0) + 1
        options = tuple(
            Option(i, value, label(value), used[value])
            for i, value in enumerate(_ordered(preferred, used))
        )
        return FilterGroup(key, legend, options, values_of)

    return (
        group("industry", "Industry", lambda m: [m.industry], taxonomy.industries),
        group("topic", "Topic", lambda m: list(m.topics), taxonomy.topics),
        group("language", "Language", lambda m: list(m.languages), taxonomy.languages),
        group(
            "format",
            "Meeting format",
            lambda m: [f.value for f in m.meeting_formats],
            [f.value for f in MeetingFormat],
            label=lambda v: FORMAT_LABELS[MeetingFormat(v)],
        ),
        group(
            "region",
            "Region",
            lambda m: [m.region],
            [*sorted(REGION_LABELS, key=lambda r: REGION_LABELS[r]), "Other"],
            label=region_label,
        ),
    )


@dataclass(frozen=True)
class Listing:
    """One static page of the directory: a slice of one series (everyone, or an industry)."""

    src_uri: str
    url: str
    title: str
    heading: str
    mentors: tuple[Mentor, ...]
    number: int
    page_urls: tuple[str, ...]
    total: int
    industry: str | None = None

    @property
    def first(self) -> int:
        """The 1-based position in the series of this page's first card."""
        return (self.number - 1) * PAGE_SIZE + 1

    @property
    def page_size(self) -> int:
        """Cards a page holds (the script draws as many at a time)."""
        return PAGE_SIZE

    @property
    def interactive(self) -> bool:
        """Whether this is `/mentors/`, the page with the filters."""
        return self.industry is None and self.number == 1


@dataclass(frozen=True)
class PagerLink:
    """An entry of the page links: a page number with its URL, or a gap (`url` None)."""

    label: str
    url: str | None
    current: bool = False


def _series(
    mentors: Sequence[Mentor], base_uri: str, title: str, industry: str | None
) -> list[Listing]:
    """The pages of one series; `base_uri` is its folder ('mentors', 'mentors/industry/law')."""
    chunks = [tuple(mentors[i : i + PAGE_SIZE]) for i in range(0, len(mentors), PAGE_SIZE)]
    chunks = chunks or [()]
    uris = [
        f"{base_uri}/index.md" if n == 1 else f"{base_uri}/page/{n}.md"
        for n in range(1, len(chunks) + 1)
    ]
    urls = tuple(
        f"{base_uri}/" if n == 1 else f"{base_uri}/page/{n}/" for n in range(1, len(uris) + 1)
    )
    pages = []
    for n, (uri, chunk) in enumerate(zip(uris, chunks, strict=True), start=1):
        suffix = f" (page {n} of {len(chunks)})" if len(chunks) > 1 else ""
        pages.append(
            Listing(uri, urls[n - 1], title + suffix, title, chunk, n, urls, len(mentors), industry)
        )
    return pages


def listings(mentors: Sequence[Mentor], industries: Iterable[str]) -> list[Listing]:
    """Every static page of the directory: all mentors, then each industry, PAGE_SIZE a page."""
    out = _series(mentors, "mentors", "Find a mentor", None)
    for industry in industries:
        members = [m for m in mentors if m.industry == industry]
        base = f"mentors/industry/{url_slug(industry)}"
        out += _series(members, base, f"Mentors in {industry}", industry)
    return out


def pager(listing: Listing, spread: int = 2) -> list[PagerLink]:
    """Page links: the first, the last and `spread` either side of the current page."""
    count = len(listing.page_urls)
    shown = {1, count, *range(listing.number - spread, listing.number + spread + 1)}
    out: list[PagerLink] = []
    for n in range(1, count + 1):
        if n in shown:
            out.append(PagerLink(str(n), listing.page_urls[n - 1], n == listing.number))
        elif out and out[-1].url is not None:
            out.append(PagerLink("…", None))
    return out


def filter_index(
    mentors: Sequence[Mentor],
    groups: Sequence[FilterGroup],
    accepting: Mapping[str, bool],
    page_url: Mapping[str, str],
    avatar_url: Mapping[str, str],
    initials: Mapping[str, tuple[str, str]] | None = None,
) -> str:
    """The JSON the directory's script filters and draws cards from: one row per mentor.

    Filter values are option indexes into `groups` (the same `data-index` the page's
    checkboxes carry), so a row stays short; URLs are relative to the site root. The image
    is the photo's URL, or for a mentor in `initials` their avatar's [colour, letters].
    """
    initials = initials or {}
    by_key = {g.key: g for g in groups}
    rows = [
        [
            m.name,
            m.pronouns or "",
            m.title,
            m.employer,
            m.location,
            by_key["industry"].indexes(m)[0],
            by_key["topic"].indexes(m),
            by_key["language"].indexes(m),
            by_key["format"].indexes(m),
            by_key["region"].indexes(m)[0],
            1 if accepting[m.slug] else 0,
            page_url[m.slug],
            list(initials[m.slug]) if m.slug in initials else avatar_url[m.slug],
        ]
        for m in mentors
    ]
    document = {"version": INDEX_VERSION, "fields": INDEX_FIELDS, "mentors": rows}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))
