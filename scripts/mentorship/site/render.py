"""Jinja2 rendering of the directory and mentor pages from validated profiles.

The environment is built once per build with autoescape on, so every mentor-supplied value
is escaped unless it went through `bio.render_bio` (the one place HTML is allowed, sanitised).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import jinja2
from markupsafe import Markup

from ..config import FormConfig
from ..profiles.models import MeetingFormat, Mentor, Weekday

if TYPE_CHECKING:  # directory.py imports the labels below, so only for type hints
    from .directory import FilterGroup, Listing, PagerLink

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


class Renderer:
    """Builds every page of the site's mentor section; templates are compiled once."""

    def __init__(
        self,
        templates_dir: Path,
        mentors: Sequence[Mentor],
        *,
        groups: Sequence[FilterGroup],
        accepting: Mapping[str, bool],
        form: FormConfig,
        repo_url: str,
        branch: str,
        mentors_dir: str,
        avatar_url: dict[str, str],
        initials: Mapping[str, tuple[str, str]],
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
        self.initials = initials
        self.page_url = page_url
        self.bios = bios
        self.groups = tuple(groups)
        self.accepting = accepting
        self._directory = self.env.get_template("directory.html")
        self._mentor = self.env.get_template("mentor.html")

    def directory(
        self,
        listing: Listing,
        root: str,
        *,
        pager: Sequence[PagerLink],
        industries: Sequence[Listing],
        index_url: str,
    ) -> str:
        """A directory page's HTML; `root` is the relative URL of the site root ('../').

        `industries` are the first pages of the per-industry series, linked from every page;
        `index_url` is the site-relative URL of the filter index the first page loads.
        """
        return self._directory.render(
            root=root,
            listing=listing,
            pager=pager,
            industries=industries,
            total=len(self.mentors),
            groups=self.groups,
            accepting=self.accepting,
            accepting_count=sum(1 for m in self.mentors if self.accepting[m.slug]),
            avatar_url=self.avatar_url,
            initials=self.initials,
            page_url=self.page_url,
            index_url=index_url,
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
