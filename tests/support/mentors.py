"""Valid mentors built in memory (never read from `mentors/`)."""

from __future__ import annotations

from typing import Any

from mentorship.profiles.models import Mentor

PROFILE: dict[str, Any] = {
    "name": "Jane Doe",
    "graduation_year": 2010,
    "program": "BSc Computer Science",
    "title": "Engineer",
    "employer": "Example Ltd",
    "industry": "Software",
    "topics": ["Interview practice", "First job"],
    "location": "London, United Kingdom",
    "timezone": "Europe/London",
    "languages": ["English"],
    "meeting_formats": ["video"],
    "availability": [{"day": "tuesday", "start": "18:00", "end": "20:00"}],
    "capacity": 2,
    "accepting": True,
    "confirmed": "2026-10-01",
    "email": "jane.doe@example.org",
}
"""Every field of a valid profile: a software engineer in London, free Tuesdays 18:00-20:00."""


def make_mentor(slug: str = "jane-doe", **changes: Any) -> Mentor:
    """A valid mentor: `PROFILE` with `changes` applied (any profile field)."""
    return Mentor.model_validate({**PROFILE, "slug": slug, **changes})


def weekly(windows: list[tuple[str, str, str]]) -> list[dict[str, str]]:
    """Profile availability from (day, start, end) triples: [("tuesday", "18:00", "20:00")]."""
    return [{"day": day, "start": start, "end": end} for day, start, end in windows]
