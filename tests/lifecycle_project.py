"""A small hand-made project for the lifecycle suite, on the local backend or the fake Google APIs.

Three mentors in one industry who are free most of the week, and students who all fit them, so
each test decides the outcome by what staff (or the student) do between nights. `Project`
drives the real CLI (`mentorship nightly --now ...`) and reads back what a night left: the
ledger, the invites (.ics files, or the fake's events and notifications) and both reports.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from mentorship.ledger import (
    MATCH_COLUMNS,
    MATCHES,
    REQUEST_COLUMNS,
    REQUESTS,
    SESSION_COLUMNS,
    SESSIONS,
    Table,
    WriteBatch,
)

from tests.fake_google import FakeGoogle
from tests.nightly_project import (
    CALENDAR_ID,
    CONSENT,
    QUESTIONS,
    REPO,
    RESPONSES_TAB,
    write_pyproject,
)
from tests.nightly_run import cli_env, local_tab, rows, run
from tests.roster_support import roster_values

SHEET_ID = "1LifecycleSheet0123456789abcdefghijklmnopqrs"
INDUSTRY = "Consulting"
TOPIC = "Interview practice"
ZONE = "Europe/London"
MENTORS = {
    # slug: (name, capacity)
    "ana-lima": ("Ana Lima", 1),
    "ben-okafor": ("Ben Okafor", 1),
    "cleo-park": ("Cleo Park", 1),
}
FIRST_NIGHT = dt.datetime(2026, 11, 28, 3, 17, tzinfo=dt.UTC)


def night(n: int) -> str:
    """The --now of the n-th night (1-based), one day apart."""
    return (FIRST_NIGHT + dt.timedelta(days=n - 1)).isoformat().replace("+00:00", "Z")


def answer(n: int, *, submitted: str, preferred: str = "", email: str = "") -> list[str]:
    """Student n's form answer (fictional), in the order of QUESTIONS."""
    return [
        submitted,
        f"Student {n:02d} Lifecycle",
        email or f"student{n:02d}@example.edu",
        "BA History",
        "2",
        INDUSTRY,
        TOPIC,
        "Prepare for interviews",
        preferred,
        ZONE,
        "Weekday afternoons, Weekday evenings",
        "English",
        "Video",
        CONSENT,
    ]


def write_mentors(root: Path, slugs: dict[str, tuple[str, int]]) -> None:
    folder = root / "mentors"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "taxonomy.yml").write_bytes((REPO / "mentors" / "taxonomy.yml").read_bytes())
    days = ("monday", "tuesday", "wednesday", "thursday", "friday")
    for slug, (name, capacity) in slugs.items():
        profile = {
            "name": name,
            "graduation_year": 2010,
            "program": "BA History",
            "title": "Fictional Consultant",
            "employer": "Example Employer",
            "industry": INDUSTRY,
            "topics": [TOPIC],
            "location": "London, United Kingdom",
            "timezone": ZONE,
            "languages": ["English"],
            "meeting_formats": ["video"],
            "availability": [{"day": d, "start": "12:00", "end": "20:00"} for d in days],
            "capacity": capacity,
            "accepting": True,
            "bio": "A fictional mentor of the lifecycle suite.",
            "confirmed": dt.date(2026, 10, 1),
        }
        (folder / f"{slug}.yml").write_text(yaml.safe_dump(profile, sort_keys=False), "utf-8")


@dataclass
class Project:
    """A project folder and its backend; `fake` is set for the Google backend."""

    root: Path
    backend: str
    fake: FakeGoogle | None = None
    summaries: list[str] = field(default_factory=list)

    # --- driving ----------------------------------------------------------------------------

    def env(self) -> dict[str, str]:
        extra = {"MENTORSHIP_GOOGLE_API_ROOT": self.fake.base_url} if self.fake else {}
        return cli_env(**extra)

    def nightly(self, n: int, *args: str) -> str:
        """Run night n through the real CLI; return the public summary (stdout)."""
        result = run(self.root, "nightly", "--now", night(n), *args, env=self.env())
        assert result.returncode == 0, result.stdout + result.stderr
        self.summaries.append(result.stdout)
        return result.stdout

    def submit(self, row: list[str]) -> None:
        """A student sends the form (one more row in the responses tab)."""
        self._write(RESPONSES_TAB, appends=[row])

    def set_cell(self, tab: str, key: str, column: str, value: str) -> None:
        """Staff type `value` into `column` of the row whose id (first column) is `key`."""
        columns = {REQUESTS: REQUEST_COLUMNS, MATCHES: MATCH_COLUMNS, SESSIONS: SESSION_COLUMNS}[
            tab
        ]
        table = Table(tab, columns, self._read(tab))
        [record] = [r for r in table if r[columns[0]] == key]
        table.set(record, column, value)
        batch = WriteBatch()
        table.collect(batch)
        self._write_batch(batch)

    # --- reading ----------------------------------------------------------------------------

    def requests(self) -> list[dict[str, str]]:
        return rows(self._read(REQUESTS))

    def matches(self) -> list[dict[str, str]]:
        return rows(self._read(MATCHES))

    def sessions(self) -> list[dict[str, str]]:
        return rows(self._read(SESSIONS))

    def report(self) -> str:
        """The private report of the last real night, as text."""
        if self.fake is None:
            return (self.root / ".ledger" / "Report.md").read_text(encoding="utf-8")
        return "\n".join(" | ".join(r) for r in self.fake.values(SHEET_ID, "Report"))

    def open_places(self) -> dict[str, int]:
        path = self.root / "status" / "open-places.json"
        return json.loads(path.read_text(encoding="utf-8"))["open_places"]

    def invites(self) -> dict[str, Counter[str]]:
        """Per event id, what went out: 'invite' and 'cancel' counts (files or notifications)."""
        out: dict[str, Counter[str]] = {}
        if self.fake is None:
            for path in sorted((self.root / ".invites").glob("*.ics")):
                text = path.read_text(encoding="utf-8")
                kind = "cancel" if "METHOD:CANCEL" in text else "invite"
                # A cancelled .ics replaces the request file: it was an invite first.
                out.setdefault(path.stem, Counter())["invite"] += 1
                if kind == "cancel":
                    out[path.stem]["cancel"] += 1
            return out
        for n in self.fake.notifications:
            if n["sendUpdates"] != "all":
                continue
            kind = {"insert": "invite"}.get(n["action"], n["action"])
            out.setdefault(n["eventId"], Counter())[kind] += 1
        return out

    def event(self, event_id: str) -> dict[str, Any]:
        assert self.fake is not None
        [found] = [e for e in self.fake.events(CALENDAR_ID) if e["id"] == event_id]
        return found

    def state(self) -> dict[str, Any]:
        """Everything a night may change, to compare two nights."""
        return {
            REQUESTS: self._read(REQUESTS),
            MATCHES: self._read(MATCHES),
            SESSIONS: self._read(SESSIONS),
            "invites": self.invites(),
            "events": self.fake.events(CALENDAR_ID) if self.fake else [],
            "open": self.open_places(),
        }

    # --- the backend ------------------------------------------------------------------------

    def _read(self, tab: str) -> list[list[str]]:
        if self.fake is None:
            return local_tab(self.root, tab)
        try:
            return self.fake.values(SHEET_ID, tab)
        except KeyError:
            return []

    def _write(self, tab: str, appends: list[list[str]]) -> None:
        if self.fake is None:
            path = self.root / ".ledger" / f"{tab}.csv"
            with open(path, "a", encoding="utf-8", newline="") as handle:
                csv.writer(handle, lineterminator="\n").writerows(appends)
            return
        batch = WriteBatch()
        batch.appends[tab] = appends
        self._write_batch(batch)

    def _write_batch(self, batch: WriteBatch) -> None:
        if self.fake is None:
            from mentorship.sheets_local import LocalSpreadsheet

            LocalSpreadsheet(self.root / ".ledger").write(batch)
            return
        from mentorship.sheets_google import open_google_spreadsheet

        # The test's fixture points this process at the fake (MENTORSHIP_GOOGLE_API_ROOT).
        assert os.environ.get("MENTORSHIP_GOOGLE_API_ROOT") == self.fake.base_url
        open_google_spreadsheet(SHEET_ID).write(batch)


def make(root: Path, backend: str, students: int, fake: FakeGoogle | None = None, **top: str):
    """A project with the three mentors and `students` answers sent on 1 November."""
    root.mkdir(parents=True, exist_ok=True)
    write_mentors(root, MENTORS)
    write_pyproject(root, backend, SHEET_ID if backend == "google" else "", **top)
    responses = [list(QUESTIONS.values())] + [
        answer(i, submitted=f"01/11/2026 {8 + i:02d}:00:00") for i in range(1, students + 1)
    ]
    # The private roster: each mentor's address, `<slug>@example.org`.
    roster = roster_values({slug: f"{slug}@example.org" for slug in MENTORS})
    if backend == "local":
        (root / ".ledger").mkdir()
        for tab, values in ((RESPONSES_TAB, responses), ("Mentors", roster)):
            with open(root / ".ledger" / f"{tab}.csv", "w", encoding="utf-8", newline="") as h:
                csv.writer(h, lineterminator="\n").writerows(values)
    else:
        assert fake is not None
        fake.create_spreadsheet(
            "Intake", {RESPONSES_TAB: responses, "Mentors": roster}, spreadsheet_id=SHEET_ID
        )
        fake.add_calendar(CALENDAR_ID)
    return Project(root, backend, fake)
