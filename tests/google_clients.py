"""The real Google clients, built by the production code and pointed at the loopback fake.

Tests use these to exercise gspread and google-api-python-client unmodified but for the base
URL, exactly as `MENTORSHIP_GOOGLE_API_ROOT` does for the CLI.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gspread
import pytest
from google.auth.credentials import AnonymousCredentials
from mentorship import google_api

from tests.fake_google import FakeGoogle


def use_fake(fake: FakeGoogle, monkeypatch: pytest.MonkeyPatch) -> None:
    """Set MENTORSHIP_GOOGLE_API_ROOT to the fake for the rest of the test."""
    monkeypatch.setenv(google_api.API_ROOT_ENV, fake.base_url)


def _with_root(fake: FakeGoogle, build: Callable[[], Any]) -> Any:
    # The clients read the API root when built; set it just for that moment.
    import os

    previous = os.environ.get(google_api.API_ROOT_ENV)
    os.environ[google_api.API_ROOT_ENV] = fake.base_url
    try:
        return build()
    finally:
        if previous is None:
            del os.environ[google_api.API_ROOT_ENV]
        else:
            os.environ[google_api.API_ROOT_ENV] = previous


def gspread_client(fake: FakeGoogle, *, backoff: float = 0.0) -> gspread.Client:
    """The production gspread client (retries included) talking to `fake`."""
    return _with_root(
        fake, lambda: google_api.gspread_client(AnonymousCredentials(), backoff=backoff)
    )


def calendar_service(fake: FakeGoogle) -> Any:
    """The production Calendar v3 Resource talking to `fake`."""
    return _with_root(fake, lambda: google_api.calendar_service(AnonymousCredentials()))


def calendar_batch(fake: FakeGoogle, callback: Callable[..., Any] | None = None) -> Any:
    """A BatchHttpRequest aimed at the fake's Calendar batch endpoint."""
    return _with_root(fake, lambda: google_api.calendar_batch(callback))


def gmail_service(fake: FakeGoogle) -> Any:
    """The production Gmail v1 Resource talking to `fake`."""
    from mentorship.messages.gmail import gmail_service as build

    return _with_root(fake, lambda: build(AnonymousCredentials()))
