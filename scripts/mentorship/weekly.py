"""Weekly availability: windows like 'Tuesday 18:00-20:00' in one person's own timezone.

Mentors write windows in their profile; students tick checkbox answers in the form
('Weekday evenings'), which intake turns into the same windows and stores in the ledger in a
compact text form ('tue 17:00-21:00; ...'). Matching and scheduling read them from there.
"""

from __future__ import annotations

import re
from typing import NamedTuple

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# The parts of a day a student can tick in the form, in the student's own timezone.
DAY_PARTS = {
    "mornings": (9 * 60, 12 * 60),
    "afternoons": (12 * 60, 17 * 60),
    "evenings": (17 * 60, 21 * 60),
}
DAY_GROUPS = {
    "weekday": (0, 1, 2, 3, 4),
    "weekend": (5, 6),
    **{name.lower(): (i,) for i, name in enumerate(DAY_NAMES)},
}
# The form's checkbox options, exactly as the setup guide lists them.
FORM_OPTIONS = tuple(
    f"{group.capitalize()} {part}" for group in ("weekday", "weekend") for part in DAY_PARTS
)

_WINDOW_RE = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun) ([0-2]\d):([0-5]\d)-([0-2]\d):([0-5]\d)$")


class WeeklyWindow(NamedTuple):
    """A window on one weekday: day 0 = Monday; minutes after local midnight, end exclusive.

    The one weekly-window type of the toolkit: a profile's `Window` (the YAML form, with
    'HH:MM' strings) becomes one through `Window.weekly`, a form answer through
    `windows_from_answer`, a ledger cell through `parse_windows`; matching and scheduling take
    only these. A tuple, so it sorts by day then time and is cheap to hash for caches.
    """

    day: int
    start: int
    end: int

    def __str__(self) -> str:
        return f"{DAYS[self.day]} {_hhmm(self.start)}-{_hhmm(self.end)}"

    def describe(self) -> str:
        """'Tuesday 18:00–20:00', for people."""
        return f"{DAY_NAMES[self.day]} {_hhmm(self.start)}–{_hhmm(self.end)}"


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def format_windows(windows: list[WeeklyWindow]) -> str:
    """Windows as one ledger cell: 'mon 09:00-12:00; tue 17:00-21:00'."""
    return "; ".join(str(w) for w in sorted(set(windows)))


def parse_windows(cell: str) -> list[WeeklyWindow]:
    """The ledger cell written by `format_windows`, back as windows. Raises ValueError."""
    windows = []
    for part in cell.split(";"):
        part = part.strip().lower()
        if not part:
            continue
        m = _WINDOW_RE.match(part)
        if not m:
            raise ValueError(f"{part!r} is not a window like 'tue 17:00-21:00'")
        day, h1, m1, h2, m2 = m.groups()
        start, end = int(h1) * 60 + int(m1), int(h2) * 60 + int(m2)
        if not 0 <= start < end <= 24 * 60:
            raise ValueError(f"{part!r} ends before it starts")
        windows.append(WeeklyWindow(DAYS.index(day), start, end))
    return sorted(set(windows))


def windows_from_answer(option: str) -> list[WeeklyWindow] | None:
    """One checkbox answer ('Weekday evenings', 'Tuesday mornings') as windows; None if unknown."""
    words = option.strip().lower().split()
    if len(words) != 2 or words[0] not in DAY_GROUPS or words[1] not in DAY_PARTS:
        return None
    start, end = DAY_PARTS[words[1]]
    return [WeeklyWindow(day, start, end) for day in DAY_GROUPS[words[0]]]
