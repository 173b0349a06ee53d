"""Sheets v4: spreadsheets, their grids, and the methods gspread 6 calls.

Behaviour follows Google (checked against ../shared/google-sheets-recordings): ranges are
echoed clipped to the grid with the title quoted only when needed, trailing empty cells and
rows are trimmed from value responses, writes grow the grid, "" clears a cell and null skips
it, and errors carry Google's messages.
"""

from __future__ import annotations

import copy
import random
import string
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from .a1 import A1Range, RangeError, column_letters, format_range, parse_cells, split_title
from .cells import Cell, Formula, render, store
from .errors import GoogleError, sheets_error
from .request import Request, Response, Route
from .tables import find_table

DEFAULT_ROWS = 1000
DEFAULT_COLUMNS = 26
SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"

# The spreadsheet-level properties Google returns for a new spreadsheet (from the recordings).
_DEFAULT_PROPERTIES: dict[str, Any] = {
    "locale": "en_US",
    "autoRecalc": "ON_CHANGE",
    "timeZone": "Etc/GMT",
    "defaultFormat": {
        "backgroundColor": {"red": 1, "green": 1, "blue": 1},
        "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
        "verticalAlignment": "BOTTOM",
        "wrapStrategy": "OVERFLOW_CELL",
        "textFormat": {
            "foregroundColor": {},
            "fontFamily": "arial,sans,sans-serif",
            "fontSize": 10,
            "bold": False,
            "italic": False,
            "strikethrough": False,
            "underline": False,
            "foregroundColorStyle": {"rgbColor": {}},
        },
        "backgroundColorStyle": {"rgbColor": {"red": 1, "green": 1, "blue": 1}},
    },
    "spreadsheetTheme": {
        "primaryFontFamily": "Arial",
        "themeColors": [
            {"colorType": "TEXT", "color": {"rgbColor": {}}},
            {"colorType": "BACKGROUND", "color": {"rgbColor": {"red": 1, "green": 1, "blue": 1}}},
            {
                "colorType": "ACCENT1",
                "color": {"rgbColor": {"red": 0.25882354, "green": 0.52156866, "blue": 0.95686275}},
            },
            {
                "colorType": "ACCENT2",
                "color": {"rgbColor": {"red": 0.91764706, "green": 0.2627451, "blue": 0.20784314}},
            },
            {
                "colorType": "ACCENT3",
                "color": {"rgbColor": {"red": 0.9843137, "green": 0.7372549, "blue": 0.015686275}},
            },
            {
                "colorType": "ACCENT4",
                "color": {"rgbColor": {"red": 0.20392157, "green": 0.65882355, "blue": 0.3254902}},
            },
            {
                "colorType": "ACCENT5",
                "color": {"rgbColor": {"red": 1, "green": 0.42745098, "blue": 0.003921569}},
            },
            {
                "colorType": "ACCENT6",
                "color": {"rgbColor": {"red": 0.27450982, "green": 0.7411765, "blue": 0.7764706}},
            },
            {
                "colorType": "LINK",
                "color": {"rgbColor": {"red": 0.06666667, "green": 0.33333334, "blue": 0.8}},
            },
        ],
    },
}

_ID_CHARS = string.ascii_letters + string.digits + "-_"


def new_spreadsheet_id(rng: random.Random) -> str:
    """An id shaped like Google's: 44 URL-safe characters starting with 1."""
    return "1" + "".join(rng.choice(_ID_CHARS) for _ in range(43))


def now_rfc3339() -> str:
    """The current time as Drive writes it, e.g. 2023-08-17T10:52:36.993Z."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass
class Sheet:
    """One worksheet: a grid of `row_count` x `column_count` cells, stored sparsely by row."""

    sheet_id: int
    title: str
    index: int
    row_count: int = DEFAULT_ROWS
    column_count: int = DEFAULT_COLUMNS
    frozen_rows: int = 0
    rows: list[list[Cell | Formula]] = field(default_factory=list)

    def properties(self) -> dict[str, Any]:
        """`sheets[].properties` as Google returns it."""
        grid: dict[str, Any] = {"rowCount": self.row_count, "columnCount": self.column_count}
        if self.frozen_rows:
            grid["frozenRowCount"] = self.frozen_rows
        return {
            "sheetId": self.sheet_id,
            "title": self.title,
            "index": self.index,
            "sheetType": "GRID",
            "gridProperties": grid,
        }

    def get(self, r: int, c: int) -> Cell | Formula:
        """The cell at 1-based (row, column)."""
        if r > len(self.rows):
            return None
        row = self.rows[r - 1]
        return row[c - 1] if c <= len(row) else None

    def put(self, r: int, c: int, value: Cell | Formula) -> None:
        """Set the cell at 1-based (row, column); the grid must already be large enough."""
        if value is None and (r > len(self.rows) or c > len(self.rows[r - 1])):
            return
        while len(self.rows) < r:
            self.rows.append([])
        row = self.rows[r - 1]
        if len(row) < c:
            row.extend([None] * (c - len(row)))
        row[c - 1] = value

    def grow(self, rows: int, cols: int) -> None:
        """Expand the grid so it holds at least `rows` x `cols`, as writes do on Google."""
        self.row_count = max(self.row_count, rows)
        self.column_count = max(self.column_count, cols)

    def truncate(self) -> None:
        """Drop cells outside the grid (after a resize shrinks it)."""
        del self.rows[self.row_count :]
        for row in self.rows:
            del row[self.column_count :]

    def last_row_with_data(self, c1: int, c2: int) -> int:
        """The last row holding a value within columns c1..c2 (0 when none)."""
        for r in range(len(self.rows), 0, -1):
            row = self.rows[r - 1]
            if any(v is not None for v in row[c1 - 1 : c2]):
                return r
        return 0

    def values(self) -> list[list[str]]:
        """Every stored row as formatted strings, trimmed as Google trims them."""
        return trim(
            [
                [render(v, "FORMATTED_VALUE") if v is not None else "" for v in row]
                for row in self.rows
            ]
        )


#: Google's limit on the cells of one spreadsheet (all sheets' grids together).
CELL_LIMIT = 10_000_000


def check_cell_limit(book: Spreadsheet, extra: int) -> None:
    """Refuse a change that would take the spreadsheet past Google's cell limit."""
    total = sum(s.row_count * s.column_count for s in book.sheets) + extra
    if extra > 0 and total > CELL_LIMIT:
        raise sheets_error(
            400,
            "This action would increase the number of cells in the workbook above the limit "
            f"of {CELL_LIMIT} cells.",
        )


def trim(rows: list[list[Any]]) -> list[list[Any]]:
    """Drop trailing empty cells of each row, then trailing empty rows."""
    out = []
    for row in rows:
        end = len(row)
        while end and row[end - 1] == "":
            end -= 1
        out.append(row[:end])
    while out and not out[-1]:
        out.pop()
    return out


@dataclass
class Spreadsheet:
    """A spreadsheet and its Drive file metadata."""

    spreadsheet_id: str
    title: str
    sheets: list[Sheet]
    created: str = field(default_factory=now_rfc3339)
    modified: str = field(default_factory=now_rfc3339)

    def metadata(self) -> dict[str, Any]:
        """The `spreadsheets.get` body (without grid data)."""
        properties = {"title": self.title, **copy.deepcopy(_DEFAULT_PROPERTIES)}
        return {
            "spreadsheetId": self.spreadsheet_id,
            "properties": properties,
            "sheets": [{"properties": s.properties()} for s in self.sheets],
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.spreadsheet_id}/edit",
        }

    def sheet_by_title(self, title: str) -> Sheet | None:
        """The sheet with this exact title (Google matches titles case-insensitively too)."""
        for sheet in self.sheets:
            if sheet.title == title:
                return sheet
        for sheet in self.sheets:
            if sheet.title.lower() == title.lower():
                return sheet
        return None

    def sheet_by_id(self, sheet_id: int) -> Sheet | None:
        """The sheet with this sheetId."""
        return next((s for s in self.sheets if s.sheet_id == sheet_id), None)

    def reindex(self) -> None:
        """Keep `index` equal to each sheet's position."""
        for i, sheet in enumerate(self.sheets):
            sheet.index = i

    def touch(self) -> None:
        """Record a modification."""
        self.modified = now_rfc3339()


@dataclass(frozen=True)
class Target:
    """A range resolved against a spreadsheet."""

    sheet: Sheet
    parsed: A1Range


def resolve(book: Spreadsheet, text: str) -> Target:
    """Resolve an A1 range, or raise Google's 400 "Unable to parse range"."""
    try:
        title, cells = split_title(text)
        if title is None:
            # No `!`: either a sheet title alone or a range on the first sheet.
            sheet = book.sheet_by_title(cells)
            if sheet is not None:
                return Target(sheet, A1Range(sheet.title))
            return Target(book.sheets[0], parse_cells(None, cells))
        sheet = book.sheet_by_title(title)
        if sheet is None:
            raise RangeError(text)
        return Target(sheet, parse_cells(title, cells))
    except RangeError:
        raise sheets_error(400, f"Unable to parse range: {text}") from None


def _read_bounds(target: Target) -> tuple[int, int, int, int]:
    sheet = target.sheet
    r1, c1, r2, c2 = target.parsed.bounded(sheet.row_count, sheet.column_count)
    p = target.parsed
    open_rows = p.end_row is None
    open_cols = p.end_col is None
    if (
        (not open_rows and r2 > sheet.row_count)
        or (not open_cols and c2 > sheet.column_count)
        or (r1 > sheet.row_count or c1 > sheet.column_count)
    ):
        shown = format_range(sheet.title, r1, c1, r2, c2)
        raise sheets_error(
            400,
            f"Range ({shown}) exceeds grid limits. Max rows: {sheet.row_count}, "
            f"max columns: {sheet.column_count}",
        )
    return r1, c1, min(r2, sheet.row_count), min(c2, sheet.column_count)


def _shown(cell: Cell | Formula, render_option: str) -> Any:
    # Text is by far the common case; skip the general renderer for it.
    if type(cell) is str:
        return cell
    return "" if cell is None else render(cell, render_option)


def value_range(target: Target, render_option: str, major: str) -> dict[str, Any]:
    """A ValueRange for a read: the echoed range, majorDimension, and trimmed values."""
    sheet = target.sheet
    r1, c1, r2, c2 = _read_bounds(target)
    last = min(r2, len(sheet.rows))
    rows: list[list[Any]] = [
        [_shown(v, render_option) for v in sheet.rows[r - 1][c1 - 1 : c2]]
        for r in range(r1, last + 1)
    ]
    if major == "COLUMNS":
        width = c2 - c1 + 1
        rows = [[row[i] if i < len(row) else "" for row in rows] for i in range(width)]
    result: dict[str, Any] = {
        "range": format_range(sheet.title, r1, c1, r2, c2),
        "majorDimension": major,
    }
    values = trim(rows)
    if values:
        result["values"] = values
    return result


@dataclass
class WriteResult:
    """What one write touched, for the response counters."""

    body: dict[str, Any]
    rows: set[int]
    columns: set[int]
    cells: int
    sheet: Sheet


def write_values(
    book: Spreadsheet,
    target: Target,
    values: list[list[Any]],
    input_option: str,
    major: str = "ROWS",
    *,
    include_values: bool = False,
    render_option: str = "FORMATTED_VALUE",
    grow: bool = False,
) -> WriteResult:
    """Write a block of values at the range's top-left, as values.update does.

    values.update and values.batchUpdate never grow the grid: a block reaching past it is
    Google's 400 "exceeds grid limits". Only append (`grow=True`) adds rows and columns.
    """
    if input_option not in {"RAW", "USER_ENTERED"}:
        raise sheets_error(
            400,
            "'valueInputOption' is required but not specified"
            if not input_option
            else "Invalid value at 'value_input_option' "
            f'(type.googleapis.com/google.apps.sheets.v4.ValueInputOption), "{input_option}"',
        )
    if major == "COLUMNS":
        width = max((len(c) for c in values), default=0)
        values = [[col[i] if i < len(col) else None for col in values] for i in range(width)]
    sheet = target.sheet
    p = target.parsed
    r1 = p.start_row or 1
    c1 = p.start_col or 1
    height = len(values)
    width = max((len(row) for row in values), default=0)
    # A bounded range is a promise: Google refuses values that spill out of it. A single
    # cell is only the starting point.
    single = p.start_row == p.end_row and p.start_col == p.end_col
    if not single and p.end_row is not None and r1 + height - 1 > p.end_row:
        raise sheets_error(
            400,
            f"Requested writing within range [{_echo(sheet, p)}], but tried writing to row "
            f"[{r1 + height - 1}]",
        )
    if not single and p.end_col is not None and c1 + width - 1 > p.end_col:
        raise sheets_error(
            400,
            f"Requested writing within range [{_echo(sheet, p)}], but tried writing to column "
            f"[{column_letters(c1 + width - 1)}]",
        )
    rows: set[int] = set()
    columns: set[int] = set()
    cells = 0
    if (
        height
        and width
        and (r1 + height - 1 > sheet.row_count or c1 + width - 1 > sheet.column_count)
    ):
        if not grow:
            shown = format_range(sheet.title, r1, c1, r1 + height - 1, c1 + width - 1)
            raise sheets_error(
                400,
                f"Range ({shown}) exceeds grid limits. Max rows: {sheet.row_count}, "
                f"max columns: {sheet.column_count}",
            )
        check_cell_limit(
            book,
            max(0, r1 + height - 1 - sheet.row_count) * max(sheet.column_count, c1 + width - 1)
            + max(0, c1 + width - 1 - sheet.column_count) * sheet.row_count,
        )
        sheet.grow(r1 + height - 1, c1 + width - 1)
    if height and width:
        while len(sheet.rows) < r1 + height - 1:
            sheet.rows.append([])
        raw = input_option == "RAW"
        for i, values_row in enumerate(values):
            target_row = sheet.rows[r1 - 1 + i]
            needed = c1 - 1 + len(values_row)
            if len(target_row) < needed:
                target_row.extend([None] * (needed - len(target_row)))
            written = 0
            for j, value in enumerate(values_row):
                if value is None:
                    continue  # null leaves the cell as it is
                if raw and type(value) is str:
                    target_row[c1 - 1 + j] = value or None  # "" clears
                else:
                    target_row[c1 - 1 + j] = store(value, input_option)
                columns.add(c1 + j)
                written += 1
            if written:
                rows.add(r1 + i)
                cells += written
        book.touch()
    body: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
    if height and width:
        updated = format_range(sheet.title, r1, c1, r1 + height - 1, c1 + width - 1)
        body["updatedRange"] = updated
        body["updatedRows"] = len(rows)
        body["updatedColumns"] = len(columns)
        body["updatedCells"] = cells
        if include_values:
            body["updatedData"] = value_range(
                Target(sheet, A1Range(sheet.title, r1, c1, r1 + height - 1, c1 + width - 1)),
                render_option,
                "ROWS",
            )
    return WriteResult(body, rows, columns, cells, sheet)


def _echo(sheet: Sheet, p: A1Range) -> str:
    r1, c1, r2, c2 = p.bounded(sheet.row_count, sheet.column_count)
    return format_range(sheet.title, r1, c1, r2, c2)


def clear_range(book: Spreadsheet, target: Target) -> str:
    """Clear values (not formats) in a range; returns the echoed cleared range."""
    sheet = target.sheet
    r1, c1, r2, c2 = _read_bounds(target)
    for r in range(r1, min(r2, len(sheet.rows)) + 1):
        row = sheet.rows[r - 1]
        for c in range(c1, min(c2, len(row)) + 1):
            row[c - 1] = None
    book.touch()
    return format_range(sheet.title, r1, c1, r2, c2)


def append_values(
    book: Spreadsheet,
    target: Target,
    values: list[list[Any]],
    input_option: str,
    insert_option: str,
    *,
    include_values: bool = False,
    render_option: str = "FORMATTED_VALUE",
) -> dict[str, Any]:
    """values.append: find the table the range touches (see `tables`) and write after it."""
    sheet = target.sheet
    r1, c1, r2, c2 = target.parsed.bounded(sheet.row_count, sheet.column_count)
    body: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
    table = find_table(sheet, r1, c1, r2, c2)
    if table:
        top, left, bottom, right = table
        body["tableRange"] = format_range(sheet.title, top, left, bottom, right)
        start_row, start_col = bottom + 1, left
    else:
        start_row, start_col = r1, c1
    height = len(values)
    if insert_option == "INSERT_ROWS" and height:
        check_cell_limit(book, height * sheet.column_count)
        # New rows go in at start_row; everything below moves down.
        insert_at = min(start_row - 1, len(sheet.rows))
        sheet.rows[insert_at:insert_at] = [[] for _ in range(height)]
        sheet.row_count += height
    elif insert_option not in {"OVERWRITE", "INSERT_ROWS"}:
        raise sheets_error(400, f"Invalid value at 'insert_data_option' ({insert_option})")
    write = write_values(
        book,
        Target(sheet, A1Range(sheet.title, start_row, start_col, None, None)),
        values,
        input_option,
        include_values=include_values,
        render_option=render_option,
        grow=True,
    )
    updates = dict(write.body)
    body["updates"] = updates
    return body


# --- request handlers ---------------------------------------------------------------------


def add_sheet(
    book: Spreadsheet, request: dict[str, Any], rng: random.Random, where: str
) -> dict[str, Any]:
    """The addSheet request; returns its reply."""
    props = dict(request.get("properties") or {})
    title = props.get("title")
    if title is None:
        n = len(book.sheets) + 1
        while book.sheet_by_title(f"Sheet{n}") is not None:
            n += 1
        title = f"Sheet{n}"
    if book.sheet_by_title(title) is not None:
        raise sheets_error(
            400,
            f'Invalid {where}: A sheet with the name "{title}" already exists. '
            "Please enter another name.",
        )
    sheet_id = props.get("sheetId")
    if sheet_id is None:
        sheet_id = rng.randrange(1, 2**31)
    elif book.sheet_by_id(int(sheet_id)) is not None:
        raise sheets_error(400, f"Invalid {where}: Sheet with id {sheet_id} already exists.")
    grid = props.get("gridProperties") or {}
    check_cell_limit(
        book,
        int(grid.get("rowCount", DEFAULT_ROWS)) * int(grid.get("columnCount", DEFAULT_COLUMNS)),
    )
    sheet = Sheet(
        int(sheet_id),
        title,
        0,
        int(grid.get("rowCount", DEFAULT_ROWS)),
        int(grid.get("columnCount", DEFAULT_COLUMNS)),
        int(grid.get("frozenRowCount", 0)),
    )
    index = props.get("index")
    position = len(book.sheets) if index is None else min(int(index), len(book.sheets))
    book.sheets.insert(position, sheet)
    book.reindex()
    return {"addSheet": {"properties": sheet.properties()}}


def _sheet_for(book: Spreadsheet, sheet_id: Any, where: str) -> Sheet:
    sheet = book.sheet_by_id(int(sheet_id or 0))
    if sheet is None:
        raise sheets_error(400, f"Invalid {where}: No grid with id: {sheet_id or 0}")
    return sheet


def update_sheet_properties(
    book: Spreadsheet, request: dict[str, Any], where: str
) -> dict[str, Any]:
    """The updateSheetProperties request (title, index, grid size, frozen rows)."""
    props = request.get("properties") or {}
    # A FieldMask: Google's own examples nest with dots, gspread with slashes; both work.
    fields = [
        f.strip().replace(".", "/") for f in str(request.get("fields", "")).split(",") if f.strip()
    ]
    if not fields:
        raise sheets_error(
            400, f"Invalid {where}: At least one field must be updated, but none were specified."
        )
    sheet = _sheet_for(book, props.get("sheetId"), where)
    grid = props.get("gridProperties") or {}
    for name in fields:
        if name in {"*", "title"} and "title" in props:
            other = book.sheet_by_title(props["title"])
            if other is not None and other is not sheet:
                raise sheets_error(
                    400,
                    f'Invalid {where}: A sheet with the name "{props["title"]}" already exists. '
                    "Please enter another name.",
                )
            sheet.title = props["title"]
        if name in {"*", "index"} and "index" in props:
            book.sheets.remove(sheet)
            book.sheets.insert(min(int(props["index"]), len(book.sheets)), sheet)
            book.reindex()
        if name in {"*", "gridProperties", "gridProperties/rowCount"} and "rowCount" in grid:
            rows = int(grid["rowCount"])
            check_cell_limit(book, (rows - sheet.row_count) * sheet.column_count)
            sheet.row_count = rows
        if name in {"*", "gridProperties", "gridProperties/columnCount"} and "columnCount" in grid:
            columns = int(grid["columnCount"])
            check_cell_limit(book, (columns - sheet.column_count) * sheet.row_count)
            sheet.column_count = columns
        if name in {"*", "gridProperties", "gridProperties/frozenRowCount"}:
            sheet.frozen_rows = int(grid.get("frozenRowCount", 0))
    sheet.truncate()
    return {}


def delete_sheet(book: Spreadsheet, request: dict[str, Any], where: str) -> dict[str, Any]:
    """The deleteSheet request."""
    sheet = _sheet_for(book, request.get("sheetId"), where)
    if len(book.sheets) == 1:
        raise sheets_error(400, f"Invalid {where}: You can't remove all the sheets in a document.")
    book.sheets.remove(sheet)
    book.reindex()
    return {}


def append_dimension(book: Spreadsheet, request: dict[str, Any], where: str) -> dict[str, Any]:
    """The appendDimension request (add rows or columns at the end)."""
    sheet = _sheet_for(book, request.get("sheetId"), where)
    length = int(request.get("length", 0))
    if request.get("dimension") == "COLUMNS":
        check_cell_limit(book, length * sheet.row_count)
        sheet.column_count += length
    else:
        check_cell_limit(book, length * sheet.column_count)
        sheet.row_count += length
    return {}


def delete_dimension(book: Spreadsheet, request: dict[str, Any], where: str) -> dict[str, Any]:
    """The deleteDimension request (remove a span of rows or columns)."""
    span = request.get("range") or {}
    sheet = _sheet_for(book, span.get("sheetId"), where)
    start = int(span.get("startIndex", 0))
    if span.get("dimension") == "COLUMNS":
        end = int(span.get("endIndex", sheet.column_count))
        for row in sheet.rows:
            del row[start:end]
        sheet.column_count -= max(0, min(end, sheet.column_count) - start)
    else:
        end = int(span.get("endIndex", sheet.row_count))
        del sheet.rows[start:end]
        sheet.row_count -= max(0, min(end, sheet.row_count) - start)
    return {}


def insert_dimension(book: Spreadsheet, request: dict[str, Any], where: str) -> dict[str, Any]:
    """The insertDimension request (blank rows or columns in the middle)."""
    span = request.get("range") or {}
    sheet = _sheet_for(book, span.get("sheetId"), where)
    start = int(span.get("startIndex", 0))
    end = int(span.get("endIndex", start))
    if span.get("dimension") == "COLUMNS":
        for row in sheet.rows:
            if len(row) > start:
                row[start:start] = [None] * (end - start)
        sheet.column_count += end - start
    else:
        if len(sheet.rows) > start:
            sheet.rows[start:start] = [[] for _ in range(end - start)]
        sheet.row_count += end - start
    return {}


def batch_update(book: Spreadsheet, body: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """spreadsheets.batchUpdate: all requests apply, or none (Google's requests are atomic)."""
    requests = body.get("requests") or []
    # Requests apply all or none; keep what they may change (cheaper than a deepcopy).
    snapshot = (
        book.title,
        list(book.sheets),
        [
            (
                s,
                s.title,
                s.index,
                s.row_count,
                s.column_count,
                s.frozen_rows,
                [list(r) for r in s.rows],
            )
            for s in book.sheets
        ],
    )
    replies = []
    try:
        for i, request in enumerate(requests):
            if len(request) != 1:
                raise sheets_error(
                    400, f"Invalid requests[{i}]: Exactly one kind of request must be set."
                )
            ((kind, payload),) = request.items()
            where = f"requests[{i}].{kind}"
            if kind == "addSheet":
                replies.append(add_sheet(book, payload, rng, where))
            elif kind == "deleteSheet":
                replies.append(delete_sheet(book, payload, where))
            elif kind == "updateSheetProperties":
                replies.append(update_sheet_properties(book, payload, where))
            elif kind == "appendDimension":
                replies.append(append_dimension(book, payload, where))
            elif kind == "deleteDimension":
                replies.append(delete_dimension(book, payload, where))
            elif kind == "insertDimension":
                replies.append(insert_dimension(book, payload, where))
            elif kind == "updateSpreadsheetProperties":
                if "title" in (payload.get("properties") or {}):
                    book.title = payload["properties"]["title"]
                replies.append({})
            else:
                raise sheets_error(
                    400,
                    f"Invalid JSON payload received. Unknown name \"{kind}\" at 'requests[{i}]': "
                    "Cannot find field.",
                )
    except GoogleError:
        book.title, book.sheets = snapshot[0], snapshot[1]
        for sheet, title, index, row_count, column_count, frozen, rows in snapshot[2]:
            sheet.title, sheet.index, sheet.row_count = title, index, row_count
            sheet.column_count, sheet.frozen_rows, sheet.rows = column_count, frozen, rows
        raise
    book.touch()
    result: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id, "replies": replies}
    if body.get("includeSpreadsheetInResponse"):
        result["updatedSpreadsheet"] = book.metadata()
    return result


def batch_update_values(book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    """values.batchUpdate: several value ranges in one call."""
    input_option = body.get("valueInputOption") or ""
    data = body.get("data") or []
    targets = [resolve(book, item.get("range", "")) for item in data]
    responses = []
    # Rows and columns are counted once however many ranges touch them; cells are summed.
    rows: set[tuple[int, int]] = set()
    cols: set[tuple[int, int]] = set()
    cells = 0
    sheets: set[int] = set()
    for item, target in zip(data, targets, strict=True):
        write = write_values(
            book,
            target,
            item.get("values") or [],
            input_option,
            item.get("majorDimension") or "ROWS",
            include_values=bool(body.get("includeValuesInResponse")),
            render_option=body.get("responseValueRenderOption") or "FORMATTED_VALUE",
        )
        responses.append(write.body)
        sid = write.sheet.sheet_id
        rows |= {(sid, r) for r in write.rows}
        cols |= {(sid, c) for c in write.columns}
        cells += write.cells
        if write.cells:
            sheets.add(sid)
    result: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
    if cells:
        result["totalUpdatedRows"] = len(rows)
        result["totalUpdatedColumns"] = len(cols)
        result["totalUpdatedCells"] = cells
        result["totalUpdatedSheets"] = len(sheets)
    if responses:
        result["responses"] = responses
    return result


# --- routing ------------------------------------------------------------------------------


def route(state: Any, req: Request) -> Route:
    """Map a `/v4/spreadsheets...` request to its Route (see request.Route)."""
    rest = req.path[len("/v4/spreadsheets") :]
    if rest in ("", "/"):
        if req.method == "POST":
            return Route(
                "sheets.spreadsheets.create",
                "sheets",
                None,
                lambda: Response(200, state.create_from_body(req.json())),
            )
        raise sheets_error(404, "Requested entity was not found.")
    rest = rest.lstrip("/")
    head, slash, tail = rest.partition("/")
    # The id may carry a `:method` suffix, e.g. `{id}:batchUpdate`.
    sid, colon, verb = head.partition(":")
    sid = unquote(sid)

    def book() -> Spreadsheet:
        found = state.spreadsheets.get(sid)
        if found is None:
            raise sheets_error(404, "Requested entity was not found.")
        return found

    def render_opts() -> tuple[str, str]:
        return (
            req.param("valueRenderOption") or "FORMATTED_VALUE",
            req.param("majorDimension") or "ROWS",
        )

    if not slash:
        if colon and verb == "batchUpdate" and req.method == "POST":
            return Route(
                "sheets.spreadsheets.batchUpdate",
                "sheets",
                sid,
                lambda: Response(200, batch_update(book(), req.json(), state.rng)),
            )
        if not colon and req.method == "GET":
            return Route(
                "sheets.spreadsheets.get", "sheets", sid, lambda: Response(200, book().metadata())
            )
        raise sheets_error(404, "Requested entity was not found.")

    if tail.startswith("values:"):
        verb = tail[len("values:") :]

        def batch_get() -> Response:
            b = book()
            render_option, major = render_opts()
            ranges = [
                value_range(resolve(b, r), render_option, major) for r in req.params("ranges")
            ]
            return Response(200, {"spreadsheetId": b.spreadsheet_id, "valueRanges": ranges})

        def batch_clear() -> Response:
            b = book()
            targets = [resolve(b, r) for r in req.json().get("ranges") or []]
            cleared = [clear_range(b, t) for t in targets]
            return Response(200, {"spreadsheetId": b.spreadsheet_id, "clearedRanges": cleared})

        if verb == "batchGet" and req.method == "GET":
            return Route("sheets.values.batchGet", "sheets", sid, batch_get)
        if verb == "batchUpdate" and req.method == "POST":
            return Route(
                "sheets.values.batchUpdate",
                "sheets",
                sid,
                lambda: Response(200, batch_update_values(book(), req.json())),
            )
        if verb == "batchClear" and req.method == "POST":
            return Route("sheets.values.batchClear", "sheets", sid, batch_clear)
        raise sheets_error(404, "Requested entity was not found.")

    if tail.startswith("values/"):
        raw = tail[len("values/") :]
        # The method suffix is a literal colon; colons inside the range are encoded by
        # gspread and googleapiclient, but tolerate them unencoded too.
        action = ""
        for suffix in (":append", ":clear"):
            if raw.endswith(suffix):
                raw, action = raw[: -len(suffix)], suffix[1:]
        text = unquote(raw)

        def get() -> Response:
            render_option, major = render_opts()
            return Response(200, value_range(resolve(book(), text), render_option, major))

        def update() -> Response:
            b = book()
            body = req.json()
            write = write_values(
                b,
                resolve(b, text),
                body.get("values") or [],
                req.param("valueInputOption") or "",
                body.get("majorDimension") or "ROWS",
                include_values=req.flag("includeValuesInResponse"),
                render_option=req.param("responseValueRenderOption") or "FORMATTED_VALUE",
            )
            return Response(200, write.body)

        def append() -> Response:
            b = book()
            body = req.json()
            return Response(
                200,
                append_values(
                    b,
                    resolve(b, text),
                    body.get("values") or [],
                    req.param("valueInputOption") or "",
                    req.param("insertDataOption") or "OVERWRITE",
                    include_values=req.flag("includeValuesInResponse"),
                    render_option=req.param("responseValueRenderOption") or "FORMATTED_VALUE",
                ),
            )

        def clear() -> Response:
            b = book()
            return Response(
                200,
                {
                    "spreadsheetId": b.spreadsheet_id,
                    "clearedRange": clear_range(b, resolve(b, text)),
                },
            )

        if action == "append" and req.method == "POST":
            return Route("sheets.values.append", "sheets", sid, append)
        if action == "clear" and req.method == "POST":
            return Route("sheets.values.clear", "sheets", sid, clear)
        if not action and req.method == "GET":
            return Route("sheets.values.get", "sheets", sid, get)
        if not action and req.method == "PUT":
            return Route("sheets.values.update", "sheets", sid, update)
    raise sheets_error(404, "Requested entity was not found.")
