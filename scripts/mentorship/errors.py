"""The toolkit's one small exception hierarchy.

The core raises these; only the edges (the CLI and the mkdocs hook) turn them into messages
for people. Each class says who raises it and which exit code the CLI gives it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Characters a file name or value must not smuggle into a printed line: C0/C1 controls (line
# breaks, escape sequences) and the Unicode line and paragraph separators.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# A path shown bare: letters, digits and the few marks a real repository path uses.
_PLAIN_PATH = re.compile(r"[\w./+@-]+")


def has_control(text: str) -> bool:
    """Whether `text` holds a line break or another control character."""
    return bool(_CONTROL.search(text))


def printable(line: str) -> str:
    """`line` made safe to print in a GitHub Actions log, which the runner parses for commands.

    Line breaks and control characters become spaces, so no text from a pull request can start
    a line of its own (`::warning::`, `::add-mask::`); a line that itself begins with `::` is
    prefixed, and the legacy `##[command]` form, recognised anywhere in a line, is broken up.
    """
    line = _CONTROL.sub(" ", line).replace("##[", "# #[")
    if line.lstrip().startswith("::"):
        line = "> " + line
    return line


def shown_path(path: str) -> str:
    """A file path for a message: bare when ordinary, else quoted with escapes visible."""
    return path if _PLAIN_PATH.fullmatch(path) else repr(path)


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
        # Always one printable line: paths and messages may quote a pull request's text.
        path = shown_path(self.path)
        if self.line:
            return printable(f"{path}:{self.line}:{self.column}: {self.message}")
        return printable(f"{path}: {self.message}")


class ProblemsFound(MentorshipError):
    """Raised when user-fixable problems were found (invalid profiles, rows needing attention). Exit 1."""

    exit_code = 1

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
