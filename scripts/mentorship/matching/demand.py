"""The demand report: what waiting students ask for, and which mentors are full.

It tells the alumni office whom to recruit: industries and topics with students waiting and
few free places, and mentors who are at capacity. Only counts and mentors' public names appear,
never a student.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..profiles.models import Mentor
from .scoring import MatchRequest

NOT_GIVEN = "(none given)"


@dataclass(frozen=True)
class IndustryDemand:
    """Waiting requests naming an industry, against the mentors in it."""

    industry: str
    waiting: int
    mentors: int
    free_places: int


@dataclass(frozen=True)
class TopicDemand:
    """Waiting requests naming a topic, against the mentors offering it."""

    topic: str
    waiting: int
    mentors: int
    free_places: int


@dataclass(frozen=True)
class MentorLoad:
    """A mentor at capacity: public name and industry, places and active matches."""

    slug: str
    name: str
    industry: str
    capacity: int
    active: int


@dataclass
class DemandReport:
    """Unmatched requests grouped by industry and topic, and the mentors at capacity.

    A request naming two industries counts under both. Rows are sorted by waiting count, then
    name. `free_places` counts places of accepting mentors after this run's matches.
    """

    waiting: int = 0
    industries: list[IndustryDemand] = field(default_factory=list)
    topics: list[TopicDemand] = field(default_factory=list)
    full_mentors: list[MentorLoad] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for JSON or another renderer)."""
        return {
            "waiting": self.waiting,
            "industries": [vars(row) for row in self.industries],
            "topics": [vars(row) for row in self.topics],
            "full_mentors": [vars(row) for row in self.full_mentors],
        }

    def to_markdown(self) -> str:
        """The report as Markdown: a sentence, two tables and a list."""
        lines = ["### Demand", ""]
        if not self.waiting:
            lines.append("No request is waiting for a mentor.")
        else:
            noun = "request is" if self.waiting == 1 else "requests are"
            lines += [f"{self.waiting} {noun} waiting for a mentor.", ""]
            lines += _table(
                ("Industry", "Waiting", "Mentors", "Free places"),
                [(r.industry, r.waiting, r.mentors, r.free_places) for r in self.industries],
            )
            lines.append("")
            lines += _table(
                ("Topic", "Waiting", "Mentors offering it", "Free places"),
                [(r.topic, r.waiting, r.mentors, r.free_places) for r in self.topics],
            )
        lines.append("")
        if self.full_mentors:
            lines.append("Mentors at capacity:")
            lines.append("")
            lines += [
                f"- {_cell(m.name)} ({m.slug}, {_cell(m.industry)}): {m.active} of {m.capacity}"
                for m in self.full_mentors
            ]
        else:
            lines.append("No accepting mentor is at capacity.")
        return "\n".join(lines) + "\n"


def _cell(text: object) -> str:
    # Answers may hold Markdown; keep them from breaking (or styling) the table.
    value = " ".join(str(text).split())
    for char in "\\|*_`[]<>#":
        value = value.replace(char, "\\" + char)
    return value


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out


def demand_report(
    waiting: Sequence[MatchRequest], mentors: Sequence[Mentor], active: Mapping[str, int]
) -> DemandReport:
    """Build the report from the requests left waiting and mentors' active matches by slug."""
    free = {
        m.slug: max(m.capacity - active.get(m.slug, 0), 0) if m.accepting else 0 for m in mentors
    }
    by_industry: Counter[str] = Counter()
    by_topic: Counter[str] = Counter()
    shown: dict[str, str] = {}
    for request in waiting:
        for kind, counter, items in (
            ("i", by_industry, request.industries),
            ("t", by_topic, request.topics),
        ):
            names = {x.casefold(): x for x in items} or {NOT_GIVEN.casefold(): NOT_GIVEN}
            for key, name in names.items():
                counter[key] += 1
                shown.setdefault(kind + key, name)

    def supply(key: str, offers: Any) -> tuple[int, int]:
        group = [m for m in mentors if offers(m, key)]
        return len(group), sum(free[m.slug] for m in group)

    industries = []
    for key, count in by_industry.items():
        n, places = supply(key, lambda m, k: m.industry.casefold() == k)
        industries.append(IndustryDemand(shown["i" + key], count, n, places))
    topics = []
    for key, count in by_topic.items():
        n, places = supply(key, lambda m, k: k in {t.casefold() for t in m.topics})
        topics.append(TopicDemand(shown["t" + key], count, n, places))
    full = [
        MentorLoad(m.slug, m.name, m.industry, m.capacity, active.get(m.slug, 0))
        for m in mentors
        if m.accepting and active.get(m.slug, 0) >= m.capacity
    ]
    return DemandReport(
        waiting=len(waiting),
        industries=sorted(industries, key=lambda r: (-r.waiting, r.industry.casefold())),
        topics=sorted(topics, key=lambda r: (-r.waiting, r.topic.casefold())),
        full_mentors=sorted(full, key=lambda m: m.slug),
    )
