"""The nightly run lock in the ledger's Runs tab: one holder at a time, stale claims taken over."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from mentorship.errors import LockedError
from mentorship.ledger import WriteBatch
from mentorship.lock import RUNS, holder_gone, holder_of
from mentorship.lock import acquire as real_acquire
from mentorship.sheets_local import LocalSpreadsheet

NOW = dt.datetime(2026, 11, 28, 3, 17, tzinfo=dt.UTC)
ME = "local testhost pid 100"
OTHER = "local testhost pid 200"


def always_alive(pid: int) -> bool:
    return True


class Clock:
    """Monotonic time that only moves when the lock sleeps (or a test says so)."""

    def __init__(self):
        self.t = 0.0
        self.during_sleep = None

    def __call__(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        if self.during_sleep:
            hook, self.during_sleep = self.during_sleep, None
            hook()
        self.t += seconds


CLOCK = Clock()


def acquire(*args, **kwargs):
    kwargs.setdefault("clock", CLOCK)
    kwargs.setdefault("sleep", CLOCK.sleep)
    return real_acquire(*args, **kwargs)


def runs(sheet: LocalSpreadsheet) -> list[list[str]]:
    return sheet.read([RUNS])[RUNS] or []


@pytest.fixture
def sheet(tmp_path):
    return LocalSpreadsheet(tmp_path / "ledger")


def test_first_run_creates_the_runs_tab_and_releases_its_claim(sheet):
    lock = acquire(sheet, NOW, holder=ME, alive=always_alive)
    rows = runs(sheet)
    assert rows[0][:6] == ["run_id", "holder", "started_at", "expires_at", "released_at", "outcome"]
    assert rows[1][1] == ME and rows[1][2] == "2026-11-28T03:17:00Z"
    assert rows[1][3] == "2026-11-28T05:17:00Z"
    lock.release(NOW + dt.timedelta(minutes=3), "ok")
    row = runs(sheet)[1]
    assert row[4] == "2026-11-28T03:20:00Z" and row[5] == "ok"
    assert holder_of(sheet, NOW, me=ME, alive=always_alive) is None


def test_second_run_is_refused_while_the_first_holds_the_lock(sheet):
    acquire(sheet, NOW, holder=OTHER, alive=always_alive)
    with pytest.raises(LockedError) as caught:
        acquire(sheet, NOW + dt.timedelta(minutes=5), holder=ME, alive=always_alive)
    assert caught.value.exit_code == 2
    assert OTHER in str(caught.value) and "row 2" in str(caught.value)
    assert len(runs(sheet)) == 2  # the refused run wrote nothing


def test_a_released_lock_can_be_taken_again(sheet):
    acquire(sheet, NOW, holder=OTHER, alive=always_alive).release(NOW, "ok")
    lock = acquire(sheet, NOW + dt.timedelta(minutes=1), holder=ME, alive=always_alive)
    assert lock.row == 3


def test_a_stale_claim_is_taken_over_and_marked_abandoned(sheet):
    acquire(sheet, NOW, holder=OTHER, alive=always_alive)
    later = NOW + dt.timedelta(hours=2, seconds=1)
    lock = acquire(sheet, later, holder=ME, alive=always_alive)
    rows = runs(sheet)
    assert rows[1][5].startswith("abandoned") and rows[1][4] == "2026-11-28T05:17:01Z"
    assert lock.row == 3 and rows[2][1] == ME


def test_a_claim_of_a_dead_process_on_this_machine_is_taken_over_at_once(sheet):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    import socket

    host = socket.gethostname()
    acquire(sheet, NOW, holder=f"local {host} pid {dead.stdout.strip()}")
    lock = acquire(sheet, NOW + dt.timedelta(seconds=5))
    assert lock.row == 3


def test_heartbeat_pushes_the_expiry_and_stops_a_run_whose_claim_was_taken(sheet):
    lock = acquire(sheet, NOW, holder=ME, alive=always_alive)
    lock.refresh(NOW + dt.timedelta(hours=1))
    assert runs(sheet)[1][3] == "2026-11-28T06:17:00Z"
    # Three hours without a heartbeat: another run takes over, and the old run must stop.
    acquire(sheet, NOW + dt.timedelta(hours=4), holder=OTHER, alive=always_alive)
    with pytest.raises(LockedError, match="taken over"):
        lock.refresh(NOW + dt.timedelta(hours=4, minutes=1))


class Interleave:
    """The real local spreadsheet, with another run slipped in at one moment of this one."""

    def __init__(self, sheet, when: str, other):
        self.sheet, self.when, self.other, self.done = sheet, when, other, False

    def _maybe(self, moment: str) -> None:
        if moment == self.when and not self.done:
            self.done = True
            self.other()

    def read(self, titles):
        values = self.sheet.read(titles)
        self._maybe("after-first-read")
        return values

    def write(self, batch):
        self._maybe("before-write")
        self.sheet.write(batch)


@pytest.mark.parametrize("when", ["after-first-read", "before-write"])
def test_a_run_that_slept_past_a_rivals_whole_claim_backs_off(sheet, when):
    won = {}

    def other_run():
        won["other"] = acquire(sheet, NOW, holder=OTHER, alive=always_alive)

    racing = Interleave(sheet, when, other_run)
    with pytest.raises(LockedError, match="run again"):
        acquire(racing, NOW, holder=ME, alive=always_alive)
    assert won["other"].row == 2
    rows = runs(sheet)
    assert rows[2][1] == ME and rows[2][4], "the backed-off claim is released"
    assert holder_of(sheet, NOW, me="local elsewhere pid 1", alive=always_alive).holder == OTHER


def _claim_row(holder: str) -> list[str]:
    return ["rival-run", holder, "2026-11-28T03:17:00Z", "2026-11-28T05:17:00Z", "", ""]


def test_a_claim_overwritten_while_settling_loses(sheet):
    # Google-style appends land "below the last row read": a rival that read the tab before
    # our write puts its claim on our row, and the later write wins.
    def rival_overwrites():
        batch = WriteBatch()
        for col, value in enumerate(_claim_row(OTHER), start=1):
            batch.updates.append((RUNS, 2, col, value))
        sheet.write(batch)

    CLOCK.during_sleep = rival_overwrites
    with pytest.raises(LockedError, match="pid 200"):
        acquire(sheet, NOW, holder=ME, alive=always_alive)
    assert holder_of(sheet, NOW, me="local elsewhere pid 1", alive=always_alive).holder == OTHER


def test_a_rival_claim_in_a_later_row_loses_to_ours(sheet):
    def rival_appends():
        batch = WriteBatch()
        batch.appends[RUNS] = [_claim_row(OTHER)]
        sheet.write(batch)

    CLOCK.during_sleep = rival_appends
    lock = acquire(sheet, NOW, holder=ME, alive=always_alive)
    assert lock.row == 2
    assert holder_of(sheet, NOW, me="local elsewhere pid 1", alive=always_alive).holder == ME


def test_earlier_actions_run_of_the_same_workflow_is_over_by_construction():
    me = "github-actions uni/mentoring nightly run 900.1"
    assert holder_gone("github-actions uni/mentoring nightly run 899.1", me)
    assert holder_gone("github-actions uni/mentoring nightly run 900.0", me), "an earlier attempt"
    assert not holder_gone("github-actions uni/other nightly run 899.1", me)
    assert not holder_gone("local laptop pid 5", me)
    assert not holder_gone(me, me)


def test_a_slow_claim_is_withdrawn_and_tried_again(sheet):
    class SlowFirstWrite:
        writes = 0

        def read(self, titles):
            return sheet.read(titles)

        def write(self, batch):
            SlowFirstWrite.writes += 1
            if SlowFirstWrite.writes == 1:
                CLOCK.t += 60  # e.g. a write retried after a 503
            sheet.write(batch)

    lock = acquire(SlowFirstWrite(), NOW, holder=ME, alive=always_alive)
    rows = runs(sheet)
    assert rows[1][5] == "claim took too long to write; retried" and rows[1][4]
    assert lock.row == 3 and rows[2][1] == ME and len(rows[2]) == 4, "live: not released"
