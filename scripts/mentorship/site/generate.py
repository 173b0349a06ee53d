"""The mentor section as finished files, the same for every site engine.

`MentorSite.files()` lists what the section adds (pages as front matter only, plus JSON,
pictures, CSS and JS); `finished_files` puts each generated page's rendered HTML under its
front matter. Markdown passes block-level HTML through as one raw block, so MkDocs (through
`hook.py`, in memory) and Zensical (through `stage.py`, from a folder) both publish what the
templates rendered, with their own theme around it.
"""

from __future__ import annotations

import dataclasses
import posixpath

from .pages import GeneratedFile, MentorSite


def page_url(src_uri: str, *, use_directory_urls: bool = True) -> str:
    """The site-relative URL a Markdown page gets ('mentors/ana.md' -> 'mentors/ana/').

    The rule both engines follow: `index.md` is its folder, any other page becomes a folder
    of its own with `use_directory_urls`, or the same name with `.html` without.
    """
    stem, _ = posixpath.splitext(src_uri)
    folder, name = posixpath.split(stem)
    prefix = f"{folder}/" if folder else ""
    if name in ("index", "README"):
        return prefix
    return f"{prefix}{name}/" if use_directory_urls else f"{prefix}{name}.html"


def root_of(path: str) -> str:
    """The relative URL from `path` back to the site root ('mentors/ana/' -> '../../')."""
    depth = path.count("/")
    return "../" * depth if depth else "./"


def finished_files(
    site: MentorSite, *, use_directory_urls: bool = True, links_from: str = "page"
) -> list[GeneratedFile]:
    """Every file of the mentor section, generated pages carrying their full HTML.

    `links_from` says what the engine resolves a relative link in raw HTML against: MkDocs
    leaves raw HTML alone, so links start from the page's URL ("page": 'mentors/ana/' needs
    '../../'); Zensical rewrites them as it does Markdown links, from the Markdown file
    ("source": 'mentors/ana.md' needs '../'). Either way the published page links the same.
    Whatever `site.files()` yields flows through, so a page added there reaches every engine.
    """
    if links_from not in ("page", "source"):
        raise ValueError(f"links_from must be 'page' or 'source', not {links_from!r}")
    out = []
    for generated in site.files():
        if generated.src_uri.endswith(".md") and site.owns(generated.src_uri):
            if links_from == "source":
                root = root_of(generated.src_uri)
            else:
                root = root_of(page_url(generated.src_uri, use_directory_urls=use_directory_urls))
            front_matter = generated.content
            if isinstance(front_matter, bytes):
                front_matter = front_matter.decode("utf-8")
            body = site.page_html(generated.src_uri, root)
            # The blank lines keep the HTML one raw block, apart from the front matter.
            generated = dataclasses.replace(
                generated, content=f"{front_matter or ''}\n{body.strip()}\n"
            )
        out.append(generated)
    return out
