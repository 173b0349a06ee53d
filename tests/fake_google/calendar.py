"""Calendar v3 (being written)."""

from __future__ import annotations

from typing import Any

from .errors import legacy_error


def dump(state: Any) -> dict[str, Any]:
    return {}


def add_busy(state: Any, calendar_id: str, start: str, end: str) -> None:
    state.busy.setdefault(calendar_id, []).append((start, end))


def route(state: Any, req: Any) -> Any:
    raise legacy_error(404, "Not Found", "notFound")
