"""The driver of a simulated term: every day, play the script, run the nightly, look at the ledger.

Most nights run the real `mentorship nightly --now <night>` in this process through click's
test runner (the same code path as the installed command, minus a Python start). On the
script's kill nights it runs as a subprocess that is SIGKILLed mid-run (locally after a random
delay, on Google at a random API call), then the night is run again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import random
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from click.testing import CliRunner, Result
from mentorship.config import Config
from mentorship.ledger import MATCH_COLUMNS, MATCHES, REQUEST_COLUMNS, REQUESTS, SESSIONS

from tests.fake_google import FakeGoogle
from tests.nightly_project import CALENDAR_ID, QUESTIONS, RESPONSES_TAB, write_pyproject
from tests.nightly_run import start
from tests.roster_support import roster_values

from . import checkins
from .backend import SHEET_ID, GoogleSide, Side, calls, rows
from .cast import stamped, write_mentors
from .checkins import Rating
from .script import Script

MESSAGES = """
[tool.mentorship.messages]
university = "Example University"
from_address = "mentoring@example.edu"
max_per_second = 0.0
daily_cap = 100000
"""
RELATIONSHIP = """
[tool.mentorship.relationship]
sessions = 4
cadence_weeks = 3
term_end = "{term_end}"
quiet_days = 14
"""


@dataclass(frozen=True)
class Action:
    """One thing the driver did to the ledger, on a night (0-based) before its run."""

    night: int
    kind: str  # submit, withdraw, cancel_before, cancel_after, ...
    subject: str  # the student number, request id or match id it was about
    detail: str = ""


@dataclass
class NightLog:
    """What one night cost and left: seconds, API calls (Google), killed or not, the public
    summary it printed and (when kept) the private report it wrote."""

    night: int
    seconds: float
    calls: dict[str, int] = field(default_factory=dict)
    killed: bool = False
    summary: str = ""
    report: str = ""


@dataclass
class Term:
    """A project folder, its backend and its script, and everything seen while playing it."""

    root: Path
    side: Side
    script: Script
    rng: random.Random
    actions: list[Action] = field(default_factory=list)
    log: list[NightLog] = field(default_factory=list)
    # Per night, per request id: (status, submitted_at) after the run.
    requests_seen: list[dict[str, tuple[str, str]]] = field(default_factory=list)
    # Every match seen, as its row was the last time it was seen, and every status it had.
    matches: dict[str, dict[str, str]] = field(default_factory=dict)
    match_statuses: dict[str, set[str]] = field(default_factory=dict)
    # The first night each match was seen completed, closed or cancelled.
    ended: dict[str, int] = field(default_factory=dict)
    on_night: list[Callable[[Term, int], None]] = field(default_factory=list)
    # Every Sessions row as last seen, and every (attempt, event id) each session had.
    sessions: dict[str, dict[str, str]] = field(default_factory=dict)
    bookings: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    # Event id -> its session's start (as last seen), and -> the night it was booked again.
    session_starts: dict[str, dt.datetime] = field(default_factory=dict)
    rebooked_from: dict[str, int] = field(default_factory=dict)
    first_seen: dict[str, int] = field(default_factory=dict)  # event id -> night it was booked
    # Check-ins: sessions answered ("<match>/<n>/<attempt>"), answers per student, ratings
    # sent, and sessions whose invite carried no check-in code for them.
    answered: set[str] = field(default_factory=set)
    checkins_sent: dict[int, int] = field(default_factory=dict)
    ratings: list[Rating] = field(default_factory=list)
    missing_codes: list[str] = field(default_factory=list)
    # Keep each night's private report (the test reads them; the benchmark need not).
    keep_reports: bool = True

    # --- setting up -------------------------------------------------------------------------

    @property
    def fake(self) -> FakeGoogle | None:
        """The fake Google APIs (None on the local backend)."""
        return self.side.fake if isinstance(self.side, GoogleSide) else None

    def setup(self, mentors: int) -> None:
        """Write the mentors, the configuration, the roster and an empty responses tab."""
        first = self.script.night_time(0).date()
        self.script.mentors = write_mentors(self.root, mentors, self.rng, first)
        backend = self.side.backend
        write_pyproject(
            self.root, backend, SHEET_ID if backend == "google" else "", approval="auto"
        )
        extra = MESSAGES + ('backend = "gmail"\n' if backend == "google" else "")
        if self.relationship_on:
            term_end = self.script.term_end.isoformat()
            extra += RELATIONSHIP.format(term_end=term_end)
        if self.checkins_on:
            extra += checkins.CONFIG
        with open(self.root / "pyproject.toml", "a", encoding="utf-8") as handle:
            handle.write(extra)
        roster = roster_values({m.slug: m.email for m in self.script.mentors})
        tabs = {RESPONSES_TAB: [list(QUESTIONS.values())], "Mentors": roster}
        if self.checkins_on:
            tabs[checkins.WORKSHEET] = [checkins.HEADER]
        if self.fake is None:
            for title, values in tabs.items():
                self.side.append(title, values)
        else:
            self.fake.create_spreadsheet("Intake", tabs, spreadsheet_id=SHEET_ID)
            self.fake.add_calendar(CALENDAR_ID)

    @property
    def checkins_on(self) -> bool:
        """True when this checkout has check-ins (issue 10): the script then answers them."""
        return "checkin" in {f.name for f in dataclasses.fields(Config)}

    @property
    def relationship_on(self) -> bool:
        """True when this checkout books follow-up sessions (issue 10)."""
        return "relationship" in {f.name for f in dataclasses.fields(Config)}

    # --- playing ----------------------------------------------------------------------------

    def play(self, nights: int | None = None) -> None:
        """Play the script night after night (all of the term's nights by default)."""
        with self.environment():
            for night in range(self.script.nights if nights is None else nights):
                self.before(night)
                self.run(night)
                self.observe(night)
                for hook in self.on_night:
                    hook(self, night)

    @contextlib.contextmanager
    def environment(self) -> Iterator[None]:
        """The nightly's environment, for the in-process runs and the driver's own writes."""
        saved = dict(os.environ)
        os.environ.update(self.side.env())
        try:
            yield
        finally:
            os.environ.clear()
            os.environ.update(saved)

    def now(self, night: int) -> str:
        """The --now of a night."""
        return self.script.night_time(night).isoformat().replace("+00:00", "Z")

    def before(self, night: int) -> None:
        """What people do during the day before night `night` runs."""
        now = self.script.night_time(night)
        answers = []
        for student in self.script.students:
            for day, answer in (
                (student.day, student.answer),
                (_fixed_day(student), student.fixed),
            ):
                if day == night and answer:
                    sent = now - dt.timedelta(minutes=self.rng.randint(10, 23 * 60))
                    answers.append((sent, stamped(answer, sent), student.number))
        for sent, _row, number in sorted(answers):
            self.actions.append(Action(night, "submit", str(number), sent.isoformat()))
        if answers:
            self.side.append(RESPONSES_TAB, [row for _sent, row, _n in sorted(answers)])
        self._staff(night, now)
        if self.checkins_on:
            checkins.answer_checkins(self, night, now)

    def _staff(self, night: int, now: dt.datetime) -> None:
        requests = rows(self.side.read(REQUESTS))
        by_student = _latest_request_per_student(requests)
        matches = rows(self.side.read(MATCHES))
        done = {a.subject for a in self.actions if a.kind.startswith("cancel")}
        for number, day in self.script.withdrawals.items():
            request = by_student.get(number)
            if day != night or request is None:
                continue
            if request["status"] not in ("new", "waiting", "matched"):
                continue
            live = [m["match_id"] for m in matches if m["request_id"] == request["request_id"]]
            # A person types it: a synonym the lifecycle reads as `withdrawn`.
            self.side.set_cells(
                REQUESTS, REQUEST_COLUMNS, request["request_id"], {"status": "Withdraw"}
            )
            self.actions.append(
                Action(
                    night,
                    "withdraw",
                    request["request_id"],
                    ",".join(live),
                )
            )
        for number in self.script.cancel_before | self.script.cancel_after:
            if str(number) in done:
                continue
            request = by_student.get(number)
            if request is None or request["status"] != "matched":
                continue
            [match] = [m for m in matches if m["request_id"] == request["request_id"]][-1:] or [
                None
            ]
            if match is None or match["status"] != "invited" or not match["event_start"]:
                continue
            start = dt.datetime.fromisoformat(match["event_start"])
            before = number in self.script.cancel_before
            if before and start > now + dt.timedelta(days=1):
                kind = "cancel_before"
            elif not before and start + dt.timedelta(days=1) < now:
                kind = "cancel_after"
            else:
                continue
            self.side.set_cells(MATCHES, MATCH_COLUMNS, match["match_id"], {"status": "Canceled"})
            self.actions.append(Action(night, kind, str(number), match["match_id"]))

    def run(self, night: int) -> None:
        """Run the night: in this process, or killed in a subprocess then run again."""
        fake = self.fake
        if fake is not None:
            fake.calls.clear()
        began = time.perf_counter()
        killed = night in self.script.kill_nights and self._killed_run(night)
        if killed and fake is not None:
            fake.calls.clear()  # the table shows the run that finished the night
        summary = self._in_process(night)
        seconds = time.perf_counter() - began
        self.log.append(NightLog(night, seconds, calls(fake) if fake else {}, killed, summary))

    def _in_process(self, night: int) -> str:
        for _attempt in range(5):
            result = self.cli("nightly", "--now", self.now(night))
            # A loaded machine can make the lock's claim slower than its short settle time
            # here; the run then does nothing and says to run again, as a workflow would.
            if result.exit_code != 2 or "Claiming the ledger lock took" not in result.output:
                break
        if result.exit_code != 0:
            raise AssertionError(
                f"night {night} exited {result.exit_code}: {result.output}\n{result.exception!r}"
            )
        return result.stdout

    def cli(self, *args: str) -> Result:
        """Run `mentorship <args>` in this process, in the project folder, with the term's
        environment (the same code path as the installed command)."""
        from mentorship.cli import main

        previous = Path.cwd()
        os.chdir(self.root)
        try:
            with self.environment():
                return CliRunner().invoke(main, list(args))
        finally:
            os.chdir(previous)

    def _killed_run(self, night: int) -> bool:
        """Start the night as a subprocess and SIGKILL it mid-run; True when the kill landed."""
        fake = self.fake
        process = start(self.root, "nightly", "--now", self.now(night), env=self.side.env())
        if fake is not None:
            # Somewhere in the run: its API calls vary night to night, so stay below the
            # fewest of the last few nights (Sheets and Calendar; Gmail sends come last).
            previous = [n.calls for n in self.log[-3:] if n.calls and not n.killed]
            fewest = min((c["sheets"] + c["calendar_batches"] for c in previous), default=10)
            target = self.rng.randint(1, max(1, fewest - 1))
            seen = [0]

            def kill(key: str, req: object) -> None:
                seen[0] += 1
                if seen[0] == target:
                    os.kill(process.pid, signal.SIGKILL)

            fake.on_call = kill
            try:
                process.communicate(timeout=300)
            finally:
                fake.on_call = None
        else:
            # Once the run has claimed the lock (a new Runs row), kill it a moment later: the
            # Python start before that is not worth killing.
            claims = len(self.side.read("Runs"))
            deadline = time.monotonic() + 60
            while len(self.side.read("Runs")) == claims and process.poll() is None:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.01)
            time.sleep(self.rng.uniform(0.0, 0.3))
            os.kill(process.pid, signal.SIGKILL)
            process.communicate(timeout=60)
        landed = process.returncode == -signal.SIGKILL
        self.actions.append(Action(night, "kill", str(night), "landed" if landed else "finished"))
        return landed

    def observe(self, night: int) -> None:
        """Read back what the night left: invites, request states, matches."""
        self.side.observe_invites()
        seen = {}
        for request in rows(self.side.read(REQUESTS)):
            seen[request["request_id"]] = (request["status"], request["submitted_at"])
        self.requests_seen.append(seen)
        for match in rows(self.side.read(MATCHES)):
            self.matches[match["match_id"]] = match
            self.match_statuses.setdefault(match["match_id"], set()).add(match["status"])
            if match["status"] in ("completed", "closed", "cancelled"):
                self.ended.setdefault(match["match_id"], night)
        for session in rows(self.side.read(SESSIONS)):
            before = self.sessions.get(session["session_id"])
            if before and before["event_id"] and before["event_id"] != session["event_id"]:
                self.rebooked_from.setdefault(before["event_id"], night)
            if session["event_id"] and session["start"]:
                self.session_starts[session["event_id"]] = dt.datetime.fromisoformat(
                    session["start"]
                )
            self.sessions[session["session_id"]] = session
            if session["event_id"]:
                self.first_seen.setdefault(session["event_id"], night)
            if session["status"] == "scheduled":
                # An invite is out for this attempt (a re-booking with no time yet keeps the
                # old event id under the new attempt until it is booked).
                booked = (session["attempt"] or "0", session["event_id"])
                self.bookings.setdefault(session["session_id"], set()).add(booked)
        if self.keep_reports:
            self.log[-1].report = self.private_report()

    def private_report(self) -> str:
        """The private report the last night wrote (Report.md, or the Report tab's cells)."""
        if self.fake is None:
            path = self.root / ".ledger" / "Report.md"
            return path.read_text(encoding="utf-8") if path.exists() else ""
        return "\n".join(" | ".join(r) for r in self.side.read("Report"))

    # --- reading ----------------------------------------------------------------------------

    def requests(self) -> list[dict[str, str]]:
        """The Requests tab now."""
        return rows(self.side.read(REQUESTS))

    def student_of(self) -> dict[str, int]:
        """Request id -> the student number who sent it (by the address they typed)."""
        return {
            r["request_id"]: int(r["email"].removeprefix("student").split("@")[0])
            for r in self.requests()
            if r["email"].startswith("student")
        }


def _fixed_day(student) -> int | None:
    return None if student.fixed_after is None else student.day + student.fixed_after


def _latest_request_per_student(requests: list[dict[str, str]]) -> dict[int, dict[str, str]]:
    out = {}
    for request in requests:
        email = request["email"]
        if email.startswith("student") and email.endswith("@example.edu"):
            out[int(email.removeprefix("student").split("@")[0])] = request
    return out
