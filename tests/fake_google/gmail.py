"""Gmail v1 `users.messages.send`, as the toolkit uses it: a raw RFC 5322 email, base64url.

The fake keeps every accepted email (`state.mail`) and answers like Gmail: the new message's
`id`, `threadId` and `labelIds: ["SENT"]`; 400 `invalidArgument` for a missing `raw` or a bad
To header. Its error bodies (also for injected faults, see `gmail_fault`) are Gmail's: the
older `errors` list with `domain` and `reason`, plus the `status` name.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from email import message_from_bytes, policy
from email.utils import getaddresses
from typing import Any
from urllib.parse import unquote

from .errors import GoogleError
from .request import Request, Response, Route

_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


def gmail_error(code: int, message: str, reason: str, *, domain: str = "global") -> GoogleError:
    """A Gmail-style error: `errors` entry with domain and reason, and the status name."""
    return GoogleError(
        code,
        message,
        status=_STATUS.get(code, "UNKNOWN"),
        errors=[{"message": message, "domain": domain, "reason": reason}],
    )


def gmail_fault(code: int, reason: str = "") -> GoogleError:
    """What Gmail answers for an injected fault.

    429 with reason "mailSending": the account's daily sending limit ("(Mail sending)", lasts
    hours); other 429: too many concurrent requests; 403 `userRateLimitExceeded`/
    `rateLimitExceeded`: the per-user quota; 403 `insufficientPermissions`: the token lacks
    the gmail.send scope; plain 403: delegation denied; 500/503: a backend error.
    """
    if code == 429 and reason == "mailSending":
        retry = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        return gmail_error(
            429,
            f"User-rate limit exceeded.  Retry after {retry} (Mail sending)",
            "rateLimitExceeded",
            domain="usageLimits",
        )
    if code == 429:
        return gmail_error(429, "Too many concurrent requests for user.", "rateLimitExceeded")
    if code == 403 and reason in ("userRateLimitExceeded", "rateLimitExceeded"):
        return gmail_error(
            403,
            "User Rate Limit Exceeded"
            if reason == "userRateLimitExceeded"
            else "Rate Limit Exceeded",
            reason,
            domain="usageLimits",
        )
    if code == 403 and reason == "insufficientPermissions":
        error = gmail_error(
            403, "Request had insufficient authentication scopes.", "insufficientPermissions"
        )
        error.errors = [
            {
                "message": "Insufficient Permission",
                "domain": "global",
                "reason": "insufficientPermissions",
            }
        ]
        error.details = [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
                "domain": "googleapis.com",
                "metadata": {"service": "gmail.googleapis.com"},
            }
        ]
        return error
    if code == 403:
        return gmail_error(403, "Delegation denied for coordinator", reason or "forbidden")
    if code == 500:
        return gmail_error(500, "Backend Error", "backendError")
    if code == 503:
        return gmail_error(503, "The service is currently unavailable.", "backendError")
    return gmail_error(code, "Fault injected by the fake.", reason or "unknown")


def send(state: Any, user_id: str, req: Request) -> Response:
    """users.messages.send: keep the email, answer its new id."""
    body = req.json(service="gmail")
    raw = body.get("raw")
    if not isinstance(raw, str) or not raw:
        raise gmail_error(
            400,
            "'raw' RFC822 payload message string or uploading message via /upload/* URL required",
            "invalidArgument",
        )
    try:
        data = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    except (binascii.Error, ValueError):
        raise gmail_error(400, "Invalid value for ByteString: raw", "invalidArgument") from None
    email = message_from_bytes(data, policy=policy.default)
    recipients = [addr for _name, addr in getaddresses(email.get_all("To", [])) if "@" in addr]
    if not recipients:
        raise gmail_error(400, "Invalid To header", "invalidArgument")
    message_id = f"{len(state.mail) + 0x18C0A1B2C3D:x}"
    state.mail.append(
        {
            "id": message_id,
            "userId": user_id,
            "to": recipients,
            "subject": str(email.get("Subject", "")),
            "headers": {k: str(v) for k, v in email.items()},
            "raw": data,
        }
    )
    return Response(200, {"id": message_id, "threadId": message_id, "labelIds": ["SENT"]})


def route(state: Any, req: Request) -> Route:
    """Map a `/gmail/v1/...` request to its Route."""
    parts = req.path[len("/gmail/v1/") :].strip("/").split("/")
    if (
        req.method == "POST"
        and len(parts) == 4
        and parts[0] == "users"
        and parts[2:] == ["messages", "send"]
    ):
        user_id = unquote(parts[1])
        return Route(
            "gmail.users.messages.send", "gmail", user_id, lambda: send(state, user_id, req)
        )
    raise gmail_error(404, "Requested entity was not found.", "notFound")
