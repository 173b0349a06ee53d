"""Fault injection: quota errors, outages, store-then-fail, and a kill switch.

A *call* is one API method invocation: one plain HTTP request, or one part of a batch (the
batch request itself is also a call, keyed "batch"). Faults match call keys such as
"sheets.values.batchUpdate" or "calendar.events.insert" with shell-style patterns
("sheets.*"); no pattern matches every call.
"""

from __future__ import annotations

import fnmatch
import threading
from dataclasses import dataclass
from typing import Any

#: The call is answered with an error and has no effect.
FAIL = "fail"
#: The call takes effect, then is answered with an error, so a retry repeats it.
STORE_THEN_FAIL = "store_then_fail"


@dataclass
class Fault:
    """`count` more calls matching `match` get `status` (kind FAIL or STORE_THEN_FAIL)."""

    kind: str
    count: int
    status: int
    match: str | None = None
    reason: str = ""
    retry_after: int | None = None

    def matches(self, key: str) -> bool:
        """Whether this fault applies to a call with this key."""
        return self.match is None or fnmatch.fnmatchcase(key, self.match)

    def to_json(self) -> dict[str, Any]:
        """A plain dict for the control endpoint."""
        return {
            "kind": self.kind,
            "count": self.count,
            "status": self.status,
            "match": self.match,
            "reason": self.reason,
            "retry_after": self.retry_after,
        }


@dataclass(frozen=True)
class Decision:
    """What to do with one call."""

    kind: str
    status: int
    reason: str = ""
    retry_after: int | None = None


class Faults:
    """The queue of pending faults of one fake server."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: list[Fault] = []
        self._fail_after: tuple[int, int] | None = None
        self._seen = 0

    def fail_next(
        self,
        count: int = 1,
        status: int = 429,
        *,
        match: str | None = None,
        reason: str = "",
        retry_after: int | None = None,
    ) -> None:
        """Answer the next `count` matching calls with `status`, without applying them.

        `status` 429 is Google's quota error, 503/500 an outage, 403 with
        `reason="rateLimitExceeded"` the Calendar/Drive rate limit, plain 403 a refusal.
        `retry_after` adds a Retry-After header (seconds), as Google may on 429 and 503.
        """
        with self._lock:
            self._pending.append(Fault(FAIL, count, status, match, reason, retry_after))

    def store_then_fail(
        self, count: int = 1, status: int = 503, *, match: str | None = None
    ) -> None:
        """Apply the next `count` matching calls, then answer them with `status` anyway."""
        with self._lock:
            self._pending.append(Fault(STORE_THEN_FAIL, count, status, match))

    def fail_after(self, calls: int, status: int = 503) -> None:
        """Kill switch: every call after the next `calls` calls is answered with `status`.

        Simulates a process (or the network) dying after its k-th API call: the first
        `calls` calls succeed, the rest fail without effect until `clear()`.
        """
        with self._lock:
            self._fail_after = (self._seen + calls, status)

    def clear(self) -> None:
        """Drop every pending fault and the kill switch."""
        with self._lock:
            self._pending.clear()
            self._fail_after = None

    @property
    def pending(self) -> list[Fault]:
        """The faults not yet used up (a copy)."""
        with self._lock:
            return [
                Fault(f.kind, f.count, f.status, f.match, f.reason, f.retry_after)
                for f in self._pending
            ]

    def decide(self, key: str) -> Decision | None:
        """Consume the fault (if any) that applies to this call."""
        with self._lock:
            self._seen += 1
            if self._fail_after is not None and self._seen > self._fail_after[0]:
                return Decision(FAIL, self._fail_after[1])
            for fault in self._pending:
                if fault.matches(key):
                    fault.count -= 1
                    if fault.count <= 0:
                        self._pending.remove(fault)
                    return Decision(fault.kind, fault.status, fault.reason, fault.retry_after)
            return None

    def configure(self, spec: dict[str, Any]) -> None:
        """Apply a JSON spec from the control endpoint.

        Keys: `clear` (bool), `fail_next` / `store_then_fail` (an object or a list of objects
        with `count`, `status`, `match`, `reason`, `retry_after`), `fail_after` (`{"calls", "status"}`).
        """
        if spec.get("clear"):
            self.clear()
        for name, method in (
            ("fail_next", self.fail_next),
            ("store_then_fail", self.store_then_fail),
        ):
            items = spec.get(name)
            if items is None:
                continue
            for item in items if isinstance(items, list) else [items]:
                kwargs = {k: item[k] for k in ("status", "match") if k in item}
                if name == "fail_next":
                    kwargs.update({k: item[k] for k in ("reason", "retry_after") if k in item})
                method(int(item.get("count", 1)), **kwargs)
        if "fail_after" in spec:
            item = spec["fail_after"]
            self.fail_after(int(item["calls"]), int(item.get("status", 503)))

    def to_json(self) -> dict[str, Any]:
        """The pending faults, for `GET /_fake/faults`."""
        with self._lock:
            return {
                "pending": [f.to_json() for f in self._pending],
                "fail_after": None
                if self._fail_after is None
                else {"after_call": self._fail_after[0], "status": self._fail_after[1]},
                "calls_seen": self._seen,
            }
