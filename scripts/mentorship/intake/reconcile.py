"""Reconcile: merge parsed responses into the Requests tab and decide statuses.

`reconcile` changes a `ledger.Table` in memory (by stable request id) and fills a `SyncReport`;
it never reads or writes a backend.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from .. import ledger, lifecycle
from ..ledger import RequestStatus, Table
from ..timezones import Resolved, resolve
from .answers import Issue, normalise_email
from .responses import ParsedResponses, Response

# Statuses sync owns: it sets and recomputes them on every run. Every other value (waiting,
# matched, withdrawn, or anything staff type) belongs to matching or to staff.
MANAGED = frozenset(
    {
        RequestStatus.NEW,
        RequestStatus.INVALID,
        RequestStatus.SUPERSEDED,
        RequestStatus.DUPLICATE,
    }
)
DUPLICATE_REASON = (
    "the same student already has request {other} (Requests row {row}) with a live match, "
    "and a student has one mentor at a time; to give a second mentor on purpose, set this "
    "row's status to waiting"
)


@dataclass(frozen=True)
class InvalidRow:
    """A request that needs staff: where it is and why (`reason` names no student data)."""

    response_row: int
    request_row: int
    request_id: str
    reason: str


@dataclass
class SyncReport:
    """What one sync found and did, for the CLI summary and the nightly Markdown report.

    `added`, `updated` and `unchanged` split the responses read; `superseded` lists the
    response rows that became superseded in this run; `invalid` lists every request still
    invalid (new or old), which is what needs staff; `orphaned` lists Requests rows whose
    response is no longer in the responses tab (left as they are).
    """

    responses_tab: str
    dry_run: bool = False
    responses: int = 0
    empty_rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    new: int = 0
    superseded: list[int] = field(default_factory=list)
    invalid: list[InvalidRow] = field(default_factory=list)
    new_invalid: list[InvalidRow] = field(default_factory=list)
    """The rows of `invalid` that became invalid in this run (the report lists them in full)."""
    duplicates: list[str] = field(default_factory=list)
    """Every request held as `duplicate`, both rows named (private: for the Report only)."""
    orphaned: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    status_counts: dict[str, int] = field(default_factory=dict)
    cells_written: int = 0

    @property
    def needs_attention(self) -> bool:
        """True when some request is invalid (the CLI then exits 1)."""
        return bool(self.invalid)

    def summary(self) -> list[str]:
        """Plain lines for the terminal (no student data)."""
        verb = "Would write" if self.dry_run else "Wrote"
        lines = [
            f"Read {self.responses} response(s) from {self.responses_tab!r}"
            + (f" ({self.empty_rows} empty row(s) skipped)." if self.empty_rows else "."),
            f"Requests: {self.added} added, {self.updated} updated, {self.unchanged} unchanged; "
            f"{self.new} new this run, {len(self.superseded)} superseded this run.",
            "Statuses now: "
            + (", ".join(f"{k} {v}" for k, v in sorted(self.status_counts.items())) or "none")
            + ".",
            f"{verb} {self.cells_written} cell(s).",
        ]
        lines += [f"Warning: {w}" for w in self.warnings]
        if self.orphaned:
            lines.append(
                f"{len(self.orphaned)} Requests row(s) have no response any more (left as they are): "
                + _rows(self.orphaned)
                + "."
            )
        if self.invalid:
            lines.append(f"{len(self.invalid)} request(s) need attention:")
            lines += [f"  Requests row {i.request_row}: {i.reason}" for i in self.invalid]
        return lines

    def to_markdown(self) -> str:
        """The report as a Markdown section (no student data), for the nightly run summary."""
        out = [
            "### Intake",
            "",
            "| Responses | Added | Updated | Unchanged | New this run | Superseded | Invalid |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            f"| {self.responses} | {self.added} | {self.updated} | {self.unchanged} | {self.new} "
            f"| {len(self.superseded)} | {len(self.invalid)} |",
            "",
        ]
        if self.dry_run:
            out += ["*Dry run: nothing was written.*", ""]
        for warning in self.warnings:
            out.append(f"- Warning: {warning}")
        if self.orphaned:
            out.append(f"- Requests rows without a response any more: {_rows(self.orphaned)}")
        if self.invalid:
            out += [
                "",
                "Needs attention:",
                "",
                "| Requests row | Response row | Why |",
                "| ---: | ---: | --- |",
            ]
            out += [f"| {i.request_row} | {i.response_row} | {i.reason} |" for i in self.invalid]
        return "\n".join(out).rstrip() + "\n"


def _rows(rows: Sequence[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:20])
    return shown + (f" and {len(rows) - 20} more" if len(rows) > 20 else "")


def _status(record: ledger.Record) -> str:
    # Synonyms read as their state ("Withdraw" is withdrawn); unknown words stay as typed.
    state = lifecycle.request_state(record["status"])
    return record["status"].strip().casefold() if state is None else state


def _keep_staff_timezone(
    record: ledger.Record, cells: dict[str, str], issues: list[Issue]
) -> list[Issue]:
    """Keep a zone staff typed into the `timezone` cell while the student's answer is unchanged.

    Sync writes the zone it resolved; a different value there with the same `timezone_answer`
    beside it was typed by staff, so it wins (normalised: 'kolkata' becomes 'Asia/Kolkata') and
    clears the timezone issue. A value that is not a zone keeps the row invalid and says so.
    Once the student's answer changes, the new answer is resolved afresh.
    """
    typed = record["timezone"].strip()
    if record["timezone_answer"] != cells.get("timezone_answer") or typed in (
        "",
        cells["timezone"],
    ):
        return issues
    others = [i for i in issues if i.column != "timezone"]
    found = resolve(typed)
    if isinstance(found, Resolved):
        cells["timezone"] = found.zone
        return others
    cells["timezone"] = record["timezone"]
    where = f"Requests row {record.row}"
    return [
        *others,
        Issue(
            f"the timezone cell {typed!r} (typed in the Requests tab) is not one zone; write an "
            "IANA name like 'Europe/London'",
            f"the timezone cell is not a zone ({where})",
            "timezone",
        ),
    ]


def reconcile(
    table: Table, parsed: ParsedResponses, now: dt.datetime, report: SyncReport, *, tab: str
) -> None:
    """Bring the Requests table in line with the parsed responses (changes recorded in `table`).

    The rules, per request (one per response, keyed by `request_id`):

    - A response without a row gets one, appended at the end; rows are never removed or moved.
    - Sync owns the statuses `new`, `invalid` and `superseded` (and a blank status): on such
      rows it refreshes the answer cells from the response, so a fix made in the responses tab
      flows through, and recomputes status, reason and note. `waiting`, `matched`, `withdrawn`
      and any other value staff type are left alone, answers included, with one exception: a
      `waiting` request becomes `superseded` when the same student has sent a newer valid
      answer, since waiting means matching found no one yet and the newer answer replaces it.
    - Latest answer wins: among one student's requests (same normalised email) that are not
      invalid, the one submitted last (then the lowest in the sheet) is current; older `new`,
      `waiting` or `superseded` ones become `superseded`. A `matched` request is never
      superseded or changed; a newer answer after a match stays `new` with a note, since the
      student may want another mentor (staff set it to `withdrawn` if not). A `withdrawn`
      latest answer still supersedes older open ones: the student's last word was to stop. An
      invalid answer supersedes nothing until it is fixed.
    - A zone staff typed into `timezone` is kept while `timezone_answer` (what the student
      typed) is unchanged, and clears the timezone problem (see `_keep_staff_timezone`).
    - `response_row` always points at the response's current row; `updated_at` changes only
      when a row's status, reason, note or answers change, so a second run writes nothing.
    """
    stamp = ledger.utc_timestamp(now)
    existing = table.by("request_id")
    seen: set[str] = set()
    # (record, response, is_new); new records are built in memory and appended at the end with
    # their final values, so a new row costs one appended row and no extra cell updates.
    rows: list[tuple[ledger.Record, Response, bool]] = []
    for n, response in enumerate(parsed.responses):
        seen.add(response.request_id)
        record = existing.get(response.request_id)
        if record is None:
            fresh = {"request_id": response.request_id, "status": ""}
            rows.append((ledger.Record(-1 - n, fresh), response, True))
        else:
            table.set(record, "response_row", str(response.row))
            rows.append((record, response, False))
    report.orphaned = sorted(
        r.row for r in table if r["request_id"] and r["request_id"] not in seen
    )

    # What each row should hold if sync has the last word on it.
    target: dict[int, dict[str, str]] = {}
    issues: dict[int, list[Issue]] = {}
    for record, response, is_new in rows:
        if _status(record) in MANAGED or not _status(record):
            cells = dict(response.cells)
            cells["response_row"] = str(response.row)
            found = response.issues
            if not is_new:
                found = _keep_staff_timezone(record, cells, found)
            issues[record.row] = found
            if not found:
                cells["status"], cells["reason"] = RequestStatus.NEW, ""
            else:
                cells["status"] = RequestStatus.INVALID
                cells["reason"] = "; ".join(i.sheet for i in found)
            cells["note"] = "; ".join(response.notes)
            target[record.row] = cells

    def value(record: ledger.Record, column: str) -> str:
        return target.get(record.row, {}).get(column, record[column])

    def status(record: ledger.Record) -> str:
        cell = value(record, "status")
        return lifecycle.request_state(cell) or cell.strip().casefold()

    students: dict[str, list[ledger.Record]] = defaultdict(list)
    everyone = list(table) + [record for record, _, is_new in rows if is_new]
    for record in everyone:
        email = normalise_email(value(record, "email"))
        if status(record) != RequestStatus.INVALID and email:
            students[email].append(record)
    for records in students.values():
        if len(records) < 2:
            continue

        def order(record: ledger.Record) -> tuple[str, int]:
            row = value(record, "response_row")
            return (value(record, "submitted_at"), int(row) if row.isdigit() else 0)

        records.sort(key=order)
        latest, older = records[-1], records[:-1]
        for record in older:
            if status(record) in (
                RequestStatus.NEW,
                RequestStatus.WAITING,
                RequestStatus.SUPERSEDED,
                RequestStatus.DUPLICATE,
            ):
                cells = target.setdefault(record.row, {})
                cells["status"] = RequestStatus.SUPERSEDED
                cells["reason"] = (
                    "replaced by the same student's later answer "
                    f"(row {value(latest, 'response_row')} of {tab})"
                )
        matched = [r for r in older if status(r) == RequestStatus.MATCHED and r.row > 0]
        if matched and status(latest) == RequestStatus.NEW:
            cells = target[latest.row]
            cells["status"] = RequestStatus.DUPLICATE
            cells["reason"] = DUPLICATE_REASON.format(
                other=matched[-1]["request_id"], row=matched[-1].row
            )

    for record, response, is_new in rows:
        before = "" if is_new else _status(record)
        if is_new:
            values = {**record.values, **target[record.row], "updated_at": stamp}
            record = table.append(values)
        else:
            changes = {k: v for k, v in target.get(record.row, {}).items() if record[k] != v}
            for column, cell in changes.items():
                table.set(record, column, cell)
            if changes:
                table.set(record, "updated_at", stamp)
                report.updated += 1
            else:
                report.unchanged += 1
        after = _status(record)
        if after != before:
            if after == RequestStatus.NEW:
                report.new += 1
            elif after == RequestStatus.SUPERSEDED:
                report.superseded.append(response.row)
        if after == RequestStatus.INVALID:
            report.invalid.append(
                InvalidRow(
                    response.row,
                    record.row,
                    record["request_id"],
                    "; ".join(i.public for i in issues.get(record.row, response.issues))
                    or "marked invalid in the Requests tab",
                )
            )
            if before != RequestStatus.INVALID:
                report.new_invalid.append(report.invalid[-1])
        if after == RequestStatus.DUPLICATE:
            report.duplicates.append(
                f"request {record['request_id']} (Requests row {record.row}): {record['reason']}"
            )
    report.added = sum(1 for _, _, is_new in rows if is_new)
    report.superseded.sort()
    report.status_counts = dict(Counter(_status(r) or "(blank)" for r in table))
