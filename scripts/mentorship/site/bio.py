"""A mentor's bio: Markdown rendered with python-markdown, then sanitised with nh3.

The bio is untrusted text. Markdown passes raw HTML through, so the sanitiser, not the
Markdown renderer, is what keeps script and markup out of the page.
"""

from __future__ import annotations

import markdown
import nh3

ALLOWED_TAGS = frozenset(
    {
        "a",
        "blockquote",
        "br",
        "code",
        "em",
        "h3",
        "h4",
        "hr",
        "li",
        "ol",
        "p",
        "pre",
        "strong",
        "ul",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener"

# One renderer, reset between bios: building a Markdown instance costs more than converting a
# short bio, and the site renders thousands of them in one build.
_renderer = markdown.Markdown(extensions=["sane_lists"], output_format="html")


def render_bio(text: str) -> str:
    """The bio as safe HTML: only simple formatting and http(s)/mailto links survive."""
    if not text.strip():
        return ""
    html = _renderer.reset().convert(text)
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )
