"""Test helper: a private roster (the `Mentors` tab) for the given mentors."""

from __future__ import annotations

from mentorship.ledger import Spreadsheet, Table, WriteBatch
from mentorship.roster import ROSTER_COLUMNS

ROSTER_TAB = "Mentors"


def roster_values(contacts: dict[str, str]) -> list[list[str]]:
    """The roster tab's values (header first) listing `slug -> email`."""
    header = list(ROSTER_COLUMNS)
    rows = [[slug, email] + [""] * (len(header) - 2) for slug, email in contacts.items()]
    return [header, *rows]


def write_roster(sheet: Spreadsheet, contacts: dict[str, str]) -> None:
    """Create the roster tab (or add to it) listing `slug -> email`."""
    table = Table(ROSTER_TAB, ROSTER_COLUMNS, sheet.read([ROSTER_TAB])[ROSTER_TAB])
    for slug, email in contacts.items():
        table.append({"slug": slug, "email": email})
    batch = WriteBatch()
    table.collect(batch)
    sheet.write(batch)
