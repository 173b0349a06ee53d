"""Choosing a backend from the configuration: Google (gspread) or local files.

The Google modules are imported only when the configuration asks for Google, so the local
default runs without touching the Google client libraries or the network.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .calendar import Calendar
from .config import Config
from .errors import ConfigError
from .ledger import Spreadsheet

if TYPE_CHECKING:
    from .messages.send import Mailer


def open_spreadsheet(config: Config) -> Spreadsheet:
    """The ledger spreadsheet `config` names: the Google Sheet or the local CSV folder.

    Raises ConfigError when the Google backend has no spreadsheet key, and AccessError when
    Google refuses access (the message says what to share with whom).
    """
    if config.backend == "local":
        from .sheets_local import LocalSpreadsheet

        return LocalSpreadsheet(config.local_path)
    if not config.spreadsheet_key.strip():
        raise ConfigError(
            'backend = "google" needs spreadsheet_key in [tool.mentorship]: the long id in the '
            "sheet's address, https://docs.google.com/spreadsheets/d/<spreadsheet_key>/edit."
        )
    from .sheets_google import open_google_spreadsheet

    return open_google_spreadsheet(config.spreadsheet_key.strip())


def open_calendar(config: Config) -> Calendar:
    """Where invites go: Google Calendar `calendar.calendar_id`, or .ics files in `invites_dir`.

    Raises AccessError when Google credentials are missing or refused.
    """
    if config.backend == "local":
        from .calendar.ics import IcsCalendar

        return IcsCalendar.for_site(config.invites_path, config.calendar.site_url)
    from .calendar.google import open_google_calendar

    return open_google_calendar(config.calendar)


def open_mailer(config: Config) -> Mailer | None:
    """Where messages go ([tool.mentorship.messages] backend), or None when messages are off.

    "local" writes .eml files to `outbox_dir`; "smtp" talks to `smtp_host` (the password from
    MENTORSHIP_SMTP_PASSWORD); "gmail" sends as `gmail_user` (default: the calendar's
    `delegate`) with domain-wide delegation. Raises ConfigError or AccessError.
    """
    from .messages.stage import effective_backend

    settings = config.messages
    backend = effective_backend(config)
    if backend == "off":
        return None
    if backend == "local":
        from .messages.eml import EmlFolder

        return EmlFolder(config.root / settings.outbox_dir)
    if backend == "smtp":
        from .messages.smtp import open_smtp

        return open_smtp(
            settings.smtp_host, settings.smtp_port, settings.smtp_security, settings.smtp_user
        )
    from .messages.gmail import open_gmail

    mailbox = (settings.gmail_user or config.calendar.delegate).strip()
    if not mailbox:
        raise ConfigError(
            'messages backend = "gmail" needs gmail_user in [tool.mentorship.messages] (the '
            "coordinator's address the service account sends as), or the calendar's delegate."
        )
    return open_gmail(mailbox)
