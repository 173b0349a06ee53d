"""Did-you-mean for answers nothing matched: a close spelling of a zone, country or large city."""

from __future__ import annotations

import difflib
import functools

from mentorship.timezones import data
from mentorship.timezones.text import fold


def suggest(text: str) -> str | None:
    """A close spelling that resolves to one zone ('Londn' -> 'London'), or None."""
    vocabulary = _vocabulary()
    close = difflib.get_close_matches(fold(text), list(vocabulary), n=1, cutoff=0.8)
    return vocabulary[close[0]] if close else None


@functools.cache
def _vocabulary() -> dict[str, str]:
    """Folded spelling -> display form, for suggestions: zones, countries, large cities."""
    words: dict[str, str] = {}
    for key, zone in data.iana_names().items():
        words.setdefault(key, zone)
        words.setdefault(fold(zone.rsplit("/", 1)[-1]), zone.rsplit("/", 1)[-1].replace("_", " "))
    for key, code in data.country_names().items():
        words.setdefault(key, data.country_label(code))
    for key, found in data.cities().items():
        if found[0].population >= 500_000 and key == fold(found[0].name):
            words.setdefault(key, found[0].name)
    return words
