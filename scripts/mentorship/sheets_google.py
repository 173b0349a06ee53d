"""The Google Sheets backend: `ledger.Spreadsheet` over the real gspread client.

A run costs a constant number of API calls whatever the number of rows:

- opening: one spreadsheets.get (metadata: tab titles and grid sizes);
- `read`: one values.batchGet for every requested tab that exists;
- `write`: at most one spreadsheets.batchUpdate (add the new tabs, grow full grids) and one
  values.batchUpdate holding every cell update and every appended row, `valueInputOption=RAW`
  so a cell like `=HYPERLINK(...)` stays text.

Appended rows go to explicit ranges just below the last row `read` saw, and cell updates name
their cells, so repeating a write is harmless; that is what makes retries safe. 429, 5xx and
rate-limit 403 answers are retried by `google_transport`'s one policy. Access errors
become `AccessError`s saying what to do (share the sheet with the service account, named).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import requests
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient
from gspread.utils import absolute_range_name, rowcol_to_a1

from .errors import AccessError, LedgerError, MentorshipError
from .google_transport import GoogleError, RetryPolicy
from .ledger import WriteBatch

log = logging.getLogger(__name__)

T = TypeVar("T")

# Google creates tabs 1000 x 26 by default; bigger grids are asked for up front.
DEFAULT_ROWS = 1000
DEFAULT_COLUMNS = 26
# When a tab's grid must grow, this many spare rows come with it, so the next runs do not need
# a grid request of their own.
SPARE_ROWS = 1000


class GoogleSpreadsheet:
    """One Google spreadsheet seen as `ledger.Spreadsheet`; opening it fetches its metadata.

    `http` is gspread's HTTP client (`gspread.Client.http_client`), already authorised;
    `account` is the email of the account it acts as, named in access errors.
    """

    def __init__(
        self,
        http: HTTPClient,
        key: str,
        *,
        account: str = "",
        retry: RetryPolicy | None = None,
    ):
        self.http = http
        self.key = key
        self.account = account
        self.retry = retry or RetryPolicy()
        self.calls = 0
        # This class owns the retries (it must know whether a write is being repeated), so a
        # retrying HTTP client (google_api.RetryingHTTPClient) is told to try once.
        if hasattr(http, "policy"):
            http.policy = RetryPolicy(attempts=1)
        metadata = self._call(
            "read the spreadsheet's metadata", lambda: http.fetch_sheet_metadata(key)
        )
        self.title = str(metadata.get("properties", {}).get("title", ""))
        self.time_zone = str(metadata.get("properties", {}).get("timeZone", ""))
        self._sheets: dict[str, dict[str, Any]] = {}
        for sheet in metadata.get("sheets", []):
            props = sheet.get("properties", {})
            grid = props.get("gridProperties", {})
            self._sheets[props.get("title", "")] = {
                "sheetId": props.get("sheetId"),
                "rows": int(grid.get("rowCount", DEFAULT_ROWS)),
                "columns": int(grid.get("columnCount", DEFAULT_COLUMNS)),
            }
        # The last row holding data in each tab as `read` saw it: appends go below it.
        self._last_row: dict[str, int] = {}

    @property
    def worksheets(self) -> list[str]:
        """The titles of the spreadsheet's tabs."""
        return list(self._sheets)

    # --- ledger.Spreadsheet ----------------------------------------------------------------

    def read(self, titles: Sequence[str]) -> dict[str, list[list[str]] | None]:
        """All values of each tab (header first, as text); None for a tab that does not exist.

        One values.batchGet. Cells are read unformatted (dates as serial numbers) so that a
        change of the sheet's locale or number format changes nothing downstream.
        """
        out: dict[str, list[list[str]] | None] = {t: None for t in titles}
        present = [t for t in dict.fromkeys(titles) if t in self._sheets]
        if not present:
            return out
        params: dict[str, Any] = {
            "majorDimension": "ROWS",
            "valueRenderOption": "UNFORMATTED_VALUE",
            "dateTimeRenderOption": "SERIAL_NUMBER",
        }
        ranges = [absolute_range_name(t) for t in present]
        body = self._call(
            f"read {', '.join(repr(t) for t in present)}",
            lambda: self.http.values_batch_get(self.key, ranges, params=params),
        )
        got = body.get("valueRanges", [])
        if len(got) != len(present):
            raise LedgerError(
                f"Google returned {len(got)} ranges for {len(present)} tabs; run again."
            )
        for title, value_range in zip(present, got, strict=True):
            rows = [[_text(cell) for cell in row] for row in value_range.get("values", [])]
            out[title] = rows
            self._last_row[title] = len(rows)
        return out

    def write(self, batch: WriteBatch) -> None:
        """Apply the batch in at most two calls (see the module docstring)."""
        if not batch:
            return
        for title in {t for t, appended in batch.appends.items() if appended} - set(self._last_row):
            self.read([title])  # appends need the tab's last row; stages normally read first
        data: list[dict[str, Any]] = []
        extent: dict[str, tuple[int, int]] = {}

        def reach(title: str, row: int, col: int) -> None:
            rows, cols = extent.get(title, (0, 0))
            extent[title] = (max(rows, row), max(cols, col))

        for title, header in batch.new_tabs.items():
            data.append(_range(title, 1, 1, [list(header)]))
            reach(title, 1, len(header))
            self._last_row[title] = max(self._last_row.get(title, 0), 1)
        for title, row, col, width, values in _runs(batch.updates):
            data.append(_range(title, row, col, [values]))
            reach(title, row, col + width - 1)
        for title, appended in batch.appends.items():
            if not appended:
                continue
            start = self._last_row.get(title, 0) + 1
            width = max(len(r) for r in appended)
            data.append(_range(title, start, 1, [list(r) for r in appended]))
            reach(title, start + len(appended) - 1, width)
            self._last_row[title] = start + len(appended) - 1

        requests_: list[dict[str, Any]] = []
        added: list[str] = []
        grids: dict[str, dict[str, int]] = {}
        for title, (rows, cols) in extent.items():
            sheet = self._sheets.get(title)
            if sheet is None:
                if title not in batch.new_tabs:
                    raise LedgerError(f"The spreadsheet has no tab {title!r} to write to.")
                grid = {
                    "rowCount": rows + SPARE_ROWS if rows > DEFAULT_ROWS else DEFAULT_ROWS,
                    "columnCount": max(DEFAULT_COLUMNS, cols),
                }
                grids[title] = grid
                requests_.append(
                    {"addSheet": {"properties": {"title": title, "gridProperties": grid}}}
                )
                added.append(title)
            elif rows > sheet["rows"] or cols > sheet["columns"]:
                # Google refuses values outside the grid; the size set is absolute, so a
                # repeated request changes nothing.
                grid = {
                    "rowCount": rows + SPARE_ROWS if rows > sheet["rows"] else sheet["rows"],
                    "columnCount": max(sheet["columns"], cols),
                }
                grids[title] = grid
                requests_.append(
                    {
                        "updateSheetProperties": {
                            "properties": {"sheetId": sheet["sheetId"], "gridProperties": grid},
                            "fields": "gridProperties.rowCount,gridProperties.columnCount",
                        }
                    }
                )
        if requests_:
            reply: dict[str, Any] = self._call(
                "add or grow tabs",
                lambda: self.http.batch_update(self.key, {"requests": requests_}),
                already_done=("already exists", {}),
            )
            replies = reply.get("replies", [])
            for title in added:
                props: dict[str, Any] = next(
                    (
                        r["addSheet"]["properties"]
                        for r in replies
                        if "addSheet" in r and r["addSheet"]["properties"].get("title") == title
                    ),
                    {},
                )
                self._sheets[title] = {"sheetId": props.get("sheetId"), "rows": 0, "columns": 0}
            for title, grid in grids.items():
                self._sheets[title]["rows"] = grid["rowCount"]
                self._sheets[title]["columns"] = grid["columnCount"]
        body = {"valueInputOption": "RAW", "data": data}
        self._call(
            f"write {sum(len(d['values']) for d in data)} row(s)",
            lambda: self.http.values_batch_update(self.key, body=body),
        )

    # --- calls ---------------------------------------------------------------------------

    def _call(
        self, what: str, call: Callable[[], T], *, already_done: tuple[str, T] | None = None
    ) -> T:
        """Run one API call with retries; failures become MentorshipErrors saying what to do.

        `already_done`: text of the 400 error a repeated call gets when an earlier attempt took
        effect before its answer was lost (e.g. "already exists" for addSheet: the tab was not
        there when the metadata was read). It counts as success, which is safe because
        spreadsheets.batchUpdate applies all its requests or none.
        """
        tries = 0
        while True:
            tries += 1
            self.calls += 1
            try:
                return call()
            except (APIError, requests.RequestException) as exc:
                error = GoogleError.from_exception(exc)
                assert error is not None  # both exception types are failed requests
                if already_done and error.status == 400 and already_done[0] in error.message:
                    log.info("sheets: an earlier attempt to %s had taken effect", what)
                    return already_done[1]
                if not self.retry.should_retry(error, tries):
                    raise self._explain(what, error, tries) from None
                wait = self.retry.wait(tries - 1, error.retry_after)
                log.info(
                    "sheets: %s got %s%s; retry %d in %.1f s",
                    what,
                    error.status or "a network error",
                    f" ({error.reason})" if error.reasons else "",
                    tries,
                    wait,
                )

    def _explain(self, what: str, error: GoogleError, attempts: int) -> MentorshipError:
        from .google_api import describe_http_error

        status, message = error.status, error.message
        if status is None or status >= 500 or status == 408:
            got = f"HTTP {status}" if status else "network errors"
            return AccessError(
                f"Google kept answering {got} when trying to {what} ({attempts} attempts); "
                "this is temporary. Nothing is lost: run the command again later."
            )
        if status == 403 and (
            error.reasons & {"accessNotConfigured", "SERVICE_DISABLED"}
            or "has not been used" in message
        ):
            return AccessError(
                f"The Google Sheets API is not enabled for the credentials' project ({message}). "
                "Enable it in the Google Cloud console (APIs & Services > Library > Google Sheets "
                "API), then run again."
            )
        if status in (401, 403, 404, 429):
            described = describe_http_error(status, error.body, service_account_email=self.account)
            return AccessError(f"{described} (spreadsheet {self.key})")
        return LedgerError(
            f"Google refused to {what} in spreadsheet {self.key} (HTTP {status}: {message})."
        )


def _text(cell: Any) -> str:
    """An unformatted cell as text: numbers without a trailing '.0', booleans as Sheets shows them."""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def _range(title: str, row: int, col: int, values: list[list[str]]) -> dict[str, Any]:
    height = len(values)
    width = max((len(r) for r in values), default=1)
    end = rowcol_to_a1(row + height - 1, col + max(width, 1) - 1)
    return {
        "range": absolute_range_name(title, f"{rowcol_to_a1(row, col)}:{end}"),
        "majorDimension": "ROWS",
        "values": values,
    }


def _runs(
    updates: Sequence[tuple[str, int, int, str]],
) -> list[tuple[str, int, int, int, list[str]]]:
    """Single-cell updates merged into runs of adjacent cells on one row (fewer, larger ranges)."""
    cells: dict[tuple[str, int, int], str] = {}
    for title, row, col, value in updates:
        cells[(title, row, col)] = value  # a later update of the same cell wins
    runs: list[tuple[str, int, int, int, list[str]]] = []
    for title, row, col in sorted(cells):
        value = cells[(title, row, col)]
        if (
            runs
            and runs[-1][0] == title
            and runs[-1][1] == row
            and runs[-1][2] + runs[-1][3] == col
        ):
            last = runs[-1]
            runs[-1] = (title, row, last[2], last[3] + 1, [*last[4], value])
        else:
            runs.append((title, row, col, 1, [value]))
    return runs


def open_google_spreadsheet(key: str) -> GoogleSpreadsheet:
    """Open the spreadsheet `key` with Application Default Credentials (see `google_api`)."""
    from . import google_api

    creds = google_api.credentials(google_api.SHEETS_SCOPES)
    client = google_api.gspread_client(creds)
    return GoogleSpreadsheet(
        client.http_client, key, account=google_api.service_account_email(creds)
    )
