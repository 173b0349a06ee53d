"""The mkdocs hook (listed under `hooks:` in mkdocs.yml): adds the mentor pages to the build.

Thin on purpose: `mentorship.site.generate.finished_files` makes the files, the same ones
Zensical reads from the folder `mentorship.site.stage` writes; this file only hands them to
mkdocs in memory, so `mkdocs serve` rebuilds them on every change. mkdocs imports hooks by
file path, so the package is imported by its full name here.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from mentorship.config import load_config
from mentorship.errors import MentorshipError, ProblemsFound
from mentorship.site.generate import finished_files
from mentorship.site.links import symlink_problems
from mentorship.site.pages import DIRECTORY_URI, NUMBERS_URI, MentorSite
from mentorship.site.search import add_to_search_index

log = logging.getLogger("mkdocs.hooks.mentorship")

_site: MentorSite | None = None
# The finished HTML of generated pages, set aside while Markdown runs on the others.
_html: dict[str, str] = {}


def _root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent


def on_config(config: MkDocsConfig) -> None:
    """Load and validate every profile before anything is written; stop the build if invalid."""
    global _site
    _site = None
    root = _root(config)
    folders = [Path(config.docs_dir), root / "site_templates"]
    links = symlink_problems(root, folders)
    if links:
        raise PluginError(
            "The site was not built, because a symbolic link would publish whatever it points "
            "at:\n" + "\n".join(links)
        )
    try:
        _site = MentorSite.load(
            _root(config), repo_url=config.repo_url or "", edit_uri=config.edit_uri or ""
        )
    except ProblemsFound as exc:
        count = len(exc.problems)
        raise PluginError(
            f"{count} problem{'s' if count != 1 else ''} in the mentor profiles, so the site was "
            f"not built:\n{exc}\nFix the lines above (`mentorship validate` checks them) and "
            "build again."
        ) from None
    except MentorshipError as exc:
        raise PluginError(str(exc)) from None


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the directory, one page per mentor (kept out of the nav) and their assets."""
    assert _site is not None
    for generated in finished_files(_site, use_directory_urls=config.use_directory_urls):
        # The numbers page is kept out of the nav here too and added at its end by on_nav, so
        # mkdocs.yml's nav need not name a page that exists only when it is switched on.
        is_mentor_page = generated.src_uri != DIRECTORY_URI and _site.owns(generated.src_uri)
        inclusion = InclusionLevel.NOT_IN_NAV if is_mentor_page else InclusionLevel.UNDEFINED
        if generated.source is not None:
            file = File.generated(
                config, generated.src_uri, abs_src_path=str(generated.source), inclusion=inclusion
            )
        else:
            assert generated.content is not None
            file = File.generated(
                config, generated.src_uri, content=generated.content, inclusion=inclusion
            )
        files.append(file)
    accepting = sum(1 for m in _site.mentors if m.accepting)
    log.info(f"Mentor directory: {len(_site.mentors)} mentors, {accepting} accepting mentees")
    return files


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    """Put the "Programme in numbers" page, when switched on, at the end of the nav."""
    file = files.get_file_from_path(NUMBERS_URI)
    if _site is None or not _site.numbers_page or file is None:
        return nav
    page = file.page if isinstance(file.page, Page) else Page(None, file, config)
    if page not in nav.pages:
        nav.items.append(page)
        nav.pages.append(page)
    return nav


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Spare a generated page's body (finished HTML) the Markdown parser; see on_page_content.

    Markdown would pass the HTML through unchanged, but parsing it costs more than the rest of
    the build of a mentor page, and there are thousands.
    """
    if _site is not None and _site.owns(page.file.src_uri):
        _html[page.file.src_uri] = markdown
        return ""
    return markdown


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Put back a generated page's finished HTML (set aside by on_page_markdown)."""
    return _html.pop(page.file.src_uri, html)


@event_priority(-100)  # after the search plugin has written its index
def on_post_build(config: MkDocsConfig) -> None:
    """Add the mentors' short entries to the site search (their pages are left out of it)."""
    if _site is not None:
        add_to_search_index(Path(config.site_dir), _site.search_entries())


def on_serve(server: Any, config: MkDocsConfig, builder: Any) -> Any:
    """Rebuild under `mkdocs serve` when a profile, the taxonomy or a template changes."""
    root = _root(config)
    try:
        mentors = load_config(root).mentors_path
    except MentorshipError:
        mentors = root / "mentors"
    for path in (mentors, root / "site_templates"):
        if path.exists():
            server.watch(str(path))
    return server
