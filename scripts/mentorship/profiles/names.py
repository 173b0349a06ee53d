"""Names that cannot be borrowed: one comparison key for display names, and hidden characters.

Two profiles whose names look alike would let one mentor pass for another (and take the
student a preference was meant for), so names compare after NFKC normalisation, case folding
and removal of invisible characters. Control and format characters (bidi overrides such as
U+202E, zero-width spaces and joiners) have no place in any profile text: they can make text
display differently from what it says.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

# Line breaks and tabs are ordinary in a bio; every other control or format character is not.
_ALLOWED = frozenset("\n\t\r")


def hidden_characters(text: str) -> list[str]:
    """The control and format characters in `text`, as 'U+202E' codes, in order, no repeats."""
    found: list[str] = []
    for char in text:
        if char in _ALLOWED:
            continue
        if unicodedata.category(char) in ("Cc", "Cf"):
            code = f"U+{ord(char):04X}"
            if code not in found:
                found.append(code)
    return found


def name_key(name: str) -> str:
    """The comparison key of a display name: NFKC, case folded, invisible characters and
    repeated spaces removed, so 'Ana Lima', 'ANA  LIMA' and 'Ana\u200b Lima' are one name."""
    text = unicodedata.normalize("NFKC", name)
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf"))
    return " ".join(text.casefold().split())


def strings(value: Any, loc: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every string inside a profile's data, with its location (for error positions)."""
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(item, (*loc, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from strings(item, (*loc, i))
