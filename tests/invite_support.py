"""Test data for the invite stage: mentors, a ledger with requests and matches, a config."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

from mentorship.config import CalendarConfig, Config
from mentorship.ledger import (
    MATCH_COLUMNS,
    MATCHES,
    REQUEST_COLUMNS,
    REQUESTS,
    Spreadsheet,
    Table,
    WriteBatch,
)
from mentorship.profiles.models import Mentor
from mentorship.sheets_local import LocalSpreadsheet

from tests.support.mentors import make_mentor, weekly

SITE = "https://alumni.example.edu/mentoring"
NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)  # a Monday


class Killed(BaseException):
    """A run dying half-way (like SIGKILL): not an Exception, so nothing catches it."""


def mentor(slug: str, timezone: str, windows: list[tuple[str, str, str]], **extra: Any) -> Mentor:
    """A valid mentor; windows as (day, start, end) in the mentor's zone."""
    details: dict[str, Any] = {
        "name": slug.replace("-", " ").title(),
        "program": "BSc Economics",
        "title": "Analyst",
        "industry": "Finance",
        "topics": ["Networking"],
        "location": "Somewhere",
        "timezone": timezone,
        "availability": weekly(windows),
        "capacity": 5,
        "confirmed": "2026-06-01",
        "email": f"{slug}@alumni.example.org",
    }
    return make_mentor(slug, **{**details, **extra})


def request_row(
    request_id: str, name: str, timezone: str, availability: str, **extra: str
) -> dict[str, str]:
    """A Requests row that intake would have written."""
    first = name.split()[0].lower()
    row = {
        "request_id": request_id,
        "status": "matched",
        "name": name,
        "email": f"{first}.{request_id}@student.example.edu",
        "timezone": timezone,
        "availability": availability,
        "goals": f"{name} wants to learn how to break into finance.",
        "topics": "Networking; Interview practice",
    }
    row.update(extra)
    return row


def match_row(
    match_id: str, request_id: str, mentor_slug: str, status: str = "approved", **extra: str
) -> dict[str, str]:
    """A Matches row that matching would have written."""
    row = {
        "match_id": match_id,
        "request_id": request_id,
        "mentor": mentor_slug,
        "score": "5.0",
        "status": status,
        "created_at": "2026-11-22T03:00:00Z",
    }
    row.update(extra)
    return row


def write_ledger(
    sheet: Spreadsheet, requests: list[dict[str, str]], matches: list[dict[str, str]]
) -> None:
    """Create the Requests and Matches tabs holding these rows."""
    batch = WriteBatch()
    for title, columns, rows in (
        (REQUESTS, REQUEST_COLUMNS, requests),
        (MATCHES, MATCH_COLUMNS, matches),
    ):
        table = Table(title, columns, None)
        for row in rows:
            table.append(row)
        table.collect(batch)
    sheet.write(batch)


def read_matches(sheet: Spreadsheet) -> dict[str, dict[str, str]]:
    """The Matches rows by match id."""
    table = Table(MATCHES, MATCH_COLUMNS, sheet.read([MATCHES])[MATCHES])
    return {r["match_id"]: dict(r.values) for r in table}


def config(root: Path, **calendar: str) -> Config:
    """A local-backend config rooted at `root`."""
    cal = CalendarConfig(
        site_url=SITE, coordinator_email=calendar.pop("coordinator_email", ""), **calendar
    )
    return dataclasses.replace(Config(root=root, approval="auto"), calendar=cal)


class CountingSpreadsheet(LocalSpreadsheet):
    """The local CSV ledger, counting writes; `die_on_write` makes the n-th write kill the run."""

    def __init__(self, folder: Path, die_on_write: int = 0):
        super().__init__(folder)
        self.writes = 0
        self.die_on_write = die_on_write

    def write(self, batch: WriteBatch) -> None:
        self.writes += 1
        if self.writes == self.die_on_write:
            raise Killed(f"killed before ledger write {self.writes}")
        super().write(batch)
