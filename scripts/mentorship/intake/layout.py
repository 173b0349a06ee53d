"""The responses tab's header: which column holds each configured question's answers.

`timestamp`, `name`, `email`, `industries`, `topics`, `timezone` and `availability` must exist
as columns (matching and scheduling cannot work without them), so a missing title stops the run
(`LedgerError`, exit 2). The others are optional: a missing title is a warning in the report and
the field is left empty.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..errors import ConfigError, LedgerError

REQUIRED_FIELDS = ("timestamp", "name", "email", "industries", "topics", "timezone", "availability")
OPTIONAL_FIELDS = (
    "program",
    "year",
    "goals",
    "preferred_mentor",
    "languages",
    "meeting_format",
    "consent",
)


@dataclass(frozen=True)
class Layout:
    """Where each configured question's answers are: field -> column indexes (0-based).

    A title can appear in several columns (Forms adds one when a question is deleted and made
    again); each row then uses the rightmost non-empty cell among them.
    """

    columns: dict[str, tuple[int, ...]]
    warnings: tuple[str, ...] = ()


def column_letter(index: int) -> str:
    """0 -> 'A', 26 -> 'AA': the column as staff see it."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def title_key(title: str) -> str:
    """How a question title is compared, by sync and by `doctor` alike: letter case and runs of
    spaces do not count ('Email Address' is the configured 'Email address')."""
    return " ".join(title.split()).casefold()


def resolve_layout(
    header: Sequence[str],
    questions: Mapping[str, str],
    tab: str,
    *,
    required: Sequence[str] = REQUIRED_FIELDS,
    section: str = "[tool.mentorship.questions]",
) -> Layout:
    """Find each configured question title in the header row.

    Titles compare ignoring letter case and runs of spaces. Raises ConfigError when a required
    field is not configured and LedgerError when a required title is not in the header.
    `required` and `section` (where the titles are configured) default to the request form's;
    the check-in form passes its own.
    """
    unset = [f for f in required if not questions.get(f, "").strip()]
    if unset:
        raise ConfigError(
            f"{section} must give the form's question title for "
            + ", ".join(unset)
            + " (these answers are required)."
        )
    by_title: dict[str, list[int]] = defaultdict(list)
    warnings: list[str] = []
    blank = [column_letter(i) for i, cell in enumerate(header) if not str(cell).strip()]
    if blank:
        warnings.append(
            f"{tab}: column(s) {', '.join(blank)} have no title in row 1; their answers are ignored."
        )
    for i, cell in enumerate(header):
        if str(cell).strip():
            by_title[title_key(str(cell))].append(i)
    columns: dict[str, tuple[int, ...]] = {}
    missing_required: list[tuple[str, str]] = []
    for name, title in questions.items():
        if not title.strip():
            continue
        found = by_title.get(title_key(title))
        if found:
            columns[name] = tuple(found)
            if len(found) > 1:
                warnings.append(
                    f"{tab}: the title {title!r} heads columns "
                    f"{', '.join(column_letter(i) for i in found)}; each row uses the rightmost "
                    "one it answered."
                )
        elif name in required:
            missing_required.append((name, title))
        else:
            warnings.append(
                f"{tab} has no column {title!r} (questions.{name}); that answer is left empty. "
                f"If the question was renamed, put its new title in {section}."
            )
    if missing_required:
        present = [str(c).strip() for c in header if str(c).strip()]
        lines = []
        for name, title in missing_required:
            close = difflib.get_close_matches(title, present, n=1, cutoff=0.5)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            lines.append(f"  questions.{name} = {title!r}{hint}")
        raise LedgerError(
            f"{tab} has no column for these configured question titles:\n"
            + "\n".join(lines)
            + "\nThe titles in row 1 are: "
            + (", ".join(repr(t) for t in present) or "(none)")
            + ".\nIf a question was renamed in the form, put its current title in "
            f"{section} in pyproject.toml."
        )
    return Layout(columns, tuple(warnings))
