"""`mentorship site build|serve`: the public site, with the engine `site_engine` names."""

from __future__ import annotations

from pathlib import Path

import click

from ..config import SITE_ENGINES, find_root
from . import main

_ENGINE = click.option(
    "--engine",
    type=click.Choice(SITE_ENGINES),
    default=None,
    help="Override `site_engine` of [tool.mentorship] for this run.",
)


@main.group()
def site() -> None:
    """Build or preview the public site (guides, mentor directory, mentor pages)."""


@site.command()
@_ENGINE
@click.option(
    "-d",
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("site"),
    show_default=True,
    help="Folder the built site is written to (replaced as a whole on success).",
)
def build(engine: str | None, site_dir: Path) -> None:
    """Build the whole site strictly: any warning, broken link or invalid profile fails it.

    A failed build leaves the previous site in place. Exit 0 when built, 1 when a profile or
    a page has a problem (printed above), 2 on a configuration error.

    Example:

        mentorship site build --engine zensical --site-dir /tmp/site
    """
    from ..site.engines import build_site

    build_site(find_root(Path.cwd()), site_dir, engine)


@site.command()
@_ENGINE
@click.option(
    "-a",
    "--dev-addr",
    default="127.0.0.1:8000",
    show_default=True,
    help="Address and port the preview listens on.",
)
@click.pass_context
def serve(ctx: click.Context, engine: str | None, dev_addr: str) -> None:
    """Preview the site locally, rebuilt whenever a profile, template or guide changes.

    Stop it with Ctrl-C.
    """
    from ..site.engines import serve_site

    ctx.exit(serve_site(find_root(Path.cwd()), dev_addr, engine))
