"""The small interface every sending backend has: send one email, say what happened.

Backends are `local` (.eml files), `smtp` (any mail relay, smtplib) and `gmail` (the Gmail API
as the coordinator). Each retries what is safe to retry (nothing was delivered) and says
`unknown` when a message may have been delivered without the backend hearing so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Literal, Protocol

ResultKind = Literal["sent", "unknown", "later", "failed"]


@dataclass(frozen=True)
class SendResult:
    """What happened to one email.

    `sent`: accepted (`provider_id` is the server's id or the Message-ID). `unknown`: it may
    have gone out (a connection dropped after the message was handed over). `later`: not sent,
    worth trying on the next run (busy server, rate limit). `failed`: refused for good.
    `stop`: the provider will take no more today, so the run stops sending.
    """

    kind: ResultKind
    provider_id: str = ""
    message: str = ""
    stop: bool = False


class Mailer(Protocol):
    """Where messages go."""

    throttled: bool
    """Whether `max_per_second` applies (a real mail service; not .eml files)."""

    description: str
    """For messages to staff: 'the SMTP server smtp.example.edu:587', '.outbox/'."""

    def send(self, message_id: str, email: EmailMessage) -> SendResult:
        """Send one email, retrying what is safe to retry; never raises for one bad message."""
        ...

    def confirm(self, message_ids: Sequence[str]) -> dict[str, bool | None]:
        """Whether each message was sent (True/False), or None when the backend cannot know."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...
