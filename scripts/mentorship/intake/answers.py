"""Single answers of the form: emails, timezones, timestamps, checkbox terms, a mentor's slug.

Each function reads one cell's text and returns data or None; none of them knows about rows,
the ledger or the backend.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..timezones import Resolved, resolve

_EMAIL_RE = re.compile(
    r"^[^@\s<>()\[\],;:\"]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}$"
)
_SERIAL_RE = re.compile(r"^\d{4,5}(?:\.\d+)?$")
_DATE_RE = re.compile(
    r"^(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})"
    r"(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*([AaPp])\.?\s*[Mm]\.?)?$"
)
_DATE_RE_24 = re.compile(
    r"^(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$"
)
_SHEETS_EPOCH = dt.datetime(1899, 12, 30)


@dataclass(frozen=True)
class Issue:
    """Why an answer cannot be used: `sheet` names the value (for the ledger), `public` does not
    (for logs and run reports, which may be public)."""

    sheet: str
    public: str
    # The Requests column the problem is about, when staff can fix it there ("timezone").
    column: str = ""


def normalise_email(value: str) -> str:
    """'  Jane.Doe@Example.ORG ' -> 'jane.doe@example.org'."""
    return value.strip().lower()


def valid_email(email: str) -> bool:
    """True for a plausible address (already normalised)."""
    return len(email) <= 254 and bool(_EMAIL_RE.match(email))


def parse_timezone(answer: str) -> str | None:
    """The one IANA zone a time-zone answer names, or None (unknown or ambiguous).

    A thin view of `mentorship.timezones.resolve`, which reads IANA names, offsets,
    abbreviations, zone names, countries and cities; use `resolve` to learn why an answer
    did not resolve ('IST' could be India, Ireland or Israel).
    """
    found = resolve(answer)
    return found.zone if isinstance(found, Resolved) else None


@dataclass(frozen=True)
class _DateParts:
    a: int
    b: int
    c: int
    hms: tuple[int, int, int]


def _split_date(text: str) -> _DateParts | None:
    m = _DATE_RE.match(text)
    if m and m.group(7):
        hour = int(m.group(4)) % 12 + (12 if m.group(7).lower() == "p" else 0)
        return _DateParts(
            int(m.group(1)),
            int(m.group(2)),
            int(m.group(3)),
            (hour, int(m.group(5)), int(m.group(6) or 0)),
        )
    m = _DATE_RE_24.match(text)
    if not m:
        return None
    hms = (int(m.group(4) or 0), int(m.group(5) or 0), int(m.group(6) or 0))
    return _DateParts(int(m.group(1)), int(m.group(2)), int(m.group(3)), hms)


def timestamp_order(cells: Iterable[str]) -> str:
    """'dmy' or 'mdy': how the column writes dates, decided by the cells that are unambiguous.

    A sheet's locale writes every timestamp the same way, so one '28/11/2026' settles the
    column; with no evidence either way, 12-hour clocks ('2:03:11 PM') suggest the US order and
    otherwise day-first is assumed.
    """
    votes: Counter[str] = Counter()
    for cell in cells:
        parts = _split_date(cell.strip())
        if parts is None or parts.a > 31:
            continue
        if parts.a > 12 >= parts.b:
            votes["dmy"] += 1
        elif parts.b > 12 >= parts.a:
            votes["mdy"] += 1
        elif re.search(r"[AaPp]\.?[Mm]\.?$", cell.strip()):
            votes["ampm"] += 1
    if votes["dmy"] or votes["mdy"]:
        return "dmy" if votes["dmy"] >= votes["mdy"] else "mdy"
    return "mdy" if votes["ampm"] else "dmy"


def parse_timestamp(cell: str, order: str = "dmy") -> dt.datetime | None:
    """A form timestamp as a naive datetime in the sheet's own timezone, or None.

    Reads Sheets serial numbers ('46353.5856'), ISO 8601, 'YYYY/MM/DD hh:mm:ss', and
    'DD/MM/YYYY' or 'MM/DD/YYYY' (per `order`) with a 24- or 12-hour time.
    """
    text = cell.strip()
    if not text:
        return None
    try:
        if _SERIAL_RE.match(text):
            serial = float(text)
            if 20000 < serial < 120000:
                seconds = round(serial * 86400)
                return _SHEETS_EPOCH + dt.timedelta(seconds=seconds)
            return None
        if re.match(r"^\d{4}-\d{2}-\d{2}", text):
            stamp = dt.datetime.fromisoformat(text.replace(" ", "T", 1))
            if stamp.tzinfo is not None:
                stamp = stamp.astimezone(dt.UTC).replace(tzinfo=None)
            return stamp.replace(microsecond=0)
        parts = _split_date(text)
        if parts is None:
            return None
        if parts.a > 31:
            year, month, day = parts.a, parts.b, parts.c
        elif order == "mdy":
            month, day, year = parts.a, parts.b, parts.c
        else:
            day, month, year = parts.a, parts.b, parts.c
        if parts.a <= 31 and month > 12 >= day:
            day, month = month, day  # the one unambiguous cell that disagrees with its column
        if year < 100:
            year += 2000
        return dt.datetime(year, month, day, *parts.hms)
    except ValueError:
        return None


def is_sheets_serial(cell: str) -> bool:
    """True when the cell is a Sheets date serial number ('46353.5856'), as unformatted reads give."""
    return bool(_SERIAL_RE.match(cell))


def split_checkboxes(answer: str) -> list[str]:
    # Google joins ticked boxes with ", "; an "Other" answer is one more item at the end.
    return [item.strip() for item in answer.split(",") if item.strip()]


def term_lookup(terms: Sequence[str], aliases: Mapping[str, str]) -> dict[str, str]:
    """Folded term or alias -> the allowed term (for `map_terms`)."""
    lookup = {t.casefold(): t for t in terms}
    for alias, target in aliases.items():
        if target in lookup.values():
            lookup.setdefault(alias.casefold(), target)
    return lookup


def map_terms(
    answer: str,
    terms: Sequence[str],
    aliases: Mapping[str, str],
    lookup: dict[str, str] | None = None,
) -> tuple[list[str], str]:
    """Checkbox answers as allowed terms (case-insensitive, aliases followed) and the rest.

    Returns (terms in answer order without repeats, the unknown items joined with ', ') so a
    free "Other" answer — which may itself contain commas — is kept whole as a note. `lookup`
    (from `term_lookup`) saves rebuilding the table for every row.
    """
    if lookup is None:
        lookup = term_lookup(terms, aliases)
    known: list[str] = []
    other: list[str] = []
    for item in split_checkboxes(answer):
        term = lookup.get(" ".join(item.split()).casefold())
        if term is None:
            other.append(item)
        elif term not in known:
            known.append(term)
    return known, ", ".join(other)


def mentor_slug(answer: str) -> str:
    # The site prefills the slug; a student may also paste the mentor's page address.
    text = answer.strip().rstrip("/")
    if "/" in text:
        text = text.rsplit("/", 1)[-1]
    return text.removesuffix(".html").strip().casefold()
