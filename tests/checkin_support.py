"""Builders for the check-in tests: the check-in responses tab and Sessions rows, as lists."""

from __future__ import annotations

from pathlib import Path

from mentorship.config import CHECKIN_QUESTIONS, Config, parse_config
from mentorship.ledger import SESSION_COLUMNS
from mentorship.relationship.checkin_codes import checkin_code

SECRET = b"checkin-test-secret-0123456789"
FORM = "https://docs.google.com/forms/d/e/1FAIpQLSe-checkin-form-0123456789/viewform"
TAB = "Form Responses 2"
HEADER = list(CHECKIN_QUESTIONS.values())
INVITED = "2026-11-28T03:17:00Z"
CHECKIN_TABLE = {"form_url": FORM, "code_entry": "entry.111", "role_entry": "entry.222"}


def with_checkins(root: Path) -> None:
    """Turn check-ins on in a generated project's pyproject.toml."""
    with open(root / "pyproject.toml", "a", encoding="utf-8") as handle:
        handle.write(
            f'\n[tool.mentorship.checkin]\nform_url = "{FORM}"\n'
            'code_entry = "entry.111"\nrole_entry = "entry.222"\n'
        )


def config(root: Path, backend: str = "local", **top: str) -> Config:
    """A configuration with check-ins on."""
    return parse_config({"backend": backend, **top, "checkin": dict(CHECKIN_TABLE)}, root)


def code(match_id: str, number: int = 1, secret: bytes = SECRET) -> str:
    """A valid check-in code."""
    return checkin_code(secret, match_id, number)


def answer(
    code: str,
    *,
    role: str = "Mentor",
    happened: str = "Yes, we met",
    useful: str = "4 - very useful",
    progress: str = "3",
    more: str = "Yes please",
    comment: str = "",
    when: str = "05/12/2026 10:00:00",
) -> list[str]:
    """One response row, in the default question order."""
    by_field = {
        "timestamp": when,
        "code": code,
        "role": role,
        "happened": happened,
        "useful": useful,
        "progress": progress,
        "continue": more,
        "comment": comment,
    }
    return [by_field[f] for f in CHECKIN_QUESTIONS]


def session(
    match_id: str, number: int = 1, *, invited_at: str = INVITED, **cells: str
) -> list[str]:
    """A Sessions row as the relationship stage writes it (status scheduled)."""
    values = {
        "session_id": f"{match_id}/{number}",
        "match_id": match_id,
        "number": str(number),
        "status": "scheduled",
        "event_id": f"ev{match_id}{number}",
        "start": "2026-12-04T18:00:00+00:00",
        "invited_at": invited_at,
        "attempt": "0",
        **cells,
    }
    return [values.get(c, "") for c in SESSION_COLUMNS]


def sessions_tab(*rows: list[str]) -> list[list[str]]:
    """The Sessions tab: header and rows."""
    return [list(SESSION_COLUMNS), *rows]
