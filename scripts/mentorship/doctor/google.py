"""The doctor's Google checks: whose credentials, the spreadsheet, the calendar, the sender."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from .. import backends
from ..config import Config
from ..errors import MentorshipError
from ..ledger import Spreadsheet
from .checks import Finding, check_lock, check_questions, check_roster

API_ROOT_ENV = "MENTORSHIP_GOOGLE_API_ROOT"


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


def check_invite_sender(config: Config, identity: Identity) -> Finding:
    """A service account may invite attendees only while acting for a staff user (delegate)."""
    # The Google modules load only here: the local backend's doctor needs none of them.
    from ..google_api import CALENDAR_SCOPES

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


CREDENTIALS_FIX = (
    "locally: export GOOGLE_APPLICATION_CREDENTIALS=/path/to/key.json (or run "
    "`gcloud auth application-default login`); on GitHub Actions: set the variables "
    "GCP_WORKLOAD_IDENTITY_PROVIDER and GCP_SERVICE_ACCOUNT, or the secret "
    "GOOGLE_CREDENTIALS"
)


def google_checks(
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
            CREDENTIALS_FIX,
        )
        return
    yield Finding(True, "credentials", identity.description)
    share_with = identity.service_account or "the account above"
    # A refused key or an unreachable token endpoint surfaces on the first real call.
    from ..google_api import CREDENTIAL_ERRORS, credential_failure

    sheet: Spreadsheet | None = None
    try:
        opened = backends.open_spreadsheet(config)
        values = opened.read([config.responses_worksheet])[config.responses_worksheet]
    except CREDENTIAL_ERRORS as exc:
        yield Finding(False, "credentials", str(credential_failure(exc)), CREDENTIALS_FIX)
        return
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
        if config.checkin.enabled:
            from .checkins import check_checkin_tab

            yield check_checkin_tab(config, opened)
    calendar_id = config.calendar.calendar_id
    if calendar_probe is not None:
        try:
            detail = calendar_probe(config)
        except CREDENTIAL_ERRORS as exc:
            yield Finding(False, "credentials", str(credential_failure(exc)), CREDENTIALS_FIX)
            return
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

    from ..calendar.google import open_google_calendar
    from ..errors import AccessError

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
