"""A folder Zensical builds the whole site from, since Zensical runs no MkDocs hooks.

`stage(root, dest)` writes under `dest`:

- `docs/`: the guides of `docs_dir` plus every file of `generate.finished_files` (the
  directory, mentor pages, mentors.json, pictures, CSS and JS);
- `theme/`: the overrides of `theme.custom_dir`, but for those Zensical's own theme does
  better (`MKDOCS_ONLY`);
- `mkdocs.yml`: `INHERIT`s the project's mkdocs.yml and only moves docs_dir, site_dir and
  custom_dir into this folder, so mkdocs.yml stays the one place the site is configured.

Files are rewritten only when their bytes change and stale ones are removed, so Zensical's
cache and `zensical serve`'s watcher see only real edits.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import ConfigError
from ..outcomes.page import TITLE as NUMBERS_TITLE
from .generate import finished_files
from .pages import NUMBERS_URI, MentorSite

# Overrides of Material partials that Zensical's theme does not need: its search partial
# already names its dialog (the reason for ours), and Material's search form would replace
# Zensical's own search button.
MKDOCS_ONLY = frozenset({"partials/search.html"})
CONFIG_NAME = "mkdocs.yml"
STAGED_SITE = "site"  # where Zensical writes the site, inside the stage


@dataclass(frozen=True)
class SiteSettings:
    """What the stage needs from mkdocs.yml."""

    docs_dir: str = "docs"
    custom_dir: str | None = None
    repo_url: str = ""
    edit_uri: str = ""
    use_directory_urls: bool = True
    # mkdocs.yml's explicit nav (None: the engine builds one from the files).
    nav: list[Any] | None = None


class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml without running it: `!ENV` and `!!python/name:` tags become None."""


_Loader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_settings(config_file: Path) -> SiteSettings:
    """The few settings of mkdocs.yml the stage uses (defaults as MkDocs has them)."""
    try:
        data: Any = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_Loader)
    except FileNotFoundError:
        raise ConfigError(f"{config_file} does not exist; the site is configured there.") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{config_file} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{config_file} must be a mapping of settings.")
    theme: dict[str, Any] = data["theme"] if isinstance(data.get("theme"), dict) else {}
    return SiteSettings(
        docs_dir=str(data.get("docs_dir") or "docs"),
        custom_dir=theme.get("custom_dir"),
        repo_url=str(data.get("repo_url") or ""),
        edit_uri=str(data.get("edit_uri") or ""),
        use_directory_urls=data.get("use_directory_urls", True) is not False,
        nav=data["nav"] if isinstance(data.get("nav"), list) else None,
    )


def _tree(folder: Path, skip: frozenset[str] = frozenset()) -> dict[str, Path]:
    """Every file under `folder` by its POSIX path relative to it."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and rel not in skip:
            out[rel] = path
    return out


def _sync(files: dict[str, bytes | Path], dest: Path) -> int:
    """Make `dest` hold exactly `files`; returns how many were written."""
    written = 0
    for rel, data in files.items():
        target = dest / rel
        new = data.read_bytes() if isinstance(data, Path) else data
        if target.is_file() and target.read_bytes() == new:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(new)
        written += 1
    if dest.exists():
        for rel in set(_tree(dest)) - set(files):
            (dest / rel).unlink()
        for folder in sorted((p for p in dest.rglob("*") if p.is_dir()), reverse=True):
            if not any(folder.iterdir()):
                folder.rmdir()
    return written


SEARCH_ENTRIES = "mentor-search-entries.json"


def stage(root: Path, dest: Path, *, config_file: str = CONFIG_NAME) -> Path:
    """Write the Zensical project of the site under `dest`; returns its config file.

    Raises ProblemsFound (nothing written) when a profile is invalid, as the hook does.
    """
    root = root.resolve()
    settings = read_settings(root / config_file)
    site = MentorSite.load(root, repo_url=settings.repo_url, edit_uri=settings.edit_uri)
    docs_dir = root / settings.docs_dir
    if not docs_dir.is_dir():
        raise ConfigError(f"docs_dir {settings.docs_dir!r} in {config_file} is not a folder.")
    docs: dict[str, bytes | Path] = dict(_tree(docs_dir))
    for generated in finished_files(
        site, use_directory_urls=settings.use_directory_urls, links_from="source"
    ):
        content = generated.content
        docs[generated.src_uri] = (
            generated.source
            if generated.source is not None
            else content.encode("utf-8")
            if isinstance(content, str)
            else content or b""
        )
    dest.mkdir(parents=True, exist_ok=True)
    _sync(docs, dest / "docs")
    # The mentors' short search entries, which `engines.build_zensical` adds to the index.
    entries = json.dumps(site.search_entries(), ensure_ascii=False)
    (dest / SEARCH_ENTRIES).write_text(entries, encoding="utf-8")
    lines = [
        "# Written by `mentorship site build` for Zensical; edit mkdocs.yml instead.",
        f"INHERIT: {os.path.relpath(root / config_file, dest)}",
        "docs_dir: docs",
        f"site_dir: {STAGED_SITE}",
    ]
    listed = settings.nav is not None and NUMBERS_URI in yaml.safe_dump(settings.nav)
    if site.numbers_page and settings.nav is not None and not listed:
        # As the MkDocs hook's on_nav does: the numbers page goes at the end of the nav.
        nav = [*settings.nav, {NUMBERS_TITLE: NUMBERS_URI}]
        lines.append(yaml.safe_dump({"nav": nav}, allow_unicode=True, sort_keys=False).rstrip())
    if settings.custom_dir:
        _sync(dict(_tree(root / settings.custom_dir, MKDOCS_ONLY)), dest / "theme")
        lines += ["theme:", "  custom_dir: theme"]
    elif (dest / "theme").exists():
        shutil.rmtree(dest / "theme")
    config = dest / CONFIG_NAME
    text = "\n".join(lines) + "\n"
    if not config.is_file() or config.read_text(encoding="utf-8") != text:
        config.write_text(text, encoding="utf-8")
    return config
