"""`mentorship doctor`: check the whole setup, one finding per line, each failure with its fix.

It reads and never writes, so staff can run it as often as they like while following the setup
guide. Checks, in order (a failed one stops only the checks that depend on it):

- the configuration (`[tool.mentorship]` in pyproject.toml) loads;
- the mentor profiles load without problems;
- Google backend: credentials are found (and whose they are), the spreadsheet opens and reads,
  every configured question title is a column of the responses tab (a missing one is shown with
  the closest existing title), the calendar is reachable, and a delegate is set when a service
  account sends invites (Google refuses attendees otherwise);
- local backend: the ledger folder is usable and the responses CSV has every question;
- the private roster (`Mentors` tab, or `Mentors.csv` in the ledger folder) exists and its
  rows are usable; how many mentors it cannot reach yet;
- the form's address looks like a Google Form and its prefill id is `entry.<digits>`;
- messages: where they go (and, for Gmail, the extra delegation scope), the SMTP password in
  the environment, and every message template parses;
- whether a nightly run holds the ledger lock right now.

Exit code 0 when everything is green, 2 otherwise (configuration or access problems).
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from . import backends
from .config import Config, load_config
from .errors import MentorshipError
from .ledger import Spreadsheet

FORM_URL_RE = re.compile(r"^https://docs\.google\.com/forms/d/(e/)?[A-Za-z0-9_-]{10,}/viewform$")
ENTRY_RE = re.compile(r"^entry\.\d+$")
API_ROOT_ENV = "MENTORSHIP_GOOGLE_API_ROOT"


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


@dataclass(frozen=True)
class Identity:
    """Whose Google credentials were found: a service account email, or a description."""

    description: str
    service_account: str = ""


def google_identity(env: Mapping[str, str]) -> Identity:
    """Find Application Default Credentials and say whose they are. Raises MentorshipError."""
    import google.auth
    from google.auth.exceptions import DefaultCredentialsError

    try:
        credentials, project = google.auth.default()
    except DefaultCredentialsError as exc:
        if env.get(API_ROOT_ENV):
            # Rehearsals and tests point the clients at the loopback fake, which needs none
            # (the clients then use anonymous credentials, as this says).
            return Identity(f"none needed: Google APIs at {env[API_ROOT_ENV]} ({API_ROOT_ENV})")
        raise MentorshipError(f"no Application Default Credentials found ({exc})") from None
    email = getattr(credentials, "service_account_email", None) or ""
    if email and "@" in email:
        where = env.get("GOOGLE_APPLICATION_CREDENTIALS") or "workload identity / metadata"
        return Identity(f"service account {email} (from {where})", email)
    kind = type(credentials).__module__
    if "external_account" in kind or "identity_pool" in kind:
        return Identity("workload identity federation without service account impersonation")
    return Identity(
        "your own Google account (gcloud auth application-default login)"
        + (f", project {project}" if project else "")
    )


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
    missing = [
        f'{field} = "{title}" is not a column{_closest(title, header)}'
        for field, title in config.questions.items()
        if title.strip() not in header
    ]
    if missing:
        return Finding(
            False,
            "form questions",
            "; ".join(missing),
            "make the form's question title and [tool.mentorship.questions] in pyproject.toml "
            "identical, character for character",
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
    from .profiles import load_profiles

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
    from .profiles import load_profiles
    from .roster import ROSTER_COLUMNS, read_roster, with_contacts

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
    from .lock import RUNS, holder_of

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


def check_invite_sender(config: Config, identity: Identity) -> Finding:
    """A service account may invite attendees only while acting for a staff user (delegate)."""
    # The Google modules load only here: the local backend's doctor needs none of them.
    from .google_api import CALENDAR_SCOPES

    delegate = config.calendar.delegate.strip()
    if identity.service_account and not delegate:
        return Finding(
            False,
            "invite sender",
            f"{identity.service_account} is a service account and "
            "[tool.mentorship.calendar] delegate is empty: Google refuses to invite attendees "
            "from a service account (forbiddenForServiceAccounts)",
            "set up domain-wide delegation for the service account with the scopes "
            f"{','.join(CALENDAR_SCOPES)}, and set delegate to the staff address "
            "invites come from",
        )
    if delegate:
        return Finding(True, "invite sender", f"invites are sent as {delegate}")
    return Finding(True, "invite sender", "invites are sent as the signed-in account")


def check_messages(config: Config, env: Mapping[str, str]) -> Iterator[Finding]:
    """Where messages go, what that needs, and whether every template parses."""
    from .messages.gmail import GMAIL_SCOPES
    from .messages.render import Templates
    from .messages.smtp import PASSWORD_ENV
    from .messages.stage import effective_backend

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


def _local_checks(config: Config, now: dt.datetime) -> Iterator[Finding]:
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
    yield check_lock(sheet, now)


def _google_checks(
    config: Config,
    env: Mapping[str, str],
    now: dt.datetime,
    calendar_probe: Callable[[Config], str] | None,
) -> Iterator[Finding]:
    try:
        identity = google_identity(env)
    except MentorshipError as exc:
        yield Finding(
            False,
            "credentials",
            str(exc),
            "locally: export GOOGLE_APPLICATION_CREDENTIALS=/path/to/key.json (or run "
            "`gcloud auth application-default login`); on GitHub Actions: set the variables "
            "GCP_WORKLOAD_IDENTITY_PROVIDER and GCP_SERVICE_ACCOUNT, or the secret "
            "GOOGLE_CREDENTIALS",
        )
        return
    yield Finding(True, "credentials", identity.description)
    share_with = identity.service_account or "the account above"
    sheet: Spreadsheet | None = None
    try:
        opened = backends.open_spreadsheet(config)
        values = opened.read([config.responses_worksheet])[config.responses_worksheet]
    except MentorshipError as exc:
        yield Finding(
            False,
            "spreadsheet",
            str(exc),
            f"share the spreadsheet with {share_with} as Editor, and check spreadsheet_key",
        )
    else:
        sheet = opened
        yield Finding(True, "spreadsheet", f"opened {config.spreadsheet_key} and read it")
        yield check_questions(config, values, "the spreadsheet")
        yield check_roster(config, opened)
    calendar_id = config.calendar.calendar_id
    if calendar_probe is not None:
        try:
            detail = calendar_probe(config)
        except MentorshipError as exc:
            yield Finding(
                False,
                "calendar",
                str(exc),
                f"give {config.calendar.delegate or share_with} 'Make changes to events' on "
                f"calendar {calendar_id}, and check calendar_id in [tool.mentorship.calendar]",
            )
        else:
            yield Finding(True, "calendar", detail)
    yield check_invite_sender(config, identity)
    if sheet is not None:
        yield check_lock(sheet, now)


def google_calendar_probe(config: Config) -> str:
    """List one event of the configured calendar (events.list, maxResults=1); AccessError if refused."""
    from googleapiclient.errors import HttpError

    from .calendar.google import open_google_calendar
    from .errors import AccessError

    calendar = open_google_calendar(config.calendar)
    calendar_id = config.calendar.calendar_id.strip() or "primary"
    try:
        calendar.service.events().list(calendarId=calendar_id, maxResults=1).execute()
    except HttpError as exc:
        status = exc.resp.status
        why = {404: "was not found", 403: "refused access", 401: "refused the credentials"}
        raise AccessError(
            f"calendar {calendar_id} {why.get(status, f'answered HTTP {status}')}"
        ) from None
    return f"can list events on {calendar_id}"


def diagnose(
    root: Path | None = None,
    env: Mapping[str, str] | None = None,
    now: dt.datetime | None = None,
    calendar_probe: Callable[[Config], str] | None = google_calendar_probe,
) -> list[Finding]:
    """Run every check and return the findings in order (nothing is written anywhere)."""
    env = os.environ if env is None else env
    now = now or dt.datetime.now(dt.UTC)
    findings: list[Finding] = []
    try:
        config = load_config(root)
    except MentorshipError as exc:
        return [
            Finding(
                False,
                "configuration",
                str(exc),
                "fix [tool.mentorship] in pyproject.toml (the README shows a complete table)",
            )
        ]
    findings.append(
        Finding(True, "configuration", f"backend {config.backend!r}, approval {config.approval!r}")
    )
    try:
        findings.append(check_profiles(config))
    except MentorshipError as exc:
        findings.append(Finding(False, "mentor profiles", str(exc), "restore mentors/taxonomy.yml"))
    checks: Iterator[Finding] = (
        _local_checks(config, now)
        if config.backend == "local"
        else _google_checks(config, env, now, calendar_probe)
    )
    ledger: list[Finding] = []
    try:
        ledger.extend(checks)
    except MentorshipError as exc:
        ledger.append(Finding(False, "ledger", str(exc), "see the message"))
    # The lock goes last: it is the state of tonight's run, not part of the setup.
    findings += [f for f in ledger if f.check != "run lock"]
    findings.extend(check_form(config))
    findings.extend(check_messages(config, env))
    findings += [f for f in ledger if f.check == "run lock"]
    return findings


def exit_code(findings: list[Finding]) -> int:
    """0 when every finding is green, 2 otherwise (configuration or access problems)."""
    return 0 if all(f.ok for f in findings) else 2
