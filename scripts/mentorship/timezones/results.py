"""What the resolver answers: one zone, the zones an answer could be, or nothing known."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Resolved:
    """The answer names one zone; `via` says how it was read, for staff and the report."""

    zone: str
    via: str


@dataclass(frozen=True)
class Candidate:
    """One zone an ambiguous answer could mean, with the words a student would recognise."""

    zone: str
    label: str


@dataclass(frozen=True)
class Ambiguous:
    """The answer fits several zones that keep different times: ask, never guess."""

    answer: str
    candidates: tuple[Candidate, ...]

    @property
    def words(self) -> str:
        """ "'IST' could be India (Asia/Kolkata), Ireland (Europe/Dublin) or Israel (...)"."""
        named = [f"{c.label} ({c.zone})" if c.label != c.zone else c.zone for c in self.candidates]
        listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " or " + named[-1]
        return f"{self.answer!r} could be {listed}"

    @property
    def zones(self) -> tuple[str, ...]:
        """The candidate zones, in the order they are named."""
        return tuple(c.zone for c in self.candidates)


@dataclass(frozen=True)
class Unknown:
    """Nothing matched; `suggestion` is a close spelling that would resolve, if any."""

    answer: str
    suggestion: str | None = None


Resolution = Resolved | Ambiguous | Unknown
