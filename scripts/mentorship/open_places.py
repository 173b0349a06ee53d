"""The directory's truth: each mentor's open places, as a PII-free status the site build reads.

The nightly run knows who is full (live matches in the ledger); the site build does not (it
has no Google access, and pull-request builds must never get a secret). So the nightly writes
`open_places_file` (default `status/open-places.json`): mentor slug -> open places, nothing
about students. On GitHub Actions the nightly workflow commits that file when it changed, and
the site build reads it from the checkout. A build without the file falls back to the YAML
`accepting` flag and `capacity`.

A mentor is shown as accepting only when the profile says `accepting: true`, the profile was
confirmed within `max_profile_age_days`, and the status gives at least one open place.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol

FORMAT_VERSION = 1


class MentorLike(Protocol):
    """What the status needs of a mentor."""

    @property
    def slug(self) -> str: ...
    @property
    def capacity(self) -> int: ...
    @property
    def accepting(self) -> bool: ...
    @property
    def confirmed(self) -> dt.date: ...


def is_stale(mentor: MentorLike, today: dt.date, max_age_days: int) -> bool:
    """True when the profile was last confirmed more than `max_age_days` ago."""
    return (today - mentor.confirmed).days > max_age_days


def open_places(
    mentors: Sequence[MentorLike], live: Mapping[str, int], today: dt.date, max_age_days: int
) -> dict[str, int]:
    """Slug -> places a new student could take now (0 when full, not accepting or stale)."""
    out = {}
    for m in mentors:
        closed = not m.accepting or is_stale(m, today, max_age_days)
        out[m.slug] = 0 if closed else max(m.capacity - live.get(m.slug, 0), 0)
    return dict(sorted(out.items()))


def to_json(places: Mapping[str, int]) -> str:
    """The status file's text: stable (sorted, no timestamp) so an unchanged night commits nothing."""
    document = {"version": FORMAT_VERSION, "open_places": dict(sorted(places.items()))}
    return json.dumps(document, indent=1) + "\n"


def read_status(path: Path) -> dict[str, int] | None:
    """The open places from a status file, or None when it is absent or unreadable (fallback)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    places = document.get("open_places") if isinstance(document, dict) else None
    if not isinstance(places, dict):
        return None
    return {
        str(slug): int(n)
        for slug, n in places.items()
        if isinstance(n, int) and not isinstance(n, bool)
    }


def shown_accepting(
    mentor: MentorLike, status: Mapping[str, int] | None, today: dt.date, max_age_days: int
) -> bool:
    """Whether the directory shows the mentor as accepting (see the module docstring)."""
    if not mentor.accepting or is_stale(mentor, today, max_age_days):
        return False
    if status is None or mentor.slug not in status:
        return mentor.capacity > 0
    return status[mentor.slug] > 0
