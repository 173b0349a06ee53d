"""Every validation message: located at the right file:line:col, naming the field and the fix."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from mentorship.profiles import load_profiles

from tests.test_pr_hardening import jpeg, png, webp_vp8x

REPO = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 6, 1)

# A valid profile; the line numbers below are what the tests point at.
VALID = """\
# yaml-language-server: $schema=schema.json
name: Test Mentor
pronouns: they/them
graduation_year: 2010
program: BSc Testing
title: Analyst
employer: Example Ltd
industry: Finance
topics:
  - Networking
  - Interview practice
location: Lisbon, Portugal
timezone: Europe/Lisbon
languages:
  - English
  - Spanish
meeting_formats:
  - video
availability:
  - day: tuesday
    start: "18:00"
    end: "20:00"
capacity: 2
accepting: true
links:
  - label: Site
    url: https://example.org/me
bio: |
  Hello *world*.
confirmed: 2026-01-15
"""


def edit(text: str, line: int, new: str) -> str:
    """`text` with 1-based line `line` replaced by `new` (which may hold several lines)."""
    lines = text.splitlines()
    lines[line - 1] = new
    return "\n".join(lines) + "\n"


@pytest.fixture
def mentors(tmp_path: Path) -> Path:
    folder = tmp_path / "mentors"
    (folder / "photos").mkdir(parents=True)
    shutil.copy(REPO / "mentors" / "taxonomy.yml", folder / "taxonomy.yml")
    return folder


def problems_of(mentors: Path, text: str, name: str = "test-mentor.yml") -> list[str]:
    (mentors / name).write_text(text, encoding="utf-8")
    result = load_profiles(mentors, today=TODAY)
    return [str(p) for p in result.problems]


def only(mentors: Path, text: str) -> str:
    found = problems_of(mentors, text)
    assert len(found) == 1, found
    return found[0]


def test_valid_profile_loads_with_slug_from_file_name(mentors: Path) -> None:
    (mentors / "test-mentor.yml").write_text(VALID, encoding="utf-8")
    result = load_profiles(mentors, today=TODAY)
    assert result.problems == []
    [mentor] = result.mentors
    assert mentor.slug == "test-mentor"
    assert mentor.industry == "Finance"
    assert mentor.availability[0].start == "18:00"
    assert result.paths == {"test-mentor": "mentors/test-mentor.yml"}


def test_unknown_industry_suggests_the_taxonomy_term(mentors: Path) -> None:
    msg = only(mentors, edit(VALID, 8, "industry: Fintech"))
    assert msg == (
        "mentors/test-mentor.yml:8:11: industry: 'Fintech' is not a known industry; "
        "did you mean 'Finance'? (see mentors/taxonomy.yml)"
    )


def test_unknown_industry_without_close_term_points_to_taxonomy(mentors: Path) -> None:
    msg = only(mentors, edit(VALID, 8, "industry: Zzyzx"))
    assert msg.startswith("mentors/test-mentor.yml:8:11: industry: 'Zzyzx' is not a known industry")
    assert "mentors/taxonomy.yml" in msg and "did you mean" not in msg


def test_unknown_topic_points_at_the_item(mentors: Path) -> None:
    msg = only(mentors, edit(VALID, 11, "  - Mock interviews"))
    assert msg.startswith("mentors/test-mentor.yml:11:5: topics item 2: 'Mock interviews'")
    assert "did you mean 'Interview practice'?" in msg


def test_unknown_language_suggests_by_case(mentors: Path) -> None:
    msg = only(mentors, edit(VALID, 16, "  - spanish"))
    assert msg.startswith("mentors/test-mentor.yml:16:5: languages item 2:")
    assert "did you mean 'Spanish'?" in msg


def test_duplicate_topic_is_reported(mentors: Path) -> None:
    msg = only(mentors, edit(VALID, 11, "  - Networking"))
    assert msg.startswith(
        "mentors/test-mentor.yml:11:5: topics item 2: 'Networking' is already listed"
    )


def test_unknown_field_suggests_the_real_one(mentors: Path) -> None:
    text = edit(VALID, 3, "pronuons: they/them")
    msg = only(mentors, text)
    assert msg == (
        "mentors/test-mentor.yml:3:1: pronuons: there is no such field; did you mean 'pronouns'?"
    )


def test_unknown_nested_field_suggests_within_the_window(mentors: Path) -> None:
    found = problems_of(mentors, edit(VALID, 22, '    ends: "20:00"'))
    assert found == [
        "mentors/test-mentor.yml:20:5: availability item 1, end: this field is missing; "
        "add a line `end: ...`",
        "mentors/test-mentor.yml:22:5: availability item 1, ends: there is no such field; "
        "did you mean 'end'?",
    ]


def test_missing_field_points_at_mapping_start_and_says_what_to_add(mentors: Path) -> None:
    msg = only(mentors, edit(VALID, 13, "# no timezone"))
    assert msg.startswith(
        "mentors/test-mentor.yml:2:1: timezone: this field is missing; add a line `timezone: ...`"
    )


def test_missing_field_in_a_window_points_at_the_window(mentors: Path) -> None:
    found = problems_of(mentors, edit(VALID, 22, "    # no end"))
    assert found == [
        "mentors/test-mentor.yml:20:5: availability item 1, end: this field is missing; add a line `end: ...`"
    ]


def test_invalid_timezone_suggests_iana_name(mentors: Path) -> None:
    msg = only(mentors, edit(VALID, 13, "timezone: Europe/Lisbn"))
    assert msg.startswith(
        "mentors/test-mentor.yml:13:11: timezone: 'Europe/Lisbn' is not an IANA timezone"
    )
    assert "did you mean 'Europe/Lisbon'?" in msg


def test_timezone_given_as_city_suggests_full_name(mentors: Path) -> None:
    msg = only(mentors, edit(VALID, 13, "timezone: Kolkata"))
    assert "did you mean 'Asia/Kolkata'?" in msg


def test_half_hour_timezones_are_valid(mentors: Path) -> None:
    for zone in ("Asia/Kolkata", "America/St_Johns", "Australia/Adelaide"):
        assert problems_of(mentors, edit(VALID, 13, f"timezone: {zone}")) == []


def test_window_ending_before_it_starts_is_impossible(mentors: Path) -> None:
    msg = only(mentors, edit(VALID, 22, '    end: "17:00"'))
    assert msg.startswith(
        "mentors/test-mentor.yml:20:5: availability item 1: this window ends (17:00) before it starts (18:00)"
    )
    assert "24:00" in msg


def test_window_of_zero_length_is_impossible(mentors: Path) -> None:
    msg = only(mentors, edit(VALID, 22, '    end: "18:00"'))
    assert "availability item 1: this window ends (18:00) before it starts (18:00)" in msg


def test_window_until_midnight_is_allowed(mentors: Path) -> None:
    assert problems_of(mentors, edit(VALID, 22, '    end: "24:00"')) == []


def test_overlapping_windows_on_the_same_day(mentors: Path) -> None:
    text = edit(
        VALID, 22, '    end: "20:00"\n  - day: tuesday\n    start: "19:30"\n    end: "21:00"'
    )
    msg = only(mentors, text)
    assert msg.startswith(
        "mentors/test-mentor.yml:23:5: availability item 2: tuesday 19:30-21:00 overlaps item 1 (tuesday 18:00-20:00)"
    )


def test_touching_windows_and_other_days_do_not_overlap(mentors: Path) -> None:
    text = edit(
        VALID,
        22,
        '    end: "20:00"\n  - day: tuesday\n    start: "20:00"\n    end: "21:00"\n'
        '  - day: wednesday\n    start: "18:00"\n    end: "20:00"',
    )
    assert problems_of(mentors, text) == []


def test_unquoted_time_is_read_as_time_not_sexagesimal_number(mentors: Path) -> None:
    # YAML 1.1 reads 18:00 as 1080; profiles must accept it as the time people mean.
    text = edit(edit(VALID, 21, "    start: 18:00"), 22, "    end: 20:00")
    assert problems_of(mentors, text) == []


def test_badly_written_time_says_the_format(mentors: Path) -> None:
    msg = only(mentors, edit(VALID, 21, '    start: "6pm"'))
    assert msg.startswith(
        "mentors/test-mentor.yml:21:12: availability item 1, start: '6pm' should be a 24-hour time"
    )


def test_unknown_weekday_lists_the_days(mentors: Path) -> None:
    msg = only(mentors, edit(VALID, 20, "  - day: tuesdy"))
    assert msg.startswith(
        "mentors/test-mentor.yml:20:10: availability item 1, day: 'tuesdy' is not allowed; did you mean 'tuesday'?"
    )


def test_unknown_meeting_format(mentors: Path) -> None:
    msg = only(mentors, edit(VALID, 18, "  - zoom"))
    assert msg.startswith(
        "mentors/test-mentor.yml:18:5: meeting_formats item 1: 'zoom' is not allowed"
    )
    assert "video, phone, in person" in msg


def test_bio_too_long_says_count_and_limit(mentors: Path) -> None:
    msg = only(mentors, edit(VALID, 29, "  " + "x" * 2345))
    assert msg.startswith(
        "mentors/test-mentor.yml:28:6: bio: the bio is 2,345 characters long; the limit is 2,000"
    )
    assert "345 too many" in msg


def test_confirmed_in_the_future(mentors: Path) -> None:
    msg = only(mentors, edit(VALID, 30, "confirmed: 2026-06-02"))
    assert msg == (
        "mentors/test-mentor.yml:30:12: confirmed: 2026-06-02 is in the future; "
        "write today's date (2026-06-01) when you confirm your profile"
    )


def test_confirmed_not_a_date(mentors: Path) -> None:
    msg = only(mentors, edit(VALID, 30, "confirmed: 15/01/2026"))
    assert msg.startswith(
        "mentors/test-mentor.yml:30:12: confirmed: '15/01/2026' should be a date written YYYY-MM-DD"
    )


def test_graduation_year_in_the_future(mentors: Path) -> None:
    msg = only(mentors, edit(VALID, 4, "graduation_year: 2027"))
    assert msg.startswith("mentors/test-mentor.yml:4:18: graduation_year: 2027 is in the future")


def test_capacity_not_a_number(mentors: Path) -> None:
    msg = only(mentors, edit(VALID, 23, "capacity: two"))
    assert msg == "mentors/test-mentor.yml:23:11: capacity: 'two' should be a whole number, like 2"


def test_capacity_out_of_range(mentors: Path) -> None:
    msg = only(mentors, edit(VALID, 23, "capacity: 50"))
    assert msg.startswith(
        "mentors/test-mentor.yml:23:11: capacity: '50' is too large; the maximum is 20"
    )


def test_accepting_must_be_yes_or_no(mentors: Path) -> None:
    msg = only(mentors, edit(VALID, 24, "accepting: maybe"))
    assert msg == "mentors/test-mentor.yml:24:12: accepting: 'maybe' should be true or false"


def test_link_must_be_https(mentors: Path) -> None:
    msg = only(mentors, edit(VALID, 27, "    url: http://example.org/me"))
    assert msg.startswith(
        "mentors/test-mentor.yml:27:10: links item 1, url: 'http://example.org/me' is not an https:// address"
    )


def test_link_javascript_is_refused(mentors: Path) -> None:
    msg = only(mentors, edit(VALID, 27, "    url: javascript:alert(1)"))
    assert "is not an https:// address" in msg


def test_email_in_a_profile_is_refused_saying_where_it_goes_instead(mentors: Path) -> None:
    msg = only(mentors, VALID + "email: test.mentor@example.org\n")
    assert msg.startswith(
        "mentors/test-mentor.yml:31:1: email: delete this line; profiles are public"
    )
    assert '"Mentor contact" form' in msg and "`mentorship roster import`" in msg
    assert "test.mentor@example.org" not in msg


def test_list_given_as_single_value_says_how_to_write_a_list(mentors: Path) -> None:
    text = edit(edit(VALID, 15, "languages: English"), 14, "# languages follow")
    text = edit(text, 16, "# removed")
    msg = only(mentors, text)
    assert msg.startswith("mentors/test-mentor.yml:15:12: languages: should be a list")
    assert "'- '" in msg


def test_empty_required_field_says_it_is_empty(mentors: Path) -> None:
    msg = only(mentors, edit(VALID, 7, "employer:"))
    assert msg == "mentors/test-mentor.yml:7:10: employer: is empty; write a value after the ':'"


def test_empty_optional_field_means_not_given(mentors: Path) -> None:
    assert problems_of(mentors, edit(VALID, 3, "pronouns:")) == []


def test_duplicate_key_is_reported_not_silently_overwritten(mentors: Path) -> None:
    text = edit(VALID, 3, "industry: Law")
    msg = only(mentors, text)
    assert msg == (
        "mentors/test-mentor.yml:8:1: industry: this field appears twice (first on line 3); "
        "keep one and delete the other."
    )


def test_slug_field_is_not_allowed(mentors: Path) -> None:
    msg = only(mentors, edit(VALID, 3, "slug: someone-else"))
    assert msg == "mentors/test-mentor.yml:3:1: slug: remove this line; the slug is the file name"


def test_bad_slug_file_name(mentors: Path) -> None:
    found = problems_of(mentors, VALID, name="Test_Mentor.yml")
    assert found == [
        "mentors/Test_Mentor.yml: the file name 'Test_Mentor.yml' is not a valid slug; use lowercase "
        "letters, digits and single hyphens, like 'ana-lima.yml'"
    ]


def test_wrong_extension_is_reported_when_named(mentors: Path) -> None:
    path = mentors / "test-mentor.yaml"
    path.write_text(VALID, encoding="utf-8")
    result = load_profiles(mentors, [path], today=TODAY)
    assert [str(p) for p in result.problems] == [
        "mentors/test-mentor.yaml: a profile file must end in .yml; rename it to test-mentor.yml"
    ]


def test_duplicate_slugs_differing_only_in_case(mentors: Path, tmp_path: Path) -> None:
    # Two folders, because a case-insensitive filesystem cannot hold both names in one.
    other = tmp_path / "elsewhere"
    other.mkdir()
    a = mentors / "test-mentor.yml"
    b = other / "Test-Mentor.yml"
    a.write_text(VALID, encoding="utf-8")
    b.write_text(VALID, encoding="utf-8")
    result = load_profiles(mentors, [a, b], today=TODAY)
    messages = [str(p) for p in result.problems if "clashes" in p.message]
    assert len(messages) == 2
    assert messages[1].startswith(
        "mentors/test-mentor.yml: the file name clashes with "
    ) and messages[1].endswith(
        "Test-Mentor.yml (slugs must differ in more than letter case); rename one of them"
    )
    assert result.mentors == []


def test_all_problems_of_all_files_at_once(mentors: Path) -> None:
    (mentors / "a-mentor.yml").write_text(edit(VALID, 8, "industry: Fintech"), encoding="utf-8")
    (mentors / "b-mentor.yml").write_text(
        edit(VALID, 13, "timezone: Mars/Olympus").replace("Test Mentor", "B Mentor"),
        encoding="utf-8",
    )
    (mentors / "c-mentor.yml").write_text(
        VALID.replace("Test Mentor", "C Mentor"), encoding="utf-8"
    )
    result = load_profiles(mentors, today=TODAY)
    assert [(p.path, p.line) for p in result.problems] == [
        ("mentors/a-mentor.yml", 8),
        ("mentors/b-mentor.yml", 13),
    ]
    assert [m.slug for m in result.mentors] == ["c-mentor"]


class TestPhoto:
    def test_missing_photo_file(self, mentors: Path) -> None:
        msg = only(mentors, edit(VALID, 3, "photo: me.png"))
        assert msg.startswith(
            "mentors/test-mentor.yml:3:8: photo: there is no file mentors/photos/me.png"
        )

    def test_photo_with_folder_in_the_name(self, mentors: Path) -> None:
        msg = only(mentors, edit(VALID, 3, "photo: ../secret.png"))
        assert "write just the photo's file name" in msg

    def test_photo_wrong_extension(self, mentors: Path) -> None:
        msg = only(mentors, edit(VALID, 3, "photo: me.gif"))
        assert (
            msg == "mentors/test-mentor.yml:3:8: photo: 'me.gif' must be a .png, .jpg or .webp file"
        )

    def test_photo_content_checked_by_magic_bytes(self, mentors: Path) -> None:
        (mentors / "photos" / "me.png").write_bytes(b"GIF89a not really a png")
        msg = only(mentors, edit(VALID, 3, "photo: me.png"))
        assert "mentors/photos/me.png is not a PNG, JPEG or WebP image" in msg

    def test_photo_over_one_megabyte(self, mentors: Path) -> None:
        (mentors / "photos" / "me.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * 1_200_000)
        msg = only(mentors, edit(VALID, 3, "photo: me.jpg"))
        assert "mentors/photos/me.jpg is 1.2 MB; the limit is 1 MB" in msg

    @pytest.mark.parametrize(
        ("name", "head"),
        [
            ("me.png", png(400, 400)),
            ("me.jpg", jpeg(400, 300)),
            ("me.webp", webp_vp8x(400, 400)),
        ],
    )
    def test_valid_photo_kinds(self, mentors: Path, name: str, head: bytes) -> None:
        (mentors / "photos" / name).write_bytes(head + b"\0" * 100)
        assert problems_of(mentors, edit(VALID, 3, f"photo: {name}")) == []


def test_link_written_as_bare_address_explains_label_and_url(mentors: Path) -> None:
    text = edit(edit(VALID, 26, "  - https://example.org/me"), 27, "")
    msg = only(mentors, text)
    assert msg.startswith("mentors/test-mentor.yml:26:5: links item 1: should be a set of fields")
    assert "`label: LinkedIn` and `url: https://...`" in msg


def test_window_written_as_one_line_explains_day_start_end(mentors: Path) -> None:
    text = edit(edit(edit(VALID, 20, "  - tuesday 18:00-20:00"), 21, ""), 22, "")
    msg = only(mentors, text)
    assert msg.startswith(
        "mentors/test-mentor.yml:20:5: availability item 1: should be a set of fields"
    )
    assert '`day: tuesday`, `start: "18:00"`' in msg


def test_list_where_text_belongs(mentors: Path) -> None:
    msg = only(mentors, edit(VALID, 6, "title:\n  - Analyst\n  - Writer"))
    assert msg == (
        "mentors/test-mentor.yml:7:3: title: should be a single piece of text on the same line, "
        "not a list"
    )


def test_yaml_extension_is_reported_not_silently_skipped(mentors: Path) -> None:
    (mentors / "test-mentor.yaml").write_text(VALID, encoding="utf-8")
    result = load_profiles(mentors, today=TODAY)
    assert [str(p) for p in result.problems] == [
        "mentors/test-mentor.yaml: a profile file must end in .yml; rename it to test-mentor.yml"
    ]


def test_timezone_given_as_an_ambiguous_abbreviation_names_the_candidates(mentors: Path) -> None:
    msg = only(mentors, edit(VALID, 13, "timezone: IST"))
    assert "'IST' could be India (Asia/Kolkata), Ireland (Europe/Dublin) or Israel" in msg


def test_timezone_given_as_an_offset_asks_for_the_city_zone(mentors: Path) -> None:
    msg = only(mentors, edit(VALID, 13, 'timezone: "UTC+1"'))
    assert "a fixed offset is wrong for half the year" in msg


def test_timezone_given_as_a_city_in_another_language_suggests_its_zone(mentors: Path) -> None:
    msg = only(mentors, edit(VALID, 13, "timezone: München"))
    assert "did you mean 'Europe/Berlin'?" in msg
