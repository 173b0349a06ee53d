"""The doctor's checks that need no Google client: configuration, profiles, form, ledger,
messages."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from .. import backends
from ..config import Config
from ..errors import MentorshipError
from ..ledger import Spreadsheet

FORM_URL_RE = re.compile(r"^https://docs\.google\.com/forms/d/(e/)?[A-Za-z0-9_-]{10,}/viewform$")
ENTRY_RE = re.compile(r"^entry\.\d+$")


@dataclass(frozen=True)
class Finding:
    """One line of the doctor's report: what was checked, what was found, and the fix."""

    ok: bool
    check: str
    detail: str
    fix: str = ""

    def render(self) -> str:
        """'✓ check: detail' or '✗ check: detail' plus an indented 'fix:' line."""
        line = f"{'✓' if self.ok else '✗'} {self.check}: {self.detail}"
        return line if self.ok or not self.fix else f"{line}\n    fix: {self.fix}"


def _closest(title: str, header: list[str]) -> str:
    found = difflib.get_close_matches(title, header, n=1, cutoff=0.5)
    if not found:
        lowered = {h.lower().strip(): h for h in header}
        found = [lowered[title.lower().strip()]] if title.lower().strip() in lowered else []
    return f'; closest column: "{found[0]}"' if found else ""


def check_questions(config: Config, values: list[list[str]] | None, where: str) -> Finding:
    """Every configured question title must be a column header of the responses tab."""
    if values is None:
        return Finding(
            False,
            "responses tab",
            f'{where} has no tab "{config.responses_worksheet}"',
            "link the form to this spreadsheet (Form > Responses > Link to Sheets), or set "
            "responses_worksheet in [tool.mentorship] to the tab's exact name",
        )
    header = [str(c).strip() for c in (values[0] if values else []) if str(c).strip()]
    if not header:
        return Finding(
            False,
            "form questions",
            f'"{config.responses_worksheet}" is empty (no header row yet)',
            "submit one test answer to the form so Google writes the question titles, then "
            "run the doctor again",
        )
    from ..intake import title_key  # the one matcher sync uses too

    present = {title_key(h) for h in header}
    missing = [
        f'{field} = "{title}" is not a column{_closest(title, header)}'
        for field, title in config.questions.items()
        if title_key(title) not in present
    ]
    if missing:
        return Finding(
            False,
            "form questions",
            "; ".join(missing),
            "make the form's question title and [tool.mentorship.questions] in pyproject.toml "
            "the same words (letter case and spacing do not matter)",
        )
    return Finding(
        True,
        "form questions",
        f'all {len(config.questions)} question titles are columns of "{config.responses_worksheet}"'
        f" ({len(values) - 1} responses)",
    )


def check_form(config: Config) -> Iterator[Finding]:
    """The form's address and the prefill id of the preferred-mentor question."""
    url, entry = config.form.url.strip(), config.form.mentor_entry.strip()
    if not url and not entry and config.backend == "local":
        yield Finding(
            True,
            "form",
            "not configured (fine on the local backend; the directory shows no Request button)",
        )
        return
    if FORM_URL_RE.match(url):
        yield Finding(True, "form url", url)
    else:
        yield Finding(
            False,
            "form url",
            f"{url!r} is not a Google Form address"
            if url
            else "[tool.mentorship.form] url is empty",
            "in the form: ⋮ > Get pre-filled link > Get link > Copy link, and put the part "
            'before "?" in url, e.g. "https://docs.google.com/forms/d/e/1FAIpQL.../viewform"',
        )
    if ENTRY_RE.match(entry):
        yield Finding(True, "form prefill id", entry)
    else:
        yield Finding(
            False,
            "form prefill id",
            f"mentor_entry {entry!r} is not of the form entry.<digits>"
            if entry
            else "[tool.mentorship.form] mentor_entry is empty",
            'copy the "entry.1234567890" part of the pre-filled link (the one followed by '
            "your test mentor's slug) into mentor_entry",
        )
    yield check_timezone_entry(config)


def check_timezone_entry(config: Config) -> Finding:
    """The prefill id of the time-zone question: set, well-formed, not the mentor question's."""
    entry, mentor = config.form.timezone_entry.strip(), config.form.mentor_entry.strip()
    fix = (
        'in the pre-filled link, copy the "entry.<digits>" part followed by the time zone you '
        "typed (e.g. Europe/London) into timezone_entry; the mentor page then fills in each "
        "visitor's zone"
    )
    if not entry:
        return Finding(
            False,
            "form time-zone prefill id",
            "[tool.mentorship.form] timezone_entry is empty",
            fix,
        )
    if not ENTRY_RE.match(entry):
        return Finding(
            False,
            "form time-zone prefill id",
            f"timezone_entry {entry!r} is not of the form entry.<digits>",
            fix,
        )
    if entry == mentor:
        return Finding(
            False,
            "form time-zone prefill id",
            f"timezone_entry is the same as mentor_entry ({entry}): the link would fill the "
            "zone into the mentor question",
            fix,
        )
    return Finding(True, "form time-zone prefill id", entry)


def check_profiles(config: Config) -> Finding:
    """Every mentor profile loads without problems."""
    from ..profiles import load_profiles

    profiles = load_profiles(config.mentors_path)
    if profiles.problems:
        first = profiles.problems[0]
        return Finding(
            False,
            "mentor profiles",
            f"{len(profiles.problems)} problem(s), e.g. {first}",
            "run `mentorship validate` and fix each problem it lists",
        )
    return Finding(
        True, "mentor profiles", f"{len(profiles.mentors)} valid in {config.mentors_dir}/"
    )


def check_roster(config: Config, sheet: Spreadsheet) -> Finding:
    """The private roster tab exists, its rows are usable; how many mentors it cannot reach."""
    from ..profiles import load_profiles
    from ..roster import ROSTER_COLUMNS, read_roster, with_contacts

    title = config.roster.worksheet
    roster = read_roster(sheet, title)
    if not roster.exists:
        return Finding(
            False,
            "mentor roster",
            f"there is no {title} tab: mentors cannot be invited without it",
            f"add a tab named {title} whose first row is {', '.join(ROSTER_COLUMNS)} "
            "(`mentorship roster import` creates it from existing profiles)",
        )
    if roster.problems:
        return Finding(
            False,
            "mentor roster",
            f"{len(roster.problems)} row problem(s), e.g. {roster.problems[0]}",
            f"fix those rows in the {title} tab (`mentorship roster check` lists them all)",
        )
    unlisted = with_contacts(load_profiles(config.mentors_path).mentors, roster).unlisted
    detail = f"{len(roster.contacts)} mentor(s) listed in {title}"
    if unlisted:
        detail += (
            f"; {len(unlisted)} profile(s) have no row and are not matched until they do "
            "(`mentorship roster check` names them)"
        )
    return Finding(True, "mentor roster", detail)


def check_lock(sheet: Spreadsheet, now: dt.datetime) -> Finding:
    """Whether a nightly run holds the ledger lock now (informational unless it looks stuck)."""
    from ..lock import RUNS, holder_of

    claim = holder_of(sheet, now)
    if claim is None:
        return Finding(True, "run lock", "free")
    return Finding(
        False,
        "run lock",
        f"held by {claim.describe()}",
        "wait for that run to finish; if it is certainly dead, set its released_at cell in the "
        f"{RUNS} tab (row {claim.row}) to any date",
    )


def local_checks(config: Config, now: dt.datetime) -> Iterator[Finding]:
    folder = config.local_path
    if folder.is_dir():
        usable = os.access(folder, os.W_OK)
        yield Finding(
            usable,
            "ledger folder",
            f"{config.local_dir}/ {'is writable' if usable else 'is not writable'}",
            f"give yourself write permission on {folder}",
        )
        if not usable:
            return
    else:
        parent = next((p for p in folder.parents if p.exists()), folder.parent)
        creatable = os.access(parent, os.W_OK)
        yield Finding(
            creatable,
            "ledger folder",
            f"{config.local_dir}/ does not exist yet"
            + (" (the first run creates it)" if creatable else f" and {parent} is not writable"),
            f"create {folder} or set local_dir in [tool.mentorship]",
        )
        if not creatable:
            return
    sheet = backends.open_spreadsheet(config)
    values = sheet.read([config.responses_worksheet])[config.responses_worksheet]
    where = f"{config.local_dir}/"
    finding = check_questions(config, values, where)
    if values is None:
        finding = Finding(
            False,
            "responses file",
            f"{config.local_dir}/{config.responses_worksheet}.csv does not exist",
            f'copy examples/form_responses.csv to "{config.local_dir}/{config.responses_worksheet}.csv"'
            " (make demo does), or export the form's responses there as CSV",
        )
    yield finding
    yield check_roster(config, sheet)
    if config.checkin.enabled:
        from .checkins import check_checkin_tab

        yield check_checkin_tab(config, sheet)
    yield check_lock(sheet, now)


def exit_code(findings: list[Finding]) -> int:
    """0 when every finding is green, 2 otherwise (configuration or access problems)."""
    return 0 if all(f.ok for f in findings) else 2


def check_messages(config: Config, env: Mapping[str, str]) -> Iterator[Finding]:
    """Where messages go, what that needs, and whether every template parses."""
    from ..messages.gmail import GMAIL_SCOPES
    from ..messages.render import Templates
    from ..messages.smtp import PASSWORD_ENV
    from ..messages.stage import effective_backend

    settings = config.messages
    backend = effective_backend(config)
    if backend == "off":
        yield Finding(
            True,
            "messages",
            "off: students and mentors get no email from the toolkit",
            "",
        )
        return
    if backend == "local":
        yield Finding(True, "messages", f"written as .eml files to {settings.outbox_dir}/")
    elif backend == "smtp":
        if not settings.smtp_host.strip():
            yield Finding(
                False,
                "messages",
                'backend "smtp" has no smtp_host',
                "set smtp_host (and smtp_port, smtp_security) in [tool.mentorship.messages]",
            )
        elif settings.smtp_user.strip() and not env.get(PASSWORD_ENV):
            yield Finding(
                False,
                "messages",
                f"smtp_user is {settings.smtp_user.strip()!r} but {PASSWORD_ENV} is not set",
                f"set {PASSWORD_ENV} in the environment (a repository secret on Actions)",
            )
        else:
            yield Finding(
                True,
                "messages",
                f"sent through {settings.smtp_host}:{settings.smtp_port} "
                f"({settings.smtp_security})",
            )
    else:
        mailbox = (settings.gmail_user or config.calendar.delegate).strip()
        if not mailbox:
            yield Finding(
                False,
                "messages",
                'backend "gmail" has no mailbox to send as',
                "set gmail_user in [tool.mentorship.messages] (or the calendar's delegate)",
            )
        else:
            yield Finding(
                True,
                "messages",
                f"sent as {mailbox} through the Gmail API; the service account's domain-wide "
                f"delegation must include the scope {GMAIL_SCOPES[0]}",
            )
    templates = Templates(config.root / settings.templates_dir)
    try:
        count = templates.check()
    except MentorshipError as exc:
        yield Finding(False, "message templates", str(exc), "fix the template it names")
    else:
        yield Finding(True, "message templates", f"{count} templates parse")
