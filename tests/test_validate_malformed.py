"""Malformed profile files: `mentorship validate` exits 1 with a located message, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from mentorship.cli import main

from tests.fixtures import MENTORS, write_mentors


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh repository with the fixture taxonomy and one valid fixture profile."""
    (tmp_path / "pyproject.toml").write_text("[tool.mentorship]\n", encoding="utf-8")
    write_mentors(tmp_path / "mentors", "diego-delta")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return tmp_path


def run_validate(project: Path, content: bytes, name: str = "broken.yml") -> tuple[int, str]:
    (project / "mentors" / name).write_bytes(content)
    result = CliRunner().invoke(main, ["validate"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout


CASES = {
    "yaml_syntax_error": (
        b"name: Ana\ntitle: Engineer: Senior\n",
        "mentors/broken.yml:2:16: YAML syntax error: mapping values are not allowed in this context. "
        "Check the indentation and quotes around this line (text containing ': ' or '#' needs quotes).",
    ),
    "unclosed_quote": (
        b'name: "Ana\ntitle: x\n',
        "mentors/broken.yml:3:1: YAML syntax error:",
    ),
    "tab_indentation": (
        b"topics:\n\t- Networking\n",
        "mentors/broken.yml:2:1: YAML syntax error:",
    ),
    "list_instead_of_map": (
        b"- name: Ana\n- title: x\n",
        "mentors/broken.yml:1:1: the profile must be a set of fields like `name: Ana Lima`, one per line, but this file is a list.",
    ),
    "scalar_instead_of_map": (
        b"just some words\n",
        "mentors/broken.yml:1:1: the profile must be a set of fields like `name: Ana Lima`, one per line, but this file is a single value.",
    ),
    "empty_file": (
        b"",
        "mentors/broken.yml:1:1: the file is empty; start from `mentorship new <your-slug>`",
    ),
    "only_comments": (
        b"# yaml-language-server: $schema=schema.json\n# nothing yet\n",
        "mentors/broken.yml:1:1: the file is empty",
    ),
    "binary_junk": (
        bytes(range(256)) * 4,
        "mentors/broken.yml: this is not a text file (it contains binary data)",
    ),
    "not_utf8": (
        b"name: Jos\xe9 Ejemplo\ntitle: x\n",
        "mentors/broken.yml:1:10: the file is not UTF-8 text; save it as UTF-8",
    ),
    "duplicate_keys": (
        (MENTORS / "lucia-lima.yml")
        .read_bytes()
        .replace(b"\nconfirmed:", b"\ntitle: Other\nconfirmed:"),
        "title: this field appears twice (first on line 8); keep one and delete the other.",
    ),
    "two_documents": (
        b"name: a\n---\nname: b\n",
        "mentors/broken.yml:2:1: YAML syntax error: expected a single document in the stream, "
        "but found another document.",
    ),
    "anchors_and_aliases": (
        b"name: &n Ana\ntitle: *n\n",
        "mentors/broken.yml:2:1: anchors and aliases (& and *) are not allowed in a profile",
    ),
    "deep_nesting": (
        b"name:\n" + "".join("  " * i + "-\n" for i in range(1, 60)).encode(),
        "nested far deeper than any profile field",
    ),
    "map_key_not_a_name": (
        b"? [a, b]\n: x\nname: Ana\n",
        "mentors/broken.yml:1:3: expected a field name before the ':'.",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_file_exits_1_with_located_message(project: Path, case: str) -> None:
    content, expected = CASES[case]
    code, out = run_validate(project, content)
    assert code == 1
    assert expected in out, out
    # The one good profile is not blamed for the broken one.
    assert "diego-delta" not in out


def test_five_megabyte_file_is_refused_before_parsing(project: Path) -> None:
    content = b"name: " + b"x" * 5_000_000 + b"\n"
    code, out = run_validate(project, content)
    assert code == 1
    assert out.startswith(
        "mentors/broken.yml: the file is 5,000,007 bytes; a profile may be at most 100,000 bytes."
    )


def test_byte_order_mark_is_accepted(project: Path) -> None:
    text = (project / "mentors" / "diego-delta.yml").read_bytes()
    (project / "mentors" / "diego-delta.yml").write_bytes(b"\xef\xbb\xbf" + text)
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "1 profile OK\n"
