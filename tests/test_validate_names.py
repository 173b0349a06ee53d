"""Names cannot be borrowed: look-alike names and hidden characters are validation problems."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from mentorship.profiles import load_profiles
from mentorship.profiles.names import name_key

from tests.test_validate_messages import REPO, TODAY, VALID, edit, only


@pytest.fixture
def mentors(tmp_path: Path) -> Path:
    folder = tmp_path / "mentors"
    (folder / "photos").mkdir(parents=True)
    shutil.copy(REPO / "mentors" / "taxonomy.yml", folder / "taxonomy.yml")
    return folder


OTHER = VALID


@pytest.mark.parametrize(
    "impostor", ["Test Mentor", "TEST  MENTOR", "Test\u200b Mentor", "Ｔｅｓｔ Mentor"]
)
def test_two_profiles_with_the_same_name_after_normalising_are_both_rejected(mentors, impostor):
    (mentors / "test-mentor.yml").write_text(VALID, encoding="utf-8")
    (mentors / "impostor.yml").write_text(edit(OTHER, 2, f"name: {impostor}"), encoding="utf-8")
    result = load_profiles(mentors, today=TODAY)
    names = [str(p) for p in result.problems if "has the same name" in str(p)]
    assert len(names) == 2, [str(p) for p in result.problems]
    assert names[0].startswith("mentors/impostor.yml:2:")
    assert "mentors/test-mentor.yml has the same name" in names[0]
    assert names[1].startswith("mentors/test-mentor.yml:2:")
    assert result.mentors == [], "neither profile reaches the site or matching"


def test_a_different_name_is_fine(mentors):
    (mentors / "test-mentor.yml").write_text(VALID, encoding="utf-8")
    (mentors / "other.yml").write_text(edit(OTHER, 2, "name: Test Mentora"), encoding="utf-8")
    assert load_profiles(mentors, today=TODAY).problems == []


@pytest.mark.parametrize(
    ("line", "text", "code"),
    [
        (2, "name: Test \u202eMentor", "U+202E"),
        (6, "title: Ana\u200blyst", "U+200B"),
        (3, "pronouns: they/\u2066them", "U+2066"),
    ],
)
def test_control_and_format_characters_are_rejected_in_every_text_field(mentors, line, text, code):
    message = only(mentors, edit(VALID, line, text))
    assert message.startswith(f"mentors/test-mentor.yml:{line}:")
    assert code in message and "invisible" in message


def test_name_key_ignores_case_spacing_width_and_invisible_characters():
    assert name_key("Ana Lima") == name_key(" ANA\u00a0 lima\u200d") == name_key("Ａｎａ Lima")
    assert name_key("Ana Lima") != name_key("Ana Limа")  # a Cyrillic а is a different name
