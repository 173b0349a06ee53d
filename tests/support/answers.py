"""Rows of the form's responses tab, by question field (see [tool.mentorship.questions])."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

ANSWERS: dict[str, str] = {
    "timestamp": "28/11/2026 14:03:11",
    "name": "Ana Fictive",
    "email": "ana.fictive@example.edu",
    "program": "BA Economics",
    "year": "2",
    "industries": "Finance",
    "topics": "Interview practice",
    "goals": "Practise interviews",
    "preferred_mentor": "",
    "timezone": "Europe/Lisbon",
    "availability": "Weekday evenings",
    "languages": "English",
    "meeting_format": "Video",
    "consent": "I agree",
}
"""A complete, valid answer to every question the default configuration asks."""


def answer_row(fields: Iterable[str], **answers: str) -> list[str]:
    """One response row in the order of `fields` (the configured questions' field names);
    `answers` replace the defaults, and a field with no answer is an empty cell."""
    values = {**ANSWERS, **answers}
    return [values.get(f, "") for f in fields]


def numbered_answers(n: int, **answers: str) -> dict[str, str]:
    """Answers of student number `n`: a timestamp, name and email no other number has."""
    stamp = dt.datetime(2026, 11, 1, 9, 0) + dt.timedelta(hours=7 * n, seconds=n)
    return {
        "timestamp": stamp.strftime("%d/%m/%Y %H:%M:%S"),
        "name": f"Student {n} Fictive",
        "email": f"student{n}@example.edu",
        **answers,
    }
