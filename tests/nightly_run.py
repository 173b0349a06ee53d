"""Running the real `mentorship` CLI in a subprocess, and reading back what a run left behind."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from mentorship.ledger import MATCHES, REQUESTS

MENTORSHIP = str(Path(sys.executable).parent / "mentorship")
# Google client variables of the developer's machine must not leak into a test run.
_DROP = ("GOOGLE_APPLICATION_CREDENTIALS", "GITHUB_STEP_SUMMARY", "GITHUB_ACTIONS")


def cli_env(**extra: str) -> dict[str, str]:
    """The environment for a CLI subprocess: a short lock settle time, no stray credentials."""
    env = {k: v for k, v in os.environ.items() if k not in _DROP}
    env["MENTORSHIP_LOCK_SETTLE_SECONDS"] = "0.05"
    # Without credentials google-auth first probes for a Compute Engine metadata server (about
    # a second each time); the fake needs none, so skip the probe.
    env["NO_GCE_CHECK"] = "True"
    env.update(extra)
    return env


def start(root: Path, *args: str, env: Mapping[str, str] | None = None) -> subprocess.Popen:
    """Start `mentorship <args>` in the project folder (stdout/stderr captured)."""
    return subprocess.Popen(
        [MENTORSHIP, *args],
        cwd=root,
        env=dict(env or cli_env()),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run(
    root: Path, *args: str, env: Mapping[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    """Run `mentorship <args>` to the end."""
    return subprocess.run(
        [MENTORSHIP, *args],
        cwd=root,
        env=dict(env or cli_env()),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def local_tab(root: Path, title: str) -> list[list[str]]:
    """A tab of the local ledger (header first), [] when the file does not exist."""
    path = root / ".ledger" / f"{title}.csv"
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as handle:
        return [row for row in csv.reader(handle)]


def local_state(root: Path) -> dict[str, object]:
    """What a run leaves in a local project: the Requests and Matches tabs and the .ics files."""
    invites = root / ".invites"
    return {
        REQUESTS: local_tab(root, REQUESTS),
        MATCHES: local_tab(root, MATCHES),
        "invites": {p.name: _ics(p) for p in sorted(invites.glob("*.ics"))}
        if invites.exists()
        else {},
    }


def _ics(path: Path) -> str:
    # DTSTAMP is when the file was written, the one line two equal runs may differ in.
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.startswith("DTSTAMP:"))


def rows(values: list[list[str]]) -> list[dict[str, str]]:
    """A tab's data rows as dicts by header."""
    if not values:
        return []
    header = values[0]
    return [dict(zip(header, r + [""] * (len(header) - len(r)), strict=True)) for r in values[1:]]
