"""`mentors.json`: the public fields of every mentor, for other tools."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..profiles.models import PRIVATE_FIELDS, Mentor

FORMAT_VERSION = 1


def public_record(mentor: Mentor, page_url: str, image_url: str) -> dict[str, Any]:
    """One mentor's public data plus the site-relative URLs of their page and picture."""
    record = mentor.public()
    for name in PRIVATE_FIELDS:  # belt and braces: public() already leaves them out
        record.pop(name, None)
    record["url"] = page_url
    record["image"] = image_url
    return record


def mentors_json(
    mentors: Sequence[Mentor], page_urls: dict[str, str], image_urls: dict[str, str]
) -> str:
    """The JSON document published as site/mentors.json (never any private field).

    URLs are relative to the site root: `url` is the mentor's page, `image` the photo or
    the generated initials avatar.
    """
    document = {
        "version": FORMAT_VERSION,
        "count": len(mentors),
        "mentors": [public_record(m, page_urls[m.slug], image_urls[m.slug]) for m in mentors],
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"
