"""The people of a simulated term: mentors as YAML profiles, students as form answers.

Everything is fictional and drawn from one seeded generator. Mentors live on five continents,
in zones with and without daylight saving time (London, Berlin, New York, Los Angeles, Sydney
change their clocks during the term; São Paulo, Kolkata, Tokyo, Lagos and Nairobi do not).
Students type their answers the way people do: cities instead of zone names, aliases for
industries ("Banking", "Tech"), odd case and spacing; a few answers cannot be used at all.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tests.nightly_project import CONSENT, QUESTIONS, REPO

# (zone, how a student in it may type it)
ZONES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Europe/London", ("london", "Europe/London", "London, UK")),
    ("Europe/Berlin", ("Berlin, Germany", "europe/berlin", "Central European Time")),
    ("America/New_York", ("New York", "America/New York", "Eastern Time")),
    ("America/Los_Angeles", ("Los Angeles", "america/los_angeles")),
    ("America/Sao_Paulo", ("São Paulo", "America/Sao_Paulo")),
    ("Australia/Sydney", ("Sydney", "Australia/Sydney")),
    ("Asia/Kolkata", ("Mumbai", "Asia/Kolkata")),
    ("Asia/Tokyo", ("Tokyo", "asia/tokyo")),
    ("Africa/Lagos", ("Lagos", "Africa/Lagos")),
    ("Africa/Nairobi", ("Nairobi", "Africa/Nairobi")),
)
# Industries of the term, and what students type for them (taxonomy aliases included).
INDUSTRIES: dict[str, tuple[str, ...]] = {
    "Finance": ("Finance", "Banking", "finance", "Accounting"),
    "Consulting": ("Consulting", "consulting "),
    "Healthcare": ("Healthcare", "Medicine", "Health"),
    "Law": ("Law", "Legal", "law"),
    "Education": ("Education", "education"),
    "Media & Journalism": ("Media & Journalism", "Journalism", "Media"),
}
TOPICS = ("Interview practice", "CV and cover letters", "Career change", "Networking", "First job")
TOPIC_TYPED = {"Interview practice": "Mock interviews", "CV and cover letters": "CV"}
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
FREE = (
    "Weekday mornings",
    "Weekday afternoons",
    "Weekday evenings",
    "Weekend mornings",
    "Weekend afternoons",
)
PROGRAMS = ("BSc Biology", "BA History", "MSc Data Science", "LLB Law", "BA Economics")
GOALS = (
    "Get feedback on my CV",
    "Decide between a PhD and industry",
    "Prepare for interviews",
    "Understand how to move into consulting",
)
MAX_PROFILE_AGE_DAYS = 400  # the default of [tool.mentorship.matching]
STALE_NOTICE_DAYS = 30  # the default of [tool.mentorship.messages]
INVALID_ZONE = "Mars/Olympus"


@dataclass(frozen=True)
class Mentor:
    """One generated mentor: what the test needs to know about the profile it wrote."""

    slug: str
    name: str
    zone: str
    capacity: int
    confirmed: dt.date

    @property
    def email(self) -> str:
        """The mentor's address in the private roster."""
        return f"{self.slug}@example.org"

    def stale_notice_on(self) -> dt.date:
        """The first day the profile-stale message is due (the profile goes stale 30 days on)."""
        return self.confirmed + dt.timedelta(days=MAX_PROFILE_AGE_DAYS - STALE_NOTICE_DAYS)


@dataclass
class Student:
    """One generated student: the form answer(s) they send and on which day of the term."""

    number: int
    day: int  # the term day (0 = before the first night) the first answer is sent
    answer: list[str]
    invalid: bool = False
    # A student whose first answer was invalid sends a fixed one this many days later.
    fixed_after: int | None = None
    fixed: list[str] = field(default_factory=list)

    @property
    def email(self) -> str:
        """The student's address (the same on every answer they send)."""
        return f"student{self.number:04d}@example.edu"


def write_mentors(root: Path, count: int, rng: random.Random, first_day: dt.date) -> list[Mentor]:
    """`count` valid profiles in root/mentors; every 20th mentor's profile goes stale mid-term."""
    folder = root / "mentors"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "mentors" / "taxonomy.yml", folder / "taxonomy.yml")
    industries = list(INDUSTRIES)
    mentors = []
    for i in range(count):
        slug = f"term-mentor-{i:04d}"
        zone = ZONES[i % len(ZONES)][0]
        start = rng.choice((8, 9, 12, 13, 17, 18))
        windows = [
            {"day": day, "start": f"{start:02d}:00", "end": f"{start + 3:02d}:00"}
            for day in sorted(rng.sample(DAYS[:5], rng.randint(2, 4)), key=DAYS.index)
        ]
        if rng.random() < 0.3:
            windows.append({"day": "saturday", "start": "10:00", "end": "13:00"})
        if i % 20 == 3:
            # Its stale notice falls in the term's first weeks.
            confirmed = first_day - dt.timedelta(
                days=MAX_PROFILE_AGE_DAYS - STALE_NOTICE_DAYS - 10 - i % 30
            )
        else:
            confirmed = first_day - dt.timedelta(days=30 + i % 60)
        mentor = Mentor(slug, f"Mentor {i:04d} Termsim", zone, rng.randint(1, 4), confirmed)
        profile = {
            "name": mentor.name,
            "graduation_year": rng.randint(1995, 2020),
            "program": rng.choice(PROGRAMS),
            "title": "Senior Fictional Role",
            "employer": "Example Employer",
            "industry": industries[i % len(industries)],
            "topics": rng.sample(TOPICS, rng.randint(2, 4)),
            "location": "Somewhere, Nowhere",
            "timezone": zone,
            "languages": ["English"],
            "meeting_formats": ["video"],
            "availability": windows,
            "capacity": mentor.capacity,
            "accepting": True,
            "bio": "A fictional mentor of the simulated term.",
            "confirmed": confirmed,
        }
        (folder / f"{slug}.yml").write_text(
            yaml.safe_dump(profile, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
        mentors.append(mentor)
    return mentors


def _answer(number: int, rng: random.Random, zone_text: str) -> list[str]:
    chosen = rng.sample(list(INDUSTRIES), rng.randint(1, 2))
    typed = [rng.choice(INDUSTRIES[i]) for i in chosen]
    topics = [TOPIC_TYPED.get(t, t) if rng.random() < 0.3 else t for t in rng.sample(TOPICS, 2)]
    return [
        "",  # the timestamp, set when the answer is sent
        f"Student {number:04d} Termsim",
        f"student{number:04d}@example.edu",
        rng.choice(PROGRAMS),
        str(rng.randint(1, 4)),
        ", ".join(typed),
        ", ".join(topics),
        rng.choice(GOALS),
        "",
        zone_text,
        ", ".join(rng.sample(FREE, rng.randint(2, 4))),
        "English",
        "Video",
        CONSENT,
    ]


def make_students(count: int, rng: random.Random, intake_days: int = 21) -> list[Student]:
    """`count` students answering over the first `intake_days`; every 37th answer is unusable
    (an unknown time zone) and its student sends a fixed answer two to five days later."""
    students = []
    for n in range(count):
        _zone, typed = ZONES[rng.randrange(len(ZONES))]
        student = Student(n, rng.randrange(intake_days), _answer(n, rng, rng.choice(typed)))
        if n % 37 == 5:
            student.invalid = True
            student.fixed = list(student.answer)
            student.answer[QUESTION_INDEX["timezone"]] = INVALID_ZONE
            student.fixed_after = rng.randint(2, 5)
        students.append(student)
    return students


QUESTION_INDEX = {name: i for i, name in enumerate(QUESTIONS)}


def stamped(answer: list[str], when: dt.datetime) -> list[str]:
    """The answer as the form records it at `when` (the form's day-first timestamp)."""
    row = list(answer)
    row[QUESTION_INDEX["timestamp"]] = when.strftime("%d/%m/%Y %H:%M:%S")
    return row
