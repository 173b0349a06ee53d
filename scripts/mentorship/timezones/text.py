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
    # NFKD splits 'ã' into 'a' and a combining mark, which is not alphanumeric and goes with
    # the punctuation; letters of other scripts stay (casefolded), so '北京' still matches.
    decomposed = unicodedata.normalize("NFKD", text.casefold()).translate(_STROKES)
    return _NOT_ALNUM.sub("", decomposed)


_STROKES = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i"})


def spaced(text: str) -> str:
    """Collapse runs of whitespace and strip: the answer as staff should read it."""
    return " ".join(text.split())
