"""One API call as the fake sees it, and what a router makes of it."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from .errors import GoogleError, legacy_error, sheets_error


@dataclass
class Request:
    """Method, raw (still percent-encoded) path, query, headers and body of one call."""

    method: str
    path: str
    query: dict[str, list[str]] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @classmethod
    def from_target(cls, method: str, target: str, headers: dict[str, str], body: bytes) -> Request:
        """Build from a request line target such as `/v4/spreadsheets/x?fields=a`."""
        path, _, query = target.partition("?")
        return cls(
            method.upper(),
            path,
            parse_qs(query, keep_blank_values=True),
            {k.lower(): v for k, v in headers.items()},
            body,
        )

    def param(self, name: str, default: str | None = None) -> str | None:
        """The first value of a query parameter."""
        values = self.query.get(name)
        return values[0] if values else default

    def params(self, name: str) -> list[str]:
        """Every value of a repeated query parameter."""
        return self.query.get(name, [])

    def flag(self, name: str) -> bool:
        """A boolean query parameter (`true`, `True`, `1`)."""
        return (self.param(name) or "").lower() in {"true", "1"}

    def json(self, service: str = "sheets") -> dict[str, Any]:
        """The JSON body ({} when empty), or Google's 400 for malformed JSON."""
        if not self.body.strip():
            return {}
        try:
            value = json.loads(self.body)
        except ValueError:
            message = "Invalid JSON payload received."
            raise (
                sheets_error(400, message)
                if service == "sheets"
                else legacy_error(400, message, "parseError")
            ) from None
        if not isinstance(value, dict):
            raise sheets_error(400, "Invalid JSON payload received. Expected an object.")
        return value


@dataclass
class Response:
    """Status, JSON body (None for an empty body) and extra headers."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def error(cls, error: GoogleError) -> Response:
        """Google's error answer."""
        return cls(error.code, error.body())


@dataclass
class Route:
    """A recognised call: its key for counting and faults, the resource it touches, its action.

    `service` picks the error style; `resource` is the spreadsheet or calendar id that
    `refuse_access` can target.
    """

    key: str
    service: str
    resource: str | None
    action: Callable[[], Response]
