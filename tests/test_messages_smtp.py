"""The SMTP backend against a real SMTP server (aiosmtpd on loopback), misbehaving on purpose."""

from __future__ import annotations

import os
import shutil
import signal
import smtplib
import subprocess
from pathlib import Path

import pytest
from mentorship.errors import AccessError, ConfigError
from mentorship.messages.smtp import PASSWORD_ENV, SmtpMailer, open_smtp
from mentorship.messages.stage import run_messages

from tests.message_support import (
    NOW,
    SmtpSink,
    config,
    local_sheet,
    mentors,
    outbox,
    parse,
    tls_files,
)
from tests.nightly_run import MENTORSHIP, cli_env, local_tab, rows
from tests.test_messages_stage import DUE

# aiosmtpd warns when a test server takes a login without TLS; loopback only, on purpose.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def _mailer(sink: SmtpSink) -> SmtpMailer:
    return SmtpMailer("127.0.0.1", sink.port, security="none", base_delay=0.0, timeout=5)


def test_every_message_reaches_the_smtp_server_once(tmp_path: Path) -> None:
    sheet = local_sheet(tmp_path)
    with SmtpSink() as sink:
        mailer = _mailer(sink)
        report = run_messages(sheet, mailer, mentors(), config(tmp_path), NOW)
        again = run_messages(sheet, _mailer(sink), mentors(), config(tmp_path), NOW)
    assert sorted(sink.ids()) == sorted(DUE)
    assert sum(report.sent.values()) == len(DUE) and sum(again.sent.values()) == 0
    assert mailer.connections == 1  # one connection for the whole run
    email = parse(sink.received[0])
    assert email.get_body(("plain",)) is not None and email.get_body(("html",)) is not None
    rows_ = outbox(sheet)
    assert all(r["provider_id"].startswith("<") for r in rows_.values())


def test_a_connection_dropped_before_data_is_retried_and_delivered_once(tmp_path: Path) -> None:
    sheet = local_sheet(tmp_path)
    with SmtpSink() as sink:
        sink.drop_rcpt = 2
        report = run_messages(sheet, _mailer(sink), mentors(), config(tmp_path), NOW)
    assert sorted(sink.ids()) == sorted(DUE)
    assert sum(report.sent.values()) == len(DUE) and not report.unknown


def test_a_connection_dropped_mid_send_is_unknown_and_never_sent_again(tmp_path: Path) -> None:
    sheet = local_sheet(tmp_path)
    with SmtpSink() as sink:
        sink.drop_after_data = 1  # the first message arrives, then the line goes dead
        report = run_messages(sheet, _mailer(sink), mentors(), config(tmp_path), NOW)
        first = sink.ids()[0]
        assert [mid for mid, _ in report.unknown] == [first]
        assert outbox(sheet)[first]["status"] == "unknown"
        assert "may have been delivered" in outbox(sheet)[first]["note"]
        # The others went out on a new connection.
        assert sum(report.sent.values()) == len(DUE) - 1
        again = run_messages(sheet, _mailer(sink), mentors(), config(tmp_path), NOW)
        assert sum(again.sent.values()) == 0
        assert sorted(sink.ids()) == sorted(DUE)  # each exactly once, the dropped one included
        # Staff may decide to send it again: set the row to `retry`.
        _set_status(tmp_path, first, "retry")
        retried = run_messages(sheet, _mailer(sink), mentors(), config(tmp_path), NOW)
    assert sum(retried.sent.values()) == 1
    assert sink.ids().count(first) == 2


def _set_status(root: Path, message_id: str, status: str) -> None:
    import csv

    path = root / ".ledger" / "Outbox.csv"
    table = list(csv.reader(path.open(encoding="utf-8", newline="")))
    column = table[0].index("status")
    for row in table[1:]:
        if row[0] == message_id:
            row[column] = status
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(table)


def test_temporary_and_permanent_refusals(tmp_path: Path) -> None:
    sheet = local_sheet(tmp_path)
    with SmtpSink() as sink:
        sink.temp_fail_data = 1
        sink.refuse_rcpt = ""
        report = run_messages(sheet, _mailer(sink), mentors(), config(tmp_path), NOW)
        assert report.waiting == 1 and sum(report.sent.values()) == len(DUE) - 1
        later = run_messages(sheet, _mailer(sink), mentors(), config(tmp_path), NOW)
        assert sum(later.sent.values()) == 1
    assert sorted(sink.ids()) == sorted(DUE)

    sheet = local_sheet(tmp_path / "refused")
    with SmtpSink() as sink:
        sink.refuse_rcpt = "550 5.1.1 no such user"
        report = run_messages(sheet, _mailer(sink), mentors(), config(tmp_path), NOW)
    assert len(report.failures) == len(DUE) and not sink.received
    assert all("550" in why for _, why in report.failures)
    assert {r["status"] for r in outbox(sheet).values()} == {"failed"}


def test_the_password_comes_only_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    with pytest.raises(ConfigError, match=PASSWORD_ENV):
        open_smtp("smtp.example.edu", 587, "starttls", "mentoring")
    with pytest.raises(ConfigError, match="smtp_host"):
        open_smtp("", 587, "starttls", "")
    monkeypatch.setenv(PASSWORD_ENV, "s3cret")
    assert open_smtp("smtp.example.edu", 587, "starttls", "mentoring").password == "s3cret"


def test_login_with_the_password_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sheet = local_sheet(tmp_path)
    with SmtpSink(password="right horse") as sink:
        monkeypatch.setenv(PASSWORD_ENV, "wrong")
        wrong = open_smtp("127.0.0.1", sink.port, "none", "mentoring")
        with pytest.raises(AccessError, match=PASSWORD_ENV):
            run_messages(sheet, wrong, mentors(), config(tmp_path), NOW)
        monkeypatch.setenv(PASSWORD_ENV, "right horse")
        right = open_smtp("127.0.0.1", sink.port, "none", "mentoring")
        right.base_delay = 0.0
        report = run_messages(sheet, right, mentors(), config(tmp_path), NOW)
    # The failed login sent nothing; its row waited as `sending` and is now `unknown`, the
    # rest went out once.
    assert sum(report.sent.values()) + len(report.unknown) == len(DUE)
    assert len(sink.received) == sum(report.sent.values())


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_starttls_and_ssl_with_login_reach_a_relay_that_requires_them(
    tmp_path: Path, security: str
) -> None:
    """A university relay speaks TLS (STARTTLS on 587 or TLS from the start on 465) and takes
    the login only inside it; the certificate is checked against the host name."""
    files = tls_files(tmp_path)
    sheet = local_sheet(tmp_path)
    with SmtpSink(password="right horse", tls=security, certificate=files) as sink:
        mailer = SmtpMailer(
            "127.0.0.1",
            sink.port,
            security=security,
            user="mentoring",
            password="right horse",
            base_delay=0.0,
            timeout=5,
            tls_context=files.client_context(),
        )
        report = run_messages(sheet, mailer, mentors(), config(tmp_path), NOW)
        # Without TLS this relay refuses: plain SMTP never reaches the login (STARTTLS), or
        # gets no SMTP greeting at all (an SSL port).
        plain = SmtpMailer(
            "127.0.0.1",
            sink.port,
            security="none",
            user="mentoring",
            password="right horse",
            timeout=1,
        )
        with pytest.raises((AccessError, smtplib.SMTPException, OSError)):
            plain._connect()
    assert sorted(sink.ids()) == sorted(DUE)
    assert sum(report.sent.values()) == len(DUE) and not report.unknown


def test_a_certificate_the_relay_cannot_prove_is_not_trusted(tmp_path: Path) -> None:
    files = tls_files(tmp_path)
    sheet = local_sheet(tmp_path)
    with SmtpSink(tls="starttls", certificate=files) as sink:
        # The system's trust store does not know this self-signed certificate: nothing is sent,
        # and every message waits for the next run (never marked sent).
        mailer = SmtpMailer(
            "127.0.0.1", sink.port, security="starttls", base_delay=0.0, timeout=5, max_attempts=1
        )
        report = run_messages(sheet, mailer, mentors(), config(tmp_path), NOW)
    assert sink.received == []
    assert sum(report.sent.values()) == 0 and not report.unknown
    assert set(outbox(sheet)) == set(DUE)


def _project(root: Path, port: int) -> None:
    """A project whose messages go to the SMTP sink; the ledger is the sample."""
    repo = Path(__file__).resolve().parents[1]
    root.mkdir(parents=True, exist_ok=True)
    (root / "mentors").mkdir(exist_ok=True)
    shutil.copy(repo / "mentors" / "taxonomy.yml", root / "mentors" / "taxonomy.yml")
    import yaml

    for m in mentors():
        data = m.model_dump(mode="json", exclude={"slug", "email"})
        (root / "mentors" / f"{m.slug}.yml").write_text(yaml.safe_dump(data), encoding="utf-8")
    (root / "pyproject.toml").write_text(
        f"""[tool.mentorship]
backend = "local"
[tool.mentorship.questions]
consent = "Consent"
[tool.mentorship.calendar]
site_url = "https://alumni.example.edu/mentoring"
[tool.mentorship.messages]
backend = "smtp"
smtp_host = "127.0.0.1"
smtp_port = {port}
smtp_security = "none"
from_address = "mentoring@example.edu"
max_per_second = 0.0
batch_size = 1
""",
        encoding="utf-8",
    )
    local_sheet(root)


def test_killed_after_each_send_and_run_again_no_message_goes_twice(tmp_path: Path) -> None:
    """SIGKILL `mentorship messages` the moment the k-th email reaches the server, for every k."""
    with SmtpSink() as sink:
        for k in range(1, len(DUE) + 1):
            root = tmp_path / f"k{k}"
            _project(root, sink.port)
            sink.received.clear()
            process = subprocess.Popen(
                [MENTORSHIP, "messages", "--now", NOW.isoformat()],
                cwd=root,
                env=cli_env(),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )

            def kill(count: int, k: int = k, pid: int = process.pid) -> None:
                if count == k:
                    os.kill(pid, signal.SIGKILL)

            sink.on_message = kill
            process.wait(timeout=60)
            sink.on_message = None
            assert process.returncode == -signal.SIGKILL, f"k={k}: {process.stderr.read()}"
            killed_at = sink.ids()
            assert len(killed_at) == k

            done = subprocess.run(
                [MENTORSHIP, "messages", "--now", NOW.isoformat()],
                cwd=root,
                env=cli_env(),
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert done.returncode in (0, 1), done.stderr
            received = sink.ids()
            assert len(received) == len(set(received)), f"k={k}: a message went twice"
            table = {r["message_id"]: r for r in rows(local_tab(root, "Outbox"))}
            assert set(table) == DUE
            statuses = {mid: r["status"] for mid, r in table.items()}
            # The email in flight when the run died may have gone: `unknown`, never sent again.
            # Every other one went exactly once.
            in_flight = killed_at[-1]
            assert statuses.pop(in_flight) == "unknown"
            assert set(statuses.values()) == {"sent"}, (k, statuses)
            assert sorted(received) == sorted(DUE)
