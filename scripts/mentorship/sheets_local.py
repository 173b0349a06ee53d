"""The local spreadsheet backend: one UTF-8 CSV file per worksheet in a folder (`.ledger/`).

It implements `ledger.Spreadsheet` so every stage runs without a Google account. A worksheet
`Requests` is the file `Requests.csv`. Each write replaces a file atomically (temporary file in
the same folder, then `os.replace`), so a run killed half-way leaves every file either as it
was or fully written, never torn.

Staff open these files in a spreadsheet program, which runs a cell beginning with `=`, `+`, `-`,
`@`, a tab or a carriage return as a formula (CSV injection). As OWASP advises, such a cell is
written with a leading `'`, which every spreadsheet program shows as text; the reader removes
it again, so every value round-trips exactly, as a RAW write to Google keeps it.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .errors import AccessError, LedgerError
from .ledger import WriteBatch, apply_batch

_FORBIDDEN = set('/\\:*?"<>|\0')
_FORMULA_START = frozenset("=+-@\t\r")


def neutralise(value: str) -> str:
    """The cell as written to a CSV a person may open: a formula-like value gets a leading `'`.

    A value starting with `'` that the reader would otherwise shorten (`'=x`, `''`) gets one
    too, so `restore(neutralise(v)) == v` for every string.
    """
    if value[:1] in _FORMULA_START or (value[:1] == "'" and _ours(value[1:])):
        return "'" + value
    return value


def restore(cell: str) -> str:
    """The value behind a cell written by `neutralise`; any other cell is returned as it is."""
    return cell[1:] if cell[:1] == "'" and _ours(cell[1:]) else cell


def _ours(rest: str) -> bool:
    return rest[:1] in _FORMULA_START or rest[:1] == "'"


class LocalSpreadsheet:
    """A folder of CSV files standing in for a spreadsheet."""

    def __init__(self, folder: Path):
        self.folder = folder

    def path(self, title: str) -> Path:
        """The CSV file holding the worksheet `title`."""
        if not title.strip() or set(title) & _FORBIDDEN or title.startswith("."):
            raise LedgerError(
                f"{title!r} cannot be a worksheet of the local ledger: a name must not be blank, "
                'start with "." or contain any of / \\ : * ? " < > |.'
            )
        return self.folder / f"{title}.csv"

    def read(self, titles: Sequence[str]) -> dict[str, list[list[str]] | None]:
        """All rows of each worksheet, header first; None for a worksheet with no file."""
        out: dict[str, list[list[str]] | None] = {}
        for title in titles:
            path = self.path(title)
            try:
                # Bytes, not read_text: newline translation would turn a CR inside a cell into LF.
                text = path.read_bytes().decode("utf-8-sig")
            except FileNotFoundError:
                out[title] = None
                continue
            except (OSError, UnicodeDecodeError) as exc:
                raise AccessError(
                    f"Cannot read {path}: {exc}. Check the file's permissions."
                ) from None
            rows = csv.reader(io.StringIO(text, newline=""))
            out[title] = _trim([[restore(cell) for cell in row] for row in rows])
        return out

    def write(self, batch: WriteBatch) -> None:
        """Apply the batch: new worksheets, cell updates, then appended rows; one file write each."""
        touched = (
            set(batch.new_tabs)
            | {t for t, *_ in batch.updates}
            | {t for t, rows in batch.appends.items() if rows}
        )
        if not touched:
            return
        current = self.read(sorted(touched))
        for title in sorted(touched):
            if current[title] is None and title not in batch.new_tabs:
                raise LedgerError(
                    f"The local ledger has no worksheet {title!r} ({self.path(title)}) to update."
                )
        apply_batch(current, batch)
        for title in sorted(touched):
            self._replace(self.path(title), current[title] or [])

    def _replace(self, path: Path, rows: list[list[str]]) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            buffer = io.StringIO(newline="")
            # CRLF, as RFC 4180 has it: the writer then quotes a value holding a bare CR too.
            csv.writer(buffer, lineterminator="\r\n").writerows(
                [neutralise(cell) for cell in row] for row in rows
            )
            fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=self.folder)
            try:
                with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                    handle.write(buffer.getvalue())
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise AccessError(
                f"Cannot write {path}: {exc}. Check the folder's permissions."
            ) from None


def _trim(rows: list[list[str]]) -> list[list[str]]:
    """Drop trailing empty cells and rows, as the Sheets API does when it returns values."""
    out = []
    for row in rows:
        end = len(row)
        while end and not row[end - 1]:
            end -= 1
        out.append(row[:end])
    while out and not out[-1]:
        out.pop()
    return out
