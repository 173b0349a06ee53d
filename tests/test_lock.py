"""The lock files in requirements/ still satisfy pyproject.toml; `make lock` rewrites them.

Every install that matters (make, CI, the nightly, deploy and validate workflows) installs
exactly these pins with `pip install --require-hashes`. Change a dependency in pyproject.toml
without running `make lock` and these tests say which pin no longer fits.
"""

from __future__ import annotations

import ast
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PROJECT = "alumni-mentorship (pyproject.toml)"
# The Pythons the lock must serve (validate.yml tests each of them).
PYTHONS = ("3.11", "3.12", "3.13")


@dataclass
class Pin:
    """One `name==version ; marker` entry of a lock file, with its hashes and "via" notes."""

    name: str
    version: Version
    marker: str
    hashes: list[str] = field(default_factory=list)
    via: list[str] = field(default_factory=list)


_ENTRY = re.compile(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)(?:\s*;\s*(?P<marker>[^\\]+?))?\s*\\?$"
)


def parse_lock(text: str) -> list[Pin]:
    """The pins of a uv/pip-compile style requirements file."""
    pins: list[Pin] = []
    for line in text.splitlines():
        stripped = line.strip()
        if match := _ENTRY.match(line):
            pins.append(
                Pin(
                    canonicalize_name(match["name"]),
                    Version(match["version"]),
                    (match["marker"] or "").strip(),
                )
            )
        elif stripped.startswith("--hash=") and pins:
            pins[-1].hashes.append(stripped.rstrip(" \\").removeprefix("--hash="))
        elif stripped.startswith("#") and pins and not line.startswith("#"):
            note = stripped.lstrip("#").strip().removeprefix("via").strip()
            if note:
                pins[-1].via.append(note)
        elif stripped and not stripped.startswith("#"):
            raise ValueError(f"unexpected line in a lock file: {line!r}")
    return pins


def declared(pyproject: dict[str, Any], *, test: bool) -> list[Requirement]:
    """The requirements a lock must satisfy: runtime and build, plus the test extra if asked."""
    reqs = [*pyproject["project"]["dependencies"], *pyproject["build-system"]["requires"]]
    if test:
        reqs += pyproject["project"]["optional-dependencies"]["test"]
    return [Requirement(r) for r in reqs]


def lock_problems(pyproject: dict[str, Any], pins: list[Pin], *, test: bool) -> list[str]:
    """Every way the pins fail pyproject.toml's requirements, one sentence each."""
    problems = []
    by_name: dict[str, list[Pin]] = {}
    for pin in pins:
        by_name.setdefault(pin.name, []).append(pin)
        if not pin.hashes:
            problems.append(f"{pin.name}=={pin.version} has no hash")
    reqs = declared(pyproject, test=test)
    names = {canonicalize_name(r.name) for r in reqs}
    for req in reqs:
        name = canonicalize_name(req.name)
        if req.marker and not any(req.marker.evaluate({"python_version": v}) for v in PYTHONS):
            continue
        if name not in by_name:
            problems.append(f"{req} is declared but not locked")
        for pin in by_name.get(name, []):
            if not req.specifier.contains(pin.version, prereleases=True):
                problems.append(f"{name}=={pin.version} does not satisfy {req}")
    for pin in pins:
        if PROJECT in pin.via and pin.name not in names:
            problems.append(f"{pin.name} is locked as a direct dependency but not declared")
    return problems


def load_pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def load_pins(name: str) -> list[Pin]:
    return parse_lock((ROOT / "requirements" / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(("lock", "test"), [("test.txt", True), ("runtime.txt", False)])
def test_lock_satisfies_pyproject(lock, test):
    problems = lock_problems(load_pyproject(), load_pins(lock), test=test)
    assert not problems, f"requirements/{lock} is out of date; run `make lock`:\n" + "\n".join(
        problems
    )


def test_lock_has_one_version_of_each_package_for_every_python():
    # --fork-strategy fewest: the 3.11, 3.12 and 3.13 jobs test the very same pins.
    for lock in ("test.txt", "runtime.txt"):
        names = [pin.name for pin in load_pins(lock)]
        assert len(names) == len(set(names)), lock


def test_runtime_lock_uses_the_test_locks_versions_and_no_test_tools():
    test_pins = {pin.name: pin.version for pin in load_pins("test.txt")}
    runtime = load_pins("runtime.txt")
    assert {pin.name: pin.version for pin in runtime}.items() <= test_pins.items()
    # A test tool is in the runtime lock only when a runtime dependency needs it too.
    tools = {
        canonicalize_name(Requirement(r).name)
        for r in load_pyproject()["project"]["optional-dependencies"]["test"]
    }
    assert all(pin.via and PROJECT not in pin.via for pin in runtime if pin.name in tools)
    assert "pytest" in tools and "pytest" not in {pin.name for pin in runtime}


def test_the_check_catches_a_lock_that_no_longer_fits():
    pyproject = load_pyproject()
    pins = load_pins("test.txt")
    numpy = next(pin for pin in pins if pin.name == "numpy")
    # A bound raised past the locked version, a new dependency, a dropped one.
    pyproject["project"]["dependencies"] = [
        *[d for d in pyproject["project"]["dependencies"] if not d.startswith("requests")],
        f"numpy>{numpy.version}",
        "tomli-w>=1",
    ]
    problems = lock_problems(pyproject, pins, test=True)
    assert f"numpy=={numpy.version} does not satisfy numpy>{numpy.version}" in problems
    assert "tomli-w>=1 is declared but not locked" in problems
    assert "requests is locked as a direct dependency but not declared" in problems


def test_imports_of_our_code_are_declared():
    # Libraries our package imports must be declared, not left to arrive transitively.
    # Parsed, not grepped, so a docstring that says "import them" is not an import.
    imported = set()
    for path in (ROOT / "scripts" / "mentorship").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    distributions = {
        "yaml": "pyyaml",
        "googleapiclient": "google-api-python-client",
        "google": "google-auth",
        "pydantic_core": "pydantic-core",
    }
    names = {canonicalize_name(r.name) for r in declared(load_pyproject(), test=False)}
    stdlib = set(__import__("sys").stdlib_module_names)
    third_party = {m for m in imported if m not in stdlib and m not in {"mentorship", "__future__"}}
    missing = {m for m in third_party if canonicalize_name(distributions.get(m, m)) not in names}
    assert not missing, f"imported but not declared in pyproject.toml: {sorted(missing)}"
