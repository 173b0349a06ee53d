"""The Gmail backend: `users.messages.send` as the coordinator, through google-api-python-client.

Credentials are the same Application Default Credentials as the calendar's: a service account
with domain-wide delegation acting for `gmail_user` (default: the calendar's `delegate`), with
the extra scope `https://www.googleapis.com/auth/gmail.send`.

What is retried: 429 and rate-limit 403 answers, and connections refused before the request
left, after an exponential backoff with jitter; Google did nothing with those. A 429 that says
"(Mail sending)" is the account's daily sending limit: the run stops sending and the rest waits
for the next run. A 5xx, or a connection that drops after the request left, may follow a message
Google already sent (Google's own guide warns that sending is asynchronous), so it is `unknown`,
never sent twice.
"""

from __future__ import annotations

import base64
import json
import logging
import random
import time
from collections.abc import Callable, Sequence
from email.message import EmailMessage
from email.policy import SMTP
from typing import Any

from .. import google_api
from ..errors import AccessError
from .send import SendResult

log = logging.getLogger(__name__)

GMAIL_SCOPES = ("https://www.googleapis.com/auth/gmail.send",)


def _error(exc: Any) -> tuple[int, dict[str, Any], set[str], str]:
    status = int(getattr(exc, "status_code", 0) or exc.resp.status)
    try:
        body = json.loads(exc.content.decode("utf-8", "replace"))
    except (ValueError, AttributeError):
        body = {}
    error = body.get("error", {}) if isinstance(body, dict) else {}
    error = error if isinstance(error, dict) else {}
    reasons = {str(e.get("reason")) for e in error.get("errors") or [] if isinstance(e, dict)}
    return status, error, reasons, str(error.get("message", ""))


def gmail_service(creds: Any) -> Any:
    """The real Gmail v1 client from the discovery document it ships, at the API root override."""
    from googleapiclient.discovery import build

    root = google_api.api_root()
    return build(
        "gmail",
        "v1",
        credentials=creds,
        static_discovery=True,
        cache_discovery=False,
        client_options={"api_endpoint": f"{root}/"} if root else None,
    )


class GmailMailer:
    """Messages sent from one Gmail (Google Workspace) mailbox."""

    throttled = True

    def __init__(
        self,
        service: Any,
        *,
        mailbox: str = "",
        service_account: str = "",
        max_attempts: int = 5,
        base_delay: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.service = service
        self.mailbox = mailbox
        self.service_account = service_account
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.sleep = sleep
        self.description = f"Gmail ({mailbox or 'the signed-in account'})"

    def send(self, message_id: str, email: EmailMessage) -> SendResult:
        """users.messages.send with the email as base64url `raw`."""
        import httplib2
        from googleapiclient.errors import HttpError

        raw = base64.urlsafe_b64encode(email.as_bytes(policy=SMTP)).decode("ascii")
        reason = ""
        for attempt in range(1, self.max_attempts + 1):
            request = self.service.users().messages().send(userId="me", body={"raw": raw})
            retry_after: float | None = None
            try:
                response = request.execute(num_retries=0)
            except HttpError as exc:
                status, error, reasons, message = _error(exc)
                if status == 429 and "mail sending" in message.lower():
                    return SendResult(
                        "later",
                        message=(
                            f"Gmail's daily sending limit for {self.mailbox or 'the mailbox'} is "
                            "reached; the rest waits for the next run"
                        ),
                        stop=True,
                    )
                if google_api.is_retryable(status, error) and status < 500:
                    reason = f"{status} {message}".strip()
                    header = exc.resp.get("retry-after", "") if exc.resp else ""
                    retry_after = float(header) if str(header).isdigit() else None
                elif status >= 500:
                    return SendResult(
                        "unknown",
                        message=(
                            f"Gmail answered {status} after the message was handed over; it may "
                            "have been sent (look in the mailbox's Sent folder)"
                        ),
                    )
                elif status in (401, 403):
                    raise self._refused(status, exc.content) from None
                else:
                    detail = f"{status} {', '.join(sorted(reasons))}: {message}".strip()
                    return SendResult("failed", message=f"Gmail refused the message ({detail})")
            except (ConnectionRefusedError, httplib2.ServerNotFoundError) as exc:
                reason = f"{type(exc).__name__}"
            except (TimeoutError, OSError, httplib2.HttpLib2Error) as exc:
                return SendResult(
                    "unknown",
                    message=(
                        f"the connection to Gmail failed after the message was handed over "
                        f"({type(exc).__name__}); it may have been sent"
                    ),
                )
            else:
                return SendResult("sent", str(response.get("id", "")))
            if attempt < self.max_attempts:
                delay = retry_after or self.base_delay * 2 ** (attempt - 1) * (
                    0.5 + random.random() / 2
                )
                log.info("messages: Gmail busy (%s); trying again in %.2f s", reason, delay)
                self.sleep(delay)
        return SendResult(
            "later", message=f"Gmail stayed busy ({reason}); the next run tries again"
        )

    def _refused(self, status: int, content: bytes) -> AccessError:
        account = self.service_account or "the service account in GOOGLE_APPLICATION_CREDENTIALS"
        said = google_api.describe_http_error(
            status, content, service_account_email=self.service_account
        )
        return AccessError(
            f"Gmail refused to send as {self.mailbox or 'the signed-in account'} ({status}). "
            f"Give {account} domain-wide delegation with the scope "
            f"{GMAIL_SCOPES[0]} (besides the calendar scopes) in the Google Workspace admin "
            "console (Security > API controls > Domain-wide delegation), and set gmail_user in "
            "[tool.mentorship.messages] (or the calendar's delegate) to the coordinator's "
            f"address. ({said})"
        )

    def confirm(self, message_ids: Sequence[str]) -> dict[str, bool | None]:
        """Looking in Sent would need a read scope the toolkit does not ask for: unknown."""
        return dict.fromkeys(message_ids)

    def close(self) -> None:
        """Nothing to release."""


def open_gmail(mailbox: str) -> GmailMailer:
    """A GmailMailer acting for `mailbox` through domain-wide delegation (ADC)."""
    creds = google_api.credentials(GMAIL_SCOPES, delegate=mailbox)
    return GmailMailer(
        gmail_service(creds),
        mailbox=mailbox,
        service_account=google_api.service_account_email(creds),
        base_delay=0.01 if google_api.api_root() else 1.0,
    )
