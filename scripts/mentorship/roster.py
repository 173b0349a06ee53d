"""The private roster: mentors' contact details, kept out of the public repository.

Profiles are public (the repository, the site), so they carry no email. The roster is the
`Mentors` tab of the ledger spreadsheet (local backend: `Mentors.csv` in the git-ignored ledger
folder), one row per mentor: `slug` (the profile's file name), `email`, an optional `calendar`
address for invites, and staff `notes`. Invites and messages read it; a mentor with no row (or
an unusable one) is not matched until staff add it.

Mentors give their address privately through the "Mentor contact" Google Form; its responses
tab is read (never written) and synced in here by `sync_contact_form`: a slug not yet listed is
added, a changed address for a listed slug waits for staff, since anyone holding the form's link
could otherwise redirect another mentor's invites.

Messages name sheet rows and slugs, never an address: they reach logs and job summaries.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .ledger import Spreadsheet, Table, WriteBatch
from .profiles.models import EMAIL_RE, SLUG_RE, Mentor

log = logging.getLogger(__name__)

ROSTER_COLUMNS: tuple[str, ...] = ("slug", "email", "calendar", "notes", "updated_at")

# The "Mentor contact" form's questions, as titled in its responses tab.
CONTACT_QUESTIONS: dict[str, str] = {
    "slug": "Your profile's address (slug)",
    "email": "Email address",
    "calendar": "Calendar address for invites (optional)",
}
_SLUG_IN_URL = re.compile(r"/mentors/([a-z0-9]+(?:-[a-z0-9]+)*)/?(?:index\.html)?$")


@dataclass(frozen=True)
class Contact:
    """One mentor's private contact details."""

    slug: str
    email: str
    calendar: str = ""

    @property
    def invite_address(self) -> str:
        """Where calendar invites go: the calendar address when given, else the email."""
        return self.calendar or self.email


@dataclass
class Roster:
    """The roster's usable rows by slug, and what is wrong with the others (by sheet row)."""

    contacts: dict[str, Contact] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    exists: bool = True

    def __contains__(self, slug: str) -> bool:
        return slug in self.contacts


def parse_roster(title: str, values: list[list[str]] | None) -> Roster:
    """The roster from the tab's values (header first); None means the tab does not exist."""
    if values is None:
        return Roster(exists=False)
    table = Table(title, ROSTER_COLUMNS, values)
    roster = Roster()
    if table.missing and {"slug", "email"} & set(table.missing):
        roster.problems.append(
            f"the {title} tab has no {' and no '.join(repr(c) for c in table.missing[:2])} "
            f"column; its first row must name the columns {', '.join(ROSTER_COLUMNS)}"
        )
        return roster
    seen_email: dict[str, int] = {}
    for record in table:
        slug = record["slug"].strip()
        problem = _row_problem(record["slug"], record["email"], record["calendar"])
        if not problem and slug in roster.contacts:
            problem = f"slug {slug!r} is listed twice; keep one row"
        email = record["email"].strip()
        if not problem and email.casefold() in seen_email:
            problem = f"the same email is also on row {seen_email[email.casefold()]}"
        if problem:
            roster.problems.append(f"{title} row {record.row}: {problem}")
            roster.contacts.pop(slug, None)  # a slug listed twice is used by neither row
            continue
        seen_email[email.casefold()] = record.row
        roster.contacts[slug] = Contact(slug, email, record["calendar"].strip())
    return roster


def _row_problem(slug: str, email: str, calendar: str) -> str:
    slug, email, calendar = slug.strip(), email.strip(), calendar.strip()
    if not SLUG_RE.match(slug):
        # The answer itself is not repeated: it may be anything, even an address.
        return "the slug is not a profile's file name (like ana-lima, for mentors/ana-lima.yml)"
    if not email:
        return "the email cell is empty"
    if not EMAIL_RE.match(email):
        return "the email cell does not hold a valid address"
    if calendar and not EMAIL_RE.match(calendar):
        return "the calendar cell is not an email address; leave it empty to use the email"
    return ""


def read_roster(spreadsheet: Spreadsheet, title: str) -> Roster:
    """Read and parse the roster tab."""
    return parse_roster(title, spreadsheet.read([title])[title])


@dataclass
class Reachable:
    """Mentors split by whether the roster can reach them."""

    mentors: list[Mentor]
    unlisted: list[str]


def reachable_mentors(
    spreadsheet: Spreadsheet, mentors: Sequence[Mentor], roster_worksheet: str
) -> Reachable:
    """Read the roster and keep the mentors it can reach (a count of the rest is logged)."""
    roster = read_roster(spreadsheet, roster_worksheet)
    reachable = with_contacts(mentors, roster)
    if reachable.unlisted:
        log.warning(
            "%d mentor(s) have no usable row in the %s tab and are not matched until they do; "
            "`mentorship roster check` lists them.",
            len(reachable.unlisted),
            roster_worksheet,
        )
    return reachable


def with_contacts(mentors: Sequence[Mentor], roster: Roster) -> Reachable:
    """The mentors the roster lists, each carrying its invite address; the others by slug."""
    ready: list[Mentor] = []
    unlisted: list[str] = []
    for mentor in mentors:
        contact = roster.contacts.get(mentor.slug)
        if contact is None:
            unlisted.append(mentor.slug)
        else:
            ready.append(mentor.model_copy(update={"email": contact.invite_address}))
    return Reachable(ready, unlisted)


# --- The "Mentor contact" form -------------------------------------------------------------------


@dataclass
class ContactSyncReport:
    """What syncing the contact form did: counts, and rows for staff (no addresses)."""

    added: int = 0
    unchanged: int = 0
    attention: list[str] = field(default_factory=list)


def sync_contact_form(
    spreadsheet: Spreadsheet,
    roster_title: str,
    responses_title: str,
    known_slugs: set[str],
    now: dt.datetime,
    *,
    dry_run: bool = False,
) -> ContactSyncReport:
    """Add the contact form's answers for mentors not yet in the roster (one write at most).

    The latest answer per slug counts. An answer for a slug with no profile, or a different
    address for a slug already listed, is left for staff and named by its responses row.
    """
    tabs = spreadsheet.read([roster_title, responses_title])
    report = ContactSyncReport()
    responses = tabs[responses_title]
    if not responses:
        return report
    header = [c.strip() for c in responses[0]]
    columns = {}
    for key, question in CONTACT_QUESTIONS.items():
        if question in header:
            columns[key] = header.index(question)
        elif key != "calendar":
            report.attention.append(
                f"{responses_title}: no question titled {question!r}; the contact form's "
                f"questions must be titled {', '.join(repr(q) for q in CONTACT_QUESTIONS.values())}"
            )
            return report
    latest: dict[str, tuple[int, str, str]] = {}
    for offset, raw in enumerate(responses[1:]):
        row = offset + 2
        cells = list(raw) + [""] * len(header)
        slug = _slug_of(cells[columns["slug"]])
        email = cells[columns["email"]].strip()
        calendar = cells[columns["calendar"]].strip() if "calendar" in columns else ""
        if not any(c.strip() for c in raw):
            continue
        problem = _row_problem(slug, email, calendar)
        if not problem and slug not in known_slugs:
            problem = f"there is no profile mentors/{slug}.yml (yet)"
        if problem:
            report.attention.append(f"{responses_title} row {row}: {problem}")
            continue
        latest[slug] = (row, email, calendar)
    table = Table(roster_title, ROSTER_COLUMNS, tabs[roster_title])
    rows = table.by("slug")
    stamp = now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for slug, (row, email, calendar) in sorted(latest.items()):
        record = rows.get(slug)
        if record is None:
            table.append({"slug": slug, "email": email, "calendar": calendar, "updated_at": stamp})
            report.added += 1
        elif (record["email"].strip().casefold(), record["calendar"].strip().casefold()) == (
            email.casefold(),
            calendar.casefold(),
        ):
            report.unchanged += 1
        else:
            report.attention.append(
                f"{responses_title} row {row}: {slug} is already in the {roster_title} tab with "
                "another address; if the mentor asked for the change, update their row by hand"
            )
    batch = WriteBatch()
    table.collect(batch)
    if batch and not dry_run:
        spreadsheet.write(batch)
    return report


def _slug_of(answer: str) -> str:
    """The slug from an answer that may be the slug, the file name or the page's address."""
    text = answer.strip().rstrip("/")
    found = _SLUG_IN_URL.search(text + "/")
    if found:
        return found.group(1)
    return text.removeprefix("mentors/").removesuffix(".yml").strip().lower()
