"""The mkdocs hook (listed under `hooks:` in mkdocs.yml): adds the mentor pages to the build.

Thin on purpose: `mentorship.site.pages.MentorSite` does the work; this file only translates
mkdocs events into its calls. mkdocs imports hooks by file path, so the package is imported by
its full name here.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from mentorship.config import load_config
from mentorship.errors import MentorshipError, ProblemsFound
from mentorship.site.pages import DIRECTORY_URI, MentorSite
from mentorship.site.search import add_to_search_index

log = logging.getLogger("mkdocs.hooks.mentorship")

_site: MentorSite | None = None


def _root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent


def on_config(config: MkDocsConfig) -> None:
    """Load and validate every profile before anything is written; stop the build if invalid."""
    global _site
    _site = None
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
    for generated in _site.files():
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


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str | None:
    """Replace a generated page's (empty) Markdown output with its rendered template."""
    if _site is None or not _site.owns(page.file.src_uri):
        return None
    root = get_relative_url(".", page.url).rstrip("/") + "/"
    return _site.page_html(page.file.src_uri, root)


def on_page_context(
    context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Any
) -> dict[str, Any]:
    """Point a mentor page's edit button at the profile's YAML rather than a virtual file."""
    if _site is not None and _site.owns(page.file.src_uri):
        page.edit_url = _site.edit_url(page.file.src_uri)
    return context


@event_priority(-100)  # after the search plugin has written its index
def on_post_build(config: MkDocsConfig) -> None:
    """Add the mentors' short entries to the site search (their pages are left out of it)."""
    if _site is not None:
        index = Path(config.site_dir) / "search" / "search_index.json"
        add_to_search_index(index, _site.search_entries())


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
