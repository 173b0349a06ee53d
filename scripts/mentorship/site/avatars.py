"""Initials avatars: a small SVG for every mentor without a photo."""

from __future__ import annotations

import hashlib
import re
from xml.sax.saxutils import escape

# Dark enough that white initials pass WCAG AA contrast (4.5:1) on every one of them.
PALETTE = (
    "#1f4e79",
    "#6b2d5c",
    "#2e5e2e",
    "#7a3b00",
    "#4b3f8f",
    "#005f66",
    "#8a1c1c",
    "#3d4a5c",
)


def initials(name: str) -> str:
    """Up to two capital letters: the first letters of the first and last word of `name`."""
    words: list[str] = re.findall(r"[^\W\d_]+", name)
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


def avatar_colour(key: str) -> str:
    """A palette colour chosen from `key` (the slug), stable across builds."""
    digest = hashlib.sha1(key.encode("utf-8")).digest()
    return PALETTE[digest[0] % len(PALETTE)]


def initials_avatar(name: str, key: str) -> tuple[str, str]:
    """The colour and letters of `name`'s initials avatar, for cards that draw it in CSS.

    The directory's cards show the avatar as styled text rather than as the SVG file: each
    distinct SVG image costs the browser a document of its own, which made every filter
    change that drew new cards slow.
    """
    return avatar_colour(key), initials(name)


def avatar_svg(name: str, key: str) -> str:
    """The SVG document of a round avatar showing the initials of `name`."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 96" width="96" height="96">'
        f'<rect width="96" height="96" rx="48" fill="{avatar_colour(key)}"/>'
        '<text x="48" y="48" dy="0.35em" text-anchor="middle" fill="#ffffff" '
        'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" '
        f'font-size="38" font-weight="600">{escape(initials(name))}</text></svg>\n'
    )
