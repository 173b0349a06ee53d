"""Building and previewing the site with the engine `[tool.mentorship] site_engine` names.

- "mkdocs": `mkdocs build --strict`; the hook in mkdocs.yml adds the mentor section in memory,
  and `mkdocs serve` reloads on every profile, template or guide edit.
- "zensical": Zensical runs no MkDocs hooks, so `stage.stage` first writes the guides and
  the mentor section into `build/zensical/`, which Zensical builds with mkdocs.yml inherited;
  the preview re-stages whenever a source changes and Zensical reloads the page.

Either way the site lands in one folder and a failed build leaves the previous one in place.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from click import ClickException

from ..config import load_config
from ..errors import ConfigError, MentorshipError, ProblemsFound
from .search import add_to_search_index
from .stage import CONFIG_NAME, SEARCH_ENTRIES, STAGED_SITE, read_settings, stage

log = logging.getLogger(__name__)

STAGE_DIR = "build/zensical"


class SiteBuildFailed(MentorshipError):
    """Raised when the engine itself reports problems (its messages are already printed)."""

    exit_code = 1


def _mkdocs_env() -> dict[str, str]:
    # mkdocs-material 9.7+ prints an end-of-life banner that would hide the real messages.
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def _replace(site_dir: Path, built: Path) -> None:
    """Put the finished build at `site_dir`, the old one removed only once the new one exists."""
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if site_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=".old-site-", dir=site_dir.parent))
        site_dir.rename(old / "site")
    shutil.move(str(built), str(site_dir))
    if old is not None:
        shutil.rmtree(old)


def build_mkdocs(root: Path, site_dir: Path) -> None:
    """`mkdocs build --strict` of the project at `root` into `site_dir`."""
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)]
    if subprocess.run(command, cwd=root, env=_mkdocs_env()).returncode != 0:
        raise SiteBuildFailed("MkDocs did not build the site; the messages above say why.")


def build_zensical(root: Path, site_dir: Path) -> None:
    """Stage the project for Zensical, build it strictly, and move the result to `site_dir`."""
    import zensical  # imported here so that MkDocs users never load the Rust extension

    config = stage(root, root / STAGE_DIR)
    built = config.parent / STAGED_SITE
    if built.exists():
        shutil.rmtree(built)
    try:
        zensical.build(str(config), {"strict": True, "clean": False})
    except ClickException as exc:  # zensical.config.ConfigurationError: it read mkdocs.yml
        raise ConfigError(f"Zensical cannot use mkdocs.yml: {exc.format_message()}") from None
    except RuntimeError as exc:
        # Zensical has printed every issue with its file and line; this adds only the verdict.
        raise SiteBuildFailed(
            f"Zensical did not build the site ({exc}). Its paths above are relative to "
            f"{STAGE_DIR}/docs: the guides' are the same under docs_dir, and mentors/*.md are "
            "the pages generated from the profiles."
        ) from None
    entries = json.loads((config.parent / SEARCH_ENTRIES).read_text(encoding="utf-8"))
    add_to_search_index(built, entries)
    _replace(site_dir, built)


BUILDERS: dict[str, Callable[[Path, Path], None]] = {
    "mkdocs": build_mkdocs,
    "zensical": build_zensical,
}


def resolve_engine(root: Path, engine: str | None) -> str:
    """The engine to use: `engine` when given, else `site_engine` from the configuration."""
    chosen = engine or load_config(root).site_engine
    if chosen not in BUILDERS:
        raise ConfigError(f'The site engine must be "mkdocs" or "zensical", not {chosen!r}.')
    return chosen


def build_site(root: Path, site_dir: Path, engine: str | None = None) -> str:
    """Build the whole site into `site_dir` with the configured engine; returns the engine."""
    chosen = resolve_engine(root, engine)
    started = time.perf_counter()
    BUILDERS[chosen](root.resolve(), site_dir.resolve())
    log.info(f"Site built with {chosen} in {time.perf_counter() - started:.1f}s: {site_dir}")
    return chosen


def _snapshot(paths: list[Path]) -> dict[str, tuple[int, int]]:
    """Modification time and size of every file under `paths`, to notice edits by polling."""
    seen = {}
    for path in paths:
        files: list[Path] = list(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            try:
                stat = file.stat()
            except OSError:
                continue
            seen[str(file)] = (stat.st_mtime_ns, stat.st_size)
    return seen


def _restage(root: Path) -> None:
    try:
        stage(root, root / STAGE_DIR)
    except ProblemsFound as exc:
        for problem in exc.problems:
            log.error(str(problem))
        log.error("The preview keeps the last valid profiles until these are fixed.")
    except MentorshipError as exc:
        log.error(f"Error: {exc}")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve_site(root: Path, address: str, engine: str | None = None) -> int:
    """Preview the site with live reload until interrupted; returns the engine's exit code."""
    root = root.resolve()
    chosen = resolve_engine(root, engine)
    if chosen == "mkdocs":
        command = [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", address]
        return subprocess.run(command, cwd=root, env=_mkdocs_env()).returncode
    config = stage(root, root / STAGE_DIR)
    settings = read_settings(root / CONFIG_NAME)
    sources = [
        root / CONFIG_NAME,
        root / "pyproject.toml",
        root / settings.docs_dir,
        load_config(root).mentors_path,
        root / "site_templates",
    ]
    command = [sys.executable, "-m", "zensical", "serve", "-f", str(config), "-a", address]
    server = subprocess.Popen(command, cwd=config.parent)
    before = _snapshot(sources)
    # Stopped with SIGTERM (a process manager, `kill`), stop Zensical too, as on Ctrl-C.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        while server.poll() is None:
            time.sleep(0.5)
            now = _snapshot(sources)
            if now != before:
                before = now
                _restage(root)
    except KeyboardInterrupt:
        pass
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=20)
    return server.returncode or 0
