"""`mentors.json`: the public fields of every mentor, for other tools."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..profiles.models import PRIVATE_FIELDS, Mentor

FORMAT_VERSION = 1


def public_record(mentor: Mentor, page_url: str) -> dict[str, Any]:
    """One mentor's public data plus the site-relative URL of their page."""
    record = mentor.public()
    for name in PRIVATE_FIELDS:  # belt and braces: public() already leaves them out
        record.pop(name, None)
    record["url"] = page_url
    return record


def mentors_json(mentors: Sequence[Mentor], page_urls: dict[str, str]) -> str:
    """The JSON document published as site/mentors.json (never any private field)."""
    document = {
        "version": FORMAT_VERSION,
        "count": len(mentors),
        "mentors": [public_record(m, page_urls[m.slug]) for m in mentors],
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"
