"""The toolkit's one small exception hierarchy.

The core raises these; only the edges (the CLI and the mkdocs hook) turn them into messages
for people. Each class says who raises it and which exit code the CLI gives it.
"""

from __future__ import annotations

from dataclasses import dataclass


class MentorshipError(Exception):
    """Base of every error the toolkit raises on purpose (never a bug)."""

    exit_code = 2


class ConfigError(MentorshipError):
    """Raised by `config` when `[tool.mentorship]` is missing, malformed or incomplete. Exit 2."""


class AccessError(MentorshipError):
    """Raised by a backend when Google (or the local folder) refuses access. Exit 2.

    The message says exactly what to do, e.g. which account to share the sheet with.
    """


class LedgerError(MentorshipError):
    """Raised by `ledger`/`intake` when the sheet's shape is not what the program expects. Exit 2."""


class LockedError(MentorshipError):
    """Raised by the nightly run when another run holds the ledger lock. Exit 2."""


@dataclass(frozen=True, order=True)
class Problem:
    """One user-fixable finding, located in a file (line/column 1-based, 0 when unknown)."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.column}: {self.message}"
        return f"{self.path}: {self.message}"


class ProblemsFound(MentorshipError):
    """Raised when user-fixable problems were found (invalid profiles, rows needing attention). Exit 1."""

    exit_code = 1

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
