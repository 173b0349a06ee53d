"""Site search entries for mentors that do not grow with the length of their bios.

Mentor pages are left out of the engine's own indexing (page meta `search: exclude`), which
would hold every bio, availability table and link in full. Instead each mentor gets one entry
carrying what a student searches by: the name (the title), and the job title, employer,
industry and topics (the text). `add_to_search_index` appends them to the index the engine
wrote: the mkdocs hook calls it after Material's search plugin, `engines.build_zensical`
after Zensical, with the entries `stage` saved.
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


# Where each engine writes its search index, and the list of entries in it.
INDEX_FILES = (("search/search_index.json", "docs"), ("search.json", "items"))


def add_to_search_index(site_dir: Path, entries: Sequence[dict[str, str]]) -> bool:
    """Append `entries` to the search index built into `site_dir`; False when there is none.

    MkDocs with Material writes `search/search_index.json` (`docs`), Zensical `search.json`
    (`items`, each also with a level, a breadcrumb path and tags). Entries already there for
    the same locations are replaced, so running it twice never lists a mentor twice.
    """
    found = next(((site_dir / n, k) for n, k in INDEX_FILES if (site_dir / n).is_file()), None)
    if found is None:
        return False
    index_path, key = found
    document: dict[str, Any] = json.loads(index_path.read_text(encoding="utf-8"))
    added: list[dict[str, Any]] = [dict(e) for e in entries]
    if key == "items":
        added = [{**e, "level": 1, "path": ["Find a mentor"], "tags": []} for e in added]
    ours = {e["location"] for e in added}
    kept = [d for d in document.get(key, []) if d.get("location") not in ours]
    document[key] = kept + added
    index_path.write_text(
        json.dumps(document, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    return True
