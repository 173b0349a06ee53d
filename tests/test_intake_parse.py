"""Intake's parsing of single answers and of the responses tab's header (no backend)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
from mentorship.config import load_config
from mentorship.errors import ConfigError, LedgerError
from mentorship.intake import (
    map_terms,
    parse_responses,
    parse_timestamp,
    parse_timezone,
    resolve_layout,
    timestamp_order,
)
from mentorship.profiles.taxonomy import load_taxonomy

from tests.support import answers as rows

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = load_config(ROOT).questions
TAXONOMY = load_taxonomy(ROOT / "mentors" / "taxonomy.yml")
HEADER = [QUESTIONS[f] for f in QUESTIONS]


@dataclass
class FakeMentor:
    slug: str
    name: str
    accepting: bool = True


MENTORS = [
    FakeMentor("priya-sample", "Priya Sample"),
    FakeMentor("hannah-dummy", "Hannah Dummy", False),
]


def answer_row(**answers: str) -> list[str]:
    return rows.answer_row(QUESTIONS, **answers)


def parse_one(**answers: str):
    parsed = parse_responses([HEADER, answer_row(**answers)], QUESTIONS, TAXONOMY, MENTORS)
    (response,) = parsed.responses
    return response


@pytest.mark.parametrize(
    ("cell", "order", "expected"),
    [
        ("28/11/2026 14:03:11", "dmy", "2026-11-28T14:03:11"),
        ("11/28/2026 2:03:11 PM", "mdy", "2026-11-28T14:03:11"),
        ("11/28/2026 2:03:11 PM", "dmy", "2026-11-28T14:03:11"),  # unambiguous by itself
        ("12/28/2026 12:03:11 AM", "mdy", "2026-12-28T00:03:11"),
        ("2026-11-28T14:03:11", "dmy", "2026-11-28T14:03:11"),
        ("2026-11-28 14:03:11", "mdy", "2026-11-28T14:03:11"),
        ("2026/11/28 14:03:11", "dmy", "2026-11-28T14:03:11"),
        ("28.11.2026 14:03:11", "dmy", "2026-11-28T14:03:11"),
        ("46354.585543981", "dmy", "2026-11-28T14:03:11"),  # a Sheets serial number
        ("05/06/2026 09:00:00", "dmy", "2026-06-05T09:00:00"),
        ("05/06/2026 09:00:00", "mdy", "2026-05-06T09:00:00"),
    ],
)
def test_timestamps_in_the_sheets_locale_become_iso(cell: str, order: str, expected: str) -> None:
    stamp = parse_timestamp(cell, order)
    assert stamp is not None and stamp.isoformat() == expected


@pytest.mark.parametrize("cell", ["", "yesterday", "31/31/2026 10:00:00", "12"])
def test_unreadable_timestamps_are_none(cell: str) -> None:
    assert parse_timestamp(cell) is None


def test_column_order_is_decided_by_unambiguous_cells() -> None:
    assert timestamp_order(["05/06/2026 09:00:00", "28/11/2026 14:03:11"]) == "dmy"
    assert timestamp_order(["05/06/2026 09:00:00", "11/28/2026 14:03:11"]) == "mdy"
    assert timestamp_order(["05/06/2026 9:00:00 AM"]) == "mdy"
    assert timestamp_order(["05/06/2026 09:00:00"]) == "dmy"


@pytest.mark.parametrize(
    ("answer", "zone"),
    [
        ("Europe/Lisbon", "Europe/Lisbon"),
        ("  europe/LISBON ", "Europe/Lisbon"),
        ("America/New York", "America/New_York"),
        ("(GMT+01:00) Europe/Lisbon", "Europe/Lisbon"),
        ("UTC", "UTC"),
        ("GMT", "GMT"),
        ("UTC+0", "UTC"),
        ("GMT-3", "Etc/GMT+3"),
        ("UTC+2", "Etc/GMT-2"),
        ("UTC +05:30", "Asia/Kolkata"),
        ("UTC+05:45", "Asia/Kathmandu"),
        # The city beats the offset it agrees with: it also knows daylight saving.
        ("(GMT-03:00) Buenos Aires", "America/Argentina/Buenos_Aires"),
    ],
)
def test_timezones_accept_iana_names_and_offsets(answer: str, zone: str) -> None:
    assert parse_timezone(answer) == zone


@pytest.mark.parametrize(
    "answer", ["", "Mars/Olympus_Mons", "my local time", "UTC+05:17", "GMT+15"]
)
def test_unknown_timezones_are_none(answer: str) -> None:
    assert parse_timezone(answer) is None


def test_checkbox_answers_map_case_insensitively_and_keep_other_whole() -> None:
    terms, other = map_terms(
        "finance, SOFTWARE, Fintech, Space tourism, orbital hotels",
        TAXONOMY.industries,
        TAXONOMY.aliases,
    )
    assert terms == ["Finance", "Software"]
    assert other == "Space tourism, orbital hotels"


def test_a_valid_answer_fills_every_ledger_cell() -> None:
    response = parse_one(
        email="  Ana.Fictive@Example.EDU ",
        industries="finance, Software",
        availability="Weekday evenings, Saturday mornings",
        languages="english, Mandarin",
        meeting_format="Video, In person",
        preferred_mentor="PRIYA-SAMPLE",
    )
    assert response.valid and not response.notes
    assert response.cells["email"] == "ana.fictive@example.edu"
    assert response.cells["submitted_at"] == "2026-11-28T14:03:11"
    assert response.cells["industries"] == "Finance; Software"
    assert response.cells["languages"] == "English; Mandarin Chinese"
    assert response.cells["meeting_formats"] == "video; in person"
    assert response.cells["preferred_mentor"] == "priya-sample"
    assert response.cells["availability"].startswith("mon 17:00-21:00")
    assert "sat 09:00-12:00" in response.cells["availability"]
    assert response.request_id.startswith("r") and len(response.request_id) == 13


@pytest.mark.parametrize(
    ("answers", "sheet_words", "public_words"),
    [
        (
            {"email": "bob@"},
            "email 'bob@' is not a valid address; fix it in row 2 of Form Responses 1",
            "not valid",
        ),
        ({"email": "   "}, "the email address is empty", "empty"),
        ({"email": "jane doe@example.org"}, "is not a valid address", "not valid"),
        ({"name": ""}, "the name is empty", "name is empty"),
        (
            {"timezone": "Mars/Olympus_Mons"},
            "timezone 'Mars/Olympus_Mons' is not one we know",
            "timezone",
        ),
        ({"timezone": ""}, "the timezone is empty", "timezone"),
        ({"availability": ""}, "no usable availability", "availability"),
        ({"availability": "Whenever"}, "(the answer was 'Whenever')", "availability"),
        ({"consent": ""}, "consent question was not agreed to", "no consent"),
        ({"consent": "No, thank you"}, "consent question was not agreed to", "no consent"),
    ],
)
def test_unusable_answers_say_what_and_where(
    answers: dict[str, str], sheet_words: str, public_words: str
) -> None:
    response = parse_one(**answers)
    assert not response.valid
    sheet = "; ".join(i.sheet for i in response.issues)
    public = "; ".join(i.public for i in response.issues)
    assert sheet_words in sheet
    assert "or ask the student to submit the form again" in sheet
    assert public_words in public and "row 2 of Form Responses 1" in public
    # Reports and logs may be public: they never quote the student's answer.
    for value in answers.values():
        if value.strip():
            assert value not in public


@pytest.mark.parametrize(
    ("wanted", "note"),
    [
        ("zara-nobody", "'zara-nobody' is not in the directory, so it was cleared"),
        ("hannah-dummy", "'hannah-dummy' is not accepting new mentees, so it was cleared"),
    ],
)
def test_a_preferred_mentor_who_cannot_be_had_is_cleared_with_a_note(
    wanted: str, note: str
) -> None:
    response = parse_one(preferred_mentor=wanted)
    assert response.valid
    assert response.cells["preferred_mentor"] == ""
    assert any(note in n for n in response.notes)


def test_a_mentor_page_address_or_name_finds_the_mentor() -> None:
    assert (
        parse_one(preferred_mentor="https://x.example/mentors/priya-sample/").cells[
            "preferred_mentor"
        ]
        == "priya-sample"
    )
    assert parse_one(preferred_mentor="priya  sample").cells["preferred_mentor"] == "priya-sample"


def test_other_answers_are_kept_as_notes_and_do_not_fail() -> None:
    response = parse_one(
        industries="Finance, Space tourism",
        availability="Weekday evenings, After 8pm on Thursdays",
        meeting_format="Video, Carrier pigeon",
    )
    assert response.valid
    assert "industries: other answer 'Space tourism'" in response.notes
    assert "availability: other answer 'After 8pm on Thursdays'" in response.notes
    assert "meeting format: other answer 'Carrier pigeon'" in response.notes


def test_formula_like_cells_are_kept_verbatim() -> None:
    response = parse_one(goals='=HYPERLINK("http://evil")', name="@ana", program="+44", year="-1")
    assert response.cells["goals"] == '=HYPERLINK("http://evil")'
    assert (response.cells["name"], response.cells["program"], response.cells["year"]) == (
        "@ana",
        "+44",
        "-1",
    )


def test_missing_required_title_names_it_and_lists_the_titles_present() -> None:
    header = [t if t != QUESTIONS["timezone"] else "Your time zone (city)" for t in HEADER]
    with pytest.raises(LedgerError) as info:
        parse_responses([header, answer_row()], QUESTIONS, TAXONOMY, MENTORS)
    message = str(info.value)
    assert f"questions.timezone = {QUESTIONS['timezone']!r}" in message
    assert "did you mean 'Your time zone (city)'" in message
    assert "'Your time zone (city)'" in message.split("The titles in row 1 are:")[1]


def test_missing_optional_title_is_a_warning_and_the_answer_stays_empty() -> None:
    header = [t if t != QUESTIONS["goals"] else "Goals (renamed)" for t in HEADER]
    parsed = parse_responses([header, answer_row()], QUESTIONS, TAXONOMY, MENTORS)
    assert parsed.responses[0].valid and parsed.responses[0].cells["goals"] == ""
    assert any("no column 'What do you hope to get from mentoring?'" in w for w in parsed.warnings)


def test_unconfigured_required_field_is_a_config_error() -> None:
    questions = {k: v for k, v in QUESTIONS.items() if k != "email"}
    with pytest.raises(ConfigError, match="email"):
        resolve_layout(HEADER, questions, "Form Responses 1")


def test_blank_and_duplicate_header_cells_are_handled() -> None:
    header = [*HEADER, "", QUESTIONS["goals"]]
    old = [*answer_row(goals="old column"), "stray", ""]
    new = [
        *answer_row(goals="", timestamp="29/11/2026 10:00:00", email="b@example.edu"),
        "",
        "new column",
    ]
    parsed = parse_responses([header, old, new], QUESTIONS, TAXONOMY, MENTORS)
    assert [r.cells["goals"] for r in parsed.responses] == ["old column", "new column"]
    assert any("have no title in row 1" in w for w in parsed.warnings)
    assert any("heads columns" in w for w in parsed.warnings)


def test_empty_rows_are_skipped_and_counted() -> None:
    values = [HEADER, answer_row(), [], ["", "  "], answer_row(timestamp="29/11/2026 10:00:00")]
    parsed = parse_responses(values, QUESTIONS, TAXONOMY, MENTORS)
    assert [r.row for r in parsed.responses] == [2, 5]
    assert parsed.empty_rows == 2


def test_request_ids_do_not_change_with_new_questions_moved_rows_or_fixed_emails() -> None:
    rows = [
        answer_row(timestamp=f"2{i}/11/2026 10:00:00", email=f"s{i}@example.edu") for i in range(3)
    ]
    first = [
        r.request_id
        for r in parse_responses([HEADER, *rows], QUESTIONS, TAXONOMY, MENTORS).responses
    ]
    # A new question at the front, the rows in another order, one email fixed.
    moved = [["Extra?", *r] for r in reversed(rows)]
    moved[0][1 + HEADER.index(QUESTIONS["email"])] = "fixed@example.edu"
    again = parse_responses([["Extra?", *HEADER], *moved], QUESTIONS, TAXONOMY, MENTORS).responses
    assert [r.request_id for r in reversed(again)] == first
    assert len(set(first)) == 3


def test_same_second_responses_get_distinct_ids_independent_of_order() -> None:
    a = answer_row(email="a@example.edu")
    b = answer_row(email="b@example.edu")
    one = {
        r.email_key: r.request_id
        for r in parse_responses([HEADER, a, b], QUESTIONS, TAXONOMY, MENTORS).responses
    }
    two = {
        r.email_key: r.request_id
        for r in parse_responses([HEADER, b, a], QUESTIONS, TAXONOMY, MENTORS).responses
    }
    assert one == two and len(set(one.values())) == 2


def test_ten_thousand_rows_parse() -> None:
    rows = [
        answer_row(
            timestamp=(dt.datetime(2026, 1, 1) + dt.timedelta(minutes=i)).strftime(
                "%d/%m/%Y %H:%M:%S"
            ),
            email=f"s{i}@example.edu",
        )
        for i in range(10_000)
    ]
    parsed = parse_responses([HEADER, *rows], QUESTIONS, TAXONOMY, MENTORS)
    assert len(parsed.responses) == 10_000 and all(r.valid for r in parsed.responses)
    assert len({r.request_id for r in parsed.responses}) == 10_000
