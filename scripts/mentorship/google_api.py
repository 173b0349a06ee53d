"""The Google side of the edge: credentials, the two real clients, and Google's errors in words.

Credentials come from Application Default Credentials only (a service-account or
authorized-user JSON named by GOOGLE_APPLICATION_CREDENTIALS, `gcloud auth
application-default login`, or workload identity federation on GitHub Actions). Nothing here
reads a key path from the repository.

`MENTORSHIP_GOOGLE_API_ROOT` (e.g. `http://127.0.0.1:8765`) sends every Sheets, Drive and
Calendar call to that root instead of Google, so a developer's checkout and the tests can run the
real CLI against the loopback fake in the repository's tests/ (not installed with the package).
Unset, the clients talk to Google. Retries and Google's error bodies are `google_transport`'s.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

import google.auth
import gspread
import requests
from google.auth.credentials import AnonymousCredentials, Credentials
from google.auth.exceptions import DefaultCredentialsError, RefreshError, TransportError
from google.auth.transport.requests import AuthorizedSession
from gspread.http_client import HTTPClient

from mentorship.errors import AccessError
from mentorship.google_transport import (
    RATE_LIMIT_REASONS,
    USAGE_LIMIT_REASONS,
    RetryPolicy,
    parse_error_body,
)

API_ROOT_ENV = "MENTORSHIP_GOOGLE_API_ROOT"
#: The hosts the clients call; each is replaced by the API root when one is set.
GOOGLE_HOSTS = ("https://sheets.googleapis.com", "https://www.googleapis.com")
SHEETS_SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
CALENDAR_SCOPES = (
    "https://www.googleapis.com/auth/calendar.events",
    "https://www.googleapis.com/auth/calendar.freebusy",
)


def api_root() -> str | None:
    """The API root override from MENTORSHIP_GOOGLE_API_ROOT, or None to talk to Google."""
    root = os.environ.get(API_ROOT_ENV, "").strip().rstrip("/")
    return root or None


def rewrite_url(url: str, root: str | None) -> str:
    """Point a Google API URL at `root` (unchanged when root is None)."""
    if root:
        for host in GOOGLE_HOSTS:
            if url.startswith(host + "/") or url == host:
                return root + url[len(host) :]
    return url


def credentials(scopes: Sequence[str], *, delegate: str = "") -> Credentials:
    """Application Default Credentials for `scopes`, acting for `delegate` when given.

    `delegate` (a staff user's email) needs a service account with domain-wide delegation.
    With an API root override and no ADC at all, anonymous credentials are used, which is
    what the loopback fake accepts.
    """
    try:
        creds, _project = google.auth.default(scopes=list(scopes))
    except DefaultCredentialsError:
        if api_root():
            return AnonymousCredentials()
        raise AccessError(
            "No Google credentials found. Set GOOGLE_APPLICATION_CREDENTIALS to the path of a "
            "service-account JSON key kept outside the repository, or run `gcloud auth "
            "application-default login`; on GitHub Actions use workload identity federation "
            "(google-github-actions/auth). To try the toolkit without Google, set "
            '`backend = "local"` in [tool.mentorship] of pyproject.toml.'
        ) from None
    if delegate:
        with_subject = getattr(creds, "with_subject", None)
        if with_subject is None:
            raise AccessError(
                f'`delegate = "{delegate}"` is set in [tool.mentorship.calendar], but the '
                "Application Default Credentials are not a service account, so they cannot act "
                "for another user. Use a service-account key with domain-wide delegation, or "
                "remove `delegate` to act as the signed-in user."
            )
        creds = with_subject(delegate)
    return creds


CREDENTIAL_ERRORS = (RefreshError, TransportError)
"""What google-auth raises when a token cannot be had: the key was refused, or no answer."""


def credential_failure(exc: BaseException) -> AccessError:
    """A credential failure from google-auth as an AccessError that says how to fix it."""
    if isinstance(exc, TransportError):
        return AccessError(
            "Could not reach Google's token endpoint to sign in "
            f"({type(exc).__name__}: {_first_line(exc)}). Check the network or proxy of this "
            "machine (on GitHub Actions, try the run again later), then run `mentorship doctor`."
        )
    return AccessError(
        "Google refused the credentials when signing in "
        f"({_first_line(exc)}). The service-account key was probably deleted, disabled or "
        "replaced, or this machine's clock is wrong. Create a new JSON key (Google Cloud "
        "console > IAM & Admin > Service accounts > the account > Keys > Add key), put it in "
        "GOOGLE_APPLICATION_CREDENTIALS (on GitHub Actions: the GOOGLE_CREDENTIALS secret), "
        "and run `mentorship doctor`."
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc.args[0] if exc.args else exc).strip()
    return (text.splitlines() or [type(exc).__name__])[0][:200]


def service_account_email(creds: Any) -> str:
    """The service account's email when the credentials are one, else ""."""
    email = getattr(creds, "service_account_email", "") or ""
    return email if isinstance(email, str) and "@" in email else ""


class _RootSession(AuthorizedSession):
    """An AuthorizedSession that sends Google-bound URLs to the API root override."""

    def __init__(self, creds: Credentials, root: str | None) -> None:
        super().__init__(creds)
        self._root = root

    def request(
        self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any
    ) -> requests.Response:
        """Same as AuthorizedSession.request, with the URL rewritten."""
        text = url.decode() if isinstance(url, bytes) else url
        response: requests.Response = super().request(
            method, rewrite_url(text, self._root), *args, **kwargs
        )
        return response


class RetryingHTTPClient(HTTPClient):
    """gspread's HTTP client, retrying transient failures by `google_transport.RetryPolicy`.

    `policy` is replaced by `gspread_client` (a shorter first wait against the fake) and by
    `sheets_google.GoogleSpreadsheet`, which owns its retries and sets one attempt here.
    """

    policy = RetryPolicy()

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        """Send, retrying transient failures."""
        return self.policy.call(lambda: super(RetryingHTTPClient, self).request(*args, **kwargs))


def gspread_client(creds: Credentials, *, backoff: float | None = None) -> gspread.Client:
    """The real gspread client, retrying transient errors, aimed at the API root when set.

    `backoff` is the first retry delay in seconds; by default 1 s against Google and 10 ms
    against an API root override (the fake has no quota to be gentle with).
    """
    root = api_root()
    # gspread keeps `creds` only to build a session of its own; ours is given.
    client = gspread.Client(
        creds, session=_RootSession(creds, root), http_client=RetryingHTTPClient
    )
    http = client.http_client
    assert isinstance(http, RetryingHTTPClient)
    http.policy = RetryPolicy(base=backoff if backoff is not None else (0.01 if root else 1.0))
    # requests waits forever by default; a stuck connection must not hang the nightly run.
    # (connect, read) in seconds; googleapiclient's own default is 60 s.
    client.set_timeout((10, 300))
    return client


def calendar_service(creds: Credentials) -> Any:
    """The real google-api-python-client Calendar v3, from the discovery document it ships.

    Batches must be made with `calendar_batch()`: the service's own
    `new_batch_http_request()` always targets Google's batch URL.
    """
    from googleapiclient.discovery import build

    root = api_root()
    options = {"api_endpoint": f"{root}/calendar/v3/"} if root else None
    return build(
        "calendar",
        "v3",
        credentials=creds,
        static_discovery=True,
        cache_discovery=False,
        client_options=options,
    )


def calendar_batch_uri() -> str:
    """Calendar's batch endpoint, at the API root override when one is set."""
    return f"{api_root() or 'https://www.googleapis.com'}/batch/calendar/v3"


def calendar_batch(callback: Callable[..., Any] | None = None) -> Any:
    """A BatchHttpRequest for Calendar v3 (at most 50 requests per batch, Google's limit)."""
    from googleapiclient.http import BatchHttpRequest

    return BatchHttpRequest(callback=callback, batch_uri=calendar_batch_uri())


def describe_http_error(
    status: int,
    body: Any,
    *,
    service_account_email: str,
    service: str = "sheets",
) -> AccessError:
    """An AccessError whose message says what Google refused and what staff should do.

    `service` is "sheets" (also Drive) or "calendar"; `body` is Google's error body.
    """
    parsed = parse_error_body(body)
    message, status_name, reasons = parsed.message, parsed.status_name, parsed.reasons
    account = service_account_email or "the service account in GOOGLE_APPLICATION_CREDENTIALS"
    said = f" Google said: {message}" if message else ""
    if status == 403 and "forbiddenForServiceAccounts" in reasons:
        return AccessError(
            "Google Calendar refused to invite attendees (403 forbiddenForServiceAccounts): a "
            "service account cannot send invitations on its own. Either give the service "
            f"account {account} domain-wide delegation in the Google Workspace admin console "
            f"(Security > API controls > Domain-wide delegation, scopes {','.join(CALENDAR_SCOPES)}) "
            "and set `delegate = "
            '"staff-user@your-university.edu"` in [tool.mentorship.calendar] of pyproject.toml, '
            "or run with an authorized-user credential (`gcloud auth application-default "
            "login`) of the staff account that owns the program calendar."
        )
    api = "Calendar" if service == "calendar" else "Sheets"
    if status == 403 and reasons & USAGE_LIMIT_REASONS:
        return AccessError(
            f"Google's usage limit for the {api} API is used up for now (403 "
            f"{', '.join(sorted(reasons & USAGE_LIMIT_REASONS))}); such limits reset within a "
            "day. Nothing is lost: run the command again later." + said
        )
    if (status == 403 and reasons & RATE_LIMIT_REASONS) or status == 429:
        return AccessError(
            f"Google's rate limit for the {api} API "
            f"was still exceeded after several retries ({status} {status_name or 'rate limit'}). "
            "Nothing is lost: wait a few minutes and run the command again; if it keeps "
            "happening, ask for a higher quota in the Google Cloud console." + said
        )
    if status == 401:
        return AccessError(
            "Google rejected the credentials (401). Check that GOOGLE_APPLICATION_CREDENTIALS "
            "points to a current key, or run `gcloud auth application-default login` again." + said
        )
    if service == "calendar":
        if status == 403:
            return AccessError(
                f"Google Calendar refused access (403). Share the program calendar with {account} "
                "with permission 'Make changes to events' (calendar settings > Share with specific "
                "people), or set `delegate` in [tool.mentorship.calendar] to a staff user who "
                "owns it." + said
            )
        if status == 404:
            return AccessError(
                "Google Calendar found no such calendar (404). Check `calendar_id` in "
                "[tool.mentorship.calendar] of pyproject.toml (calendar settings > Integrate "
                f"calendar > Calendar ID) and that it is shared with {account}." + said
            )
    else:
        if status == 403:
            return AccessError(
                f"Google refused access to the spreadsheet (403). Share the sheet with {account} "
                "as Editor (Share button in Google Sheets), then run the command again." + said
            )
        if status == 404:
            return AccessError(
                "Google found no spreadsheet with this key (404). Check `spreadsheet_key` in "
                "[tool.mentorship] of pyproject.toml: it is the long id in the sheet's URL, "
                "between /d/ and /edit." + said
            )
    return AccessError(f"Google answered {status} {status_name}.{said}".strip())
