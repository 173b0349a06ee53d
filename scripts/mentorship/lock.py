"""The run lock: one row per nightly run in the ledger's `Runs` tab, so two runs never both send.

The spreadsheet offers no transaction, only reads and batched writes, and both backends apply
an append as "write below the last row I read", so two runs appending at once may land on the
same row and the later write wins. Acquiring is therefore Fischer's mutual exclusion over that
last-writer-wins row:

1. read `Runs`; if a live claim is there (not released, not expired, holder not known dead),
   refuse with `LockedError` (exit 2);
2. write our claim (run id, holder, started, expires) below the last row, and check that the
   time from the start of step 1 to the end of this write stayed under `settle` seconds;
   otherwise withdraw the claim (our read may be stale) and start again from step 1, up to
   `CLAIM_ATTEMPTS` times;
3. wait `settle` seconds, then read `Runs` back: we hold the lock only if our claim is still
   there and is the live claim in the lowest row.

Any rival that read the tab before our write writes within `settle` of its read (its own step 2
check), so by the time we read back its claim is visible: either it overwrote ours (we lose) or
it sits in another row (the lower row wins, and both runs agree which). A rival that reads
after our write sees our claim and refuses. The nightly run also re-reads its claim before each
stage (`RunLock.refresh`) and stops if it was overwritten or taken over meanwhile.

A claim expires `ttl` after its last heartbeat (2 hours by default; the workflow times out
after 30 minutes), so a run killed by a power cut holds the lock at most that long. Sooner than
that a claim counts as dead when its holder can be seen to be gone: a process on this same
machine that no longer exists, or an earlier GitHub Actions run of the same workflow (the
workflow's concurrency group starts a run only after the previous one has ended).

Why this is safe enough: on GitHub the concurrency group already serialises runs, so the lock
is the second fence, against a run started by hand on a laptop at the same time or a run
resumed after its claim expired; the race it must win is rare, and its timing assumption (a
write lands within `settle` seconds) is checked, not assumed. And every stage is idempotent by
itself (invites carry event ids derived from the match id, so Google answers a repeat with 409
`duplicate`): the lock keeps two runs from racing over the same rows; it is not what keeps a
re-run from sending twice.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .errors import LockedError
from .ledger import Record, Spreadsheet, Table, WriteBatch, parse_utc_timestamp, utc_timestamp

RUNS = "Runs"
RUN_COLUMNS: tuple[str, ...] = (
    "run_id",
    "holder",
    "started_at",
    "expires_at",
    "released_at",
    "outcome",
)
DEFAULT_TTL = dt.timedelta(hours=2)
# Seconds a claim may take to land, and the wait before reading it back (Fischer's delay).
DEFAULT_SETTLE = 3.0
# Rounds of claiming before giving up when writes keep being slower than `settle`.
CLAIM_ATTEMPTS = 3

_LOCAL_RE = re.compile(r"^local (?P<host>\S+) pid (?P<pid>\d+)$")
_ACTIONS_RE = re.compile(
    r"^github-actions (?P<repo>\S+) (?P<workflow>.+) run (?P<run>\d+(?:\.\d+)?)$"
)


def current_holder(env: Mapping[str, str] | None = None) -> str:
    """Who we are, in words staff can read in the `Runs` tab and the lock can check for life."""
    env = os.environ if env is None else env
    if env.get("GITHUB_ACTIONS") == "true" and env.get("GITHUB_RUN_ID"):
        return (
            f"github-actions {env.get('GITHUB_REPOSITORY', '?')} "
            f"{env.get('GITHUB_WORKFLOW', '?')} run {env['GITHUB_RUN_ID']}."
            f"{env.get('GITHUB_RUN_ATTEMPT', '1')}"
        )
    return f"local {socket.gethostname()} pid {os.getpid()}"


def process_alive(pid: int) -> bool:
    """True when a process with this id exists on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, it is just not ours
    return True


def holder_gone(
    holder: str,
    me: str,
    alive: Callable[[int], bool] = process_alive,
) -> bool:
    """True when the claim's holder has certainly stopped, so its claim need not wait to expire."""
    if holder == me:
        return False
    theirs, mine = _LOCAL_RE.match(holder), _LOCAL_RE.match(me)
    if theirs and mine and theirs["host"] == mine["host"]:
        return not alive(int(theirs["pid"]))
    theirs, mine = _ACTIONS_RE.match(holder), _ACTIONS_RE.match(me)
    if theirs and mine:
        # Same repository and workflow: its concurrency group let us start, so that run (or
        # that attempt of our own run, when staff press "Re-run") has ended.
        return (theirs["repo"], theirs["workflow"]) == (mine["repo"], mine["workflow"]) and theirs[
            "run"
        ] != mine["run"]
    return False


@dataclass(frozen=True)
class Claim:
    """One row of the `Runs` tab as the lock sees it."""

    row: int
    run_id: str
    holder: str
    started_at: str
    expires_at: dt.datetime | None

    def describe(self) -> str:
        """For the LockedError message: who holds it since when, until when."""
        until = utc_timestamp(self.expires_at) if self.expires_at else "unknown"
        return f"{self.holder} (run {self.run_id}, started {self.started_at}, expires {until})"


def _claims(table: Table) -> list[tuple[Record, Claim]]:
    out = []
    for record in table:
        if not record["run_id"]:
            continue
        out.append(
            (
                record,
                Claim(
                    record.row,
                    record["run_id"],
                    record["holder"],
                    record["started_at"],
                    parse_utc_timestamp(record["expires_at"]),
                ),
            )
        )
    return out


def _live(
    claim: Claim, record: Record, now: dt.datetime, me: str, alive: Callable[[int], bool]
) -> bool:
    if record["released_at"].strip():
        return False
    if claim.expires_at is None or claim.expires_at <= now:
        return False
    return not holder_gone(claim.holder, me, alive)


def _read(sheet: Spreadsheet) -> Table:
    values = sheet.read([RUNS]).get(RUNS)
    return Table(RUNS, RUN_COLUMNS, values)


def holder_of(
    sheet: Spreadsheet,
    now: dt.datetime,
    me: str | None = None,
    alive: Callable[[int], bool] = process_alive,
) -> Claim | None:
    """The live claim on the ledger, if any (read only: for dry runs and `mentorship doctor`)."""
    me = current_holder() if me is None else me
    live = [c for r, c in _claims(_read(sheet)) if _live(c, r, now, me, alive)]
    return min(live, key=lambda c: c.row) if live else None


class RunLock:
    """A held claim on the ledger. Refresh it between stages; release it at the end."""

    def __init__(self, sheet: Spreadsheet, run_id: str, holder: str, row: int, ttl: dt.timedelta):
        self.sheet = sheet
        self.run_id = run_id
        self.holder = holder
        self.row = row
        self.ttl = ttl
        self.released = False

    def _mine(self) -> tuple[Table, Record]:
        table = _read(self.sheet)
        for record in table:
            if record["run_id"] == self.run_id:
                return table, record
        raise LockedError(
            f"This run's claim {self.run_id} vanished from the {RUNS} tab; someone deleted it. "
            "Stopping so as not to race another run; run again."
        )

    def refresh(self, now: dt.datetime) -> None:
        """Push the expiry out by `ttl`; raise LockedError if our claim was taken over meanwhile."""
        table, record = self._mine()
        if record["released_at"].strip():
            raise LockedError(
                f"This run's lock (run {self.run_id}) was released or taken over "
                f"({record['outcome'] or 'no reason given'}) while it ran; stopping. Run again."
            )
        table.set(record, "expires_at", utc_timestamp(now + self.ttl))
        batch = WriteBatch()
        table.collect(batch)
        self.sheet.write(batch)

    def release(self, now: dt.datetime, outcome: str) -> None:
        """Mark the claim released with how the run ended (`ok`, `problems`, `error: ...`)."""
        if self.released:
            return
        table, record = self._mine()
        if not record["released_at"].strip():
            table.set(record, "released_at", utc_timestamp(now))
            table.set(record, "outcome", outcome[:200])
            batch = WriteBatch()
            table.collect(batch)
            self.sheet.write(batch)
        self.released = True


def acquire(
    sheet: Spreadsheet,
    now: dt.datetime,
    holder: str | None = None,
    ttl: dt.timedelta = DEFAULT_TTL,
    alive: Callable[[int], bool] = process_alive,
    settle: float = DEFAULT_SETTLE,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> RunLock:
    """Take the ledger's run lock, or raise LockedError naming who holds it (exit 2).

    `settle` is the longest a claim may take to land and how long we wait before reading back
    (see the module docstring); `clock` and `sleep` are parameters so tests need not wait.
    """
    me = current_holder() if holder is None else holder
    for _attempt in range(CLAIM_ATTEMPTS):
        lock = _try_claim(sheet, now, me, ttl, alive, settle, clock, sleep)
        if lock is not None:
            return lock
    raise LockedError(
        f"Claiming the ledger lock took longer than {settle:g} s {CLAIM_ATTEMPTS} times (slow "
        "or retried writes), so another run may have claimed it at the same moment. Nothing "
        "was done; run again."
    )


def _try_claim(
    sheet: Spreadsheet,
    now: dt.datetime,
    me: str,
    ttl: dt.timedelta,
    alive: Callable[[int], bool],
    settle: float,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
) -> RunLock | None:
    """One round of `acquire`: the lock, LockedError, or None when our write was too slow."""
    began = clock()
    table = _read(sheet)
    for record, claim in _claims(table):
        if _live(claim, record, now, me, alive):
            raise LockedError(_held_message(claim))
    # Close the claims of runs that died, so the tab says what happened to them.
    for record, _claim in _claims(table):
        if not record["released_at"].strip():
            table.set(record, "released_at", utc_timestamp(now))
            table.set(record, "outcome", "abandoned (expired or holder gone)")
    run_id = f"{now.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"
    table.append(
        {
            "run_id": run_id,
            "holder": me,
            "started_at": utc_timestamp(now),
            "expires_at": utc_timestamp(now + ttl),
            "released_at": "",
            "outcome": "",
        }
    )
    batch = WriteBatch()
    table.collect(batch)
    sheet.write(batch)
    if clock() - began >= settle:
        # A rival may have read the tab before our claim landed: withdraw it and start over.
        _give_up(sheet, run_id, now, "claim took too long to write; retried")
        return None
    sleep(settle)

    # Read back: our claim must still be there and be the lowest live one.
    claims = _claims(_read(sheet))
    mine = [c for _r, c in claims if c.run_id == run_id]
    live = [c for r, c in claims if c.run_id == run_id or _live(c, r, now, me, alive)]
    winner = min(live, key=lambda c: c.row) if live else None
    if not mine or winner is None or winner.run_id != run_id:
        if mine:
            _give_up(sheet, run_id, now, f"lost the race to run {winner.run_id if winner else '?'}")
        if winner is None or winner.run_id == run_id:
            raise LockedError(
                "Another run claimed the ledger lock at the same moment; run again later."
            )
        raise LockedError(_held_message(winner))
    return RunLock(sheet, run_id, me, mine[0].row, ttl)


def _give_up(sheet: Spreadsheet, run_id: str, now: dt.datetime, why: str) -> None:
    table = _read(sheet)
    for record in table:
        if record["run_id"] == run_id and not record["released_at"].strip():
            table.set(record, "released_at", utc_timestamp(now))
            table.set(record, "outcome", why)
    batch = WriteBatch()
    table.collect(batch)
    if batch:
        sheet.write(batch)


def _held_message(claim: Claim) -> str:
    return (
        f"Another nightly run holds the ledger lock: {claim.describe()}. Wait for it to finish. "
        f"If it is certainly dead, set its released_at cell in the {RUNS} tab (row {claim.row}) "
        "to any date, then run again."
    )
