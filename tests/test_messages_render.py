"""Every template, rendered with hostile values: text stays text, links stay ours."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from mentorship.errors import ConfigError
from mentorship.messages import kinds
from mentorship.messages.mime import Sender, build_email
from mentorship.messages.people import NO_CONSENT
from mentorship.messages.render import TOOLKIT_TEMPLATES, Templates, Trusted, escape_markdown

HOSTILE = (
    "<script>alert(1)</script> [click](javascript:alert(1)) **bold** `code` "
    "<img src=x onerror=alert(1)> {{ 7*7 }} {% raw %} &amp; \u202eevil\u200b\r\n"
    "Bcc: victim@example.org\n\n# Heading\n=====\n- item\n    indented <a href='https://evil.example'>x</a>"
)
SAFE_LINK = "https://alumni.example.edu/mentoring/"


def hostile_values() -> dict[str, object]:
    """Every value any template uses, each one hostile; only toolkit-made URLs are Trusted."""
    link = Trusted(SAFE_LINK + "page/")
    person = {
        "name": HOSTILE,
        "first_name": HOSTILE,
        "title": HOSTILE,
        "employer": HOSTILE,
        "page_url": link,
        "program": HOSTILE,
        "year": HOSTILE,
        "topics": [HOSTILE, HOSTILE],
        "goals": HOSTILE,
    }
    return {
        "university": HOSTILE,
        "signature": Trusted("The team"),
        "site_url": Trusted(SAFE_LINK),
        "form_url": link,
        "directory_url": link,
        "name": HOSTILE,
        "problems": [HOSTILE],
        "reason": HOSTILE,
        "hints": [HOSTILE],
        "weeks": 3,
        "notice": 1,
        "status": HOSTILE,
        "mentor": person,
        "student": person,
        "when": HOSTILE,
        "preparing_url": link,
        "checklist_url": link,
        "confirmed": HOSTILE,
        "stale_on": HOSTILE,
        "already_stale": False,
        "edit_url": link,
        "page_url": link,
        "other_name": HOSTILE,
        "session": HOSTILE,
        "sessions": 4,
        "checkin_url": link,
    }


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


@pytest.mark.parametrize("kind", kinds.NAMES)
def test_every_template_renders_hostile_values_as_text(kind: str) -> None:
    rendered = Templates(TOOLKIT_TEMPLATES).render(kind, hostile_values())
    assert "\n" not in rendered.subject and "\r" not in rendered.subject
    parser = _Tags()
    parser.feed(rendered.html)
    tags = {tag for tag, _ in parser.tags}
    assert not tags & {"script", "img", "iframe", "h1", "style"}, tags
    for tag, attrs in parser.tags:
        assert set(attrs) <= {"href", "rel", "charset", "style"}, (tag, attrs)
        if tag == "a":
            assert str(attrs["href"]).startswith(SAFE_LINK), attrs
    # The hostile link is there as words, never as a link.
    assert not any("javascript" in str(v) for _, a in parser.tags for v in a.values())
    assert not any("evil" in href for href in re.findall(r'href="([^"]*)"', rendered.html))
    # The student's words survive as text, in both parts (minus control/format characters).
    assert "\u202e" not in rendered.text and "\u200b" not in rendered.text
    if "{{ name }}" in Templates(TOOLKIT_TEMPLATES).source(kind).body:
        assert "<script>alert(1)</script>" in rendered.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered.html
    # And the whole email builds: one To, no header smuggled in through a value.
    email = build_email(
        f"{kind}:r1:1",
        "student@example.edu",
        rendered,
        Sender("mentoring@example.edu", "Alumni Mentoring"),
        dt.datetime(2026, 11, 23, tzinfo=dt.UTC),
    )
    assert email.get_all("To") == ["student@example.edu"]
    assert email.get_all("Bcc") is None


def test_escaped_values_render_as_the_same_text() -> None:
    import markdown

    for value in ("a*b*c", "[x](y)", "1. not a list", "# no heading", "x_y_z", "<b>"):
        html = markdown.markdown(escape_markdown(value))
        text = re.sub(r"<[^>]+>", "", html)
        import html as html_module

        assert html_module.unescape(text) == value


def test_every_kind_has_a_template_in_the_repository() -> None:
    names = {p.stem for p in TOOLKIT_TEMPLATES.glob("*.md")}
    assert set(kinds.NAMES) <= names


def test_a_project_template_overrides_the_toolkits(tmp_path: Path) -> None:
    (tmp_path / "still_waiting.md").write_text("---\nsubject: Hi {{ name }}\n---\nOurs.\n")
    templates = Templates(tmp_path)
    values = {"name": "Wes", "university": "Example U", "signature": Trusted("Team")}
    rendered = templates.render("still_waiting", values)
    assert rendered.subject == "Hi Wes"
    # The footer the project did not change still comes from the toolkit.
    assert rendered.text.startswith("Ours.\n\nTeam\nExample U")


def test_a_template_mistake_names_the_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "invalid_answer.md").write_text("---\nsubject: Hi\n---\nline\n{{ name\n")
    with pytest.raises(ConfigError, match=r"invalid_answer\.md:\d+"):
        Templates(tmp_path, fallback=None).render("invalid_answer", {"name": "x"})
    (tmp_path / "request_closed.md").write_text("---\nsubject: Hi\n---\n{{ nobody }}\n")
    with pytest.raises(ConfigError, match=r"request_closed\.md: 'nobody' is undefined"):
        Templates(tmp_path, fallback=None).render("request_closed", {"name": "x"})
    (tmp_path / "match_cancelled.md").write_text("No subject here\n")
    with pytest.raises(ConfigError, match="has no subject"):
        Templates(tmp_path, fallback=None).render("match_cancelled", {})


def test_the_consent_phrase_is_the_one_intake_writes() -> None:
    """people.NO_CONSENT must stay equal to intake's reason for a refused consent."""
    from mentorship.intake import parse_responses
    from mentorship.profiles.taxonomy import load_taxonomy

    from tests.nightly_project import QUESTIONS

    repo = Path(__file__).resolve().parents[1]
    taxonomy = load_taxonomy(repo / "mentors" / "taxonomy.yml")
    header = list(QUESTIONS.values())
    row = [
        "01/11/2026 10:00:00",
        "A B",
        "a@example.edu",
        "",
        "",
        "Finance",
        "Networking",
        "",
        "",
        "Europe/London",
        "Weekday evenings",
        "English",
        "Video",
        "No",
    ]
    parsed = parse_responses([header, row], QUESTIONS, taxonomy, [])
    assert any(NO_CONSENT in issue.sheet for issue in parsed.responses[0].issues)
