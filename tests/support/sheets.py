"""The ledger's storage as lists in memory: a `ledger.Spreadsheet` with no disk and no Google."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence

from mentorship.ledger import WriteBatch, apply_batch


class MemorySpreadsheet:
    """Tabs as lists of rows; writes follow `ledger.apply_batch`, as the backends' do."""

    def __init__(self, tabs: Mapping[str, list[list[str]]] | None = None) -> None:
        self.tabs: dict[str, list[list[str]] | None] = copy.deepcopy(dict(tabs or {}))
        self.writes = 0

    def read(self, titles: Sequence[str]) -> dict[str, list[list[str]] | None]:
        """A copy of each named tab, None where there is none."""
        return {t: copy.deepcopy(self.tabs.get(t)) for t in titles}

    def write(self, batch: WriteBatch) -> None:
        """Apply the batch (counted in `writes`)."""
        self.writes += 1
        apply_batch(self.tabs, batch)

    def records(self, title: str) -> list[dict[str, str]]:
        """The tab's rows below the header as dicts (short rows padded with empty cells)."""
        rows = self.tabs.get(title) or [[]]
        header = rows[0]
        return [dict(zip(header, r + [""] * (len(header) - len(r)), strict=True)) for r in rows[1:]]
