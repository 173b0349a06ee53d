"""Intake: the Google Form's responses tab, turned into validated rows of the Requests tab.

The stage is split along its seams, in the order data flows through it:

- `layout`: the header row; which column holds each configured question (`resolve_layout`).
- `answers`: single answers (email, timezone, timestamp, checkbox terms, a mentor's slug).
- `responses`: each non-empty row checked and turned into ledger cells (`parse_responses`).
- `reconcile`: those rows merged into the Requests table by stable request id, statuses decided.
- `stage`: `run_sync`, which does all of it around one read and one write of a `Spreadsheet`.

Nothing here talks to Google or the disk itself. The names below are the package's public API:
other modules and tests take them from `mentorship.intake`.
"""

from .answers import (
    Issue,
    map_terms,
    normalise_email,
    parse_timestamp,
    parse_timezone,
    term_lookup,
    timestamp_order,
    valid_email,
)
from .layout import (
    OPTIONAL_FIELDS,
    REQUIRED_FIELDS,
    Layout,
    column_letter,
    resolve_layout,
    title_key,
)
from .reconcile import MANAGED, InvalidRow, SyncReport, reconcile
from .responses import (
    ANSWER_COLUMNS,
    MEETING_FORMATS,
    MentorLike,
    ParsedResponses,
    Response,
    Vocabulary,
    parse_responses,
)
from .stage import run_sync

__all__ = [
    "ANSWER_COLUMNS",
    "MANAGED",
    "MEETING_FORMATS",
    "OPTIONAL_FIELDS",
    "REQUIRED_FIELDS",
    "InvalidRow",
    "Issue",
    "Layout",
    "MentorLike",
    "ParsedResponses",
    "Response",
    "SyncReport",
    "Vocabulary",
    "column_letter",
    "map_terms",
    "normalise_email",
    "parse_responses",
    "parse_timestamp",
    "parse_timezone",
    "reconcile",
    "resolve_layout",
    "run_sync",
    "term_lookup",
    "timestamp_order",
    "title_key",
    "valid_email",
]
