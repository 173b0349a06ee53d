"""How values.append finds the "table" it appends to, as Google does it.

Google's guide (Sheets API, "Append values") describes the rule by example: with data in
A1:C2 and B4:D6 there are two tables; appending with the range `Sheet1`, `B4`, `C5:D5`,
`B2:D4` or `A3:G10` writes at B7, because B4:D6 is the last table the range touches (even
when the range starts before it, ends after it, or also touches A1:C2); `A1` writes at A3
(the table holding A1); `E4` and `A4` touch no table and write right there. Recorded traffic
(gspread's cassettes for `append_row` with an empty middle cell) shows the same rule on one
row: after `[x, "", y]` lands in A1:C1, appending to `Sheet1` finds the table `Sheet1!C1`
and writes at C2:E2, while appending to `Sheet1!A1` finds `Sheet1!A1` and writes at A2:C2.

So the model is:
- A table is a block of filled cells bounded on every side by empty rows and columns (a
  spreadsheet's "current region"): it may run past the range in any direction, and an empty
  cell between two filled ones in a row splits them into two tables.
- The table appended to is the one holding the last filled cell inside the range, reading
  rows bottom to top and each row right to left; no filled cell in the range means no table.
Where Google's documents are silent (cells touching only at a corner), the current region's
rule applies: they join.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class Grid(Protocol):
    """The part of a worksheet the search reads: rows of cells, None for an empty cell."""

    @property
    def rows(self) -> Sequence[Sequence[object]]: ...


def _row_has(grid: Grid, r: int, c1: int, c2: int) -> bool:
    """Whether row r holds a filled cell in columns c1..c2 (1-based, clipped to the data)."""
    if r < 1 or r > len(grid.rows):
        return False
    row = grid.rows[r - 1]
    return any(v is not None for v in row[max(c1, 1) - 1 : c2])


def _column_has(grid: Grid, c: int, r1: int, r2: int) -> bool:
    """Whether column c holds a filled cell in rows r1..r2 (1-based, clipped to the data)."""
    if c < 1:
        return False
    for r in range(max(r1, 1), min(r2, len(grid.rows)) + 1):
        row = grid.rows[r - 1]
        if c <= len(row) and row[c - 1] is not None:
            return True
    return False


def last_filled_cell(grid: Grid, r1: int, c1: int, r2: int, c2: int) -> tuple[int, int] | None:
    """The last filled cell in rows r1..r2, columns c1..c2: lowest row, then rightmost."""
    for r in range(min(r2, len(grid.rows)), r1 - 1, -1):
        row = grid.rows[r - 1]
        for c in range(min(c2, len(row)), c1 - 1, -1):
            if row[c - 1] is not None:
                return r, c
    return None


def region_around(grid: Grid, r: int, c: int) -> tuple[int, int, int, int]:
    """The table holding the filled cell (r, c), as (top, left, bottom, right), 1-based.

    Each side moves out while the row or column just beyond it, corners included, holds a
    filled cell; the loop ends when no side can move.
    """
    top, left, bottom, right = r, c, r, c
    while True:
        before = (top, left, bottom, right)
        while _row_has(grid, bottom + 1, left - 1, right + 1):
            bottom += 1
        while _row_has(grid, top - 1, left - 1, right + 1):
            top -= 1
        while _column_has(grid, right + 1, top - 1, bottom + 1):
            right += 1
        while _column_has(grid, left - 1, top - 1, bottom + 1):
            left -= 1
        if (top, left, bottom, right) == before:
            return top, left, bottom, right


def find_table(grid: Grid, r1: int, c1: int, r2: int, c2: int) -> tuple[int, int, int, int] | None:
    """The table values.append writes after, for the range r1..r2 x c1..c2, or None."""
    seed = last_filled_cell(grid, r1, c1, r2, c2)
    return region_around(grid, *seed) if seed else None
