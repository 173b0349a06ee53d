"""Benchmark: 2,000 messages through a real SMTP server and through Gmail (the loopback fake).

Puts N requests (default 2,000) that have waited nine days in a ledger, so each is due one
"still waiting" message, and runs the messages stage three ways:

- SMTP: smtplib against aiosmtpd on 127.0.0.1, the ledger as local CSV files;
- Gmail: the real google-api-python-client against the fake `users.messages.send`, local ledger;
- Gmail + Sheets: the same, with the ledger itself in the fake Google Sheets (gspread), which
  is how a live programme runs: Sheets calls are the Outbox writes (one before and one after
  each batch of `batch_size`).

Each run is followed by a second run, which must send nothing. Throttling is off
(`max_per_second = 0`) so the table shows the toolkit's own cost, not the configured pace; at
the default 2 per second, 2,000 messages take about 17 minutes whatever the backend.

    .venv/bin/python benchmarks/messages.py [--messages 2000] [--batch-size 20]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

from google.auth.credentials import AnonymousCredentials

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mentorship import google_api  # noqa: E402
from mentorship.google_transport import RetryPolicy  # noqa: E402
from mentorship.ledger import MATCH_COLUMNS, REQUEST_COLUMNS  # noqa: E402
from mentorship.messages.gmail import GmailMailer, gmail_service  # noqa: E402
from mentorship.messages.smtp import SmtpMailer  # noqa: E402
from mentorship.messages.stage import run_messages  # noqa: E402
from mentorship.sheets_google import GoogleSpreadsheet  # noqa: E402
from mentorship.sheets_local import LocalSpreadsheet  # noqa: E402

from tests.fake_google import FakeGoogle  # noqa: E402
from tests.invite_support import request_row, write_ledger  # noqa: E402
from tests.message_support import CONTACTS, NOW, SmtpSink, config, mentors  # noqa: E402
from tests.roster_support import roster_values  # noqa: E402

SHEET = "1BenchmarkMessagesSheet0123456789abcdefghi"


def requests(n: int) -> list[dict[str, str]]:
    """N waiting requests, each due its first "still waiting" message at NOW."""
    submitted = (NOW - dt.timedelta(days=9)).isoformat()
    return [
        request_row(
            f"r{i:05d}",
            f"Student{i} Example",
            "Europe/London",
            "",
            status="waiting",
            submitted_at=submitted,
            reason="no mentor in Law who speaks Hindi",
        )
        for i in range(n)
    ]


def _values(columns: tuple[str, ...], rows: list[dict[str, str]]) -> list[list[str]]:
    return [list(columns)] + [[row.get(c, "") for c in columns] for row in rows]


def run(label: str, sheet, mailer, root: Path, batch: int, counter) -> list[str]:  # type: ignore[no-untyped-def]
    """Two runs of the stage; a table row for each."""
    cfg = config(root, max_per_second=0.0, daily_cap=100_000, batch_size=batch)
    rows = []
    for which in ("first", "again"):
        before = counter()
        started = time.perf_counter()
        report = run_messages(sheet, mailer, mentors(), cfg, NOW)
        seconds = time.perf_counter() - started
        after = counter()
        sent = sum(report.sent.values())
        calls = {k: after.get(k, 0) - before.get(k, 0) for k in after}
        per = f"{seconds / sent * 1000:.1f}" if sent else "-"
        rows.append(
            f"| {label} | {which} | {sent:,} | {seconds:.1f} | {per} "
            f"| {calls.get('send', 0):,} | {calls.get('sheets', 0):,} | {report.ledger_writes} |"
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=20)
    args = parser.parse_args()
    n, batch = args.messages, args.batch_size
    table = [
        f'Messages: {n:,} "still waiting" emails, batch_size {batch}, no throttle.',
        "",
        "| Backend | Run | Sent | Seconds | ms per message | Sends (SMTP DATA / Gmail requests) "
        "| Sheets requests | Outbox writes |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        # 1. SMTP, local ledger.
        root = base / "smtp"
        sheet = LocalSpreadsheet(root / ".ledger")
        write_ledger(sheet, requests(n), [])
        with SmtpSink() as sink:
            mailer = SmtpMailer("127.0.0.1", sink.port, security="none", base_delay=0.0)
            table += run(
                "SMTP (aiosmtpd), local ledger",
                sheet,
                mailer,
                root,
                batch,
                lambda: {"send": len(sink.received)},
            )
            assert len(set(sink.ids())) == n == len(sink.received)

        with FakeGoogle(seed=1) as fake:
            os.environ[google_api.API_ROOT_ENV] = fake.base_url
            service = gmail_service(AnonymousCredentials())
            policy = RetryPolicy(attempts=5, base=0.0)

            def counter() -> dict[str, int]:
                sheets = sum(v for k, v in fake.calls.items() if k.startswith("sheets."))
                return {"send": fake.calls["gmail.users.messages.send"], "sheets": sheets}

            # 2. Gmail, local ledger.
            root = base / "gmail"
            sheet = LocalSpreadsheet(root / ".ledger")
            write_ledger(sheet, requests(n), [])
            mailer = GmailMailer(service, mailbox="office@example.edu", policy=policy)
            table += run("Gmail (fake), local ledger", sheet, mailer, root, batch, counter)

            # 3. Gmail, ledger in (fake) Google Sheets.
            fake.state.new_spreadsheet(
                "Mentoring",
                {
                    "Requests": _values(REQUEST_COLUMNS, requests(n)),
                    "Matches": [list(MATCH_COLUMNS)],
                    "Mentors": roster_values(CONTACTS),
                },
                spreadsheet_id=SHEET,
            )
            client = google_api.gspread_client(AnonymousCredentials(), backoff=0.0)
            gsheet = GoogleSpreadsheet(client.http_client, SHEET)
            root = base / "gmail-sheets"
            root.mkdir()
            table += run("Gmail (fake), Sheets ledger (fake)", gsheet, mailer, root, batch, counter)
            assert len(fake.mail) == 2 * n
            del os.environ[google_api.API_ROOT_ENV]
    print("\n".join(table))


if __name__ == "__main__":
    main()
