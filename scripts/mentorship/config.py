"""Configuration: the `[tool.mentorship]` table of pyproject.toml, as typed dataclasses.

Secrets never live here; Google credentials come from Application Default Credentials.
Each stage owns one sub-table; unknown keys are reported so a typo never passes silently.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol, TypeVar

from .errors import ConfigError

# The static site generators that can build the site (see `mentorship.site.engines`).
SITE_ENGINES = ("mkdocs", "zensical")
QUESTION_FIELDS = (
    "timestamp",
    "name",
    "email",
    "program",
    "year",
    "industries",
    "topics",
    "goals",
    "preferred_mentor",
    "timezone",
    "availability",
    "languages",
    "meeting_format",
    "consent",
)


@dataclass(frozen=True)
class FormConfig:
    """The Google Form students use; `mentor_entry` is the prefill id of the mentor question,
    `timezone_entry` that of the time-zone question (the mentor page fills in the visitor's
    zone, so students who come through the directory never type one)."""

    url: str = ""
    mentor_entry: str = ""
    timezone_entry: str = ""


@dataclass(frozen=True)
class MatchingConfig:
    """Weights and hard rules of matching (see `mentorship.matching`)."""

    industry: float = 3.0
    topic: float = 2.0
    program: float = 1.0
    language: float = 1.0
    availability: float = 2.0
    # Weekly hours of shared time that earn the full availability weight (less earns a share).
    availability_hours: float = 4.0
    meeting_format: float = 1.0
    preferred: float = 10.0
    min_score: float = 1.0
    max_profile_age_days: int = 400


@dataclass(frozen=True)
class ScheduleConfig:
    """How first sessions are scheduled (see `mentorship.scheduling`)."""

    lead_hours: int = 48
    horizon_days: int = 21
    grid_minutes: int = 30
    session_minutes: int = 45


@dataclass(frozen=True)
class CalendarConfig:
    """The program's Google Calendar and who sends invites."""

    calendar_id: str = "primary"
    delegate: str = ""
    coordinator_email: str = ""
    site_url: str = ""


MESSAGE_BACKENDS = ("", "off", "local", "smtp", "gmail")
SMTP_SECURITY = ("starttls", "ssl", "none")


@dataclass(frozen=True)
class MessagesConfig:
    """Emails to students and mentors (see `mentorship.messages`); secrets only in the env.

    `backend` "" follows the ledger: the local backend writes .eml files, a Google ledger sends
    nothing until staff choose "smtp" or "gmail". `off` lists message kinds not to send.
    """

    backend: str = ""
    outbox_dir: str = ".outbox"
    templates_dir: str = "templates/messages"
    university: str = "Our University"
    from_address: str = ""
    from_name: str = "Alumni Mentoring"
    reply_to: str = ""
    signature: str = "The Alumni Mentoring team"
    off: list[str] = field(default_factory=list)
    daily_cap: int = 400
    batch_size: int = 20
    max_per_second: float = 2.0
    waiting_notice_days: int = 7
    waiting_repeat_days: int = 14
    stale_notice_days: int = 30
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"
    smtp_user: str = ""
    gmail_user: str = ""


@dataclass(frozen=True)
class RosterConfig:
    """The private roster of mentors' contact details (see `mentorship.roster`)."""

    worksheet: str = "Mentors"
    # The responses tab of the private "Mentor contact" form, and the form's address.
    contact_worksheet: str = "Mentor contact"
    contact_form_url: str = ""


# The check-in form's questions: our field -> the default title (the setup guide's form).
CHECKIN_QUESTIONS: dict[str, str] = {
    "timestamp": "Timestamp",
    "code": "Check-in code",
    "role": "I am the",
    "happened": "Did the session happen?",
    "useful": "How useful was the session?",
    "progress": "How much did it move the student towards their goals?",
    "continue": "Would you like to keep meeting?",
    "comment": "Anything the programme team should know? (private)",
}
CHECKIN_FIELDS = tuple(CHECKIN_QUESTIONS)


@dataclass(frozen=True)
class CheckinConfig:
    """The check-in form (see `mentorship.relationship`): no `form_url`, no check-ins.

    `worksheet` is its responses tab in the ledger spreadsheet; `code_entry` and `role_entry`
    are the prefill ids of the "Check-in code" and "I am the" questions; `questions` maps
    `CHECKIN_FIELDS` to the form's titles (defaults: `CHECKIN_QUESTIONS`).
    """

    form_url: str = ""
    worksheet: str = "Form Responses 2"
    code_entry: str = ""
    role_entry: str = ""
    questions: dict[str, str] = field(default_factory=lambda: dict(CHECKIN_QUESTIONS))

    @property
    def enabled(self) -> bool:
        """True when check-in links go in invites and the nightly reads the answers."""
        return bool(self.form_url.strip())


@dataclass(frozen=True)
class RelationshipConfig:
    """Follow-up sessions after the first invite (see `mentorship.relationship`).

    `sessions` per match, one every `cadence_weeks`; none after `term_end` (an ISO date, the
    term's last day; "" for none); a session with no check-in from either side `quiet_days`
    after its start makes the match "quiet" (listed for staff).
    """

    sessions: int = 4
    cadence_weeks: int = 3
    term_end: str = ""
    quiet_days: int = 14

    @property
    def term_end_date(self) -> dt.date | None:
        """`term_end` as a date (checked when the configuration is read), None when unset."""
        return dt.date.fromisoformat(self.term_end.strip()) if self.term_end.strip() else None


@dataclass(frozen=True)
class Config:
    """The whole `[tool.mentorship]` table, resolved against the project root."""

    root: Path
    backend: str = "local"
    local_dir: str = ".ledger"
    invites_dir: str = ".invites"
    spreadsheet_key: str = ""
    responses_worksheet: str = "Form Responses 1"
    mentors_dir: str = "mentors"
    # "manual": staff approve each new match in the sheet (the safe default); "auto": new
    # matches go straight to invites.
    approval: str = "manual"
    # Email domains allowed to ask for a mentor ("university.edu"); empty allows any.
    student_email_domains: tuple[str, ...] = ()
    # The PII-free open-places status the nightly writes and the site build reads.
    open_places_file: str = "status/open-places.json"
    # The PII-free programme figures the nightly writes beside it (`mentorship.outcomes`), and
    # whether the site gets a "Programme in numbers" page drawn from them.
    figures_file: str = "status/figures.json"
    numbers_page: bool = False
    # What builds the public site: "mkdocs" (MkDocs + Material) or "zensical" (their successor).
    site_engine: str = "mkdocs"
    form: FormConfig = field(default_factory=FormConfig)
    questions: dict[str, str] = field(default_factory=dict)
    matching: MatchingConfig = field(default_factory=MatchingConfig)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    calendar: CalendarConfig = field(default_factory=CalendarConfig)
    messages: MessagesConfig = field(default_factory=MessagesConfig)
    roster: RosterConfig = field(default_factory=RosterConfig)
    checkin: CheckinConfig = field(default_factory=CheckinConfig)
    relationship: RelationshipConfig = field(default_factory=RelationshipConfig)

    @property
    def local_path(self) -> Path:
        """The folder of the local ledger's CSV files."""
        return self.root / self.local_dir

    @property
    def invites_path(self) -> Path:
        """The folder of the local backend's .ics invites."""
        return self.root / self.invites_dir

    @property
    def open_places_path(self) -> Path:
        """The directory status file (slug -> open places)."""
        return self.root / self.open_places_file

    @property
    def figures_path(self) -> Path:
        """The programme figures file (PII-free counts, see `mentorship.outcomes`)."""
        return self.root / self.figures_file

    @property
    def mentors_path(self) -> Path:
        """The folder of mentor profiles."""
        return self.root / self.mentors_dir


class _Dataclass(Protocol):
    """Any dataclass (what `dataclasses.fields` accepts)."""

    __dataclass_fields__: ClassVar[dict[str, Any]]


T = TypeVar("T", bound=_Dataclass)


def _build(cls: type[T], table: Any, where: str) -> T:
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table, not {type(table).__name__}.")
    known = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(table) - set(known))
    if unknown:
        raise ConfigError(
            f"{where}: unknown key(s) {', '.join(unknown)}; known keys are {', '.join(sorted(known))}."
        )
    values: dict[str, Any] = {}
    for name, value in table.items():
        default = known[name].default
        if default is not dataclasses.MISSING and default is not None:
            expected = type(default)
            if expected is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if not isinstance(value, expected) or isinstance(value, bool) != isinstance(
                default, bool
            ):
                raise ConfigError(f"{where}.{name} must be a {expected.__name__}, not {value!r}.")
        values[name] = value
    return cls(**values)


def parse_config(table: dict[str, Any], root: Path) -> Config:
    """Build a Config from the `[tool.mentorship]` table (a dict), checking every key."""
    table = dict(table)
    where = "[tool.mentorship]"
    form = _build(FormConfig, table.pop("form", {}), f"{where}.form")
    matching = _build(MatchingConfig, table.pop("matching", {}), f"{where}.matching")
    schedule = _build(ScheduleConfig, table.pop("schedule", {}), f"{where}.schedule")
    calendar = _build(CalendarConfig, table.pop("calendar", {}), f"{where}.calendar")
    messages = _messages(table.pop("messages", {}), f"{where}.messages")
    roster = _build(RosterConfig, table.pop("roster", {}), f"{where}.roster")
    checkin = _checkin(table.pop("checkin", {}), f"{where}.checkin")
    relationship = _relationship(table.pop("relationship", {}), f"{where}.relationship")
    questions = table.pop("questions", {})
    if not isinstance(questions, dict) or not all(isinstance(v, str) for v in questions.values()):
        raise ConfigError(f"{where}.questions must map field names to question titles (strings).")
    unknown_q = sorted(set(questions) - set(QUESTION_FIELDS))
    if unknown_q:
        raise ConfigError(
            f"{where}.questions: unknown field(s) {', '.join(unknown_q)}; "
            f"known fields are {', '.join(QUESTION_FIELDS)}."
        )
    domains = table.pop("student_email_domains", [])
    if not isinstance(domains, list) or not all(isinstance(d, str) for d in domains):
        raise ConfigError(
            f'{where}.student_email_domains must be a list of domains, like ["university.edu"].'
        )
    cleaned = tuple(d.strip().lower().lstrip("@") for d in domains if d.strip())
    bad = [d for d in cleaned if "." not in d or "@" in d or " " in d]
    if bad:
        raise ConfigError(
            f"{where}.student_email_domains: {', '.join(repr(d) for d in bad)} is not a domain "
            'like "university.edu".'
        )
    base = _build(Config, {"root": root, **table}, where) if "root" not in table else None
    if base is None:
        raise ConfigError(f"{where}: 'root' is not a setting.")
    if base.backend not in ("local", "google"):
        raise ConfigError(f'{where}.backend must be "local" or "google", not {base.backend!r}.')
    if base.approval not in ("auto", "manual"):
        raise ConfigError(f'{where}.approval must be "auto" or "manual", not {base.approval!r}.')
    if base.site_engine not in SITE_ENGINES:
        raise ConfigError(
            f'{where}.site_engine must be "mkdocs" or "zensical", not {base.site_engine!r}.'
        )
    return dataclasses.replace(
        base,
        student_email_domains=cleaned,
        form=form,
        questions=questions,
        matching=matching,
        schedule=schedule,
        calendar=calendar,
        messages=messages,
        roster=roster,
        checkin=checkin,
        relationship=relationship,
    )


def _checkin(table: Any, where: str) -> CheckinConfig:
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table, not {type(table).__name__}.")
    table = dict(table)
    questions = table.pop("questions", {})
    config = _build(CheckinConfig, table, where)
    if not isinstance(questions, dict) or not all(isinstance(v, str) for v in questions.values()):
        raise ConfigError(f"{where}.questions must map field names to question titles (strings).")
    unknown = sorted(set(questions) - set(CHECKIN_FIELDS))
    if unknown:
        raise ConfigError(
            f"{where}.questions: unknown field(s) {', '.join(unknown)}; "
            f"known fields are {', '.join(CHECKIN_FIELDS)}."
        )
    empty = sorted(f for f, title in questions.items() if not title.strip())
    if empty:
        raise ConfigError(
            f"{where}.questions: {', '.join(empty)} has no title; give the form's question "
            "title, or leave the field out to use the default."
        )
    if config.enabled and not config.code_entry.strip():
        raise ConfigError(
            f"{where}: form_url is set but code_entry is empty; in the check-in form use "
            '"Get pre-filled link", type anything as the check-in code, and copy its '
            '"entry.<digits>" into code_entry (the setup guide shows how).'
        )
    return dataclasses.replace(config, questions={**CHECKIN_QUESTIONS, **questions})


def _relationship(table: Any, where: str) -> RelationshipConfig:
    config = _build(RelationshipConfig, table, where)
    for name in ("sessions", "cadence_weeks", "quiet_days"):
        if getattr(config, name) < 1:
            raise ConfigError(f"{where}.{name} must be at least 1, not {getattr(config, name)}.")
    if config.term_end.strip():
        try:
            dt.date.fromisoformat(config.term_end.strip())
        except ValueError:
            raise ConfigError(
                f'{where}.term_end must be a date like "2026-12-19" (the term\'s last day), '
                f'or "" for none, not {config.term_end!r}.'
            ) from None
    return config


def _messages(table: Any, where: str) -> MessagesConfig:
    from .messages.kinds import NAMES

    config = _build(MessagesConfig, table, where)
    if not isinstance(config.off, list) or not all(isinstance(k, str) for k in config.off):
        raise ConfigError(f'{where}.off must be a list of message kinds, like ["still_waiting"].')
    unknown = sorted(set(config.off) - set(NAMES))
    if unknown:
        raise ConfigError(
            f"{where}.off: unknown message kind(s) {', '.join(unknown)}; "
            f"the kinds are {', '.join(NAMES)}."
        )
    if config.backend not in MESSAGE_BACKENDS:
        raise ConfigError(
            f'{where}.backend must be "off", "local", "smtp" or "gmail", not {config.backend!r}.'
        )
    if config.smtp_security not in SMTP_SECURITY:
        raise ConfigError(
            f'{where}.smtp_security must be "starttls", "ssl" or "none", not {config.smtp_security!r}.'
        )
    for name in ("daily_cap", "batch_size", "waiting_notice_days", "waiting_repeat_days"):
        if getattr(config, name) < 1:
            raise ConfigError(f"{where}.{name} must be at least 1, not {getattr(config, name)}.")
    if config.max_per_second < 0 or config.stale_notice_days < 0:
        raise ConfigError(f"{where}: max_per_second and stale_notice_days cannot be negative.")
    return config


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` holding a pyproject.toml."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    raise ConfigError(
        f"No pyproject.toml found in {start} or above; run the command inside the repository."
    )


def load_config(root: Path | None = None) -> Config:
    """Read `[tool.mentorship]` from `root/pyproject.toml` (root: found from the working dir)."""
    root = find_root(Path.cwd()) if root is None else root.resolve()
    path = root / "pyproject.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path} does not exist.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}.") from None
    table = data.get("tool", {}).get("mentorship")
    if table is None:
        raise ConfigError(f"{path} has no [tool.mentorship] table; copy it from the README.")
    return parse_config(table, root)
