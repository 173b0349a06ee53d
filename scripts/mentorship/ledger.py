"""The ledger: the program's tabs in the intake spreadsheet, as plain tables.

Stages read the tabs once (`Spreadsheet.read`), change them through `Table`, and hand the
collected `WriteBatch` back in one `Spreadsheet.write`, so a run costs a fixed number of API
calls however many rows it touches. Rows are addressed by their 1-based sheet row number and
columns by header name, so staff may reorder or add columns without breaking anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from .errors import LedgerError

REQUESTS = "Requests"
MATCHES = "Matches"

# Lists (industries, topics, ...) are stored in one cell joined with this separator.
LIST_SEPARATOR = "; "

REQUEST_COLUMNS: tuple[str, ...] = (
    "request_id",
    "response_row",
    "submitted_at",
    "status",
    "reason",
    "name",
    "email",
    "program",
    "year",
    "industries",
    "topics",
    "goals",
    "preferred_mentor",
    # What the student typed ("London") and the zone it became ("Europe/London"); staff correct
    # a row by editing `timezone`, and sync keeps that edit while the typed answer stays the same.
    "timezone_answer",
    "timezone",
    "availability",
    "languages",
    "meeting_formats",
    # What staff should know about an answer sync kept (an "Other" answer, a cleared mentor).
    "note",
    "updated_at",
)

MATCH_COLUMNS: tuple[str, ...] = (
    "match_id",
    "request_id",
    "mentor",
    "score",
    "reasons",
    "status",
    "note",
    "created_at",
    "event_id",
    "event_start",
    "invited_at",
    # How many times an invitee declined this match's session (the lifecycle moves it once).
    "declines",
    "updated_at",
)


SESSIONS = "Sessions"

# One row per session of each match (see `mentorship.relationship`). The relationship stage
# creates a row when it books the session; the check-in stage fills each side's answers from
# the check-in form; staff may type a session's `status` themselves.
SESSION_COLUMNS: tuple[str, ...] = (
    # "<match_id>/<number>": stable, one per session number whatever its reschedules.
    "session_id",
    "match_id",
    "number",
    "status",
    "event_id",
    # The session's start in the mentor's zone with its offset (like Matches.event_start).
    "start",
    "invited_at",
    # How many times this session number was booked again (moved or missed): 0 at first.
    "attempt",
    # Each side's latest check-in for the current attempt: what they said happened (held,
    # moved, missed, cancelled), usefulness and goal progress (1-5), whether to continue
    # (yes/no), a private comment for staff, and when they answered.
    "mentor_said",
    "mentor_useful",
    "mentor_progress",
    "mentor_continue",
    "mentor_comment",
    "mentor_at",
    "student_said",
    "student_useful",
    "student_progress",
    "student_continue",
    "student_comment",
    "student_at",
    "note",
    "updated_at",
)


class RequestStatus:
    """Values of the Requests tab's `status` column (who sets each: `mentorship.lifecycle`)."""

    NEW = "new"
    INVALID = "invalid"
    SUPERSEDED = "superseded"
    DUPLICATE = "duplicate"
    WAITING = "waiting"
    MATCHED = "matched"
    WITHDRAWN = "withdrawn"
    ALL = (NEW, INVALID, SUPERSEDED, DUPLICATE, WAITING, MATCHED, WITHDRAWN)


class MatchStatus:
    """Values of the Matches tab's `status` column (who sets each: `mentorship.lifecycle`).

    `proposed` waits for staff (manual approval); `approved` goes to invites; `invited` has an
    event; `no_time` found no common slot yet; `declined` was declined twice and waits for
    staff; staff set `cancelled` (the next run cancels the event), `closed` or `completed`
    (mentoring ended, capacity freed).
    """

    PROPOSED = "proposed"
    APPROVED = "approved"
    INVITED = "invited"
    NO_TIME = "no_time"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    CLOSED = "closed"
    COMPLETED = "completed"
    ALL = (PROPOSED, APPROVED, INVITED, NO_TIME, DECLINED, CANCELLED, CLOSED, COMPLETED)
    # Matches that hold one of the mentor's places (the lifecycle's "live" states).
    ACTIVE = (PROPOSED, APPROVED, INVITED, NO_TIME, DECLINED)


class SessionStatus:
    """Values of the Sessions tab's `status` column.

    `scheduled`: the invite is out; `held`, `moved`, `missed`, `cancelled`: what the check-ins
    (or staff) say happened; `moved` and `missed` are booked again under the same number
    (`attempt` + 1, back to `scheduled`); `no_time`: no slot found yet, tried every night.
    """

    SCHEDULED = "scheduled"
    HELD = "held"
    MOVED = "moved"
    MISSED = "missed"
    CANCELLED = "cancelled"
    NO_TIME = "no_time"
    ALL = (SCHEDULED, HELD, MOVED, MISSED, CANCELLED, NO_TIME)


@dataclass
class WriteBatch:
    """Every change one stage makes, sent to the spreadsheet in one go.

    `new_tabs` are created first with their header row; `updates` set single cells
    (tab, 1-based row, 1-based column, value); `appends` add whole rows after a tab's last row.
    All values are written RAW (never parsed as formulas).
    """

    new_tabs: dict[str, list[str]] = field(default_factory=dict)
    updates: list[tuple[str, int, int, str]] = field(default_factory=list)
    appends: dict[str, list[list[str]]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.new_tabs or self.updates or any(self.appends.values()))


def apply_batch(tabs: MutableMapping[str, list[list[str]] | None], batch: WriteBatch) -> None:
    """Apply `batch` to tabs held in memory (title -> rows, header first; None: no such tab).

    The one definition of what a write does, shared by the local backend, the dry-run preview
    and the tests' in-memory sheets: a new tab gets its header unless it already has rows; cell
    updates pad short rows with empty cells; appended rows go after the last row. Raises
    LedgerError when a batch updates or appends to a tab that neither exists nor is created.
    """
    for title, header in batch.new_tabs.items():
        if not tabs.get(title):
            tabs[title] = [list(header)]
    for title, row, col, value in batch.updates:
        rows = _rows_of(tabs, title)
        while len(rows) < row:
            rows.append([])
        cells = rows[row - 1]
        cells.extend([""] * (col - len(cells)))
        cells[col - 1] = value
    for title, appended in batch.appends.items():
        if appended:
            _rows_of(tabs, title).extend(list(r) for r in appended)


def _rows_of(tabs: MutableMapping[str, list[list[str]] | None], title: str) -> list[list[str]]:
    rows = tabs.get(title)
    if rows is None:
        raise LedgerError(f"The ledger has no worksheet {title!r} to write to.")
    return rows


def utc_timestamp(moment: dt.datetime) -> str:
    """The ledger's one time format for when something happened: UTC to the second, with a Z
    ('2026-11-28T21:00:00Z'). Every stage and the lock write their stamps with it."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc_timestamp(cell: str) -> dt.datetime | None:
    """A stamp written by `utc_timestamp` (or any ISO 8601 time; naive means UTC), or None."""
    try:
        moment = dt.datetime.fromisoformat(cell.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


class Spreadsheet(Protocol):
    """A spreadsheet of worksheets (Google Sheets via gspread, or CSV files in a folder)."""

    def read(self, titles: Sequence[str]) -> dict[str, list[list[str]] | None]:
        """All values of each named worksheet (header row first), None where it does not exist."""
        ...

    def write(self, batch: WriteBatch) -> None:
        """Apply a batch of changes (RAW values)."""
        ...


@dataclass
class Record:
    """One data row of a Table: its 1-based sheet row and its cells by column name."""

    row: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")


class Table:
    """A ledger tab in memory: reads by column name, records each change for the WriteBatch."""

    def __init__(self, title: str, columns: Sequence[str], values: list[list[str]] | None):
        self.title = title
        rows = values or []
        self.is_new = not rows
        header = [str(c).strip() for c in rows[0]] if rows else []
        # Columns staff deleted are put back at the end; extra columns staff added are kept.
        self.missing = [c for c in columns if c not in header]
        self.header = header + self.missing
        self.index = {name: i for i, name in enumerate(self.header) if name}
        self.records: list[Record] = []
        for offset, raw in enumerate(rows[1:]):
            cells = [str(c) for c in raw] + [""] * (len(self.header) - len(raw))
            record = Record(offset + 2, {n: cells[i] for n, i in self.index.items()})
            if any(v.strip() for v in record.values.values()):
                self.records.append(record)
        self._next_row = 2 + max(len(rows) - 1, 0)
        self._updates: dict[tuple[int, int], str] = {}
        self._appends: list[list[str]] = []

    def __iter__(self) -> Iterator[Record]:
        return iter(self.records)

    def by(self, column: str) -> dict[str, Record]:
        """The records keyed by a column's value (the last one wins for repeats)."""
        return {r[column]: r for r in self.records if r[column]}

    def set(self, record: Record, column: str, value: str) -> None:
        """Change one cell, if it differs."""
        if record.values.get(column, "") == value:
            return
        record.values[column] = value
        self._updates[(record.row, self.index[column] + 1)] = value

    def append(self, values: Mapping[str, str]) -> Record:
        """Add a row at the end."""
        unknown = set(values) - set(self.index)
        if unknown:
            raise KeyError(f"{self.title} has no column(s) {sorted(unknown)}")
        record = Record(self._next_row, {n: values.get(n, "") for n in self.index})
        self._next_row += 1
        self.records.append(record)
        self._appends.append([record.values.get(n, "") for n in self.header])
        return record

    def collect(self, batch: WriteBatch) -> None:
        """Add this table's pending changes to `batch`."""
        if self.is_new:
            batch.new_tabs[self.title] = list(self.header)
        elif self.missing:
            first = len(self.header) - len(self.missing)
            for i, name in enumerate(self.missing):
                batch.updates.append((self.title, 1, first + i + 1, name))
        for (row, col), value in sorted(self._updates.items()):
            batch.updates.append((self.title, row, col, value))
        if self._appends:
            batch.appends.setdefault(self.title, []).extend(self._appends)
        self._updates.clear()
        self._appends = []


def split_list(cell: str) -> list[str]:
    """A list stored in one cell, back as a list."""
    return [item.strip() for item in cell.split(LIST_SEPARATOR.strip()) if item.strip()]


def join_list(items: Sequence[str]) -> str:
    """A list as one cell."""
    return LIST_SEPARATOR.join(items)
