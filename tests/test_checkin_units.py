"""Check-ins, the pure parts: messy answers, signed codes, links, config and the secret."""

from __future__ import annotations

import stat
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from mentorship.checkin_secret import KEY_FILE, SECRET_ENV, checkin_secret
from mentorship.config import CHECKIN_QUESTIONS, parse_config
from mentorship.errors import ConfigError
from mentorship.relationship.checkin_answers import (
    parse_continue,
    parse_happened,
    parse_rating,
    parse_role,
)
from mentorship.relationship.checkin_codes import checkin_code, checkin_links, read_code

SECRET = b"a-test-secret-of-enough-length"
FORM = "https://docs.google.com/forms/d/e/1FAIpQLSe-checkin-form-0123456789/viewform"
CHECKIN = {"form_url": FORM, "code_entry": "entry.111", "role_entry": "entry.222"}


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        ("Yes, we met", "held"),
        ("held", "held"),
        ("  It HAPPENED! ", "held"),
        ("Yes", "held"),
        ("It was moved to another day", "moved"),
        ("Rescheduled", "moved"),
        ("postponed (the mentor was travelling)", "moved"),
        ("missed", "missed"),
        ("No-show", "missed"),
        ("no show", "missed"),
        ("It didn\u2019t happen", "missed"),
        ("did not happen", "missed"),
        ("We did not meet", "missed"),
        ("No", "missed"),
        ("Cancelled", "cancelled"),
        ("canceled by the student", "cancelled"),
        ("No, cancelled", "cancelled"),
        ("", None),
        ("maybe?", None),
    ],
)
def test_what_happened_is_read_from_messy_answers(answer: str, status: str | None) -> None:
    assert parse_happened(answer) == status


@pytest.mark.parametrize(
    ("answer", "rating"),
    [
        ("4", 4),
        ("4 - very useful", 4),
        ("5 (extremely useful)", 5),
        ("\u2605\u2605\u2605\u2605", 4),
        ("\u2b50\u2b50", 2),
        ("3/5", 3),
        ("Very useful (5)", 5),
        ("four", 4),
        ("1 = not useful", 1),
        (" 2 ", 2),
        ("0", None),
        ("6", None),
        ("10", None),
        ("", None),
        ("meh", None),
    ],
)
def test_ratings_are_read_as_one_to_five(answer: str, rating: int | None) -> None:
    assert parse_rating(answer) == rating


@pytest.mark.parametrize(
    ("answer", "value"),
    [
        ("Yes", "yes"),
        ("yes please!", "yes"),
        ("Y", "yes"),
        ("Definitely", "yes"),
        ("Of course", "yes"),
        ("We'd like to continue", "yes"),
        ("No", "no"),
        ("no thanks", "no"),
        ("No, we are done", "no"),
        ("I\u2019d rather not", "no"),
        ("Let's stop here", "no"),
        ("Not really", "no"),
        ("Not sure yet", None),
        ("", None),
    ],
)
def test_continue_is_yes_or_no_in_common_phrasings(answer: str, value: str | None) -> None:
    assert parse_continue(answer) == value


@pytest.mark.parametrize(
    ("answer", "role"),
    [
        ("Mentor", "mentor"),
        ("the mentor", "mentor"),
        ("Alumnus", "mentor"),
        ("alumna (mentor)", "mentor"),
        ("Student", "student"),
        ("Mentee", "student"),
        ("STUDENT / mentee", "student"),
        ("", None),
        ("parent", None),
    ],
)
def test_role_is_mentor_or_student(answer: str, role: str | None) -> None:
    assert parse_role(answer) == role


def test_a_code_names_its_session_and_reads_back() -> None:
    code = checkin_code(SECRET, "m0123456789ab", 2)
    match_id, number, token = code.split("/")
    assert (match_id, number, len(token)) == ("m0123456789ab", "2", 20)
    assert token == token.lower() and token.isalnum()
    assert read_code(SECRET, code) == ("m0123456789ab", 2)
    # Retyped by hand: spaces and the token's letter case do not matter.
    retyped = f"  m0123456789ab / 2 / {token.upper()} "
    assert read_code(SECRET, retyped) == ("m0123456789ab", 2)


def test_forged_and_tampered_codes_are_refused() -> None:
    code = checkin_code(SECRET, "m0123456789ab", 2)
    token = code.rsplit("/", 1)[1]
    other = checkin_code(SECRET, "m999999999999", 2).rsplit("/", 1)[1]
    refused = [
        "",
        "m0123456789ab/2",  # no token
        "m0123456789ab",
        f"m0123456789ab/3/{token}",  # tampered number
        f"m0123456789ab/02/{token}",  # the same number spelled otherwise
        f"m0123456789ab/0/{token}",
        f"m999999999999/2/{token}",  # another match
        f"m0123456789ab/2/{other}",  # another match's token
        f"m0123456789ab/2/{token[:-1]}",  # cut short
        f"m0123456789ab/2/{'a' * 20}",  # guessed
        f"m0123456789ab/x/{token}",
    ]
    for text in refused:
        assert read_code(SECRET, text) is None, text
    assert read_code(b"another-secret-entirely", code) is None


def test_links_prefill_the_code_and_each_role() -> None:
    config = parse_config({"checkin": CHECKIN}, Path("/tmp"))
    links = checkin_links(config, SECRET, "m0123456789ab", 1)
    assert set(links) == {"mentor", "student"}
    for role, choice in (("mentor", "Mentor"), ("student", "Student")):
        parts = urlsplit(links[role])
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" == FORM
        query = parse_qs(parts.query)
        assert query["usp"] == ["pp_url"]
        assert query["entry.222"] == [choice]
        assert read_code(SECRET, query["entry.111"][0]) == ("m0123456789ab", 1)
    # The CheckinConfig alone works too, and check-ins off means no links.
    assert checkin_links(config.checkin, SECRET, "m0123456789ab", 1) == links
    assert checkin_links(parse_config({}, Path("/tmp")), SECRET, "m0123456789ab", 1) == {}


def test_checkin_config_has_defaults_and_reports_unknown_keys() -> None:
    config = parse_config({}, Path("/tmp"))
    assert not config.checkin.enabled
    assert config.checkin.worksheet == "Form Responses 2"
    assert config.checkin.questions == CHECKIN_QUESTIONS
    renamed = parse_config(
        {"checkin": {**CHECKIN, "questions": {"comment": "Private note"}}}, Path("/tmp")
    )
    assert renamed.checkin.questions["comment"] == "Private note"
    assert renamed.checkin.questions["code"] == CHECKIN_QUESTIONS["code"]
    with pytest.raises(ConfigError, match=r"checkin: unknown key\(s\) form"):
        parse_config({"checkin": {"form": FORM}}, Path("/tmp"))
    with pytest.raises(ConfigError, match=r"checkin.questions: unknown field\(s\) mood"):
        parse_config({"checkin": {"questions": {"mood": "How do you feel?"}}}, Path("/tmp"))
    with pytest.raises(ConfigError, match="code_entry is empty"):
        parse_config({"checkin": {"form_url": FORM}}, Path("/tmp"))


def _config(root: Path, backend: str = "local"):
    return parse_config({"backend": backend, "checkin": CHECKIN}, root)


def test_local_backend_makes_one_private_key_and_keeps_it(tmp_path: Path) -> None:
    config = _config(tmp_path)
    # A dry run writes nothing, not even the key.
    assert checkin_secret(config, {}, create=False)
    assert not (tmp_path / ".ledger" / KEY_FILE).exists()
    key = checkin_secret(config, {})
    path = tmp_path / ".ledger" / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert checkin_secret(config, {}) == key
    assert checkin_secret(config, {}, create=False) == key
    # The environment wins when set.
    assert checkin_secret(config, {SECRET_ENV: "x" * 32}) == b"x" * 32


def test_google_backend_needs_the_secret_in_the_environment(tmp_path: Path) -> None:
    config = _config(tmp_path, "google")
    with pytest.raises(ConfigError, match=f"{SECRET_ENV} is not set.*nightly"):
        checkin_secret(config, {})
    with pytest.raises(ConfigError, match="only 5 characters"):
        checkin_secret(config, {SECRET_ENV: "short"})
    assert checkin_secret(config, {SECRET_ENV: "s" * 40}) == b"s" * 40
    assert not (tmp_path / ".ledger").exists()
    # Check-ins off: no secret needed anywhere.
    assert checkin_secret(parse_config({"backend": "google"}, tmp_path), {}) is None


def test_the_invite_says_how_to_check_in_with_one_line_per_role() -> None:
    import datetime as dt

    from mentorship.calendar.invite import Participant, build_invite
    from mentorship.config import CalendarConfig
    from mentorship.scheduling import Slot

    start = dt.datetime(2026, 12, 1, 18, tzinfo=dt.UTC)
    kwargs = {
        "match_id": "m0123456789ab",
        "mentor": Participant("Jane Doe", "jane@alumni.example.org", "Europe/London"),
        "student": Participant("Sam Lee", "sam@student.example.edu", "Asia/Kolkata"),
        "goals": "A first job",
        "slot": Slot(start, start + dt.timedelta(minutes=45)),
        "calendar": CalendarConfig(),
    }
    config = parse_config({"checkin": CHECKIN}, Path("/tmp"))
    links = checkin_links(config, SECRET, "m0123456789ab", 1)
    lines = build_invite(**kwargs, checkin_links=links).description.splitlines()
    at = lines.index("After the session, tell us how it went (two minutes, private to the team)")
    assert lines[at + 1 : at + 3] == [
        f"- Mentor's check-in: {links['mentor']}",
        f"- Student's check-in: {links['student']}",
    ]
    assert "After the session" not in build_invite(**kwargs).description
