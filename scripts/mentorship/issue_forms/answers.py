"""A submitted issue form's text, read into profile data.

GitHub writes each answer under its label: `### Label`, a blank line, the answer (or
`_No response_`); checkboxes as `- [X] option` lines; a multiple dropdown as `a, b, c`. All
of it is untrusted text from anyone on the internet: it is only ever parsed here and handed to
the profile validator, and written with `yaml.safe_dump`, never pasted into YAML or a shell.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from ..profiles.models import SLUG_RE
from .templates import ACCEPTING_CHOICES, LABELS, NO_EMAIL

NO_RESPONSE = "_No response_"
MAX_ANSWER_CHARS = 10_000
_BY_LABEL = {label: key for key, label in LABELS.items()}
_WINDOW = re.compile(
    r"^\s*(?P<day>[A-Za-z]+)\s*,?\s+(?P<start>\d{1,2}:\d{2})\s*(?:-|–|—|to)\s*(?P<end>\d{1,2}:\d{2})\s*$"
)
_DAYS = {
    d[:3]: d for d in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
}
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass
class Answers:
    """What the form said: the profile fields given, the problems found, the slug asked for."""

    data: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    slug: str = ""
    privacy_ticked: bool = False


def split_sections(body: str) -> dict[str, str]:
    """`### Label` sections of the issue body -> the text under each (known labels only)."""
    sections: dict[str, str] = {}
    current: str | None = None
    lines: list[str] = []
    for line in body.replace("\r\n", "\n").split("\n"):
        if line.startswith("### "):
            if current is not None:
                sections[current] = "\n".join(lines).strip()
            label = line[4:].strip()
            current = _BY_LABEL.get(label)
            lines = []
        elif current is not None:
            lines.append(line)
    if current is not None:
        sections[current] = "\n".join(lines).strip()
    return {k: v for k, v in sections.items() if v and v != NO_RESPONSE}


def slugify(name: str) -> str:
    """'Ana Lúcia Lima' -> 'ana-lucia-lima'."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", plain.lower()))[:60].strip("-")


def read_answers(body: str, today: dt.date) -> Answers:
    """The profile data the form's body gives (problems in words, never echoing an address)."""
    out = Answers()
    sections = split_sections(body or "")
    for key, text in sections.items():
        if len(text) > MAX_ANSWER_CHARS:
            out.problems.append(
                f"{LABELS[key]}: the answer is {len(text):,} characters long; "
                f"at most {MAX_ANSWER_CHARS:,} are read. Shorten it."
            )
            continue
        if key == "privacy":
            out.privacy_ticked = f"[x] {NO_EMAIL}".casefold() in text.casefold()
            continue
        if _EMAIL.search(text):
            out.problems.append(
                f"{LABELS[key]}: this looks like an email address. This issue is public: "
                "edit the issue to remove it, and give your email privately (see the pull "
                "request's description or ask the alumni office)"
            )
            continue
        _read(key, text, out)
    if "name" in out.data and not out.slug:
        out.slug = slugify(str(out.data["name"]))
    if out.slug and not SLUG_RE.match(out.slug):
        out.problems.append(
            f"{LABELS['slug']}: use lowercase letters, digits and single hyphens, like ana-lima"
        )
    out.data["confirmed"] = today.isoformat()
    return out


def _read(key: str, text: str, out: Answers) -> None:
    data = out.data
    if key == "slug":
        out.slug = text.strip().lower().rstrip("/").rsplit("/", 1)[-1].removesuffix(".yml")
    elif key in ("topics", "languages"):
        data[key] = [t.strip() for t in text.split(",") if t.strip()]
    elif key == "meeting_formats":
        ticked = [m.group(1).strip() for m in re.finditer(r"^- \[[xX]\] (.+)$", text, re.M)]
        if ticked:
            data[key] = ticked
    elif key == "graduation_year":
        data[key] = int(text) if text.strip().isdigit() and len(text.strip()) == 4 else text
    elif key == "capacity":
        data[key] = int(text) if text.strip().isdigit() else text
    elif key == "accepting":
        data[key] = (
            text.strip() == ACCEPTING_CHOICES[0] if text.strip() in ACCEPTING_CHOICES else text
        )
    elif key == "availability":
        data[key] = _windows(text, out)
    elif key == "links":
        data[key] = _links(text, out)
    elif key == "bio":
        data[key] = text
    else:
        data[key] = " ".join(text.split())


def _windows(text: str, out: Answers) -> list[dict[str, str]]:
    windows = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        found = _WINDOW.match(line)
        day = _DAYS.get(found.group("day").lower()[:3]) if found else None
        if not found or day is None:
            out.problems.append(
                f"{LABELS['availability']}, line {n}: write a day and two 24-hour times, "
                "like tuesday 18:00-20:00"
            )
            continue
        windows.append({"day": day, "start": found.group("start"), "end": found.group("end")})
    return windows


def _links(text: str, out: Answers) -> list[dict[str, str]]:
    links = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        label, _, url = line.strip().rpartition(" ")
        if not label.strip() or not url.startswith("https://"):
            out.problems.append(
                f"{LABELS['links']}, line {n}: write a label, a space, then an https:// address"
            )
            continue
        links.append({"label": label.strip(), "url": url})
    return links
