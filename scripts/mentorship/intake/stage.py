"""The sync stage: one read of the responses and Requests tabs, reconcile, one write."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from .. import ledger
from ..config import Config
from ..errors import LedgerError
from ..ledger import REQUEST_COLUMNS, REQUESTS, Table, WriteBatch
from ..privacy import mask_email
from .reconcile import SyncReport, reconcile
from .responses import MentorLike, Vocabulary, parse_responses

log = logging.getLogger("mentorship.intake")


def run_sync(
    spreadsheet: ledger.Spreadsheet,
    config: Config,
    taxonomy: Vocabulary,
    mentors: Iterable[MentorLike],
    now: dt.datetime,
    dry_run: bool = False,
) -> SyncReport:
    """Read the responses and Requests tabs once, reconcile, and write the changes in one batch.

    The responses tab is only read. With `dry_run` everything is computed and reported but
    nothing is written. Raises LedgerError when the responses tab is missing or lacks a
    required question's column.
    """
    tab = config.responses_worksheet
    tabs = spreadsheet.read([tab, REQUESTS])
    values = tabs.get(tab)
    if values is None and config.backend == "local":
        raise LedgerError(
            f"The local ledger has no worksheet {tab!r}: put the form's responses in "
            f"{config.local_dir}/{tab}.csv (File > Download > CSV in Google Sheets), or run "
            "`make demo` to seed it with the sample responses from examples/."
        )
    if values is None:
        raise LedgerError(
            f"The spreadsheet has no worksheet {tab!r}. Link the form to this spreadsheet "
            "(Form > Responses > Link to Sheets), or set responses_worksheet in "
            "[tool.mentorship] to the tab's name."
        )
    parsed = parse_responses(
        values,
        config.questions,
        taxonomy,
        list(mentors),
        tab=tab,
        email_domains=config.student_email_domains,
    )
    report = SyncReport(tab, dry_run=dry_run, responses=len(parsed.responses))
    report.empty_rows = parsed.empty_rows
    report.warnings = list(parsed.warnings)
    table = Table(REQUESTS, REQUEST_COLUMNS, tabs.get(REQUESTS))
    reconcile(table, parsed, now, report, tab=tab)
    batch = WriteBatch()
    table.collect(batch)
    report.cells_written = len(batch.updates) + sum(
        len(r) for rows in batch.appends.values() for r in rows
    )
    log.info(
        "intake: %d responses, %d added, %d updated, %d invalid, %d cells to write%s",
        report.responses,
        report.added,
        report.updated,
        len(report.invalid),
        report.cells_written,
        " (dry run)" if dry_run else "",
    )
    if log.isEnabledFor(logging.DEBUG):
        emails = {r.row: r.cells["email"] for r in parsed.responses}
        for row in report.invalid:
            # Staff find the row by its number; the masked address only tells rows apart.
            email = mask_email(emails.get(row.response_row, ""))
            log.debug("intake: row %d (%s): %s", row.response_row, email, row.reason)
    if batch and not dry_run:
        spreadsheet.write(batch)
    return report
