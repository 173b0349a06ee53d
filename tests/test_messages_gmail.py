"""The Gmail backend: the real google-api-python-client against the fake users.messages.send."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pytest
import yaml
from mentorship.errors import AccessError
from mentorship.google_transport import RetryPolicy
from mentorship.ledger import MATCH_COLUMNS, REQUEST_COLUMNS
from mentorship.messages.gmail import GMAIL_SCOPES, GmailMailer
from mentorship.messages.mime import ID_HEADER
from mentorship.messages.stage import run_messages

from tests import google_clients
from tests.fake_google import FakeGoogle
from tests.message_support import (
    CONTACTS,
    NOW,
    config,
    local_sheet,
    mentors,
    outbox,
    sample_ledger,
)
from tests.nightly_run import cli_env, rows, run, start
from tests.roster_support import roster_values
from tests.test_messages_stage import DUE


def _mailer(fake: FakeGoogle) -> GmailMailer:
    return GmailMailer(
        google_clients.gmail_service(fake),
        mailbox="office@example.edu",
        policy=RetryPolicy(attempts=5, base=0.0),
    )


def _sent_ids(fake: FakeGoogle) -> list[str]:
    return [m["headers"][ID_HEADER] for m in fake.mail]


def test_every_message_goes_through_gmail_once(tmp_path: Path, fake_google: FakeGoogle) -> None:
    sheet = local_sheet(tmp_path)
    report = run_messages(sheet, _mailer(fake_google), mentors(), config(tmp_path), NOW)
    again = run_messages(sheet, _mailer(fake_google), mentors(), config(tmp_path), NOW)
    assert sorted(_sent_ids(fake_google)) == sorted(DUE)
    assert sum(report.sent.values()) == len(DUE) and sum(again.sent.values()) == 0
    assert fake_google.calls["gmail.users.messages.send"] == len(DUE)
    assert {m["userId"] for m in fake_google.mail} == {"me"}
    rows_ = outbox(sheet)
    assert {r["provider_id"] for r in rows_.values()} == {m["id"] for m in fake_google.mail}


def test_rate_limits_are_retried(tmp_path: Path, fake_google: FakeGoogle) -> None:
    sheet = local_sheet(tmp_path)
    fake_google.faults.fail_next(2, 429, match="gmail.*")
    fake_google.faults.fail_next(1, 403, match="gmail.*", reason="userRateLimitExceeded")
    report = run_messages(sheet, _mailer(fake_google), mentors(), config(tmp_path), NOW)
    assert sum(report.sent.values()) == len(DUE)
    assert sorted(_sent_ids(fake_google)) == sorted(DUE)
    assert fake_google.calls["gmail.users.messages.send"] == len(DUE) + 3


def test_the_daily_sending_limit_stops_the_run_until_the_next(
    tmp_path: Path, fake_google: FakeGoogle
) -> None:
    sheet = local_sheet(tmp_path)
    fake_google.faults.fail_next(1, 429, match="gmail.*", reason="mailSending")
    report = run_messages(sheet, _mailer(fake_google), mentors(), config(tmp_path), NOW)
    assert report.stopped and sum(report.sent.values()) == 0 and report.waiting == len(DUE)
    assert fake_google.calls["gmail.users.messages.send"] == 1  # no hammering a closed door
    assert {r["status"] for r in outbox(sheet).values()} == {"queued"}
    later = run_messages(sheet, _mailer(fake_google), mentors(), config(tmp_path), NOW)
    assert sum(later.sent.values()) == len(DUE)


def test_a_server_error_after_gmail_sent_is_unknown_and_never_resent(
    tmp_path: Path, fake_google: FakeGoogle
) -> None:
    sheet = local_sheet(tmp_path)
    fake_google.faults.store_then_fail(1, 503, match="gmail.*")
    report = run_messages(sheet, _mailer(fake_google), mentors(), config(tmp_path), NOW)
    assert len(report.unknown) == 1 and sum(report.sent.values()) == len(DUE) - 1
    run_messages(sheet, _mailer(fake_google), mentors(), config(tmp_path), NOW)
    assert sorted(_sent_ids(fake_google)) == sorted(DUE)  # the stored one went once, not twice


def test_a_refused_message_is_failed_for_staff(tmp_path: Path, fake_google: FakeGoogle) -> None:
    sheet = local_sheet(tmp_path)
    fake_google.faults.fail_next(1, 400, match="gmail.*", reason="invalidArgument")
    report = run_messages(sheet, _mailer(fake_google), mentors(), config(tmp_path), NOW)
    assert len(report.failures) == 1 and "invalidArgument" in report.failures[0][1]
    assert len(fake_google.mail) == len(DUE) - 1


def test_a_missing_scope_names_gmail_send(tmp_path: Path, fake_google: FakeGoogle) -> None:
    sheet = local_sheet(tmp_path)
    fake_google.faults.fail_next(1, 403, match="gmail.*", reason="insufficientPermissions")
    with pytest.raises(AccessError, match=GMAIL_SCOPES[0]):
        run_messages(sheet, _mailer(fake_google), mentors(), config(tmp_path), NOW)
    # The row that was about to go is `sending`: the next run makes it `unknown`, not a resend.
    assert "sending" in {r["status"] for r in outbox(sheet).values()}


def test_the_fake_answers_gmails_error_for_a_missing_raw(fake_google: FakeGoogle) -> None:
    from googleapiclient.errors import HttpError

    service = google_clients.gmail_service(fake_google)
    with pytest.raises(HttpError) as caught:
        service.users().messages().send(userId="me", body={}).execute()
    assert caught.value.status_code == 400
    assert "'raw' RFC822 payload" in caught.value.reason


# -- the real CLI, on a Google ledger, killed after each send ------------------------------

SHEET = "1MessagesTestSheetKey0123456789abcdefghij"


def _values(columns: tuple[str, ...], data: list[dict[str, str]]) -> list[list[str]]:
    return [list(columns)] + [[row.get(c, "") for c in columns] for row in data]


def _project(root: Path) -> None:
    repo = Path(__file__).resolve().parents[1]
    (root / "mentors").mkdir(parents=True, exist_ok=True)
    shutil.copy(repo / "mentors" / "taxonomy.yml", root / "mentors" / "taxonomy.yml")
    for m in mentors():
        data = m.model_dump(mode="json", exclude={"slug", "email"})
        (root / "mentors" / f"{m.slug}.yml").write_text(yaml.safe_dump(data), encoding="utf-8")
    (root / "pyproject.toml").write_text(
        f"""[tool.mentorship]
backend = "google"
spreadsheet_key = "{SHEET}"
[tool.mentorship.questions]
consent = "Consent"
[tool.mentorship.calendar]
site_url = "https://alumni.example.edu/mentoring"
delegate = "office@example.edu"
[tool.mentorship.messages]
backend = "gmail"
from_address = "office@example.edu"
max_per_second = 0.0
batch_size = 1
""",
        encoding="utf-8",
    )


def _seed(fake: FakeGoogle) -> None:
    ledger = sample_ledger()
    fake.state.new_spreadsheet(
        "Mentoring",
        {
            "Requests": _values(REQUEST_COLUMNS, ledger.requests),
            "Matches": _values(MATCH_COLUMNS, ledger.matches),
            "Mentors": roster_values(CONTACTS),
        },
        spreadsheet_id=SHEET,
    )


def test_cli_killed_after_a_gmail_send_never_sends_twice(tmp_path: Path) -> None:
    with FakeGoogle(seed=1) as fake:
        env = cli_env(MENTORSHIP_GOOGLE_API_ROOT=fake.base_url)
        # The first, a middle and the last send (the SMTP test kills after every one).
        for k in (1, 4, len(DUE)):
            root = tmp_path / f"k{k}"
            _project(root)
            fake.reset()
            _seed(fake)
            sends = [0]
            process = start(root, "messages", "--now", NOW.isoformat(), env=env)

            def kill(
                key: str, req: object, k: int = k, pid: int = process.pid, sends: list[int] = sends
            ) -> None:
                if key == "gmail.users.messages.send":
                    sends[0] += 1
                    if sends[0] == k:
                        os.kill(pid, signal.SIGKILL)  # Gmail takes it; the run never hears

            fake.on_call = kill
            process.communicate(timeout=60)
            fake.on_call = None
            assert process.returncode == -signal.SIGKILL, f"k={k}: {fake.log}"
            in_flight = _sent_ids(fake)[-1]
            assert len(fake.mail) == k, (k, fake.log, _sent_ids(fake))

            done = run(root, "messages", "--now", NOW.isoformat(), env=env)
            assert done.returncode == 1, done.stderr  # 1: an unknown row for staff
            sent = _sent_ids(fake)
            assert sorted(sent) == sorted(DUE), f"k={k}: {sent}"
            table = {r["message_id"]: r["status"] for r in rows(fake.values(SHEET, "Outbox"))}
            assert table.pop(in_flight) == "unknown"
            assert set(table.values()) == {"sent"}
            assert "Unknown (may have gone out)" in done.stdout
