"""The profile models, the taxonomy and the YAML reading on their own."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
from mentorship.errors import ConfigError
from mentorship.profiles import Mentor, Taxonomy, Window, load_taxonomy
from mentorship.profiles.models import timezone_advice
from mentorship.profiles.parse import describe_loc, parse_profile
from pydantic import ValidationError

REPO = Path(__file__).resolve().parents[1]


def profile_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Test Mentor",
        "graduation_year": 2010,
        "program": "BSc Testing",
        "title": "Analyst",
        "employer": "Example Ltd",
        "industry": "Finance",
        "topics": ["Networking"],
        "location": "Lisbon, Portugal",
        "timezone": "Europe/Lisbon",
        "languages": ["English"],
        "meeting_formats": ["video", "in person"],
        "availability": [{"day": "tuesday", "start": "18:00", "end": "24:00"}],
        "capacity": 2,
        "accepting": True,
        "confirmed": "2026-01-15",
        "email": "t@example.org",
        "slug": "test-mentor",
    }
    data.update(changes)
    return data


class TestModels:
    def test_window_minutes(self) -> None:
        window = Window(day="tuesday", start="18:30", end="24:00")
        assert (window.start_minutes, window.end_minutes, window.day.index) == (1110, 1440, 1)

    def test_window_must_end_after_start(self) -> None:
        with pytest.raises(ValidationError, match=r"ends \(09:00\) before it starts \(10:00\)"):
            Window(day="monday", start="10:00", end="09:00")

    def test_window_cannot_end_after_midnight(self) -> None:
        with pytest.raises(ValidationError, match="latest end is 24:00"):
            Window(day="monday", start="10:00", end="24:30")

    def test_mentor_public_fields_never_include_email(self) -> None:
        mentor = Mentor.model_validate(profile_data())
        public = mentor.public()
        assert "email" not in public
        assert public["slug"] == "test-mentor"
        assert public["meeting_formats"] == ["video", "in person"]
        assert mentor.region == "Europe"

    def test_without_context_taxonomy_and_clock_checks_are_skipped(self) -> None:
        mentor = Mentor.model_validate(
            profile_data(industry="Underwater Basketry", confirmed="2999-01-01")
        )
        assert mentor.industry == "Underwater Basketry"

    def test_with_context_taxonomy_is_enforced(self) -> None:
        taxonomy = Taxonomy(industries=["Finance"], topics=["Networking"], languages=["English"])
        with pytest.raises(ValidationError, match="did you mean 'Finance'"):
            Mentor.model_validate(profile_data(industry="finance"), context={"taxonomy": taxonomy})

    def test_timezone_is_always_checked(self) -> None:
        with pytest.raises(ValidationError, match="not an IANA timezone"):
            Mentor.model_validate(profile_data(timezone="GMT+1"))

    def test_text_values_become_typed(self) -> None:
        # The loader hands over plain text; the models type it.
        mentor = Mentor.model_validate(
            profile_data(graduation_year="2010", capacity="3", accepting="yes")
        )
        assert (mentor.graduation_year, mentor.capacity, mentor.accepting) == (2010, 3, True)
        assert mentor.confirmed == dt.date(2026, 1, 15)

    @pytest.mark.parametrize(
        ("typed", "meant"),
        [
            ("lisbon", "Europe/Lisbon"),
            ("europe/lisbon", "Europe/Lisbon"),
            ("St Johns", "America/St_Johns"),
            ("Asia/Calcuta", "Asia/Kolkata"),  # the legacy name, misspelt: the current one
            ("Bengaluru", "Asia/Kolkata"),
        ],
    )
    def test_timezone_suggestions(self, typed: str, meant: str) -> None:
        assert timezone_advice(typed) == f"did you mean {meant!r}?"


class TestTaxonomy:
    def test_loads_lists_in_file_order(self) -> None:
        taxonomy = load_taxonomy(REPO / "mentors" / "taxonomy.yml")
        assert taxonomy.industries[0] == "Biotech & Pharma"
        assert "Finance" in taxonomy.industries and len(taxonomy.industries) >= 15
        assert taxonomy.topics[0] == "Interview practice" and len(taxonomy.topics) >= 20
        assert "Spanish" in taxonomy.languages and len(taxonomy.languages) >= 15
        assert taxonomy.path == "mentors/taxonomy.yml"

    @pytest.mark.parametrize(
        ("kind", "typed", "meant"),
        [
            ("industries", "Fintech", "Finance"),
            ("industries", "banking", "Finance"),
            ("industries", "Sofware", "Software"),
            ("topics", "resume", "CV and cover letters"),
            ("languages", "Mandarin", "Mandarin Chinese"),
            ("languages", "Klingon", None),
        ],
    )
    def test_suggestions(self, kind: str, typed: str, meant: str | None) -> None:
        taxonomy = load_taxonomy(REPO / "mentors" / "taxonomy.yml")
        assert taxonomy.suggest(kind, typed) == meant

    def test_cached_until_the_file_changes(self, tmp_path: Path) -> None:
        path = tmp_path / "mentors" / "taxonomy.yml"
        path.parent.mkdir()
        shutil.copy(REPO / "mentors" / "taxonomy.yml", path)
        first = load_taxonomy(path)
        assert load_taxonomy(path) is first
        path.write_text(path.read_text().replace("  - Law\n", "  - Law\n  - Aviation\n"))
        assert "Aviation" in load_taxonomy(path).industries

    @pytest.mark.parametrize(
        ("text", "says"),
        [
            ("- a\n", "must be a map"),
            ("industries: [A]\ntopics: [B]\n", "'languages' must be a non-empty list"),
            ("industries: [A, a]\ntopics: [B]\nlanguages: [C]\n", "'a' is listed twice"),
            (
                "industries: [A]\ntopics: [B]\nlanguages: [C]\ncolours: [D]\n",
                "unknown section(s) colours",
            ),
            (
                "industries: [A]\ntopics: [B]\nlanguages: [C]\naliases: {X: Y}\n",
                "alias 'X' points to 'Y'",
            ),
            ("industries: [A\n", "is not valid YAML"),
        ],
    )
    def test_broken_taxonomy_is_a_config_error(self, tmp_path: Path, text: str, says: str) -> None:
        path = tmp_path / "mentors" / "taxonomy.yml"
        path.parent.mkdir()
        path.write_text(text)
        with pytest.raises(ConfigError) as caught:
            load_taxonomy(path)
        assert str(caught.value).startswith("mentors/taxonomy.yml")
        assert says in str(caught.value)

    def test_missing_taxonomy_is_a_config_error(self, tmp_path: Path) -> None:
        with pytest.raises(ConfigError, match="does not exist"):
            load_taxonomy(tmp_path / "taxonomy.yml")


class TestParse:
    def test_marks_point_at_values_and_keys(self) -> None:
        parsed = parse_profile(b"name: Ana\navailability:\n  - day: tuesday\n    start: '18:00'\n")
        assert parsed.data == {
            "name": "Ana",
            "availability": [{"day": "tuesday", "start": "18:00"}],
        }
        assert parsed.marks[("name",)] == (1, 7)
        assert parsed.marks[("availability", 0, "start")] == (4, 12)
        assert parsed.key_marks[("availability", 0, "start")] == (4, 5)
        assert parsed.mark(("availability", 0, "end")) == (3, 5)

    def test_plain_scalars_stay_text_and_nulls_become_none(self) -> None:
        parsed = parse_profile(b"a: 18:00\nb: no\nc: 010\nd:\ne: ~\nf: 'null'\n")
        assert parsed.data == {
            "a": "18:00",
            "b": "no",
            "c": "010",
            "d": None,
            "e": None,
            "f": "null",
        }

    def test_describe_loc_in_plain_words(self) -> None:
        assert describe_loc(("availability", 1, "end")) == "availability item 2, end"
        assert describe_loc(("topics", 0)) == "topics item 1"


def test_one_digit_hours_are_normalised() -> None:
    window = Window(day="friday", start="9:00", end="9:45")
    assert (window.start, window.end) == ("09:00", "09:45")
