"""Response rows: each non-empty row of the responses tab checked and turned into ledger cells.

`parse_responses` reads the tab's values (header first) with the configured question titles
and returns one `Response` per non-empty row: the ledger cells plus, when the answer cannot be
used, the problems in words staff understand.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from .. import ledger
from ..errors import LedgerError
from ..ledger import REQUEST_COLUMNS
from ..profiles.models import MeetingFormat
from ..profiles.names import name_key
from ..timezones import Ambiguous, Resolved, Unknown, resolve
from ..weekly import format_windows, windows_from_answer
from .answers import (
    Issue,
    is_sheets_serial,
    map_terms,
    mentor_slug,
    normalise_email,
    parse_timestamp,
    split_checkboxes,
    term_lookup,
    timestamp_order,
    valid_email,
)
from .layout import Layout, resolve_layout

# The ledger cells sync fills from the student's answer: all but the bookkeeping columns.
_BOOKKEEPING = frozenset({"request_id", "response_row", "status", "reason", "note", "updated_at"})
ANSWER_COLUMNS = tuple(c for c in REQUEST_COLUMNS if c not in _BOOKKEEPING)
MEETING_FORMATS = tuple(f.value for f in MeetingFormat)


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
class ParsedResponses:
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
    email_domains: Sequence[str] = (),
) -> ParsedResponses:
    """Validate every response row (header in `values[0]`); empty rows are counted, not kept.

    `email_domains` (config `student_email_domains`): when given, an address of another
    domain makes the answer invalid.
    """
    if not values:
        raise LedgerError(
            f"The worksheet {tab!r} is empty: it has no header row. Link the form to this "
            "spreadsheet (Form > Responses > Link to Sheets) or set responses_worksheet in "
            "[tool.mentorship]."
        )
    layout = resolve_layout([str(c) for c in values[0]], questions, tab)
    mentor_list = list(mentors)
    checker = _RowChecker(taxonomy, mentor_list, tab, layout, email_domains)
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
            moment = parse_timestamp(stamp, order) if is_sheets_serial(stamp) else None
            key = moment.isoformat() if moment else stamp
        else:
            key = "no-timestamp\x1f" + response.email_key + "\x1f" + row.get("name").casefold()
        keys.append((key, response.email_key))
        responses.append(response)
    for response, request_id in zip(responses, _request_ids(keys), strict=True):
        response.request_id = request_id
    return ParsedResponses(responses, len(rows) - len(filled), list(layout.warnings))


_FORMAT_ALIASES = {"in-person": "in person", "video call": "video", "online": "video"}
_NO_CONSENT = re.compile(r"^(no\b|n$|false$|i do not|i don't|i don’t)")


class _RowChecker:
    """Turns one response row into ledger cells, issues and notes."""

    def __init__(
        self,
        taxonomy: Vocabulary,
        mentors: Sequence[MentorLike],
        tab: str,
        layout: Layout,
        email_domains: Sequence[str] = (),
    ):
        self.taxonomy = taxonomy
        self.by_slug = {m.slug.casefold(): m for m in mentors}
        # A name shared by two profiles (validate rejects that, but a stale or forked
        # checkout may still hold it) resolves to nobody, never to the later one.
        self.by_name: dict[str, list[MentorLike]] = {}
        for m in mentors:
            self.by_name.setdefault(name_key(m.name), []).append(m)
        self.email_domains = tuple(d.lower() for d in email_domains)
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
        elif self.email_domains and email.rsplit("@", 1)[1] not in self.email_domains:
            allowed = ", ".join("@" + d for d in self.email_domains)
            problem(
                f"email {raw_email!r} is not a university address ({allowed}); only students "
                "may ask for a mentor, so ask the student to submit the form again signed in "
                "with their university account",
                "the email address is not of an allowed domain",
            )

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

        self._timezone(row.get("timezone"), cells, issues, where, fix)

        avail = row.get("availability")
        windows = []
        unknown = []
        for item in split_checkboxes(avail):
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
            mentor = self.by_slug.get(mentor_slug(wanted))
            named = [] if mentor else self.by_name.get(name_key(wanted), [])
            if mentor is None and len(named) == 1:
                mentor = named[0]
            if mentor is None and len(named) > 1:
                notes.append(
                    f"preferred mentor {wanted!r} is the name of {len(named)} mentors "
                    f"({', '.join(sorted(m.slug for m in named))}), so no preference was kept; "
                    "matching considers every mentor"
                )
            elif mentor is None:
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

    @staticmethod
    def _timezone(
        answer: str, cells: dict[str, str], issues: list[Issue], where: str, fix: str
    ) -> None:
        """Keep what was typed beside the zone it became; an answer that is not one zone is
        an issue staff fix by typing the zone into the row's `timezone` cell."""
        cells["timezone_answer"] = answer
        found = resolve(answer)
        cells["timezone"] = found.zone if isinstance(found, Resolved) else ""
        fix = f"type the zone (like 'Europe/London') into this request's timezone cell, {fix}"
        if isinstance(found, Ambiguous):
            sheet = f"timezone {found.words}; {fix}"
            public = f"the timezone answer fits {len(found.candidates)} zones"
        elif not answer:
            sheet, public = f"the timezone is empty; {fix}", "the timezone is empty"
        elif isinstance(found, Unknown):
            hint = f" (did you mean {found.suggestion!r}?)" if found.suggestion else ""
            sheet = f"timezone {answer!r} is not one we know{hint}; {fix}"
            public = "the timezone is not one we know"
        else:
            return
        issues.append(Issue(sheet, f"{public} ({where})", "timezone"))
