"""The PII-free figures file the nightly writes (`figures_file`, default status/figures.json).

The site's "Programme in numbers" page and anyone else read it; it holds only what
`Figures.to_dict` publishes (counts, shares, means, medians, breakdowns by industry and
language, each through the fewer-than-5 rule). Like the open-places status it carries no
timestamp, so a night that changes no figure commits nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..config import Config
from .figures import FORMAT_VERSION, Figures, Term, parse_term


def to_json(figures: Figures) -> str:
    """The file's text: stable, indented, ending in a newline."""
    return json.dumps(figures.to_dict(), indent=1, ensure_ascii=False) + "\n"


def write_figures(path: Path, figures: Figures) -> bool:
    """Write the file when its text changes; True when it did."""
    text = to_json(figures)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


def read_figures(path: Path) -> dict[str, Any] | None:
    """The figures from the file, or None when it is absent, unreadable or of another version."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(document, dict) or document.get("version") != FORMAT_VERSION:
        return None
    return document


def configured_term(config: Config) -> Term:
    """The term the nightly publishes: up to `term_end` of `[tool.mentorship.relationship]`
    when one is set, else all time."""
    relationship = getattr(config, "relationship", None)
    end = str(getattr(relationship, "term_end", "") or "").strip()
    try:
        return parse_term(f":{end}")
    except ValueError:
        # The configuration check reports a bad term_end; the figures fall back to all time.
        return Term()
