"""Intake: the Google Form's responses tab, turned into validated rows of the Requests tab.

`parse_responses` reads the responses tab's values (header first) with the configured question
titles and returns one `Response` per non-empty row: the ledger cells plus, when the answer
cannot be used, the problems in words staff understand. `reconcile` merges those into the
Requests `Table` by a stable request id and decides statuses; `run_sync` does both around one
read and one write of a `Spreadsheet`. Nothing here talks to Google or the disk itself.

Which questions are required: `timestamp`, `name`, `email`, `industries`, `topics`, `timezone`
and `availability` must exist as columns (matching and scheduling cannot work without them), so a
missing title stops the run (`LedgerError`, exit 2). The others (`program`, `year`, `goals`,
`preferred_mentor`, `languages`, `meeting_format`, `consent`) are optional: a missing title is a
warning in the report and the field is left empty.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import hashlib
import logging
import re
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from . import ledger
from .config import Config
from .errors import ConfigError, LedgerError
from .ledger import REQUEST_COLUMNS, REQUESTS, RequestStatus, Table, WriteBatch
from .privacy import mask_email
from .profiles.models import MeetingFormat
from .weekly import format_windows, windows_from_answer

log = logging.getLogger(__name__)

REQUIRED_FIELDS = ("timestamp", "name", "email", "industries", "topics", "timezone", "availability")
OPTIONAL_FIELDS = (
    "program",
    "year",
    "goals",
    "preferred_mentor",
    "languages",
    "meeting_format",
    "consent",
)

# Statuses sync owns: it sets and recomputes them on every run. Every other value (waiting,
# matched, withdrawn, or anything staff type) belongs to matching or to staff.
MANAGED = frozenset({RequestStatus.NEW, RequestStatus.INVALID, RequestStatus.SUPERSEDED})
# The ledger cells sync fills from the student's answer: all but the bookkeeping columns.
_BOOKKEEPING = frozenset({"request_id", "response_row", "status", "reason", "note", "updated_at"})
ANSWER_COLUMNS = tuple(c for c in REQUEST_COLUMNS if c not in _BOOKKEEPING)
MEETING_FORMATS = tuple(f.value for f in MeetingFormat)

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
_OFFSET_RE = re.compile(r"^(?:utc|gmt)\s*([+\-−])\s*(\d{1,2})(?:[:.h]?(\d{2}))?$")
# Offsets that are not whole hours have no Etc/ zone; these zones keep them all year (no DST).
_HALF_HOUR_ZONES = {
    210: "Asia/Tehran",
    270: "Asia/Kabul",
    330: "Asia/Kolkata",
    345: "Asia/Kathmandu",
    390: "Asia/Yangon",
    525: "Australia/Eucla",
    570: "Australia/Darwin",
    -570: "Pacific/Marquesas",
}
_SHEETS_EPOCH = dt.datetime(1899, 12, 30)


class MentorLike(Protocol):
    """What intake needs of a mentor: its slug, name and whether it takes new mentees."""

    @property
    def slug(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def accepting(self) -> bool: ...


class Vocabulary(Protocol):
    """What intake needs of `profiles.Taxonomy`: the allowed terms and their aliases."""

    @property
    def industries(self) -> list[str]: ...
    @property
    def topics(self) -> list[str]: ...
    @property
    def languages(self) -> list[str]: ...
    @property
    def aliases(self) -> dict[str, str]: ...


# --------------------------------------------------------------------------------------------
# The responses tab's header
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """Where each configured question's answers are: field -> column indexes (0-based).

    A title can appear in several columns (Forms adds one when a question is deleted and made
    again); each row then uses the rightmost non-empty cell among them.
    """

    columns: dict[str, tuple[int, ...]]
    warnings: tuple[str, ...] = ()


def column_letter(index: int) -> str:
    """0 -> 'A', 26 -> 'AA': the column as staff see it."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _title_key(title: str) -> str:
    return " ".join(title.split()).casefold()


def resolve_layout(header: Sequence[str], questions: Mapping[str, str], tab: str) -> Layout:
    """Find each configured question title in the header row.

    Titles compare ignoring letter case and runs of spaces. Raises ConfigError when a required
    field is not configured and LedgerError when a required title is not in the header.
    """
    unset = [f for f in REQUIRED_FIELDS if not questions.get(f, "").strip()]
    if unset:
        raise ConfigError(
            "[tool.mentorship.questions] must give the form's question title for "
            + ", ".join(unset)
            + " (these answers are required for matching)."
        )
    by_title: dict[str, list[int]] = defaultdict(list)
    warnings: list[str] = []
    blank = [column_letter(i) for i, cell in enumerate(header) if not str(cell).strip()]
    if blank:
        warnings.append(
            f"{tab}: column(s) {', '.join(blank)} have no title in row 1; their answers are ignored."
        )
    for i, cell in enumerate(header):
        if str(cell).strip():
            by_title[_title_key(str(cell))].append(i)
    columns: dict[str, tuple[int, ...]] = {}
    missing_required: list[tuple[str, str]] = []
    for name, title in questions.items():
        if not title.strip():
            continue
        found = by_title.get(_title_key(title))
        if found:
            columns[name] = tuple(found)
            if len(found) > 1:
                warnings.append(
                    f"{tab}: the title {title!r} heads columns "
                    f"{', '.join(column_letter(i) for i in found)}; each row uses the rightmost "
                    "one it answered."
                )
        elif name in REQUIRED_FIELDS:
            missing_required.append((name, title))
        else:
            warnings.append(
                f"{tab} has no column {title!r} (questions.{name}); that answer is left empty. "
                "If the question was renamed, put its new title in [tool.mentorship.questions]."
            )
    if missing_required:
        present = [str(c).strip() for c in header if str(c).strip()]
        lines = []
        for name, title in missing_required:
            close = difflib.get_close_matches(title, present, n=1, cutoff=0.5)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            lines.append(f"  questions.{name} = {title!r}{hint}")
        raise LedgerError(
            f"{tab} has no column for these configured question titles:\n"
            + "\n".join(lines)
            + "\nThe titles in row 1 are: "
            + (", ".join(repr(t) for t in present) or "(none)")
            + ".\nIf a question was renamed in the form, put its current title in "
            "[tool.mentorship.questions] in pyproject.toml."
        )
    return Layout(columns, tuple(warnings))


# --------------------------------------------------------------------------------------------
# Single answers
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Issue:
    """Why an answer cannot be used: `sheet` names the value (for the ledger), `public` does not
    (for logs and run reports, which may be public)."""

    sheet: str
    public: str


def normalise_email(value: str) -> str:
    """'  Jane.Doe@Example.ORG ' -> 'jane.doe@example.org'."""
    return value.strip().lower()


def valid_email(email: str) -> bool:
    """True for a plausible address (already normalised)."""
    return len(email) <= 254 and bool(_EMAIL_RE.match(email))


@functools.cache
def _zones_by_fold() -> dict[str, str]:
    zones = {z.casefold(): z for z in zoneinfo.available_timezones()}
    zones.setdefault("utc", "UTC")
    return zones


@functools.cache
def parse_timezone(answer: str) -> str | None:
    """An IANA name for the answer, or None.

    Accepts IANA names in any letter case ('europe/lisbon'), an IANA name inside a label
    ('(GMT+01:00) Europe/Lisbon'), and offsets like 'UTC+05:30' or 'GMT-3' (whole hours become
    'Etc/GMT+3' — POSIX signs are inverted — and the common half-hour offsets a zone that keeps
    them all year).
    """
    text = " ".join(answer.split())
    if not text:
        return None
    zones = _zones_by_fold()
    folded = text.casefold().replace(" ", "_")
    if folded in zones:
        return zones[folded]
    for token in re.split(r"[\s()\[\],]+", text):
        if "/" in token and token.casefold() in zones:
            return zones[token.casefold()]
    if folded in ("gmt", "z", "utc±0", "utc+0", "gmt+0"):
        return "UTC"
    lowered = text.casefold()
    m = _OFFSET_RE.match(lowered) or _OFFSET_RE.match(re.sub(r"^\((.*?)\).*$", r"\1", lowered))
    if not m:
        return None
    sign = -1 if m.group(1) in "-−" else 1
    hours, minutes = int(m.group(2)), int(m.group(3) or 0)
    if minutes >= 60:
        return None
    total = sign * (hours * 60 + minutes)
    if total == 0:
        return "UTC"
    if minutes == 0 and -12 <= sign * hours <= 14:
        return f"Etc/GMT{'-' if sign > 0 else '+'}{hours}"
    return _HALF_HOUR_ZONES.get(total)


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


def _split_checkboxes(answer: str) -> list[str]:
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
    for item in _split_checkboxes(answer):
        term = lookup.get(" ".join(item.split()).casefold())
        if term is None:
            other.append(item)
        elif term not in known:
            known.append(term)
    return known, ", ".join(other)


def _mentor_slug(answer: str) -> str:
    # The site prefills the slug; a student may also paste the mentor's page address.
    text = answer.strip().rstrip("/")
    if "/" in text:
        text = text.rsplit("/", 1)[-1]
    return text.removesuffix(".html").strip().casefold()


# --------------------------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------------------------


@dataclass
class Response:
    """One non-empty response row, ready for the ledger.

    `cells` are the Requests tab's answer columns; `issues` make the request `invalid`;
    `notes` are kept for staff (an "Other" answer, a preferred mentor that was cleared).
    """

    row: int
    request_id: str
    email_key: str
    cells: dict[str, str]
    issues: list[Issue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        """True when nothing stops the request from being matched."""
        return not self.issues


@dataclass
class Parsed:
    """Every response of the tab, plus what the header taught us."""

    responses: list[Response]
    empty_rows: int
    warnings: list[str]


def _request_ids(keys: Sequence[tuple[str, str]]) -> list[str]:
    """Stable ids from (timestamp key, tie-break) pairs.

    The id hashes the timestamp cell only, so staff fixing a student's email or name in the
    responses tab keeps the same request (its ledger row is updated, not duplicated), and new
    form questions or moved rows change nothing. Responses sharing a timestamp (two students in
    the same second) are told apart by their normalised email, then their order, so the ids do
    not depend on where the rows sit.
    """
    groups: dict[str, list[int]] = defaultdict(list)
    for i, (stamp, _) in enumerate(keys):
        groups[stamp].append(i)
    ids = [""] * len(keys)
    for stamp, members in groups.items():
        members.sort(key=lambda i: (keys[i][1], i))
        for n, i in enumerate(members):
            material = stamp if n == 0 else f"{stamp}\x1f{n}"
            ids[i] = "r" + hashlib.sha256(material.encode("utf-8")).hexdigest()[:12]
    return ids


class _Row:
    """One response row's answers by field (the rightmost filled cell of a repeated title)."""

    def __init__(self, cells: Sequence[str], layout: Layout):
        self.cells = cells
        self.layout = layout

    def get(self, name: str) -> str:
        for i in reversed(self.layout.columns.get(name, ())):
            if i < len(self.cells) and self.cells[i].strip():
                return self.cells[i].strip()
        return ""


def parse_responses(
    values: Sequence[Sequence[str]],
    questions: Mapping[str, str],
    taxonomy: Vocabulary,
    mentors: Iterable[MentorLike],
    *,
    tab: str = "Form Responses 1",
) -> Parsed:
    """Validate every response row (header in `values[0]`); empty rows are counted, not kept."""
    if not values:
        raise LedgerError(
            f"The worksheet {tab!r} is empty: it has no header row. Link the form to this "
            "spreadsheet (Form > Responses > Link to Sheets) or set responses_worksheet in "
            "[tool.mentorship]."
        )
    layout = resolve_layout([str(c) for c in values[0]], questions, tab)
    mentor_list = list(mentors)
    checker = _RowChecker(taxonomy, mentor_list, tab, layout)
    rows = [(n + 2, _Row([str(c) for c in raw], layout)) for n, raw in enumerate(values[1:])]
    filled = [(n, row) for n, row in rows if any(c.strip() for c in row.cells)]
    order = timestamp_order(row.get("timestamp") for _, row in filled)
    keys: list[tuple[str, str]] = []
    responses: list[Response] = []
    for n, row in filled:
        response = checker.check(n, row, order)
        stamp = row.get("timestamp")
        if stamp:
            # A serial number (unformatted read) is keyed by the moment it stands for.
            moment = parse_timestamp(stamp, order) if _SERIAL_RE.match(stamp) else None
            key = moment.isoformat() if moment else stamp
        else:
            key = "no-timestamp\x1f" + response.email_key + "\x1f" + row.get("name").casefold()
        keys.append((key, response.email_key))
        responses.append(response)
    for response, request_id in zip(responses, _request_ids(keys), strict=True):
        response.request_id = request_id
    return Parsed(responses, len(rows) - len(filled), list(layout.warnings))


_FORMAT_ALIASES = {"in-person": "in person", "video call": "video", "online": "video"}
_NO_CONSENT = re.compile(r"^(no\b|n$|false$|i do not|i don't|i don’t)")


class _RowChecker:
    """Turns one response row into ledger cells, issues and notes."""

    def __init__(
        self, taxonomy: Vocabulary, mentors: Sequence[MentorLike], tab: str, layout: Layout
    ):
        self.taxonomy = taxonomy
        self.by_slug = {m.slug.casefold(): m for m in mentors}
        self.by_name = {" ".join(m.name.split()).casefold(): m for m in mentors}
        self.tab = tab
        self.lookups = {
            kind: term_lookup(getattr(taxonomy, kind), taxonomy.aliases)
            for kind in ("industries", "topics", "languages")
        }
        self.lookups["formats"] = term_lookup(MEETING_FORMATS, _FORMAT_ALIASES)
        self.asks_consent = "consent" in layout.columns

    def check(self, n: int, row: _Row, order: str) -> Response:
        """The Response of sheet row `n`."""
        where = f"row {n} of {self.tab}"
        fix = f"fix it in {where} or ask the student to submit the form again"
        issues: list[Issue] = []
        notes: list[str] = []
        cells: dict[str, str] = dict.fromkeys(ANSWER_COLUMNS, "")

        def problem(sheet: str, public: str) -> None:
            issues.append(Issue(f"{sheet}; {fix}", f"{public} ({where})"))

        stamp = row.get("timestamp")
        when = parse_timestamp(stamp, order)
        if when is not None:
            cells["submitted_at"] = when.isoformat()
        elif stamp:
            notes.append(
                f"the timestamp {stamp!r} is not a date; this answer is ordered by its row"
            )
        else:
            notes.append("no timestamp; this answer is ordered by its row")

        cells["name"] = row.get("name")
        if not cells["name"]:
            problem("the name is empty", "the name is empty")

        raw_email = row.get("email")
        email = cells["email"] = normalise_email(raw_email)
        if not email:
            problem("the email address is empty", "the email address is empty")
        elif not valid_email(email):
            problem(f"email {raw_email!r} is not a valid address", "the email address is not valid")

        for name in ("program", "year", "goals"):
            cells[name] = row.get(name)

        for kind in ("industries", "topics", "languages"):
            terms, other = map_terms(row.get(kind), (), {}, self.lookups[kind])
            cells[kind] = ledger.join_list(terms)
            if other:
                notes.append(f"{kind}: other answer {other!r}")

        formats, other = map_terms(row.get("meeting_format"), (), {}, self.lookups["formats"])
        cells["meeting_formats"] = ledger.join_list(formats)
        if other:
            notes.append(f"meeting format: other answer {other!r}")

        tz_answer = row.get("timezone")
        zone = parse_timezone(tz_answer)
        cells["timezone"] = zone or tz_answer
        if zone is None and tz_answer:
            problem(
                f"timezone {tz_answer!r} is not one we know (use a name like 'Europe/Lisbon' or "
                "an offset like 'UTC+05:30')",
                "the timezone is not one we know",
            )
        elif zone is None:
            problem("the timezone is empty", "the timezone is empty")

        avail = row.get("availability")
        windows = []
        unknown = []
        for item in _split_checkboxes(avail):
            found = windows_from_answer(item)
            if found is None:
                unknown.append(item)
            else:
                windows.extend(found)
        cells["availability"] = format_windows(windows)
        if not windows:
            said = f" (the answer was {avail!r})" if avail else ""
            problem(
                f"no usable availability: tick at least one time like 'Weekday evenings'{said}",
                "no usable availability",
            )
        elif unknown:
            notes.append(f"availability: other answer {', '.join(unknown)!r}")

        wanted = row.get("preferred_mentor")
        if wanted:
            mentor = self.by_slug.get(_mentor_slug(wanted)) or self.by_name.get(
                " ".join(wanted.split()).casefold()
            )
            if mentor is None:
                notes.append(
                    f"preferred mentor {wanted!r} is not in the directory, so it was cleared; "
                    "matching considers every mentor"
                )
            elif not mentor.accepting:
                notes.append(
                    f"preferred mentor {mentor.slug!r} is not accepting new mentees, so it was "
                    "cleared; matching considers every mentor"
                )
            else:
                cells["preferred_mentor"] = mentor.slug

        if self.asks_consent:
            consent = row.get("consent").casefold()
            if not consent or _NO_CONSENT.match(consent):
                problem(
                    "the consent question was not agreed to, so the program cannot share the "
                    "student's details with a mentor",
                    "no consent",
                )
        return Response(n, "", email, cells, issues, notes)


# --------------------------------------------------------------------------------------------
# The Requests tab
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InvalidRow:
    """A request that needs staff: where it is and why (`reason` names no student data)."""

    response_row: int
    request_row: int
    request_id: str
    reason: str


@dataclass
class SyncReport:
    """What one sync found and did, for the CLI summary and the nightly Markdown report.

    `added`, `updated` and `unchanged` split the responses read; `superseded` lists the
    response rows that became superseded in this run; `invalid` lists every request still
    invalid (new or old), which is what needs staff; `orphaned` lists Requests rows whose
    response is no longer in the responses tab (left as they are).
    """

    responses_tab: str
    dry_run: bool = False
    responses: int = 0
    empty_rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    new: int = 0
    superseded: list[int] = field(default_factory=list)
    invalid: list[InvalidRow] = field(default_factory=list)
    orphaned: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    status_counts: dict[str, int] = field(default_factory=dict)
    cells_written: int = 0

    @property
    def needs_attention(self) -> bool:
        """True when some request is invalid (the CLI then exits 1)."""
        return bool(self.invalid)

    def summary(self) -> list[str]:
        """Plain lines for the terminal (no student data)."""
        verb = "Would write" if self.dry_run else "Wrote"
        lines = [
            f"Read {self.responses} response(s) from {self.responses_tab!r}"
            + (f" ({self.empty_rows} empty row(s) skipped)." if self.empty_rows else "."),
            f"Requests: {self.added} added, {self.updated} updated, {self.unchanged} unchanged; "
            f"{self.new} new this run, {len(self.superseded)} superseded this run.",
            "Statuses now: "
            + (", ".join(f"{k} {v}" for k, v in sorted(self.status_counts.items())) or "none")
            + ".",
            f"{verb} {self.cells_written} cell(s).",
        ]
        lines += [f"Warning: {w}" for w in self.warnings]
        if self.orphaned:
            lines.append(
                f"{len(self.orphaned)} Requests row(s) have no response any more (left as they are): "
                + _rows(self.orphaned)
                + "."
            )
        if self.invalid:
            lines.append(f"{len(self.invalid)} request(s) need attention:")
            lines += [f"  Requests row {i.request_row}: {i.reason}" for i in self.invalid]
        return lines

    def to_markdown(self) -> str:
        """The report as a Markdown section (no student data), for the nightly run summary."""
        out = [
            "### Intake",
            "",
            "| Responses | Added | Updated | Unchanged | New this run | Superseded | Invalid |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            f"| {self.responses} | {self.added} | {self.updated} | {self.unchanged} | {self.new} "
            f"| {len(self.superseded)} | {len(self.invalid)} |",
            "",
        ]
        if self.dry_run:
            out += ["*Dry run: nothing was written.*", ""]
        for warning in self.warnings:
            out.append(f"- Warning: {warning}")
        if self.orphaned:
            out.append(f"- Requests rows without a response any more: {_rows(self.orphaned)}")
        if self.invalid:
            out += [
                "",
                "Needs attention:",
                "",
                "| Requests row | Response row | Why |",
                "| ---: | ---: | --- |",
            ]
            out += [f"| {i.request_row} | {i.response_row} | {i.reason} |" for i in self.invalid]
        return "\n".join(out).rstrip() + "\n"


def _rows(rows: Sequence[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:20])
    return shown + (f" and {len(rows) - 20} more" if len(rows) > 20 else "")


def _status(record: ledger.Record) -> str:
    return record["status"].strip().casefold()


def reconcile(
    table: Table, parsed: Parsed, now: dt.datetime, report: SyncReport, *, tab: str
) -> None:
    """Bring the Requests table in line with the parsed responses (changes recorded in `table`).

    The rules, per request (one per response, keyed by `request_id`):

    - A response without a row gets one, appended at the end; rows are never removed or moved.
    - Sync owns the statuses `new`, `invalid` and `superseded` (and a blank status): on such
      rows it refreshes the answer cells from the response, so a fix made in the responses tab
      flows through, and recomputes status, reason and note. `waiting`, `matched`, `withdrawn`
      and any other value staff type are left alone, answers included, with one exception: a
      `waiting` request becomes `superseded` when the same student has sent a newer valid
      answer, since waiting means matching found no one yet and the newer answer replaces it.
    - Latest answer wins: among one student's requests (same normalised email) that are not
      invalid, the one submitted last (then the lowest in the sheet) is current; older `new`,
      `waiting` or `superseded` ones become `superseded`. A `matched` request is never
      superseded or changed; a newer answer after a match stays `new` with a note, since the
      student may want another mentor (staff set it to `withdrawn` if not). A `withdrawn`
      latest answer still supersedes older open ones: the student's last word was to stop. An
      invalid answer supersedes nothing until it is fixed.
    - `response_row` always points at the response's current row; `updated_at` changes only
      when a row's status, reason, note or answers change, so a second run writes nothing.
    """
    stamp = now.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    existing = table.by("request_id")
    seen: set[str] = set()
    # (record, response, is_new); new records are built in memory and appended at the end with
    # their final values, so a new row costs one appended row and no extra cell updates.
    rows: list[tuple[ledger.Record, Response, bool]] = []
    for n, response in enumerate(parsed.responses):
        seen.add(response.request_id)
        record = existing.get(response.request_id)
        if record is None:
            fresh = {"request_id": response.request_id, "status": ""}
            rows.append((ledger.Record(-1 - n, fresh), response, True))
        else:
            table.set(record, "response_row", str(response.row))
            rows.append((record, response, False))
    report.orphaned = sorted(
        r.row for r in table if r["request_id"] and r["request_id"] not in seen
    )

    # What each row should hold if sync has the last word on it.
    target: dict[int, dict[str, str]] = {}
    for record, response, _ in rows:
        if _status(record) in MANAGED or not _status(record):
            cells = dict(response.cells)
            cells["response_row"] = str(response.row)
            if response.valid:
                cells["status"], cells["reason"] = RequestStatus.NEW, ""
            else:
                cells["status"] = RequestStatus.INVALID
                cells["reason"] = "; ".join(i.sheet for i in response.issues)
            cells["note"] = "; ".join(response.notes)
            target[record.row] = cells

    def value(record: ledger.Record, column: str) -> str:
        return target.get(record.row, {}).get(column, record[column])

    def status(record: ledger.Record) -> str:
        return value(record, "status").strip().casefold()

    students: dict[str, list[ledger.Record]] = defaultdict(list)
    everyone = list(table) + [record for record, _, is_new in rows if is_new]
    for record in everyone:
        email = normalise_email(value(record, "email"))
        if status(record) != RequestStatus.INVALID and email:
            students[email].append(record)
    for records in students.values():
        if len(records) < 2:
            continue

        def order(record: ledger.Record) -> tuple[str, int]:
            row = value(record, "response_row")
            return (value(record, "submitted_at"), int(row) if row.isdigit() else 0)

        records.sort(key=order)
        latest, older = records[-1], records[:-1]
        for record in older:
            if status(record) in (
                RequestStatus.NEW,
                RequestStatus.WAITING,
                RequestStatus.SUPERSEDED,
            ):
                cells = target.setdefault(record.row, {})
                cells["status"] = RequestStatus.SUPERSEDED
                cells["reason"] = (
                    "replaced by the same student's later answer "
                    f"(row {value(latest, 'response_row')} of {tab})"
                )
        matched = [r for r in older if status(r) == RequestStatus.MATCHED and r.row > 0]
        if matched and status(latest) == RequestStatus.NEW:
            cells = target[latest.row]
            extra = (
                f"this student already has a matched request (Requests row {matched[-1].row}); "
                "matching treats this as a request for another mentor, so set status to "
                "withdrawn if that is not wanted"
            )
            cells["note"] = "; ".join(x for x in (cells.get("note", ""), extra) if x)

    for record, response, is_new in rows:
        before = "" if is_new else _status(record)
        if is_new:
            values = {**record.values, **target[record.row], "updated_at": stamp}
            record = table.append(values)
        else:
            changes = {k: v for k, v in target.get(record.row, {}).items() if record[k] != v}
            for column, cell in changes.items():
                table.set(record, column, cell)
            if changes:
                table.set(record, "updated_at", stamp)
                report.updated += 1
            else:
                report.unchanged += 1
        after = _status(record)
        if after != before:
            if after == RequestStatus.NEW:
                report.new += 1
            elif after == RequestStatus.SUPERSEDED:
                report.superseded.append(response.row)
        if after == RequestStatus.INVALID:
            report.invalid.append(
                InvalidRow(
                    response.row,
                    record.row,
                    record["request_id"],
                    "; ".join(i.public for i in response.issues)
                    or "marked invalid in the Requests tab",
                )
            )
    report.added = sum(1 for _, _, is_new in rows if is_new)
    report.superseded.sort()
    report.status_counts = dict(Counter(_status(r) or "(blank)" for r in table))


def run_sync(
    spreadsheet: ledger.Spreadsheet,
    config: Config,
    taxonomy: Vocabulary,
    mentors: Iterable[MentorLike],
    now: dt.datetime,
    dry_run: bool = False,
) -> SyncReport:
    """Read the responses and Requests tabs once, reconcile, and write the changes in one batch.

    The responses tab is only read. With `dry_run` everything is computed and reported but
    nothing is written. Raises LedgerError when the responses tab is missing or lacks a
    required question's column.
    """
    tab = config.responses_worksheet
    tabs = spreadsheet.read([tab, REQUESTS])
    values = tabs.get(tab)
    if values is None and config.backend == "local":
        raise LedgerError(
            f"The local ledger has no worksheet {tab!r}: put the form's responses in "
            f"{config.local_dir}/{tab}.csv (File > Download > CSV in Google Sheets), or run "
            "`make demo` to seed it with the sample responses from examples/."
        )
    if values is None:
        raise LedgerError(
            f"The spreadsheet has no worksheet {tab!r}. Link the form to this spreadsheet "
            "(Form > Responses > Link to Sheets), or set responses_worksheet in "
            "[tool.mentorship] to the tab's name."
        )
    parsed = parse_responses(values, config.questions, taxonomy, list(mentors), tab=tab)
    report = SyncReport(tab, dry_run=dry_run, responses=len(parsed.responses))
    report.empty_rows = parsed.empty_rows
    report.warnings = list(parsed.warnings)
    table = Table(REQUESTS, REQUEST_COLUMNS, tabs.get(REQUESTS))
    reconcile(table, parsed, now, report, tab=tab)
    batch = WriteBatch()
    table.collect(batch)
    report.cells_written = len(batch.updates) + sum(
        len(r) for rows in batch.appends.values() for r in rows
    )
    log.info(
        "intake: %d responses, %d added, %d updated, %d invalid, %d cells to write%s",
        report.responses,
        report.added,
        report.updated,
        len(report.invalid),
        report.cells_written,
        " (dry run)" if dry_run else "",
    )
    if log.isEnabledFor(logging.DEBUG):
        emails = {r.row: r.cells["email"] for r in parsed.responses}
        for row in report.invalid:
            # Staff find the row by its number; the masked address only tells rows apart.
            email = mask_email(emails.get(row.response_row, ""))
            log.debug("intake: row %d (%s): %s", row.response_row, email, row.reason)
    if batch and not dry_run:
        spreadsheet.write(batch)
    return report
