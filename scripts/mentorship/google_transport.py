"""One way to talk to Google: how to read its error answers and when to try again.

Every Google adapter (the Sheets backend, the Calendar backend, gspread's HTTP client from
`google_api`, and a Gmail sender later) follows this one policy instead of a loop of its own:

- `GoogleError.from_exception(exc)` reads any failed call (gspread's `APIError`, a `requests`
  error, googleapiclient's `HttpError`, a dropped connection) into status, reasons, message and
  Retry-After; `parse_error_body` reads a raw error body alone.
- `is_transient(status, reasons)` says whether trying again can help: a network error (no
  status), 408, 429, 500, 502, 503, 504, or a 403 whose reason is a rate limit
  (`RATE_LIMIT_REASONS`). A `quotaExceeded` or `dailyLimitExceeded` 403 is a usage limit that
  lasts hours, so it is final: staff are told to run again later instead of the run stalling.
- `RetryPolicy` bounds the tries (6 by default) and spaces them by exponential backoff with
  jitter: before try n+2 it waits between half and all of min(cap, base * 2**n) seconds, so
  clients that failed together spread out while every wait still grows; a Retry-After header
  is honoured (up to `max_retry_after` seconds) when it asks for longer.

A caller with one plain call uses `RetryPolicy.call`:

    policy = RetryPolicy()
    result = policy.call(lambda: service.users().messages().send(...).execute())

A caller that must decide more itself (the Sheets backend treats some repeats as success; the
Calendar backend retries only the failed parts of a batch) asks `policy.should_retry(error,
tries)` and `policy.wait(tries - 1, error.retry_after)`. `sleep` and `rng` are parameters so
tests run retries without waiting. This module sends nothing itself.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import random
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import httplib2
import requests
from googleapiclient.errors import HttpError

log = logging.getLogger(__name__)

T = TypeVar("T")

TRANSIENT_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
"""HTTP statuses worth another try: a timeout, a rate limit, or a server-side failure."""

RATE_LIMIT_REASONS = frozenset(
    {"rateLimitExceeded", "userRateLimitExceeded", "RATE_LIMIT_EXCEEDED"}
)
"""403 reasons that mean "too many requests just now" (per-minute quotas), not "refused"."""

USAGE_LIMIT_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded"})
"""403 reasons for limits that last hours or a day: retrying within a run cannot help."""


@dataclass(frozen=True)
class ErrorBody:
    """What a Google error body says: its message, status name and every reason in it."""

    message: str = ""
    status_name: str = ""
    reasons: frozenset[str] = frozenset()


def parse_error_body(body: Any) -> ErrorBody:
    """Read a Google error body (bytes, text, the parsed JSON, or its `error` object).

    Both styles are read: Sheets' `{"error": {"code", "message", "status", "details"}}` and
    Drive/Calendar/Gmail's older `{"error": {"errors": [{"reason", ...}], ...}}`. Reasons come
    from `errors[].reason` and `details[].reason`. A body that is not JSON gives its first 200
    characters as the message.
    """
    if isinstance(body, bytes | bytearray):
        body = bytes(body).decode("utf-8", "replace")
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            return ErrorBody(message=body.strip()[:200])
    if not isinstance(body, Mapping):
        return ErrorBody()
    error = body.get("error", body)
    if not isinstance(error, Mapping):
        return ErrorBody(message=str(error))
    reasons = {
        str(item["reason"])
        for key in ("errors", "details")
        for item in error.get(key) or []
        if isinstance(item, Mapping) and item.get("reason")
    }
    return ErrorBody(
        str(error.get("message") or ""), str(error.get("status") or ""), frozenset(reasons)
    )


def is_transient(status: int | None, reasons: Iterable[str] = ()) -> bool:
    """Whether another try may succeed: a network error (`status` None), `TRANSIENT_STATUSES`,
    or a 403 whose reasons include a rate limit."""
    if status is None or status in TRANSIENT_STATUSES:
        return True
    return status == 403 and not RATE_LIMIT_REASONS.isdisjoint(reasons)


def _retry_after(headers: Any) -> float | None:
    # Google sends seconds; an HTTP date (allowed by RFC 9110) is not worth parsing here.
    value = headers.get("Retry-After") or headers.get("retry-after") if headers else None
    try:
        return max(0.0, float(value)) if value else None
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class GoogleError:
    """One failed call, whichever client made it; `status` is None for a network error."""

    status: int | None
    message: str = ""
    status_name: str = ""
    reasons: frozenset[str] = frozenset()
    retry_after: float | None = None
    body: bytes = b""

    @property
    def transient(self) -> bool:
        """Whether another try may succeed (see `is_transient`)."""
        return is_transient(self.status, self.reasons)

    @property
    def reason(self) -> str:
        """One reason for logs: the rate-limit one if any, else the first alphabetically."""
        limited = sorted(self.reasons & RATE_LIMIT_REASONS)
        return (limited or sorted(self.reasons) or [self.status_name])[0]

    @classmethod
    def from_response(cls, status: int, body: Any, headers: Any = None) -> GoogleError:
        """The error of an HTTP answer with this status, body and headers."""
        parsed = parse_error_body(body)
        raw = body if isinstance(body, bytes) else str(body or "").encode("utf-8")
        return cls(
            status,
            parsed.message,
            parsed.status_name,
            parsed.reasons,
            _retry_after(headers),
            raw,
        )

    @classmethod
    def from_exception(cls, exc: BaseException) -> GoogleError | None:
        """Read a failed call: gspread's APIError or any requests error (with or without an
        answer), googleapiclient's HttpError, or a network error (OSError, httplib2's errors;
        status None). None for any other exception, which is a bug, not Google's answer."""
        response = getattr(exc, "response", None)
        if response is None and exc.args and isinstance(exc.args[0], requests.Response):
            response = exc.args[0]  # gspread's APIError keeps the response as its argument
        if isinstance(response, requests.Response):
            error = cls.from_response(response.status_code, response.content, response.headers)
            if not error.message:
                return dataclasses.replace(error, message=str(response.reason or ""))
            return error
        if isinstance(exc, HttpError):
            status = int(getattr(exc, "status_code", 0) or exc.resp.status)
            return cls.from_response(status, exc.content, exc.resp)
        if isinstance(exc, OSError | httplib2.HttpLib2Error):
            # requests' errors are OSErrors too: a connection dropped before any answer.
            return cls(None, f"{exc.__class__.__name__}: {exc}")
        return None


class RetryPolicy:
    """How often and how long to retry: `attempts` tries in all, with growing, jittered waits.

    `base` is the first wait's ceiling in seconds (1 s against Google; the loopback fake needs
    none), `cap` the largest wait, `max_retry_after` the most a Retry-After header can ask for.
    """

    def __init__(
        self,
        attempts: int = 6,
        base: float = 1.0,
        cap: float = 32.0,
        *,
        max_retry_after: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        if attempts < 1:
            raise ValueError("a retry policy needs at least one attempt")
        self.attempts = attempts
        self.base = base
        self.cap = cap
        self.max_retry_after = max_retry_after
        self.sleep = sleep
        self.rng = rng or random.Random()

    def delay(self, retry: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number `retry` (0 for the first), Retry-After honoured."""
        ceiling = min(self.cap, self.base * 2**retry)
        wait = float(ceiling / 2 + self.rng.uniform(0, ceiling / 2))
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_retry_after))
        return wait

    def should_retry(self, error: GoogleError, tries: int) -> bool:
        """Whether to try again after `tries` tries that ended in `error`."""
        return error.transient and tries < self.attempts

    def wait(self, retry: int, retry_after: float | None = None) -> float:
        """Sleep before retry number `retry` (0 for the first); returns the seconds slept."""
        seconds = self.delay(retry, retry_after)
        self.sleep(seconds)
        return seconds

    def call(self, call: Callable[[], T], *, what: str = "call Google") -> T:
        """Run `call`, retrying transient failures; the last exception is raised as it was.

        Only failed requests are retried (see `GoogleError.from_exception`); any other
        exception is a bug and is raised at once.
        """
        tries = 0
        while True:
            tries += 1
            try:
                return call()
            except Exception as exc:
                error = GoogleError.from_exception(exc)
                if error is None or not self.should_retry(error, tries):
                    raise
                seconds = self.wait(tries - 1, error.retry_after)
                log.info(
                    "google: %s got %s%s; retry %d in %.1f s",
                    what,
                    error.status or "a network error",
                    f" ({error.reason})" if error.reasons else "",
                    tries,
                    seconds,
                )
