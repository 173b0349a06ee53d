"""Shared fixtures. The fake Google APIs: `fake_google` (a fresh loopback server per test)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fake_google import FakeGoogle

# No test reads the repository's own mentor profiles unless marked `repo_mentors`.
pytest_plugins = ["tests.fixtures.guard"]


@pytest.fixture
def fake_google() -> Iterator[FakeGoogle]:
    """A running FakeGoogle with empty state; point clients at `fake_google.base_url`."""
    with FakeGoogle(seed=1) as fake:
        yield fake
    # A handler that crashed is a bug in the fake, whatever the test concluded.
    assert not fake.internal_errors, f"the fake Google APIs crashed: {fake.internal_errors!r}"


# Site tests (tests/test_site_*.py): the built sample site, the 3,000-mentor site, their
# loopback servers, one browser.
from tests.site_browser import (  # noqa: E402, F401
    big_site,
    big_site_url,
    browser,
    built_site,
    site_url,
)
