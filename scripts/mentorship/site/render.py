"""Jinja2 rendering of the directory and mentor pages from validated profiles.

The environment is built once per build with autoescape on, so every mentor-supplied value
is escaped unless it went through `bio.render_bio` (the one place HTML is allowed, sanitised).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from markupsafe import Markup

from ..config import FormConfig
from ..profiles.models import MeetingFormat, Mentor, Weekday
from ..profiles.taxonomy import Taxonomy

REGION_LABELS = {
    "Africa": "Africa",
    "America": "Americas",
    "Antarctica": "Antarctica",
    "Asia": "Asia",
    "Atlantic": "Atlantic",
    "Australia": "Australia & Oceania",
    "Europe": "Europe",
    "Indian": "Indian Ocean",
    "Pacific": "Pacific",
}
FORMAT_LABELS = {
    MeetingFormat.video: "Video call",
    MeetingFormat.phone: "Phone",
    MeetingFormat.in_person: "In person",
}
DAY_LABELS = {day: day.value.capitalize() for day in Weekday}


def region_label(region: str) -> str:
    """The directory's name for a timezone area ('America' -> 'Americas')."""
    return REGION_LABELS.get(region, "Other")


def script_json(value: Any) -> Markup:
    """JSON safe to embed inside a <script> element: no `</script>`, `<!--` or line separators."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return Markup(text)


def request_url(form: FormConfig, slug: str) -> str | None:
    """The Google Form URL pre-filled with the mentor's slug, or None when not configured."""
    if not form.url.strip() or not form.mentor_entry.strip():
        return None
    separator = "&" if "?" in form.url else "?"
    query = urlencode({"usp": "pp_url", form.mentor_entry.strip(): slug})
    return f"{form.url.strip()}{separator}{query}"


def edit_url(repo_url: str, branch: str, mentors_dir: str, slug: str) -> str | None:
    """Where to edit a profile on GitHub: `<repo_url>/edit/<branch>/<mentors_dir>/<slug>.yml`."""
    if not repo_url:
        return None
    return f"{repo_url.rstrip('/')}/edit/{branch}/{mentors_dir.strip('/')}/{slug}.yml"


@dataclass(frozen=True)
class Option:
    """One checkbox of a filter group: its value (in the URL), label and total count."""

    index: int
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class FilterGroup:
    """A fieldset of the directory's filters; `key` is the URL parameter and data attribute."""

    key: str
    legend: str
    options: tuple[Option, ...]


def _ordered(preferred: Iterable[str], used: dict[str, int]) -> list[str]:
    """Values in `used`, taxonomy order first, anything else alphabetically after."""
    order = [v for v in preferred if v in used]
    extra = sorted(set(used) - set(order), key=str.casefold)
    return order + extra


class Renderer:
    """Builds every page of the site's mentor section; templates are compiled once."""

    def __init__(
        self,
        templates_dir: Path,
        mentors: Sequence[Mentor],
        taxonomy: Taxonomy,
        *,
        form: FormConfig,
        repo_url: str,
        branch: str,
        mentors_dir: str,
        avatar_url: dict[str, str],
        page_url: dict[str, str],
        bios: dict[str, str],
    ):
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates_dir)),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
        )
        self.env.filters["script_json"] = script_json
        self.mentors = list(mentors)
        self.form = form
        self.repo_url = repo_url
        self.branch = branch
        self.mentors_dir = mentors_dir
        self.avatar_url = avatar_url
        self.page_url = page_url
        self.bios = bios
        self.groups = self._filter_groups(taxonomy)
        self._directory = self.env.get_template("directory.html")
        self._mentor = self.env.get_template("mentor.html")

    def _filter_groups(self, taxonomy: Taxonomy) -> tuple[FilterGroup, ...]:
        def group(
            key: str,
            legend: str,
            values_of: Callable[[Mentor], Iterable[str]],
            preferred: Iterable[str],
            label: Callable[[str], str] = str,
        ) -> FilterGroup:
            used: dict[str, int] = {}
            for mentor in self.mentors:
                for value in values_of(mentor):
                    used[value] = used.get(value, 0) + 1
            values = _ordered(preferred, used)
            options = tuple(
                Option(i, value, label(value), used[value]) for i, value in enumerate(values)
            )
            return FilterGroup(key, legend, options)

        return (
            group("industry", "Industry", lambda m: [m.industry], taxonomy.industries),
            group("topic", "Topic", lambda m: dict.fromkeys(m.topics), taxonomy.topics),
            group("language", "Language", lambda m: dict.fromkeys(m.languages), taxonomy.languages),
            group(
                "format",
                "Meeting format",
                lambda m: [f.value for f in dict.fromkeys(m.meeting_formats)],
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

    def card_data(self, mentor: Mentor) -> dict[str, str]:
        """The card's data attributes: option indexes per filter group, space separated."""
        attrs: dict[str, str] = {}
        values = {
            "industry": [mentor.industry],
            "topic": mentor.topics,
            "language": mentor.languages,
            "format": [f.value for f in mentor.meeting_formats],
            "region": [mentor.region],
        }
        for group in self.groups:
            index = {o.value: o.index for o in group.options}
            attrs[group.key] = " ".join(str(index[v]) for v in dict.fromkeys(values[group.key]))
        return attrs

    def directory(self, root: str) -> str:
        """The directory page's HTML; `root` is the relative URL of the site root ('../')."""
        accepting = sum(1 for m in self.mentors if m.accepting)
        return self._directory.render(
            root=root,
            mentors=self.mentors,
            groups=self.groups,
            accepting_count=accepting,
            card_data=self.card_data,
            avatar_url=self.avatar_url,
            page_url=self.page_url,
            format_labels=FORMAT_LABELS,
        )

    def mentor(self, mentor: Mentor, root: str) -> str:
        """One mentor's page HTML; `root` is the relative URL of the site root ('../../')."""
        windows = sorted(mentor.availability, key=lambda w: w.weekly)
        return self._mentor.render(
            root=root,
            mentor=mentor,
            bio=Markup(self.bios[mentor.slug]),
            avatar=self.avatar_url[mentor.slug],
            windows=windows,
            day_labels=DAY_LABELS,
            format_labels=FORMAT_LABELS,
            region=region_label(mentor.region),
            request_url=request_url(self.form, mentor.slug),
            timezone_entry=self.form.timezone_entry.strip(),
            edit_url=edit_url(self.repo_url, self.branch, self.mentors_dir, mentor.slug),
            availability_data={
                "timezone": mentor.timezone,
                "windows": [
                    {"day": w.day.index, "start": w.start_minutes, "end": w.end_minutes}
                    for w in windows
                ],
            },
        )
