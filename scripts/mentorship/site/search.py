"""Site search entries for mentors that do not grow with the length of their bios.

Mentor pages are left out of the engine's own indexing (page meta `search: exclude`), which
would hold every bio, availability table and link in full. Instead each mentor gets one entry
carrying what a student searches by: the name (the title), and the job title, employer,
industry and topics (the text). `add_to_search_index` appends them to the index an mkdocs
build wrote (Material's `search/search_index.json`, lunr's `{"config", "docs"}` shape).
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..profiles.models import Mentor


def search_entry(mentor: Mentor, url: str) -> dict[str, str]:
    """One mentor's search entry; values are HTML-escaped, as search result HTML shows them."""
    text = f"{mentor.title}, {mentor.employer}. {mentor.industry}. {', '.join(mentor.topics)}"
    return {
        "location": url,
        "title": html.escape(mentor.name, quote=False),
        "text": html.escape(text, quote=False),
    }


def search_entries(mentors: Sequence[Mentor], page_url: Mapping[str, str]) -> list[dict[str, str]]:
    """The entries of every mentor, in directory order."""
    return [search_entry(m, page_url[m.slug]) for m in mentors]


def add_to_search_index(index_path: Path, entries: Sequence[dict[str, str]]) -> bool:
    """Append `entries` to the search index at `index_path`; False when there is no index.

    Entries already there for the same locations are replaced, so running it twice (as
    `mkdocs serve` rebuilds do) never lists a mentor twice.
    """
    if not index_path.is_file():
        return False
    document: dict[str, Any] = json.loads(index_path.read_text(encoding="utf-8"))
    ours = {e["location"] for e in entries}
    docs = [d for d in document.get("docs", []) if d.get("location") not in ours]
    document["docs"] = docs + list(entries)
    index_path.write_text(
        json.dumps(document, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    return True
