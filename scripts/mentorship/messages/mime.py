"""One message as an RFC 5322 email: headers from config, a text part and an HTML part."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from ..errors import ConfigError
from .render import Rendered

ID_HEADER = "X-Mentorship-Message"
"""Carries the Outbox id, so staff (and tests) can tell which ledger row an email is."""


@dataclass(frozen=True)
class Sender:
    """Who messages come from: the From address and name, and where replies go."""

    address: str
    name: str = ""
    reply_to: str = ""


def _address(email: str, name: str = "", *, what: str) -> Address:
    local, at, domain = email.strip().rpartition("@")
    if not at or not local or not domain or any(c in email for c in "\r\n<>,; \t\"'"):
        raise ConfigError(f"{what} {email!r} is not an email address.")
    # Display names come from config; line breaks would make a header of their own.
    return Address(display_name=" ".join(name.split()), username=local, domain=domain)


def message_id_header(message_id: str, sender: Sender) -> str:
    """A stable Message-ID for an Outbox id: the same row always carries the same one."""
    digest = hashlib.sha256(message_id.encode("utf-8")).hexdigest()[:32]
    domain = sender.address.partition("@")[2] or "mentorship.invalid"
    return f"<{digest}@{domain}>"


def build_email(
    message_id: str, to: str, rendered: Rendered, sender: Sender, now: dt.datetime
) -> EmailMessage:
    """The email for one Outbox row: multipart/alternative, plain text first."""
    email = EmailMessage()
    email["From"] = _address(sender.address, sender.name, what="The sender address")
    email["To"] = _address(to, what="The recipient address")
    if sender.reply_to.strip():
        email["Reply-To"] = _address(sender.reply_to, what="reply_to")
    email["Subject"] = rendered.subject
    email["Date"] = format_datetime(now.astimezone(dt.UTC))
    email["Message-ID"] = message_id_header(message_id, sender)
    email[ID_HEADER] = message_id
    # Out-of-office replies and mailing-list tools leave automatic mail alone.
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(rendered.text)
    email.add_alternative(rendered.html, subtype="html")
    return email
