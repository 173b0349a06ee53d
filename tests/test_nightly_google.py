"""The nightly run end to end against the fake Google APIs, through the real CLI in a subprocess.

The real gspread and google-api-python-client talk HTTP to the loopback fake
(MENTORSHIP_GOOGLE_API_ROOT). 300 form answers and 60 mentors go through a full nightly; a
second run writes nothing to Requests or Matches and sends nothing; quota errors and 503 storms
are absorbed; and 20 runs killed with SIGKILL after a random number of API calls, each followed
by a clean re-run, end exactly as one clean run did. The kills use a smaller project (40 answers,
10 mentors): each kill costs two process starts, and the size of the data changes nothing about
where a run can die.
"""

from __future__ import annotations

import json
import os
import random
import signal
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from mentorship.ledger import MATCHES, REQUESTS, MatchStatus, RequestStatus

from tests.fake_google import FakeGoogle
from tests.nightly_project import CALENDAR_ID, NOW, RESPONSES_TAB, Project, make_project
from tests.nightly_run import cli_env, rows, run, start

SHEET_ID = "1NightlyEndToEndSheet0123456789abcdefghijkl"
KILLS = 20


def seed(fake: FakeGoogle, project: Project) -> None:
    """The form's spreadsheet (responses and the roster) and the programme calendar, as on day one."""
    fake.create_spreadsheet(
        "Intake",
        {RESPONSES_TAB: project.responses, "Mentors": project.roster},
        spreadsheet_id=SHEET_ID,
    )
    fake.add_calendar(CALENDAR_ID)


def env_for(fake: FakeGoogle, **extra: str) -> dict[str, str]:
    return cli_env(MENTORSHIP_GOOGLE_API_ROOT=fake.base_url, **extra)


def tab(fake: FakeGoogle, title: str) -> list[list[str]]:
    try:
        return fake.values(SHEET_ID, title)
    except KeyError:
        return []


def state(fake: FakeGoogle) -> dict[str, Any]:
    """What a run leaves: Requests, Matches, and the live events (id, start, attendees)."""
    events = sorted(
        (
            e["id"],
            json.dumps(e.get("start"), sort_keys=True),
            e.get("status", ""),
            tuple(sorted(a.get("email", "") for a in e.get("attendees") or [])),
        )
        for e in fake.events(CALENDAR_ID)
    )
    return {REQUESTS: tab(fake, REQUESTS), MATCHES: tab(fake, MATCHES), "events": events}


def invitations(fake: FakeGoogle) -> Counter[str]:
    """How many times each event's invitations went out (inserts that notified attendees)."""
    return Counter(
        n["eventId"]
        for n in fake.notifications
        if n["action"] == "insert" and n["sendUpdates"] == "all"
    )


def assert_consistent(fake: FakeGoogle) -> None:
    """Every request in exactly one known state; every invited match has one event, sent once."""
    requests = rows(tab(fake, REQUESTS))
    matches = rows(tab(fake, MATCHES))
    assert requests and {r["status"] for r in requests} <= set(RequestStatus.ALL)
    assert len({r["request_id"] for r in requests}) == len(requests)
    assert len({m["match_id"] for m in matches}) == len(matches)
    invited = {m["event_id"] for m in matches if m["status"] == MatchStatus.INVITED}
    sent = invitations(fake)
    assert set(sent) == invited
    assert set(sent.values()) == {1}, "an invitation went out twice"


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> dict[str, Any]:
    """A clean nightly of 300 answers and 60 mentors, and what it left behind."""
    root = tmp_path_factory.mktemp("google-big")
    project = make_project(
        root, backend="google", mentors=60, responses=300, spreadsheet_key=SHEET_ID
    )
    with FakeGoogle(seed=1) as fake:
        seed(fake, project)
        result = run(root, "nightly", "--now", NOW, env=env_for(fake))
        assert result.returncode == 0, result.stderr
        yield {
            "root": root,
            "project": project,
            "fake": fake,
            "report": result.stdout,
            "state": state(fake),
            "calls": sum(fake.calls.values()),
        }


def test_full_nightly_of_300_answers_and_60_mentors(big):
    fake = big["fake"]
    assert_consistent(fake)
    requests = rows(big["state"][REQUESTS])
    assert len(requests) == 300
    counts = Counter(r["status"] for r in requests)
    assert counts[RequestStatus.MATCHED] > 50 and counts[RequestStatus.INVALID] > 0
    assert big["report"].startswith("## Nightly run 2026-11-28\n")
    report = tab(fake, "Report")
    assert report[0] == ["# Nightly run 2026-11-28 03:17 UTC"] and ["## Your action"] in report
    # The responses tab is only ever read.
    assert len(fake.values(SHEET_ID, RESPONSES_TAB)) == 301


def test_second_run_writes_nothing_but_its_run_log_and_sends_nothing(big):
    fake = big["fake"]
    before, sent_before = state(fake), invitations(fake)
    written: list[str] = []

    def watch(key: str, req) -> None:
        if key == "sheets.values.batchUpdate":
            written.extend(d["range"] for d in json.loads(req.body)["data"])
        if key.startswith("calendar.events.") and key not in (
            "calendar.events.list",
            "calendar.events.get",
        ):
            written.append(key)
        return None

    fake.on_call = watch
    try:
        result = run(big["root"], "nightly", "--now", NOW, env=env_for(fake))
    finally:
        fake.on_call = None
    assert result.returncode == 0, result.stderr
    assert state(fake) == before
    assert invitations(fake) == sent_before
    # The run log and the private report (replaced each run) only.
    assert written and all(r.split("!")[0].strip("'") in ("Runs", "Report") for r in written), (
        written
    )


def test_dry_run_sends_and_writes_nothing(big, tmp_path: Path):
    project = make_project(
        tmp_path, backend="google", mentors=60, responses=300, spreadsheet_key=SHEET_ID
    )
    with FakeGoogle(seed=1) as fake:
        seed(fake, project)
        result = run(tmp_path, "nightly", "--dry-run", "--now", NOW, env=env_for(fake))
        assert result.returncode == 0, result.stderr
        assert fake.calls["sheets.values.batchUpdate"] == 0
        assert fake.calls["sheets.spreadsheets.batchUpdate"] == 0
        assert fake.calls["calendar.events.insert"] == 0 and not fake.notifications
    assert result.stdout.splitlines()[6] == big["report"].splitlines()[4]


def test_quota_errors_and_503_storms_are_absorbed(big, tmp_path: Path):
    project = make_project(
        tmp_path, backend="google", mentors=60, responses=300, spreadsheet_key=SHEET_ID
    )
    with FakeGoogle(seed=1) as fake:
        seed(fake, project)
        fake.faults.fail_next(2, 429, match="sheets.values.batchGet")
        fake.faults.fail_next(2, 503, match="sheets.*")
        fake.faults.store_then_fail(1, 503, match="sheets.values.batchUpdate")
        fake.faults.fail_next(5, 503, match="calendar.events.insert")
        fake.faults.store_then_fail(3, 503, match="calendar.events.insert")
        fake.faults.fail_next(2, 403, match="calendar.*", reason="rateLimitExceeded")
        fake.faults.fail_next(2, 503, match="batch")
        # Retries may make the lock's claim slower than its settle time: it then claims again.
        env = env_for(fake, MENTORSHIP_LOCK_SETTLE_SECONDS="0.5")
        result = run(tmp_path, "nightly", "--now", NOW, env=env)
        assert result.returncode == 0, result.stderr
        assert state(fake) == big["state"]
        assert_consistent(fake)


def test_a_run_is_refused_while_another_holds_the_lock(tmp_path: Path, monkeypatch):
    import datetime as dt

    from mentorship.lock import acquire, current_holder
    from mentorship.sheets_google import open_google_spreadsheet

    project = make_project(
        tmp_path, backend="google", mentors=5, responses=10, spreadsheet_key=SHEET_ID
    )
    with FakeGoogle(seed=1) as fake:
        seed(fake, project)
        monkeypatch.setenv("MENTORSHIP_GOOGLE_API_ROOT", fake.base_url)
        monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
        sheet = open_google_spreadsheet(SHEET_ID)
        now = dt.datetime(2026, 11, 28, 3, 17, tzinfo=dt.UTC)
        lock = acquire(sheet, now, holder=current_holder(), settle=0.05)  # alive: this process
        result = run(tmp_path, "nightly", "--now", NOW, env=env_for(fake))
        assert result.returncode == 2
        assert "Another nightly run holds the ledger lock" in result.stderr
        assert tab(fake, REQUESTS) == [] and not fake.notifications
        lock.release(now, "ok")
        assert run(tmp_path, "nightly", "--now", NOW, env=env_for(fake)).returncode == 0
        assert_consistent(fake)


def test_two_runs_started_together_send_each_invite_once(tmp_path: Path):
    project = make_project(
        tmp_path, backend="google", mentors=15, responses=60, spreadsheet_key=SHEET_ID
    )
    with FakeGoogle(seed=1) as fake:
        seed(fake, project)
        env = env_for(fake, MENTORSHIP_LOCK_SETTLE_SECONDS="0.3")
        first, second = (start(tmp_path, "nightly", "--now", NOW, env=env) for _ in range(2))
        codes = sorted(p.wait(timeout=120) for p in (first, second))
        for p in (first, second):
            p.communicate()
        assert codes in ([0, 0], [0, 2])
        assert_consistent(fake)


class Killer:
    """An on_call hook: at the k-th API call, SIGKILL the run; the call lands or not, at random."""

    def __init__(self, k: int, rng: random.Random):
        self.k, self.rng, self.seen = k, rng, 0
        self.pid: int | None = None
        self.landed: bool | None = None

    def __call__(self, key: str, req) -> int | None:
        self.seen += 1
        if self.seen != self.k or self.pid is None:
            return None
        os.kill(self.pid, signal.SIGKILL)
        # Died before Google applied the call, or after it did but before hearing back.
        self.landed = self.rng.random() < 0.5
        return None if self.landed else 503


def _kill_and_rerun(worker: int, attempts: list[int], base: Path, out: list[str]) -> None:
    rng = random.Random(1000 + worker)
    with FakeGoogle(seed=1) as fake:
        root = base / f"worker-{worker}"
        project = make_project(
            root, backend="google", mentors=10, responses=40, spreadsheet_key=SHEET_ID
        )
        seed(fake, project)
        assert run(root, "nightly", "--now", NOW, env=env_for(fake)).returncode == 0
        expected, total = state(fake), sum(fake.calls.values())
        for attempt in attempts:
            fake.reset()
            seed(fake, project)
            killer = Killer(rng.randint(1, total), rng)
            fake.on_call = killer
            process = start(root, "nightly", "--now", NOW, env=env_for(fake))
            killer.pid = process.pid
            process.communicate(timeout=120)
            fake.on_call = None
            if process.returncode == 0 and killer.seen < killer.k:
                # The lock's heartbeat writes only when a second has ticked, so a run may make
                # a call or two fewer than the measured one and end before call k: it is then
                # one clean run.
                assert state(fake) == expected, f"kill {attempt}: finished before call {killer.k}"
                out.append(f"kill {attempt}: finished in {killer.seen} calls, before {killer.k}")
                continue
            assert process.returncode == -signal.SIGKILL, f"kill {attempt}: the run was not killed"
            # A loaded machine can make a claim slower than the 0.05 s settle time three times
            # running; the rerun is about finishing the work, so it may take longer.
            rerun = run(
                root,
                "nightly",
                "--now",
                NOW,
                env=env_for(fake, MENTORSHIP_LOCK_SETTLE_SECONDS="0.5"),
            )
            where = f"kill {attempt} at call {killer.k}/{total} (landed: {killer.landed})"
            assert rerun.returncode == 0, f"{where}: {rerun.stderr[-2000:]}"
            assert state(fake) == expected, where
            assert_consistent(fake)
            out.append(where)


def test_killed_after_a_random_number_of_calls_then_rerun_ends_as_one_clean_run(tmp_path: Path):
    # Two workers, each with its own fake and project, share the 20 kills: the machine has two
    # cores and each kill is two process starts.
    done: list[str] = []
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            _kill_and_rerun(worker, list(range(worker, KILLS, 2)), tmp_path, done)
        except BaseException as exc:  # re-raised in the test's thread below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    if errors:
        raise errors[0]
    assert len(done) == KILLS, done
