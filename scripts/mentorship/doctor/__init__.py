"""`mentorship doctor`: check the whole setup, one finding per line, each failure with its fix.

It reads and never writes, so staff can run it as often as they like while following the setup
guide. Checks, in order (a failed one stops only the checks that depend on it):

- the configuration (`[tool.mentorship]` in pyproject.toml) loads;
- the mentor profiles load without problems;
- Google backend: credentials are found (and whose they are), the spreadsheet opens and reads,
  every configured question title is a column of the responses tab (a missing one is shown with
  the closest existing title), the calendar is reachable, and a delegate is set when a service
  account sends invites (Google refuses attendees otherwise);
- local backend: the ledger folder is usable and the responses CSV has every question;
- the private roster (`Mentors` tab, or `Mentors.csv` in the ledger folder) exists and its
  rows are usable; how many mentors it cannot reach yet;
- the form's address looks like a Google Form and its prefill id is `entry.<digits>`;
- check-ins (when `[tool.mentorship.checkin]` form_url is set): the form's address and prefill
  ids, the secret that signs check-in codes (`MENTORSHIP_CHECKIN_SECRET`, or the local key),
  and the check-in responses tab with every configured title;
- messages: where they go (and, for Gmail, the extra delegation scope), the SMTP password in
  the environment, and every message template parses;
- whether a nightly run holds the ledger lock right now.

Exit code 0 when everything is green, 2 otherwise (configuration or access problems).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from ..config import Config, load_config
from ..errors import MentorshipError
from .checkins import check_checkin_form
from .checks import (
    Finding,
    check_form,
    check_messages,
    check_profiles,
    exit_code,
    local_checks,
)
from .google import (
    Identity,
    check_invite_sender,
    google_calendar_probe,
    google_checks,
    google_identity,
)

__all__ = [
    "Finding",
    "Identity",
    "check_invite_sender",
    "diagnose",
    "exit_code",
    "google_calendar_probe",
    "google_identity",
]


def diagnose(
    root: Path | None = None,
    env: Mapping[str, str] | None = None,
    now: dt.datetime | None = None,
    calendar_probe: Callable[[Config], str] | None = google_calendar_probe,
) -> list[Finding]:
    """Run every check and return the findings in order (nothing is written anywhere)."""
    env = os.environ if env is None else env
    now = now or dt.datetime.now(dt.UTC)
    findings: list[Finding] = []
    try:
        config = load_config(root)
    except MentorshipError as exc:
        return [
            Finding(
                False,
                "configuration",
                str(exc),
                "fix [tool.mentorship] in pyproject.toml (the README shows a complete table)",
            )
        ]
    findings.append(
        Finding(True, "configuration", f"backend {config.backend!r}, approval {config.approval!r}")
    )
    try:
        findings.append(check_profiles(config))
    except MentorshipError as exc:
        findings.append(Finding(False, "mentor profiles", str(exc), "restore mentors/taxonomy.yml"))
    checks: Iterator[Finding] = (
        local_checks(config, now)
        if config.backend == "local"
        else google_checks(config, env, now, calendar_probe)
    )
    ledger: list[Finding] = []
    try:
        ledger.extend(checks)
    except MentorshipError as exc:
        ledger.append(Finding(False, "ledger", str(exc), "see the message"))
    # The lock goes last: it is the state of tonight's run, not part of the setup.
    findings += [f for f in ledger if f.check != "run lock"]
    findings.extend(check_form(config))
    findings.extend(check_checkin_form(config, env))
    findings.extend(check_messages(config, env))
    findings += [f for f in ledger if f.check == "run lock"]
    return findings
