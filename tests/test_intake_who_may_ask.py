"""Who may ask, and for whom: allowed email domains, and a preferred mentor by slug first."""

from __future__ import annotations

from mentorship.intake import parse_responses

from tests.test_intake_parse import HEADER, QUESTIONS, TAXONOMY, FakeMentor, answer_row

TWINS = [
    FakeMentor("ana-lima", "Ana Lima"),
    FakeMentor("ana-lima-2", "ANA  LIMA"),  # a look-alike: validate rejects it, intake must too
    FakeMentor("ben-okafor", "Ben Okafor"),
]


def parse(rows, mentors=TWINS, domains=()):
    return parse_responses(
        [HEADER, *rows], QUESTIONS, TAXONOMY, mentors, email_domains=domains
    ).responses


def test_an_address_of_another_domain_is_invalid_with_the_reason_in_words():
    ok, other = parse(
        [
            answer_row(email="ana@Students.Example.EDU"),
            answer_row(email="ana@gmail.example", timestamp="28/11/2026 14:05:00"),
        ],
        domains=("students.example.edu",),
    )
    assert ok.valid
    assert not other.valid
    [issue] = other.issues
    assert "is not a university address (@students.example.edu)" in issue.sheet
    assert "signed in with their university account" in issue.sheet
    assert issue.public.startswith("the email address is not of an allowed domain")
    assert "gmail" not in issue.public, "the public reason names no address"


def test_without_domains_any_address_may_ask():
    [response] = parse([answer_row(email="someone@anywhere.example")])
    assert response.valid


def test_a_preferred_mentor_resolves_by_slug_first():
    [response] = parse([answer_row(preferred_mentor="ana-lima-2")])
    assert response.cells["preferred_mentor"] == "ana-lima-2"
    [response] = parse([answer_row(preferred_mentor="Ben Okafor")])
    assert response.cells["preferred_mentor"] == "ben-okafor"


def test_an_ambiguous_name_gives_no_preference_and_a_note():
    [response] = parse([answer_row(preferred_mentor="ana lima")])
    assert response.cells["preferred_mentor"] == ""
    assert response.valid
    assert any(
        "is the name of 2 mentors (ana-lima, ana-lima-2), so no preference was kept" in note
        for note in response.notes
    ), response.notes
