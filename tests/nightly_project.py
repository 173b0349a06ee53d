"""A generated project for the nightly end-to-end tests: N mentors as YAML files, M form answers.

Everything is fictional and made from a seeded random generator, so a test can rebuild the
same project (and expect the same matches) as often as it likes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml
from mentorship.config import QUESTION_FIELDS
from mentorship.sheets_local import LocalSpreadsheet

from tests.roster_support import roster_values, write_roster

REPO = Path(__file__).resolve().parents[1]
QUESTIONS = {
    "timestamp": "Timestamp",
    "name": "Your full name",
    "email": "Email address",
    "program": "Degree programme",
    "year": "Year of study",
    "industries": "Industries you are interested in",
    "topics": "What would you like help with?",
    "goals": "What do you hope to get from mentoring?",
    "preferred_mentor": "Preferred mentor (optional)",
    "timezone": "Your timezone",
    "availability": "When are you usually free?",
    "languages": "Languages you can hold a conversation in",
    "meeting_format": "How would you like to meet?",
    "consent": "Consent",
}
assert tuple(QUESTIONS) == QUESTION_FIELDS
CONSENT = "I agree that the programme may share my answers with my mentor"
RESPONSES_TAB = "Form Responses 1"
CALENDAR_ID = "mentoring@example.edu"
NOW = "2026-11-28T03:17:00Z"
ZONES = (
    "Europe/London",
    "Europe/Lisbon",
    "Europe/Berlin",
    "America/New_York",
    "America/Toronto",
    "America/Sao_Paulo",
    "Asia/Singapore",
    "Asia/Kolkata",
    "Africa/Lagos",
    "Australia/Sydney",
)
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
PROGRAMS = ("BSc Biology", "BA History", "MSc Data Science", "BEng Civil Engineering", "LLB Law")
FREE = (
    "Weekday mornings",
    "Weekday afternoons",
    "Weekday evenings",
    "Weekend mornings",
    "Weekend afternoons",
    "Weekend evenings",
)
GOALS = ("Get feedback on my CV", "Decide between a PhD and industry", "Prepare for interviews")


@dataclass
class Project:
    """A temporary project folder and its generated form answers (header first)."""

    root: Path
    responses: list[list[str]]
    mentors: int
    # The private roster tab (header first): every mentor's address, `<slug>@example.org`.
    roster: list[list[str]] = dataclasses.field(default_factory=list)


def _taxonomy() -> dict:
    return yaml.safe_load((REPO / "mentors" / "taxonomy.yml").read_text(encoding="utf-8"))


def write_pyproject(root: Path, backend: str, spreadsheet_key: str = "", **extra: str) -> None:
    """A pyproject.toml holding only the `[tool.mentorship]` tables the run needs."""
    top = "\n".join(f'{k} = "{v}"' for k, v in extra.items())
    questions = "\n".join(f'{k} = "{v}"' for k, v in QUESTIONS.items())
    (root / "pyproject.toml").write_text(
        f"""[project]
name = "generated-mentoring"
version = "0"

[tool.mentorship]
backend = "{backend}"
spreadsheet_key = "{spreadsheet_key}"
responses_worksheet = "{RESPONSES_TAB}"
{top}

[tool.mentorship.form]
url = "https://docs.google.com/forms/d/e/1FAIpQLSe-generated-form-0123456789/viewform"
mentor_entry = "entry.1234567890"
timezone_entry = "entry.2345678901"

[tool.mentorship.questions]
{questions}

[tool.mentorship.calendar]
calendar_id = "{CALENDAR_ID}"
delegate = "{CALENDAR_ID}"
site_url = "https://mentoring.example.edu/"
""",
        encoding="utf-8",
    )


def write_mentors(root: Path, count: int, rng: random.Random) -> list[str]:
    """`count` valid mentor profiles in root/mentors (taxonomy copied from the repository)."""
    folder = root / "mentors"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "mentors" / "taxonomy.yml", folder / "taxonomy.yml")
    taxonomy = _taxonomy()
    slugs = []
    for i in range(count):
        slug = f"mentor-{i:03d}"
        start = rng.choice((8, 9, 12, 14, 17, 18))
        windows = [
            {"day": day, "start": f"{start:02d}:00", "end": f"{start + 3:02d}:00"}
            for day in rng.sample(DAYS, rng.randint(1, 3))
        ]
        profile = {
            "name": f"Mentor {i:03d} Fictional",
            "graduation_year": rng.randint(1995, 2020),
            "program": rng.choice(PROGRAMS),
            "title": "Senior Fictional Role",
            "employer": "Example Employer",
            "industry": rng.choice(taxonomy["industries"][:8]),
            "topics": rng.sample(taxonomy["topics"][:10], rng.randint(2, 4)),
            "location": "Somewhere, Nowhere",
            "timezone": rng.choice(ZONES),
            "languages": ["English", *rng.sample(taxonomy["languages"][1:6], rng.randint(0, 1))],
            "meeting_formats": rng.sample(["video", "phone", "in person"], rng.randint(1, 2)),
            "availability": windows,
            "capacity": rng.randint(1, 4),
            "accepting": rng.random() < 0.9,
            "bio": "A fictional mentor made by the test suite.",
            # A few have not confirmed their profile for more than 400 days.
            "confirmed": dt.date(2025, 6, 1) if i % 17 == 0 else dt.date(2026, 9, 1),
        }
        (folder / f"{slug}.yml").write_text(
            yaml.safe_dump(profile, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
        slugs.append(slug)
    return slugs


def make_responses(count: int, slugs: list[str], rng: random.Random) -> list[list[str]]:
    """The responses tab: header plus `count` answers, a few invalid, a few repeated."""
    taxonomy = _taxonomy()
    rows = [list(QUESTIONS.values())]
    start = dt.datetime(2026, 11, 1, 8, 0)
    for i in range(count):
        when = start + dt.timedelta(minutes=97 * i)
        student = i if i % 25 else max(i - 7, 0)  # every 25th answer repeats an earlier student
        email = f"student{student:03d}@example.edu"
        zone = rng.choice(ZONES)
        if i % 41 == 5:
            zone = "Mars/Olympus"  # invalid: staff must look
        if i % 53 == 7:
            email = "not-an-email"  # invalid
        rows.append(
            [
                when.strftime("%d/%m/%Y %H:%M:%S"),
                f"Student {student:03d} Example",
                email,
                rng.choice(PROGRAMS),
                str(rng.randint(1, 5)),
                ", ".join(rng.sample(taxonomy["industries"][:8], rng.randint(1, 2))),
                ", ".join(rng.sample(taxonomy["topics"][:10], rng.randint(1, 3))),
                rng.choice(GOALS),
                rng.choice(slugs) if rng.random() < 0.15 else "",
                zone,
                ", ".join(rng.sample(FREE, rng.randint(1, 3))),
                ", ".join(["English", *rng.sample(taxonomy["languages"][1:6], rng.randint(0, 1))]),
                ", ".join(rng.sample(["Video", "Phone", "In person"], rng.randint(1, 2))),
                CONSENT,
            ]
        )
    return rows


def make_project(
    root: Path,
    *,
    backend: str,
    mentors: int,
    responses: int,
    seed: int = 7,
    spreadsheet_key: str = "",
    approval: str = "auto",
) -> Project:
    """Write a whole project under `root`; the local backend also gets its responses CSV."""
    import csv

    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    slugs = write_mentors(root, mentors, rng)
    rows = make_responses(responses, slugs, rng)
    write_pyproject(root, backend, spreadsheet_key, approval=approval)
    roster = roster_values({slug: f"{slug}@example.org" for slug in slugs})
    if backend == "local":
        ledger = root / ".ledger"
        ledger.mkdir(exist_ok=True)
        with open(ledger / f"{RESPONSES_TAB}.csv", "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)
        write_roster(LocalSpreadsheet(ledger), dict(r[:2] for r in roster[1:]))
    return Project(root, rows, mentors, roster)
