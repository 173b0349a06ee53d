"""The mentor sets: the samples a fork starts from, and the tests' own fixtures.

Both must be valid and varied enough to demonstrate every feature: the samples for the demo
and the student journey of the README, the fixtures for the site and browser tests. A fork
deletes the samples (README, Quick start); their checks then have nothing to check and skip,
while every profile the fork commits must still validate clean.
"""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from pathlib import Path

import pytest
from mentorship.profiles import Mentor, load_profiles, profile_paths

from tests.fixtures import MENTORS as FIXTURES
from tests.fixtures import REPO_MENTORS as MENTORS
from tests.fixtures import sample_paths

# The module checks the committed profiles themselves (see tests/fixtures/guard.py).
pytestmark = pytest.mark.repo_mentors

# The samples' `confirmed` dates were written relative to this day.
WRITTEN = dt.date(2026, 11, 28)


@pytest.fixture(scope="module", params=["samples", "fixtures"])
def profile_set(request: pytest.FixtureRequest) -> tuple[Path, list[Path]]:
    """(folder, profile files) of one mentor set."""
    if request.param == "fixtures":
        return FIXTURES, profile_paths(FIXTURES)
    paths = sample_paths()
    if not paths:
        pytest.skip("the sample mentors were deleted (a fork's own profiles are in mentors/)")
    return MENTORS, paths


@pytest.fixture(scope="module")
def samples(profile_set: tuple[Path, list[Path]]) -> list[Mentor]:
    folder, paths = profile_set
    result = load_profiles(folder)
    assert [str(p) for p in result.problems] == []
    chosen = {p.stem for p in paths}
    return [m for m in result.mentors if m.slug in chosen]


def test_every_committed_profile_validates_clean() -> None:
    # Whatever mentors/ holds, samples or a fork's own alumni: CI refuses an invalid profile.
    result = load_profiles(MENTORS)
    assert [str(p) for p in result.problems] == []
    assert len(result.mentors) == len(profile_paths(MENTORS))


def test_each_set_is_complete(profile_set: tuple[Path, list[Path]], samples: list[Mentor]) -> None:
    assert len(samples) == len(profile_set[1]) >= 16


def test_every_profile_points_editors_at_the_schema(profile_set: tuple[Path, list[Path]]) -> None:
    for path in profile_set[1]:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=schema.json", path.name


def test_samples_carry_no_email_address(samples: list[Mentor]) -> None:
    # Addresses live in the private roster; the demo's is made up by examples/seed_local_ledger.py.
    assert all(m.email == "" for m in samples)
    for path in profile_paths(MENTORS):
        assert "@" not in path.read_text(encoding="utf-8").split("\nbio:")[0], path.name


def test_timezones_span_four_continents_including_half_hour_zones(samples: list[Mentor]) -> None:
    zones = {m.timezone for m in samples}
    assert {"Asia/Kolkata", "America/St_Johns"} <= zones
    assert len({m.region for m in samples}) >= 4


def test_capacities_and_accepting_vary(samples: list[Mentor]) -> None:
    assert {1, 2, 3, 4} <= {m.capacity for m in samples}
    assert sum(not m.accepting for m in samples) == 3


def test_finance_and_spanish_filter_finds_four_mentors(samples: list[Mentor]) -> None:
    # The student journey of the README ticks Finance and Spanish and sees 4 mentors.
    found = [m.slug for m in samples if m.industry == "Finance" and "Spanish" in m.languages]
    assert len(found) == 4


def test_industries_and_languages_vary(samples: list[Mentor]) -> None:
    assert len({m.industry for m in samples}) >= 12
    assert len({lang for m in samples for lang in m.languages}) >= 10


def test_two_profiles_are_stale_the_rest_recent(samples: list[Mentor]) -> None:
    stale = [m.slug for m in samples if (WRITTEN - m.confirmed).days > 365]
    assert len(stale) == 2


def test_some_bios_use_markdown(samples: list[Mentor]) -> None:
    assert sum("](https://" in m.bio for m in samples) >= 1
    assert sum("*" in m.bio for m in samples) >= 3
    assert sum("\n- " in m.bio or "\n1. " in m.bio for m in samples) >= 2


def _png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, checking the signature, every chunk's CRC and the pixels."""
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    pos, idat, size = 8, b"", (0, 0)
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF
        if kind == b"IHDR":
            size = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height = size
    assert len(zlib.decompress(idat)) == height * (1 + 3 * width)
    return size


def test_photos_in_use_are_small_valid_pngs(
    profile_set: tuple[Path, list[Path]], samples: list[Mentor]
) -> None:
    folder = profile_set[0]
    used = {m.photo for m in samples if m.photo}
    assert len(used) >= 2
    files = {p.name for p in (folder / "photos").iterdir()}
    assert used <= files
    for name in used:
        data = (folder / "photos" / name).read_bytes()
        assert len(data) < 1_000_000
        assert _png_size(data) == (96, 96)
