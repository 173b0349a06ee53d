"""Google's error bodies, per API family.

Sheets v4 answers in the newer style `{"error": {"code", "message", "status"}}`; Drive v3 and
Calendar v3 still answer in the older style with an `errors` list carrying `domain` and
`reason`, which is what googleapiclient's `HttpError.reason`/`error_details` and gspread's
BackOffHTTPClient look at.
"""

from __future__ import annotations

from typing import Any

_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    410: "ABORTED",
    412: "FAILED_PRECONDITION",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


class GoogleError(Exception):
    """An error answer, raised by a handler and turned into Google's JSON body by the server."""

    def __init__(
        self,
        code: int,
        message: str,
        *,
        status: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        details: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.errors = errors
        self.details = details

    def body(self) -> dict[str, Any]:
        """The JSON body Google sends with this error."""
        error: dict[str, Any] = {}
        if self.errors is not None:
            error["errors"] = self.errors
        error["code"] = self.code
        error["message"] = self.message
        if self.status is not None:
            error["status"] = self.status
        if self.details is not None:
            error["details"] = self.details
        return {"error": error}


def sheets_error(code: int, message: str) -> GoogleError:
    """A Sheets v4 style error."""
    return GoogleError(code, message, status=_STATUS_NAMES.get(code, "UNKNOWN"))


def legacy_error(
    code: int, message: str, reason: str, *, domain: str = "global", **extra: str
) -> GoogleError:
    """A Drive v3 / Calendar v3 style error with one `errors` entry."""
    entry: dict[str, Any] = {"domain": domain, "reason": reason, "message": message}
    entry.update(extra)
    return GoogleError(code, message, errors=[entry])


def fault_error(service: str, code: int, reason: str = "") -> GoogleError:
    """The error Google sends for an injected fault (quota, outage, refused access)."""
    if service == "gmail":
        from .gmail import gmail_fault

        return gmail_fault(code, reason)
    if service == "sheets":
        if code == 429:
            return GoogleError(
                429,
                "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per "
                "minute per user' of service 'sheets.googleapis.com' for consumer "
                "'project_number:000000000000'.",
                status="RESOURCE_EXHAUSTED",
                details=[
                    {
                        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                        "reason": "RATE_LIMIT_EXCEEDED",
                        "domain": "googleapis.com",
                        "metadata": {
                            "service": "sheets.googleapis.com",
                            "quota_limit": "WriteRequestsPerMinutePerUser",
                            "consumer": "projects/000000000000",
                            "quota_metric": "sheets.googleapis.com/write_requests",
                        },
                    }
                ],
            )
        if code == 403:
            return sheets_error(403, "The caller does not have permission")
        if code == 503:
            return sheets_error(503, "The service is currently unavailable.")
        if code == 500:
            return sheets_error(500, "Internal error encountered.")
        return sheets_error(code, "Fault injected by the fake.")
    # Drive and Calendar.
    if code == 429 or (code == 403 and reason in {"rateLimitExceeded", "userRateLimitExceeded"}):
        reason = reason or "rateLimitExceeded"
        message = (
            "Rate Limit Exceeded" if reason == "rateLimitExceeded" else "User Rate Limit Exceeded"
        )
        return legacy_error(code, message, reason, domain="usageLimits")
    if code == 403:
        if service == "drive":
            return legacy_error(
                403,
                "The user does not have sufficient permissions for this file.",
                reason or "insufficientFilePermissions",
            )
        if reason:
            return legacy_error(403, "Forbidden", reason)
        # What Calendar answers when the calendar is not shared with write access.
        return legacy_error(
            403, "You need to have writer access to this calendar.", "requiredAccessLevel"
        )
    if code in (500, 502, 503, 504):
        return legacy_error(code, "Backend Error", reason or "backendError")
    return legacy_error(code, "Fault injected by the fake.", reason or "unknown")
