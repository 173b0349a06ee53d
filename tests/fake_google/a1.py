"""A1 range notation as the Sheets API reads and echoes it.

Parsing covers what gspread and our code send: `'Form Responses 1'!A1:Z`, `Sheet1!B2`,
a sheet title alone, whole columns `A:C`, whole rows `2:5` and open-ended ranges `A2:C`.
Formatting mirrors Google's echo: the title is quoted only when it has to be.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CELL = re.compile(r"^([A-Za-z]{0,3})(\d*)$")
_PLAIN_TITLE = re.compile(r"^[^\W\d]\w*$")
_LOOKS_LIKE_CELL = re.compile(r"^[A-Za-z]{1,3}\d+$")
_LOOKS_LIKE_R1C1 = re.compile(r"^[Rr]\d*[Cc]\d*$")


class RangeError(ValueError):
    """The text is not a range Google could parse."""


def column_number(letters: str) -> int:
    """`A` -> 1, `Z` -> 26, `AA` -> 27."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def column_letters(number: int) -> str:
    """1 -> `A`, 27 -> `AA`."""
    letters = ""
    while number > 0:
        number, rem = divmod(number - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def quote_title(title: str) -> str:
    """The title as Google echoes it: bare when unambiguous, else single-quoted."""
    if (
        _PLAIN_TITLE.match(title)
        and not _LOOKS_LIKE_CELL.match(title)
        and not _LOOKS_LIKE_R1C1.match(title)
        and title.upper() not in {"TRUE", "FALSE"}
    ):
        return title
    return "'" + title.replace("'", "''") + "'"


@dataclass(frozen=True)
class A1Range:
    """A parsed range; bounds are 1-based and inclusive, None where the range is open."""

    title: str | None  # None: the first sheet
    start_row: int | None = None
    start_col: int | None = None
    end_row: int | None = None
    end_col: int | None = None

    def bounded(self, row_count: int, col_count: int) -> tuple[int, int, int, int]:
        """(r1, c1, r2, c2) with open ends closed by the grid's size."""
        r1 = self.start_row or 1
        c1 = self.start_col or 1
        r2 = self.end_row if self.end_row is not None else row_count
        c2 = self.end_col if self.end_col is not None else col_count
        return r1, c1, r2, c2


def split_title(text: str) -> tuple[str | None, str]:
    """Split `'Sheet 1'!A1:B2` into (title, cells); cells is "" when only a title is given."""
    if text.startswith("'"):
        i, chars = 1, []
        while i < len(text):
            ch = text[i]
            if ch == "'":
                if i + 1 < len(text) and text[i + 1] == "'":
                    chars.append("'")
                    i += 2
                    continue
                break
            chars.append(ch)
            i += 1
        else:
            raise RangeError(text)
        rest = text[i + 1 :]
        if rest == "":
            return "".join(chars), ""
        if not rest.startswith("!"):
            raise RangeError(text)
        return "".join(chars), rest[1:]
    if "!" in text:
        title, _, cells = text.rpartition("!")
        return title, cells
    return None, text


def _cell(part: str) -> tuple[int | None, int | None]:
    m = _CELL.match(part)
    if not m or (not m.group(1) and not m.group(2)):
        raise RangeError(part)
    col = column_number(m.group(1)) if m.group(1) else None
    row = int(m.group(2)) if m.group(2) else None
    if row == 0:
        raise RangeError(part)
    return row, col


def parse_cells(title: str | None, cells: str) -> A1Range:
    """Parse the part after `!` (may be empty: the whole sheet)."""
    if cells == "":
        return A1Range(title)
    first, sep, second = cells.partition(":")
    r1, c1 = _cell(first)
    if not sep:
        if r1 is None or c1 is None:
            raise RangeError(cells)
        return A1Range(title, r1, c1, r1, c1)
    r2, c2 = _cell(second)
    # `A:C` (columns), `2:5` (rows) and `A2:C` (columns from a row) are all valid;
    # a bare row on one side and a bare column on the other is not.
    if (r1 is None and c1 is not None and r2 is not None and c2 is None) or (
        c1 is None and r1 is not None and c2 is not None and r2 is None
    ):
        raise RangeError(cells)
    if c1 is None and c2 is not None:
        raise RangeError(cells)
    if r1 is None and r2 is not None and c1 is not None and c2 is not None:
        # `A:B5` is read by Google as A1:B5.
        r1 = 1
    start_row = min(r1, r2) if r1 is not None and r2 is not None else r1
    end_row = max(r1, r2) if r1 is not None and r2 is not None else r2
    if r1 is not None and r2 is None and c2 is not None:
        end_row = None
    start_col = min(c1, c2) if c1 is not None and c2 is not None else c1
    end_col = max(c1, c2) if c1 is not None and c2 is not None else c2
    if r1 is None and r2 is None:
        start_row = end_row = None
    return A1Range(title, start_row, start_col, end_row, end_col)


def format_range(title: str, r1: int, c1: int, r2: int, c2: int) -> str:
    """`Sheet1!A1:D4`, or `Sheet1!B1` for a single cell, as Google echoes ranges."""
    start = f"{column_letters(c1)}{r1}"
    end = f"{column_letters(c2)}{r2}"
    cells = start if (r1, c1) == (r2, c2) else f"{start}:{end}"
    return f"{quote_title(title)}!{cells}"
