"""Folding typed answers into lookup keys: case, accents, punctuation and spacing do not count."""

from __future__ import annotations

import re
import unicodedata

_NOT_ALNUM = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """'  São-Paulo ' -> 'saopaulo'; 'NewYork' and 'new  york' fold alike.

    Spaces are dropped as well as punctuation, because students write "NewYork", "New_York" and
    "new-york" for the same city; names in other scripts keep their letters (casefolded).
    """
    if text.isascii():
        return _NOT_ALNUM.sub("", text.casefold())
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    # Letters that NFKD does not decompose but students write without the stroke.
    bare = bare.translate(_STROKES)
    return _NOT_ALNUM.sub("", bare)


_STROKES = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i"})


def spaced(text: str) -> str:
    """Collapse runs of whitespace and strip: the answer as staff should read it."""
    return " ".join(text.split())
