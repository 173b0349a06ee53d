"""The pull-request path against hostile input: no fake annotations, no symlinks, no huge photos.

A pull request's author controls every file under mentors/ and content/, including file names.
These tests hold `mentorship validate` and the site build to what GitHub Actions would make of
their output, and to what they would publish.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from mentorship.cli import main
from mentorship.errors import Problem

from tests.site_browser import build, make_project

REPO = Path(__file__).resolve().parents[1]

PROFILE = """\
name: Test Mentor
graduation_year: 2010
program: BSc Testing
title: Analyst
employer: Example Ltd
industry: Finance
topics:
  - Networking
location: Lisbon, Portugal
timezone: Europe/Lisbon
languages:
  - English
meeting_formats:
  - video
availability:
  - day: tuesday
    start: "18:00"
    end: "20:00"
capacity: 2
accepting: true
confirmed: 2026-01-15
"""

INJECTED = "x.png\n::warning title=pwned::fake\n::add-mask::secret\n##[error]legacy"


def png(width: int, height: int) -> bytes:
    """A real (tiny, compressed) PNG header + one IDAT of the given size claims."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64))


def jpeg(width: int, height: int) -> bytes:
    """A JPEG's start: SOI, an APP0 segment, then a baseline SOF0 with the size."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


def webp_vp8x(width: int, height: int) -> bytes:
    body = b"VP8X" + struct.pack("<I", 10) + b"\0\0\0\0"
    body += (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository of its own: the real taxonomy and one valid profile, nothing else."""
    (tmp_path / "pyproject.toml").write_text("[tool.mentorship]\n", encoding="utf-8")
    mentors = tmp_path / "mentors"
    (mentors / "photos").mkdir(parents=True)
    shutil.copy(REPO / "mentors" / "taxonomy.yml", mentors / "taxonomy.yml")
    (mentors / "test-mentor.yml").write_text(PROFILE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    return tmp_path


def validate(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["validate", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout + result.stderr


def workflow_commands(output: str) -> list[str]:
    """The lines GitHub's runner would take as workflow commands (`::x` at the start, `##[`)."""
    return [line for line in output.splitlines() if line.lstrip().startswith("::") or "##[" in line]


# --- (a) what is printed cannot forge workflow commands -------------------------------------


def test_photo_value_with_newlines_prints_no_workflow_command_but_the_error(
    project: Path,
) -> None:
    profile = project / "mentors" / "test-mentor.yml"
    profile.write_text(PROFILE + f"photo: {INJECTED!r}\n".replace("'", '"'), encoding="utf-8")
    code, out = validate()
    assert code == 1
    commands = workflow_commands(out)
    assert commands and all(c.startswith("::error file=mentors/test-mentor.yml,") for c in commands)
    assert "photo: the photo's file name contains a line break or control character" in out


def test_file_name_with_newline_prints_no_workflow_command_but_the_error(project: Path) -> None:
    name = "a\n::warning title=pwned::fake\n::add-mask::x.yml"
    (project / "mentors" / name).write_text(PROFILE, encoding="utf-8")
    code, out = validate()
    assert code == 1
    commands = workflow_commands(out)
    assert commands and all(c.startswith("::error file=") for c in commands)
    assert "the file name contains a line break or control character" in out
    # The name is shown quoted, escapes visible, so the author can find the file.
    assert "'mentors/a\\n::warning title=pwned::fake\\n::add-mask::x.yml'" in out


def test_printable_strips_line_breaks_controls_and_legacy_commands() -> None:
    from mentorship.errors import printable

    assert printable("a\r\nb\x1bc\u2028d\x00e") == "a  b c d e"
    line = printable("x\n::set-output name=a::b ##[warning]y\x07")
    assert "\n" not in line and "\x07" not in line and "##[" not in line
    assert not printable("\n::warning::x").lstrip().startswith("::")
    assert str(Problem("mentors/a\nb.yml", 1, 2, "m\r\n::error::x")).count("\n") == 0


def test_site_build_output_has_no_forged_workflow_command(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", profiles={"zz-inject": PROFILE})
    profile = project / "mentors" / "zz-inject.yml"
    profile.write_text(
        profile.read_text(encoding="utf-8") + f"photo: {INJECTED!r}\n".replace("'", '"'),
        encoding="utf-8",
    )
    (project / "mentors" / "b\n::warning::fake\n.yml").write_text(PROFILE, encoding="utf-8")
    result = build(project, tmp_path / "site")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "zz-inject.yml" in output
    assert workflow_commands(output) == []


# --- (b) symlinks -----------------------------------------------------------------------------


def test_symlinked_photo_pointing_outside_is_rejected(project: Path, tmp_path_factory) -> None:
    outside = tmp_path_factory.mktemp("outside") / "secret.png"
    outside.write_bytes(png(100, 100) + b"SECRET")
    (project / "mentors" / "photos" / "me.png").symlink_to(outside)
    profile = project / "mentors" / "test-mentor.yml"
    profile.write_text(PROFILE + "photo: me.png\n", encoding="utf-8")
    code, out = validate()
    assert code == 1
    assert "photo: mentors/photos/me.png is a symbolic link" in out


def test_symlinked_profile_is_rejected(project: Path) -> None:
    target = project / "elsewhere.yml"
    target.write_text(PROFILE, encoding="utf-8")
    (project / "mentors" / "linked-mentor.yml").symlink_to(target)
    code, out = validate()
    assert code == 1
    assert "mentors/linked-mentor.yml: the file is a symbolic link" in out


def test_photos_folder_resolving_outside_the_repository_is_rejected(
    project: Path, tmp_path_factory
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    (outside / "me.png").write_bytes(png(100, 100))
    shutil.rmtree(project / "mentors" / "photos")
    (project / "mentors" / "photos").symlink_to(outside, target_is_directory=True)
    profile = project / "mentors" / "test-mentor.yml"
    profile.write_text(PROFILE + "photo: me.png\n", encoding="utf-8")
    code, out = validate()
    assert code == 1
    assert "outside the repository" in out or "symbolic link" in out


def test_symlink_under_content_stops_the_build(tmp_path: Path, tmp_path_factory) -> None:
    project = make_project(tmp_path / "p")
    secret = tmp_path_factory.mktemp("outside") / "secret.md"
    secret.write_text("# Secret\n\nSECRET-CONTENT\n", encoding="utf-8")
    (project / "content" / "leak.md").symlink_to(secret)
    result = build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "content/leak.md is a symbolic link" in result.stdout + result.stderr
    site = tmp_path / "site"
    assert not site.exists() or not any(
        "SECRET-CONTENT" in p.read_text(errors="ignore") for p in site.rglob("*.html")
    )


def test_the_repository_tracks_no_symlink() -> None:
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    listing = subprocess.run(
        ["git", "ls-files", "-s", "-z"], cwd=REPO, capture_output=True, check=True
    ).stdout.decode()
    links = [
        entry.split("\t", 1)[1] for entry in listing.split("\0") if entry.startswith("120000 ")
    ]
    assert links == [], f"tracked symbolic links (commit the files themselves): {links}"


# --- (c) photo dimensions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("big.png", png(40_000, 40_000)),
        ("wide.jpg", jpeg(2400, 300)),
        ("tall.webp", webp_vp8x(300, 5000)),
    ],
)
def test_photo_larger_than_2000_px_a_side_is_rejected(
    project: Path, name: str, data: bytes
) -> None:
    (project / "mentors" / "photos" / name).write_bytes(data)
    profile = project / "mentors" / "test-mentor.yml"
    profile.write_text(PROFILE + f"photo: {name}\n", encoding="utf-8")
    code, out = validate()
    assert code == 1
    assert f"photo: mentors/photos/{name} is " in out
    assert "pixels; the limit is 2000 pixels a side" in out


@pytest.mark.parametrize(
    ("name", "data"),
    [("ok.png", png(400, 400)), ("ok.jpg", jpeg(2000, 1500)), ("ok.webp", webp_vp8x(800, 800))],
)
def test_photo_within_the_limit_passes(project: Path, name: str, data: bytes) -> None:
    (project / "mentors" / "photos" / name).write_bytes(data)
    profile = project / "mentors" / "test-mentor.yml"
    profile.write_text(PROFILE + f"photo: {name}\n", encoding="utf-8")
    code, out = validate()
    assert (code, out.splitlines()[-1]) == (0, "1 profile OK"), out


def test_photo_whose_size_cannot_be_read_is_rejected(project: Path) -> None:
    (project / "mentors" / "photos" / "cut.jpg").write_bytes(b"\xff\xd8\xff\xe0\0\x10JFIF")
    profile = project / "mentors" / "test-mentor.yml"
    profile.write_text(PROFILE + "photo: cut.jpg\n", encoding="utf-8")
    code, out = validate()
    assert code == 1
    assert "cannot read the image's width and height" in out
