"""Where a simulated term keeps its ledger, invites and mail: local files or the fake Google APIs.

A `Side` gives the driver one way to do what people outside the toolkit do (a student sends
the form, staff type into a cell) and to read back what the nightly left (tabs, invites sent
and cancelled per event id, messages delivered per message id), whatever the backend.
"""

from __future__ import annotations

import csv
import os
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path

from mentorship.ledger import Table, WriteBatch
from mentorship.messages.mime import ID_HEADER

from tests.fake_google import FakeGoogle
from tests.nightly_project import CALENDAR_ID
from tests.nightly_run import cli_env

SHEET_ID = "1TermSimulationSheet0123456789abcdefghijklm"


@dataclass
class Side:
    """The local backend: CSV tabs in root/.ledger, .ics invites, .eml messages."""

    root: Path
    # Per .ics file: the last (mtime, METHOD) seen, and how often each was written.
    _seen: dict[str, tuple[int, str]] = field(default_factory=dict)
    _sent: dict[str, Counter[str]] = field(default_factory=dict)

    backend = "local"

    def env(self) -> dict[str, str]:
        """The environment of a nightly run."""
        return cli_env(MENTORSHIP_LOCK_SETTLE_SECONDS="0.05")

    def read(self, tab: str) -> list[list[str]]:
        """A tab (header first), [] when it does not exist."""
        path = self.root / ".ledger" / f"{tab}.csv"
        if not path.exists():
            return []
        with open(path, encoding="utf-8", newline="") as handle:
            return list(csv.reader(handle))

    def write(self, batch: WriteBatch) -> None:
        """Apply a batch the way the toolkit's own backend does."""
        from mentorship.sheets_local import LocalSpreadsheet

        LocalSpreadsheet(self.root / ".ledger").write(batch)

    def append(self, tab: str, rows: list[list[str]]) -> None:
        """Rows added at the bottom of a tab (what a form does to its responses tab)."""
        path = self.root / ".ledger" / f"{tab}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)

    def set_cells(self, tab: str, columns: tuple[str, ...], key: str, values: dict[str, str]):
        """Staff type `values` into the row of `tab` whose first column is `key`."""
        table = Table(tab, columns, self.read(tab))
        [record] = [r for r in table if r[columns[0]] == key]
        for column, value in values.items():
            table.set(record, column, value)
        batch = WriteBatch()
        table.collect(batch)
        self.write(batch)

    def observe_invites(self) -> None:
        """Note every .ics file written since the last look (call after each night)."""
        folder = self.root / ".invites"
        for path in sorted(folder.glob("*.ics")) if folder.exists() else []:
            stat = path.stat().st_mtime_ns
            before = self._seen.get(path.stem)
            if before is not None and before[0] == stat:
                continue
            method = "cancel" if "METHOD:CANCEL" in path.read_text(encoding="utf-8") else "invite"
            self._seen[path.stem] = (stat, method)
            self._sent.setdefault(path.stem, Counter())[method] += 1

    def invites(self) -> dict[str, Counter[str]]:
        """Per event id: how many times an invite and a cancellation went out."""
        return {k: Counter(v) for k, v in self._sent.items()}

    def invite_texts(self) -> dict[str, str]:
        """Per event id, the text people received (the .ics file; its DESCRIPTION holds links)."""
        folder = self.root / ".invites"
        return {p.stem: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.ics"))}

    def mail(self) -> list[tuple[str, list[str]]]:
        """Every message that reached someone: (message id, the addresses it went to)."""
        folder = self.root / ".outbox"
        out = []
        for path in sorted(folder.glob("*.eml")) if folder.exists() else []:
            # Only the headers matter here; the body is the templates' business.
            head = path.read_bytes().split(b"\r\n\r\n", 1)[0]
            message = message_from_bytes(head, policy=policy.default)
            out.append((str(message[ID_HEADER]), [a.addr_spec for a in message["To"].addresses]))
        return out


@dataclass
class GoogleSide(Side):
    """The Google backend against the loopback fake: the same questions, other answers."""

    fake: FakeGoogle | None = None

    backend = "google"

    def env(self) -> dict[str, str]:
        assert self.fake is not None
        return cli_env(
            MENTORSHIP_GOOGLE_API_ROOT=self.fake.base_url,
            MENTORSHIP_LOCK_SETTLE_SECONDS="0.05",
            # The check-in links' secret (the local backend keeps its own key file).
            MENTORSHIP_CHECKIN_SECRET="term-simulation-checkin-secret-0123456789",
        )

    def read(self, tab: str) -> list[list[str]]:
        assert self.fake is not None
        try:
            return self.fake.values(SHEET_ID, tab)
        except KeyError:
            return []

    def write(self, batch: WriteBatch) -> None:
        from mentorship.sheets_google import open_google_spreadsheet

        # Through the real client, as a person's edit would arrive (needs the env of `env()`).
        assert self.fake is not None
        assert os.environ.get("MENTORSHIP_GOOGLE_API_ROOT") == self.fake.base_url
        open_google_spreadsheet(SHEET_ID).write(batch)

    def append(self, tab: str, rows: list[list[str]]) -> None:
        batch = WriteBatch()
        batch.appends[tab] = rows
        self.write(batch)

    def observe_invites(self) -> None:
        """Nothing to do: the fake keeps every notification."""

    def invites(self) -> dict[str, Counter[str]]:
        assert self.fake is not None
        out: dict[str, Counter[str]] = {}
        for note in self.fake.notifications:
            if note["sendUpdates"] != "all":
                continue
            kind = {"insert": "invite"}.get(note["action"], note["action"])
            out.setdefault(note["eventId"], Counter())[kind] += 1
        return out

    def invite_texts(self) -> dict[str, str]:
        assert self.fake is not None
        return {e["id"]: str(e.get("description", "")) for e in self.fake.events(CALENDAR_ID)}

    def mail(self) -> list[tuple[str, list[str]]]:
        assert self.fake is not None
        return [(m["headers"].get(ID_HEADER, ""), list(m["to"])) for m in self.fake.mail]


def rows(values: list[list[str]]) -> list[dict[str, str]]:
    """A tab's data rows as dicts by header (short rows padded)."""
    if not values:
        return []
    header = values[0]
    return [dict(zip(header, r + [""] * (len(header) - len(r)), strict=False)) for r in values[1:]]


def calls(fake: FakeGoogle) -> dict[str, int]:
    """The fake's API calls since the last reset: per service, Sheets writes, invites sent."""
    counts = fake.calls
    return {
        "sheets": sum(v for k, v in counts.items() if k.startswith("sheets.")),
        "sheets_writes": counts["sheets.values.batchUpdate"]
        + counts["sheets.spreadsheets.batchUpdate"]
        + counts["sheets.values.append"],
        "calendar": sum(v for k, v in counts.items() if k.startswith("calendar.")),
        "calendar_batches": counts["batch"],
        "invites": counts["calendar.events.insert"],
        "gmail": sum(v for k, v in counts.items() if k.startswith("gmail.")),
    }
