"""The script of a simulated term: who does what, on which day, drawn from one seeded generator.

The script is fixed before the first night; the driver plays it against whatever the nightly
did (a cancellation is about "this student's first match", whichever mentor that turned out to
be) and writes down each thing it actually did in `Term.actions`. The expectations are computed
from those actions and the rules of the issues, never from the toolkit's code.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from .cast import Mentor, Student, make_students

FIRST_NIGHT = dt.datetime(2026, 9, 7, 3, 17, tzinfo=dt.UTC)
"""The first night of the term (a Monday): the clocks change in Sydney in its fourth week, in
Europe in its eighth and in North America in its ninth."""

# What each side of a match says after a session (check-ins), and how often.
CHECKIN_BEHAVIOURS = (
    ("held", 0.62),
    ("moved", 0.08),
    ("missed", 0.07),
    ("stop", 0.04),
    ("forged", 0.04),
    ("silent", 0.15),
)


@dataclass
class Script:
    """Every scripted event of a term (see the module docstring)."""

    weeks: int
    students: list[Student]
    # Student number -> the day staff mark the request withdrawn (the student stopped).
    withdrawals: dict[int, int] = field(default_factory=dict)
    # Students whose first match staff cancel before its first session (the mentor could not).
    cancel_before: set[int] = field(default_factory=set)
    # Students whose first match staff cancel after its first session took place.
    cancel_after: set[int] = field(default_factory=set)
    # Nights (0-based) whose nightly is run as a subprocess and killed mid-run, then re-run.
    kill_nights: set[int] = field(default_factory=set)
    # Student number -> what the student's check-in says for session 1, 2, ... (re-bookings of a
    # number read the next entry), and how many days after the session they answer.
    checkins: dict[int, list[str]] = field(default_factory=dict)
    delays: dict[int, list[int]] = field(default_factory=dict)
    mentors: list[Mentor] = field(default_factory=list)

    @property
    def nights(self) -> int:
        """How many nights the term has."""
        return self.weeks * 7

    def night_time(self, night: int) -> dt.datetime:
        """When night `night` (0-based) runs."""
        return FIRST_NIGHT + dt.timedelta(days=night)

    @property
    def term_end(self) -> dt.date:
        """The term's last day (`[tool.mentorship.relationship] term_end`): the day before the
        last night, so the last night runs after the term is over."""
        return self.night_time(self.nights - 2).date()

    @property
    def last_day(self) -> dt.date:
        """The date of the last night."""
        return self.night_time(self.nights - 1).date()


def make_script(
    students: int, weeks: int, rng: random.Random, *, kills: int = 3, intake_days: int = 21
) -> Script:
    """A term's script: `students` answering over `intake_days`, about 4% withdrawing, about 4%
    cancelled by staff before their first session and 4% after it, `kills` killed nights."""
    nights = weeks * 7
    # A short term (the benchmark's --weeks) takes its answers in its first third.
    people = make_students(students, rng, max(1, min(intake_days, nights // 3)))
    script = Script(weeks, people)
    numbers = [s.number for s in people if not s.invalid]
    chosen = rng.sample(numbers, max(3, students * 12 // 100))
    third = len(chosen) // 3
    withdrawn, before, after = chosen[:third], chosen[third : 2 * third], chosen[2 * third :]
    for number in withdrawn:
        start = people[number].day + 1
        script.withdrawals[number] = rng.randint(start, max(start, min(nights - 2, start + 40)))
    script.cancel_before = set(before)
    script.cancel_after = set(after)
    # Never the first night (nothing to interrupt yet) nor the last (nothing left to check).
    script.kill_nights = set(rng.sample(range(2, nights - 1), min(kills, max(0, nights - 3))))
    names = [b for b, _ in CHECKIN_BEHAVIOURS]
    weights = [w for _, w in CHECKIN_BEHAVIOURS]
    for student in people:
        script.checkins[student.number] = rng.choices(names, weights, k=10)
        script.delays[student.number] = [rng.randint(0, 4) for _ in range(10)]
    return script
