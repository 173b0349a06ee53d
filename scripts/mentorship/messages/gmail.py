"""The Gmail backend: `users.messages.send` as the coordinator, through google-api-python-client.

Credentials are the same Application Default Credentials as the calendar's: a service account
with domain-wide delegation acting for `gmail_user` (default: the calendar's `delegate`), with
the extra scope `https://www.googleapis.com/auth/gmail.send`.

What is retried, under the toolkit's one retry policy (`google_transport.RetryPolicy`): 429,
408 and rate-limit 403 answers, and connections refused before the request left; Google did
nothing with those. A 429 that says
"(Mail sending)" is the account's daily sending limit: the run stops sending and the rest waits
for the next run. A 5xx, or a connection that drops after the request left, may follow a message
Google already sent (Google's own guide warns that sending is asynchronous), so it is `unknown`,
never sent twice.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Sequence
from email.message import EmailMessage
from email.policy import SMTP
from typing import Any

from .. import google_api
from ..errors import AccessError
from ..google_transport import GoogleError, RetryPolicy
from .send import SendResult

log = logging.getLogger(__name__)

GMAIL_SCOPES = ("https://www.googleapis.com/auth/gmail.send",)


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
        policy: RetryPolicy | None = None,
    ):
        self.service = service
        self.mailbox = mailbox
        self.service_account = service_account
        # The toolkit's one retry policy (google_transport): bounded tries, jittered backoff.
        self.policy = policy or RetryPolicy(attempts=5)
        self.description = f"Gmail ({mailbox or 'the signed-in account'})"

    def send(self, message_id: str, email: EmailMessage) -> SendResult:
        """users.messages.send with the email as base64url `raw` (see the module docstring)."""
        import httplib2
        from googleapiclient.errors import HttpError

        raw = base64.urlsafe_b64encode(email.as_bytes(policy=SMTP)).decode("ascii")
        tries = 0
        while True:
            tries += 1
            request = self.service.users().messages().send(userId="me", body={"raw": raw})
            try:
                response = request.execute(num_retries=0)
            except (HttpError, OSError, httplib2.HttpLib2Error) as exc:
                error = GoogleError.from_exception(exc)
                assert error is not None
                # Refused connections never carried the request: safe to try again.
                unsent = isinstance(exc, ConnectionRefusedError | httplib2.ServerNotFoundError)
                verdict = self._verdict(error, unsent)
                if verdict is not None:
                    return verdict
                if tries >= self.policy.attempts:
                    return SendResult(
                        "later",
                        message=f"Gmail stayed busy ({error.status or 'no answer'} "
                        f"{error.reason}); the next run tries again",
                    )
                seconds = self.policy.wait(tries - 1, error.retry_after)
                log.info("messages: Gmail busy (%s); retried in %.2f s", error.status, seconds)
                continue
            return SendResult("sent", str(response.get("id", "")))

    def _verdict(self, error: GoogleError, unsent: bool) -> SendResult | None:
        """The final result of a failed send, or None when it is safe and useful to retry."""
        if error.status == 429 and "mail sending" in error.message.lower():
            return SendResult(
                "later",
                message=(
                    f"Gmail's daily sending limit for {self.mailbox or 'the mailbox'} is "
                    "reached; the rest waits for the next run"
                ),
                stop=True,
            )
        if error.status is None:
            if unsent:
                return None
            return SendResult(
                "unknown",
                message=(
                    f"the connection to Gmail failed after the message was handed over "
                    f"({error.message}); it may have been sent"
                ),
            )
        if error.status >= 500:
            return SendResult(
                "unknown",
                message=(
                    f"Gmail answered {error.status} after the message was handed over; it may "
                    "have been sent (look in the mailbox's Sent folder)"
                ),
            )
        if error.transient:  # 429, 408, or a rate-limit 403: Google did nothing with it
            return None
        if error.status in (401, 403):
            raise self._refused(error.status, error.body)
        detail = f"{error.status} {', '.join(sorted(error.reasons))}: {error.message}"
        return SendResult("failed", message=f"Gmail refused the message ({detail})")

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
        # The loopback fake has no quota to be gentle with.
        policy=RetryPolicy(attempts=5, base=0.01 if google_api.api_root() else 1.0),
    )
