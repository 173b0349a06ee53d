"""The guides name things exactly as the code does: form questions and options, commands,
ledger statuses, settings, workflows and secrets. Staff follow the setup guide word for word."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from pathlib import Path

import pytest
from mentorship import config as cfg
from mentorship.cli import main
from mentorship.ledger import MatchStatus, RequestStatus
from mentorship.messages.outbox import OutboxStatus
from mentorship.weekly import FORM_OPTIONS

ROOT = Path(__file__).resolve().parents[1]
SETUP = (ROOT / "content" / "guides" / "setup.md").read_text(encoding="utf-8")
ALL_GUIDES = "\n".join(
    p.read_text(encoding="utf-8") for p in sorted((ROOT / "content").rglob("*.md"))
)
QUESTIONS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
    "mentorship"
]["questions"]
SECRETS = (
    "GOOGLE_CREDENTIALS",
    "GCP_WORKLOAD_IDENTITY_PROVIDER",
    "GCP_SERVICE_ACCOUNT",
    "MENTORSHIP_SMTP_PASSWORD",
    "MENTORSHIP_CHECKIN_SECRET",
)


@pytest.mark.parametrize("field", sorted(set(QUESTIONS) - {"timestamp"}))
def test_every_configured_question_title_is_in_the_setup_guides_form_table(field):
    assert f"| `{QUESTIONS[field]}` |" in SETUP


@pytest.mark.parametrize("field", sorted(set(cfg.CHECKIN_FIELDS) - {"timestamp"}))
def test_every_check_in_question_title_is_in_the_setup_guides_check_in_table(field):
    assert f"| `{cfg.CHECKIN_QUESTIONS[field]}` |" in SETUP


def test_the_check_in_choices_the_guide_gives_read_as_what_they_say():
    from mentorship.relationship.checkin_answers import parse_happened, parse_role

    row = re.search(r"\| `Did the session happen\?` \| Multiple choice \| (.+?) \|", SETUP)
    assert row, "the guide lists the choices of 'Did the session happen?'"
    choices = re.findall(r"`([^`]+)`", row.group(1))
    assert [parse_happened(c) for c in choices] == ["held", "moved", "missed", "cancelled"]
    assert "| `I am the` | Multiple choice | `Mentor`, `Student` |" in SETUP
    assert [parse_role("Mentor"), parse_role("Student")] == ["mentor", "student"]


@pytest.mark.parametrize("option", FORM_OPTIONS)
def test_every_availability_option_is_in_the_setup_guide(option):
    assert f"`{option}`" in SETUP


def test_every_command_the_guides_name_exists():
    named = set(re.findall(r"`mentorship ([a-z-]+)", ALL_GUIDES))
    assert named, "the guides name no command"
    assert named <= set(main.commands), named - set(main.commands)


def test_every_workflow_the_guides_name_exists():
    for name in re.findall(r"\.github/workflows/([a-z]+\.yml)", ALL_GUIDES):
        assert (ROOT / ".github" / "workflows" / name).is_file(), name


@pytest.mark.parametrize("name", SECRETS)
def test_secrets_and_variables_match_the_nightly_workflow(name):
    assert name in (ROOT / ".github" / "workflows" / "nightly.yml").read_text(encoding="utf-8")
    assert name in SETUP


@pytest.mark.parametrize("status", RequestStatus.ALL + MatchStatus.ALL + OutboxStatus.ALL)
def test_every_ledger_status_is_explained_in_the_setup_guide(status):
    assert f"`{status}`" in SETUP


def test_every_setting_the_setup_guide_shows_is_a_real_key():
    keys = (
        {
            f.name
            for kind in (
                cfg.Config,
                cfg.FormConfig,
                cfg.CalendarConfig,
                cfg.ScheduleConfig,
                cfg.MessagesConfig,
                cfg.CheckinConfig,
                cfg.RelationshipConfig,
            )
            for f in dataclasses.fields(kind)
        }
        | {f.name for f in dataclasses.fields(cfg.MatchingConfig)}
        | set(cfg.QUESTION_FIELDS)
    )
    shown = set(re.findall(r"^\s*([a-z_]+) = ", SETUP, re.M))
    assert shown, "the setup guide shows no setting"
    assert shown <= keys, shown - keys


def test_setup_guide_limits_google_credentials_to_the_nightly_environment_on_main():
    assert "environment" in SETUP and "`nightly`" in SETUP
    assert "**Deployment branches and tags**" in SETUP and "`main`" in SETUP
    condition = re.search(r'--attribute-condition="([^"]+)"', SETUP)
    assert condition, "the guide shows the provider's attribute condition"
    rule = condition.group(1)
    assert "assertion.ref == 'refs/heads/main'" in rule
    assert (
        "assertion.workflow_ref == 'YOUR-ORG/YOUR-FORK/.github/workflows/nightly.yml@refs/heads/main'"
        in rule
    )
    assert "assertion.environment == 'nightly'" in rule
