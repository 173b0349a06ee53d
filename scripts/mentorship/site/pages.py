"""The mentor section of the site as a list of generated files, independent of mkdocs.

`MentorSite.load` reads the configuration and the profiles once per build; `generate.py` asks
it which files exist (`files`) and, page by page, for their HTML (`page_html`). The directory's
pages and filter index come from `directory.py`, the mentors' search entries from `search.py`.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..config import Config, load_config
from ..errors import Problem, ProblemsFound
from ..open_places import read_status, shown_accepting
from ..outcomes.figures_file import read_figures
from ..outcomes.page import TITLE as NUMBERS_TITLE
from ..outcomes.page import numbers_html
from ..profiles import Taxonomy, load_profiles
from ..profiles.models import Mentor
from .avatars import avatar_svg
from .bio import render_bio
from .directory import Listing, filter_groups, filter_index, listings, pager
from .export import mentors_json
from .render import Renderer, edit_url
from .search import search_entries

DIRECTORY_URI = "mentors/index.md"
# The optional "Programme in numbers" page (`numbers_page = true`), from the figures file.
NUMBERS_URI = "numbers.md"
ASSETS = "assets/mentorship"
INDEX_URI = f"{ASSETS}/directory-index.json"
STATIC_FILES = ("mentors.css", "directory.js", "mentor.js")
# Names a mentor's page cannot take: the directory's own pages live under them.
RESERVED_SLUGS = frozenset({"index", "page", "industry"})


@dataclass(frozen=True)
class GeneratedFile:
    """A file the site gains: in-memory `content`, or a copy of the file at `source`."""

    src_uri: str
    content: str | bytes | None = None
    source: Path | None = None


def branch_of(edit_uri: str) -> str:
    """The branch named in mkdocs' `edit_uri` ('edit/main/content/' -> 'main')."""
    match = re.match(r"^/?(?:edit|blob|tree)/([^/]+)/", edit_uri or "")
    return match.group(1) if match else "main"


def page_uri(slug: str) -> str:
    """The docs-relative source path of a mentor's page."""
    return f"mentors/{slug}.md"


def _front_matter(
    title: str, *, hide: Sequence[str], search: bool = True, edit_url: str = ""
) -> str:
    # Material prints page.meta.title unescaped (its templates run without autoescape), so
    # the title is HTML-escaped here; JSON strings are valid YAML scalars.
    lines = ["---", f"title: {json.dumps(html.escape(title))}", "hide:"]
    lines += [f"  - {item}" for item in hide]
    # The theme's edit button follows `edit_url` (site_templates/theme/partials/actions.html):
    # a generated page has no file under docs_dir to edit; empty means no button.
    lines.append(f"edit_url: {json.dumps(edit_url)}")
    if not search:
        lines += ["search:", "  exclude: true"]
    return "\n".join([*lines, "---", ""])


def with_open_places(mentors: Sequence[Mentor], config: Config, today: dt.date) -> list[Mentor]:
    """The mentors with `accepting` as the directory must show it: the one place it is set.

    False when the profile says so, is stale, or the nightly's open-places status gives no
    place (see `mentorship.open_places`); without a status file, the YAML decides.
    """
    status = read_status(config.open_places_path)
    age = config.matching.max_profile_age_days
    return [
        m.model_copy(update={"accepting": shown_accepting(m, status, today, age)}) for m in mentors
    ]


class MentorSite:
    """Everything the site shows about mentors, computed once per build."""

    def __init__(
        self,
        mentors: Sequence[Mentor],
        taxonomy: Taxonomy,
        config: Config,
        *,
        templates_dir: Path,
        repo_url: str = "",
        edit_uri: str = "",
    ):
        self.config = config
        self.mentors = list(mentors)
        self.by_uri = {page_uri(m.slug): m for m in self.mentors}
        # Who takes new mentees: the one place the directory (cards, filter, counts) asks.
        self.accepting = {m.slug: m.accepting for m in self.mentors}
        self.groups = filter_groups(self.mentors, taxonomy)
        industries = [o.value for o in self.groups[0].options]
        self.listings = {page.src_uri: page for page in listings(self.mentors, industries)}
        self.industry_pages = [
            p for p in self.listings.values() if p.industry is not None and p.number == 1
        ]
        self.templates_dir = templates_dir
        # Read once per build; None when the page is off or the file is not there yet.
        self.numbers_page = config.numbers_page
        self.figures = read_figures(config.figures_path) if config.numbers_page else None
        self.photos: dict[str, Path] = {}
        avatar_url: dict[str, str] = {}
        for mentor in self.mentors:
            photo = self._photo_path(mentor)
            if photo is not None:
                uri = f"{ASSETS}/photos/{mentor.slug}{photo.suffix.lower()}"
                self.photos[uri] = photo
                avatar_url[mentor.slug] = uri
            else:
                avatar_url[mentor.slug] = f"{ASSETS}/avatars/{mentor.slug}.svg"
        self.avatar_url = avatar_url
        # Site-relative page URLs, the same shape mkdocs gives them with use_directory_urls.
        self.page_url = {m.slug: f"mentors/{m.slug}/" for m in self.mentors}
        self.renderer = Renderer(
            templates_dir,
            self.mentors,
            groups=self.groups,
            accepting=self.accepting,
            form=config.form,
            repo_url=repo_url,
            branch=branch_of(edit_uri),
            mentors_dir=config.mentors_dir,
            avatar_url=avatar_url,
            page_url=self.page_url,
            bios={m.slug: render_bio(m.bio) for m in self.mentors},
        )

    @classmethod
    def load(
        cls,
        root: Path,
        *,
        repo_url: str = "",
        edit_uri: str = "",
        templates_dir: Path | None = None,
    ) -> MentorSite:
        """Read configuration and profiles under `root`; raise ProblemsFound if any is invalid."""
        config = load_config(root)
        profiles = load_profiles(config.mentors_path)
        problems = list(profiles.problems)
        for mentor in profiles.mentors:
            if mentor.slug in RESERVED_SLUGS:
                problems.append(
                    Problem(
                        profiles.paths.get(mentor.slug, f"{config.mentors_dir}/{mentor.slug}.yml"),
                        0,
                        0,
                        f"the name '{mentor.slug}' is reserved by the site; rename the file.",
                    )
                )
        if problems:
            raise ProblemsFound(problems)
        return cls(
            with_open_places(profiles.mentors, config, dt.date.today()),
            profiles.taxonomy,
            config,
            templates_dir=templates_dir or root / "site_templates",
            repo_url=repo_url,
            edit_uri=edit_uri,
        )

    def _photo_path(self, mentor: Mentor) -> Path | None:
        # Validation allows only a bare file name under mentors/photos/ (see Profile.photo).
        if not mentor.photo:
            return None
        path = self.config.mentors_path / "photos" / mentor.photo
        return path if path.is_file() else None

    def files(self) -> list[GeneratedFile]:
        """Every file the mentor section adds to the site."""
        out = [
            GeneratedFile(
                listing.src_uri,
                content=_front_matter(listing.title, hide=("navigation", "toc"), search=False),
            )
            for listing in self.listings.values()
        ]
        out.append(
            GeneratedFile(
                "mentors.json", content=mentors_json(self.mentors, self.page_url, self.avatar_url)
            )
        )
        index = filter_index(
            self.mentors, self.groups, self.accepting, self.page_url, self.avatar_url
        )
        out.append(GeneratedFile(INDEX_URI, content=index))
        out += [GeneratedFile(f"{ASSETS}/{n}", source=self.templates_dir / n) for n in STATIC_FILES]
        for mentor in self.mentors:
            uri = page_uri(mentor.slug)
            # Out of the engine's search index: `search_entries` stand in for these pages.
            page = _front_matter(
                mentor.name, hide=("toc",), search=False, edit_url=self.edit_url(uri) or ""
            )
            out.append(GeneratedFile(uri, content=page))
        if self.numbers_page:
            out.append(
                GeneratedFile(NUMBERS_URI, content=_front_matter(NUMBERS_TITLE, hide=("toc",)))
            )
        for uri, path in self.photos.items():
            out.append(GeneratedFile(uri, source=path))
        for mentor in self.mentors:
            uri = self.avatar_url[mentor.slug]
            if uri.endswith(".svg"):
                out.append(GeneratedFile(uri, content=avatar_svg(mentor.name, mentor.slug)))
        return out

    def owns(self, src_uri: str) -> bool:
        """Whether `src_uri` is a page this site generates."""
        return (
            src_uri in self.listings
            or src_uri in self.by_uri
            or (self.numbers_page and src_uri == NUMBERS_URI)
        )

    def page_html(self, src_uri: str, root: str) -> str:
        """The HTML of a generated page; `root` is the relative URL of the site root."""
        if self.numbers_page and src_uri == NUMBERS_URI:
            return numbers_html(self.figures)
        listing: Listing | None = self.listings.get(src_uri)
        if listing is not None:
            return self.renderer.directory(
                listing,
                root,
                pager=pager(listing),
                industries=self.industry_pages,
                index_url=INDEX_URI,
            )
        return self.renderer.mentor(self.by_uri[src_uri], root)

    def search_entries(self) -> list[dict[str, str]]:
        """One short search entry per mentor (name, title, employer, industry, topics)."""
        return search_entries(self.mentors, self.page_url)

    def edit_url(self, src_uri: str) -> str | None:
        """Where the profile behind a mentor page is edited on GitHub (None for other pages)."""
        mentor = self.by_uri.get(src_uri)
        if mentor is None:
            return None
        r = self.renderer
        return edit_url(r.repo_url, r.branch, r.mentors_dir, mentor.slug)
