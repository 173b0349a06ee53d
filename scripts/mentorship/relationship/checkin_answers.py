"""Single answers of the check-in form, read leniently: what happened, ratings, yes/no, role.

Staff build the form from the setup guide, but they reword choices, and a linked sheet keeps
whatever the form said at the time. Each function takes one cell's text and returns our value
or None (not understood: the stage lists it for staff). Pure: no I/O.
"""

from __future__ import annotations

import functools
import re

from ..ledger import SessionStatus

_STARS = "★⭐✩☆✭✮✯"
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_WORD_RATINGS = (
    (re.compile(r"\b(extremely|very|really|super)\s+(useful|helpful|good)\b|\bexcellent\b"), 5),
    (re.compile(r"\bnot (at all|very|really)\b|\buseless\b|\bnone\b|\bno progress\b"), 1),
)

# What happened, tested in this order: "not happened" must not read as "happened", and
# "cancelled, we will reschedule" is a cancellation staff should see as such.
_HAPPENED: tuple[tuple[str, re.Pattern[str]], ...] = (
    (SessionStatus.CANCELLED, re.compile(r"\bcancel")),
    (
        SessionStatus.MOVED,
        re.compile(r"\b(moved?|reschedul\w*|postpone\w*|re-?booked|new time|another time|later)\b"),
    ),
    (
        SessionStatus.MISSED,
        re.compile(
            r"\b(missed|miss|no[- ]?show|absent|forgot|stood up)\b"
            r"|\b(didn'?t|did not|never|not) (happen|show|turn up|come|meet|take place)"
            r"|\bnot (held|met)\b|^no\b|^n$"
        ),
    ),
    (
        SessionStatus.HELD,
        re.compile(
            r"\b(held|happened|happen|met|meet|took place|went ahead|done|completed?|attended)\b"
            r"|^(yes|y|yeah|yep)\b"
        ),
    ),
)

_YES = re.compile(
    r"^(yes|y|yeah|yep|yup|sure|definitely|absolutely|of course|certainly|ok|okay|please|"
    r"continue|keep (going|meeting)|let'?s continue|i would|i'?d like to|happy to)\b"
)
_NO = re.compile(
    r"^(no|n|nope|nah|stop|not really|not now|no thanks|i'?d rather not|rather not|"
    r"i would rather not|end|finish|done)\b"
)
_NO_ANYWHERE = re.compile(
    r"\b(stop|no more|not continue|don'?t (want|wish) to continue|wrap up|end (it|here|now))\b"
)
_YES_ANYWHERE = re.compile(r"\b(continue|keep meeting|carry on|another session|more sessions)\b")


def _plain(text: str) -> str:
    """Lowercase, straight apostrophes, single spaces, no surrounding punctuation."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").casefold()
    return " ".join(text.split()).strip(" .!,;:-–—()[]\"'")


# Answers repeat (a scale's five values, a few choices): each distinct text is read once.
@functools.lru_cache(maxsize=4096)
def parse_happened(text: str) -> str | None:
    """'Yes, we met' -> held; 'Rescheduled' -> moved; 'No-show' -> missed; 'Canceled' ->
    cancelled; None when the answer is empty or says none of these."""
    plain = _plain(text)
    if not plain:
        return None
    for status, pattern in _HAPPENED:
        if pattern.search(plain):
            return status
    return None


@functools.lru_cache(maxsize=4096)
def parse_rating(text: str) -> int | None:
    """A 1-5 rating: '4', '4 - very useful', '4/5', '★★★★', 'four'; None otherwise."""
    plain = _plain(text)
    if not plain:
        return None
    stars = sum(plain.count(s) for s in _STARS)
    if stars:
        return stars if 1 <= stars <= 5 else None
    number = re.match(r"^(\d+(?:[.,]\d+)?)", plain) or re.search(
        r"\((\d)\)|\b(\d)\s*/\s*5\b", plain
    )
    if number:
        digits = next(g for g in number.groups() if g is not None).replace(",", ".")
        value = float(digits)
        return int(value + 0.5) if 1 <= value <= 5 else None
    first = plain.split()[0]
    if first in _NUMBER_WORDS:
        return _NUMBER_WORDS[first]
    for pattern, rating in _WORD_RATINGS:
        if pattern.search(plain):
            return rating
    return None


@functools.lru_cache(maxsize=4096)
def parse_continue(text: str) -> str | None:
    """'yes' or 'no' from 'Yes please', 'No, we are done', 'I'd rather stop', ...; else None."""
    plain = _plain(text)
    if not plain:
        return None
    if _NO.match(plain):
        return "no"
    if _YES.match(plain):
        return "yes"
    if _NO_ANYWHERE.search(plain):
        return "no"
    if _YES_ANYWHERE.search(plain):
        return "yes"
    return None


@functools.lru_cache(maxsize=4096)
def parse_role(text: str) -> str | None:
    """'mentor' (also alumnus, alumna, alum) or 'student' (also mentee); else None."""
    plain = _plain(text)
    if re.search(r"\bmentors?\b|\balumn(us|a|i|ae)\b|\balum\b|\bgraduate\b", plain):
        return "mentor"
    if re.search(r"\b(student|mentee)s?\b", plain):
        return "student"
    return None
