"""The profile commands end to end through click: validate, new and schema."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from mentorship.cli import main
from mentorship.cli.profiles_cmds import github_annotation, profile_schema
from mentorship.errors import Problem
from mentorship.profiles import load_profiles

from tests.fixtures import write_mentors

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh repository holding the schema, the fixture taxonomy and two fixture profiles."""
    (tmp_path / "pyproject.toml").write_text("[tool.mentorship]\n", encoding="utf-8")
    mentors = write_mentors(tmp_path / "mentors", "diego-delta", "mei-november")
    shutil.copy(REPO / "mentors" / "schema.json", mentors / "schema.json")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return tmp_path


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def break_industry(project: Path, slug: str = "diego-delta") -> None:
    path = project / "mentors" / f"{slug}.yml"
    path.write_text(path.read_text().replace("industry: Finance", "industry: Fintech"))


class TestValidate:
    def test_clean_profiles_exit_0_with_summary(self, project: Path) -> None:
        code, out, _ = invoke("validate")
        assert (code, out) == (0, "2 profiles OK\n")

    def test_taxonomy_and_schema_are_not_profiles(self, project: Path) -> None:
        code, out, _ = invoke("validate", "mentors/taxonomy.yml", "mentors/diego-delta.yml")
        assert (code, out) == (0, "1 profile OK\n")

    def test_folder_argument_checks_its_profiles(self, project: Path) -> None:
        code, out, _ = invoke("validate", "mentors")
        assert (code, out) == (0, "2 profiles OK\n")

    def test_problems_exit_1_one_per_line_with_summary_on_stderr(self, project: Path) -> None:
        break_industry(project)
        code, out, err = invoke("validate")
        assert code == 1
        assert out == (
            "mentors/diego-delta.yml:10:11: industry: 'Fintech' is not a known industry; "
            "did you mean 'Finance'? (see mentors/taxonomy.yml)\n"
        )
        assert "1 problem in 1 of 2 profiles" in err

    def test_named_file_only_reports_that_file(self, project: Path) -> None:
        break_industry(project)
        code, out, _ = invoke("validate", "mentors/mei-november.yml")
        assert (code, out) == (0, "1 profile OK\n")

    def test_named_file_with_an_email_is_told_where_the_email_goes(self, project: Path) -> None:
        path = project / "mentors" / "diego-delta.yml"
        path.write_text(path.read_text() + "email: diego@example.org\n")
        code, out, _ = invoke("validate", "mentors/diego-delta.yml")
        assert code == 1
        assert out.startswith("mentors/diego-delta.yml:")
        assert "email: delete this line; profiles are public" in out
        assert "diego@example.org" not in out

    def test_missing_path_is_a_usage_error(self, project: Path) -> None:
        code, _, err = invoke("validate", "mentors/nobody.yml")
        assert code == 2
        assert "does not exist" in err

    def test_missing_config_is_exit_2(self, project: Path) -> None:
        (project / "pyproject.toml").write_text("[project]\nname = 'x'\n")
        code, _, err = invoke("validate")
        assert code == 2
        assert "[tool.mentorship]" in err

    def test_broken_taxonomy_is_exit_2(self, project: Path) -> None:
        (project / "mentors" / "taxonomy.yml").write_text("industries: Finance\n")
        code, _, err = invoke("validate")
        assert code == 2
        assert "mentors/taxonomy.yml: 'industries' must be a non-empty list" in err

    def test_github_actions_annotations(
        self, project: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("GITHUB_ACTIONS", "true")
        break_industry(project)
        code, out, _ = invoke("validate")
        assert code == 1
        assert out.splitlines() == [
            "mentors/diego-delta.yml:10:11: industry: 'Fintech' is not a known industry; "
            "did you mean 'Finance'? (see mentors/taxonomy.yml)",
            "::error file=mentors/diego-delta.yml,line=10,col=11::industry: 'Fintech' is not a "
            "known industry; did you mean 'Finance'? (see mentors/taxonomy.yml)",
        ]

    def test_no_annotations_outside_actions(self, project: Path) -> None:
        break_industry(project)
        _, out, _ = invoke("validate")
        assert "::error" not in out


def test_annotation_escapes_per_workflow_command_rules() -> None:
    problem = Problem("mentors/a,b:c.yml", 3, 4, "100% wrong\r\nsecond line")
    assert github_annotation(problem) == (
        "::error file=mentors/a%2Cb%3Ac.yml,line=3,col=4::100%25 wrong%0D%0Asecond line"
    )


def test_annotation_without_line_names_only_the_file() -> None:
    assert github_annotation(Problem("mentors/x.yml", 0, 0, "bad")) == (
        "::error file=mentors/x.yml::bad"
    )


class TestNew:
    def test_writes_a_commented_template_with_the_schema_line(self, project: Path) -> None:
        code, out, _ = invoke("new", "ana-lima")
        assert code == 0
        assert "Wrote mentors/ana-lima.yml" in out
        text = (project / "mentors" / "ana-lima.yml").read_text()
        assert text.splitlines()[0] == "# yaml-language-server: $schema=schema.json"
        data = yaml.safe_load(text)
        # Every field of the profile is in the template (links, github as commented examples).
        assert set(data) | {"links", "github"} == set(profile_schema()["properties"])
        # Every field is explained by a comment line just above it.
        lines = text.splitlines()
        for i, line in enumerate(lines):
            if line and not line.startswith((" ", "#")):
                assert lines[i - 1].startswith("#"), line
        # The taxonomy's words are listed for the mentor to choose from.
        assert "Government &" in text and "Interview practice" in text and "Mandarin" in text

    def test_untouched_template_fails_only_on_name_and_asks_no_email(self, project: Path) -> None:
        invoke("new", "ana-lima")
        text = (project / "mentors" / "ana-lima.yml").read_text()
        lines = text.splitlines()
        name_line = lines.index('name: "<Your name>"') + 1
        code, out, _ = invoke("validate", "mentors/ana-lima.yml")
        assert code == 1
        assert out.splitlines() == [
            f"mentors/ana-lima.yml:{name_line}:7: name: replace the placeholder '<Your name>' "
            "with your name as students should see it",
        ]
        assert not any(line.startswith("email:") for line in lines)
        assert "do not write your email address" in text

    def test_template_with_name_filled_in_validates(self, project: Path) -> None:
        invoke("new", "ana-lima")
        path = project / "mentors" / "ana-lima.yml"
        text = path.read_text()
        text = text.replace("<Your name>", "Ana Lima")
        path.write_text(text)
        code, out, _ = invoke("validate", "mentors/ana-lima.yml")
        assert (code, out) == (0, "1 profile OK\n")
        [mentor] = [m for m in load_profiles(project / "mentors").mentors if m.slug == "ana-lima"]
        assert mentor.confirmed == dt.date.today()

    def test_links_example_works_once_uncommented(self, project: Path) -> None:
        invoke("new", "ana-lima")
        path = project / "mentors" / "ana-lima.yml"
        text = path.read_text().replace("<Your name>", "Ana Lima")
        text = text.replace("# links:", "links:").replace("#   - label", "  - label")
        text = text.replace("#     url", "    url")
        path.write_text(text)
        assert invoke("validate", "mentors/ana-lima.yml")[:2] == (0, "1 profile OK\n")

    @pytest.mark.parametrize("slug", ["Ana-Lima", "ana lima", "ana--lima", "ana-lima.yml", "ana-"])
    def test_refuses_a_bad_slug(self, project: Path, slug: str) -> None:
        code, _, err = invoke("new", slug)
        assert code == 2
        assert "lowercase letters, digits and single hyphens" in err
        assert not any("ana" in p.name.lower() for p in (project / "mentors").iterdir())

    def test_refuses_an_existing_profile(self, project: Path) -> None:
        before = (project / "mentors" / "mei-november.yml").read_text()
        code, _, err = invoke("new", "mei-november")
        assert code == 1
        assert "mentors/mei-november.yml already exists; edit that file" in err
        assert (project / "mentors" / "mei-november.yml").read_text() == before


class TestSchema:
    def test_committed_schema_matches_the_models(self) -> None:
        committed = json.loads((REPO / "mentors" / "schema.json").read_text())
        assert committed == profile_schema(), (
            "run `mentorship schema` and commit mentors/schema.json"
        )

    def test_schema_command_writes_the_file(self, project: Path) -> None:
        (project / "mentors" / "schema.json").unlink()
        code, _, _ = invoke("schema")
        assert code == 0
        written = json.loads((project / "mentors" / "schema.json").read_text())
        assert written == profile_schema()
        assert written["additionalProperties"] is False
        assert "email" not in written["properties"]


def test_every_profile_command_has_help() -> None:
    for name in ("validate", "new", "schema"):
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0
        assert len(result.stdout.split("\n\n")[1].strip()) > 20
