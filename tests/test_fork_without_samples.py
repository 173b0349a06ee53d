"""A fork deletes the sample mentors and adds its own profiles: the suite stays green.

Only tests marked `repo_mentors` may read the repository's `mentors/` (tests/fixtures/guard.py
fails any other test that does), so only they can depend on what it holds. This test copies
the repository, deletes the samples (profiles and their photos) as the README tells a fork
to, adds one profile of the fork's own, and runs `mentorship validate` and every
`repo_mentors` test in the copy: they must pass, the sample-only checks skipping.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.fixtures import SAMPLE_MARK

REPO = Path(__file__).resolve().parents[1]
COPY_FLAG = "MENTORSHIP_TEST_FORK_COPY"

FORK_PROFILE = """\
# yaml-language-server: $schema=schema.json
name: Ada Okafor
graduation_year: 2015
program: BSc Computer Science
title: Data Engineer
employer: Northern Rail Analytics
industry: Software
topics:
  - Interview practice
location: Leeds, United Kingdom
timezone: Europe/London
languages:
  - English
meeting_formats:
  - video
availability:
  - day: wednesday
    start: "18:00"
    end: "20:00"
capacity: 1
accepting: true
bio: A fork's own mentor.
confirmed: 2026-11-01
"""

# The copy runs the package from this checkout; it needs no build output or local state.
TOP_LEVEL_SKIPPED = {".git", ".venv", "node_modules", "site", ".ledger", ".invites"}


def ignored(folder: str, names: list[str]) -> set[str]:
    """What shutil.copytree leaves out: local state at the top, caches anywhere."""
    skip = {n for n in names if n == "__pycache__" or n.endswith("_cache")}
    return skip | (TOP_LEVEL_SKIPPED & set(names) if Path(folder) == REPO else set())


pytestmark = pytest.mark.repo_mentors  # it copies mentors/, samples included


def make_fork(dest: Path) -> Path:
    """A copy of the repository as a fork has it: the samples gone, one profile of its own."""
    shutil.copytree(REPO, dest, ignore=ignored)
    mentors = dest / "mentors"
    samples = [p for p in mentors.glob("*.yml") if SAMPLE_MARK in p.read_text(encoding="utf-8")]
    assert samples, "the repository has no samples left to delete"
    for path in samples:
        photo = yaml.safe_load(path.read_text(encoding="utf-8")).get("photo")
        if photo:
            (mentors / "photos" / photo).unlink(missing_ok=True)
        path.unlink()
    (mentors / "ada-okafor.yml").write_text(FORK_PROFILE, encoding="utf-8")
    return dest


def run(fork: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, COPY_FLAG: "1", "NO_MKDOCS_2_WARNING": "1"}
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.run(
        args, cwd=fork, env=env, capture_output=True, text=True, timeout=600, check=False
    )


def test_the_suite_passes_with_only_a_forks_own_profiles(tmp_path: Path) -> None:
    if os.environ.get(COPY_FLAG):
        pytest.skip("already running inside the fork copy")
    fork = make_fork(tmp_path / "fork")

    validate = run(fork, str(Path(sys.executable).with_name("mentorship")), "validate")
    assert (validate.returncode, validate.stdout) == (0, "1 profile OK\n"), validate.stderr

    tests = run(
        fork,
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-rs",
        "-p",
        "no:cacheprovider",
        "-m",
        "repo_mentors",
        "--ignore=tests/test_fork_without_samples.py",
        "tests",
    )
    output = tests.stdout + tests.stderr
    assert tests.returncode == 0, output[-4000:]
    summary = output.strip().splitlines()[-1]
    passed = re.search(r"(\d+) passed", summary)
    assert passed and int(passed[1]) >= 10, summary
    # The sample-only checks found nothing to check, and said so.
    assert "the sample mentors were deleted" in output
