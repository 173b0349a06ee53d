"""Test data and servers for the messages tests: a small ledger, a config, a real SMTP server.

`SmtpSink` is aiosmtpd on loopback: a real SMTP server that keeps every message it accepted and
can misbehave on purpose (drop the connection at RCPT, drop it mid-DATA after the message
arrived, answer 451 or 550), so smtplib is exercised against real protocol behaviour.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from mentorship.config import CalendarConfig, Config, FormConfig, MessagesConfig
from mentorship.ledger import Spreadsheet
from mentorship.messages.mime import ID_HEADER
from mentorship.profiles.models import Mentor
from mentorship.sheets_local import LocalSpreadsheet

from tests.invite_support import match_row, mentor, request_row, write_ledger
from tests.roster_support import write_roster

SITE = "https://alumni.example.edu/mentoring"
FORM = "https://docs.google.com/forms/d/e/1FAIpQLSe-test-form/viewform"
NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
QUESTIONS = {"consent": "Consent", "email": "Email address"}
# The private roster (`Mentors` tab): where the mentors below are mailed.
CONTACTS = {
    "ana-lima": "ana-lima@alumni.example.org",
    "ben-okafor": "ben-okafor@alumni.example.org",
}


def mentors() -> list[Mentor]:
    """Two mentors in the roster: Ana (Lisbon) and Ben (London)."""
    return [
        mentor("ana-lima", "Europe/Lisbon", [("tuesday", "18:00", "21:00")], name="Ana Lima"),
        mentor("ben-okafor", "Europe/London", [("monday", "09:00", "12:00")], name="Ben Okafor"),
    ]


def config(root: Path, **messages: Any) -> Config:
    """A local config rooted at `root`, with the repository's templates and the test form."""
    settings = {"university": "Example University", "from_address": "mentoring@example.edu"}
    settings.update(messages)
    return dataclasses.replace(
        Config(root=root),
        questions=dict(QUESTIONS),
        form=FormConfig(url=FORM),
        calendar=CalendarConfig(site_url=SITE, coordinator_email="office@example.edu"),
        messages=MessagesConfig(**settings),
    )


@dataclass
class Ledger:
    """The rows of a small ledger: one request in each state a message is about."""

    requests: list[dict[str, str]] = field(default_factory=list)
    matches: list[dict[str, str]] = field(default_factory=list)


def sample_ledger() -> Ledger:
    """Seven messages are due at NOW: one per triggered kind but the stale profile."""
    old = (NOW - dt.timedelta(days=9)).isoformat()
    fix = "fix it in row 3 of Form Responses 1 or ask the student to submit the form again"
    requests = [
        request_row(
            "r001",
            "Ida Invalid",
            "Europe/London",
            "",
            status="invalid",
            submitted_at=old,
            reason=f"timezone 'Mars/Base' is not one we know (use a name like 'Europe/Lisbon'); {fix}",
        ),
        request_row(
            "r002",
            "Wes Waiting",
            "Europe/London",
            "",
            status="waiting",
            submitted_at=old,
            reason="no mentor in Law who speaks Hindi",
            industries="Law",
            languages="Hindi",
        ),
        request_row("r003", "Mia Matched", "Europe/London", "", status="matched", submitted_at=old),
        request_row(
            "r004", "Cal Cancelled", "Europe/London", "", status="waiting", submitted_at=old
        ),
        request_row(
            "r005", "Wen Withdrawn", "Europe/London", "", status="withdrawn", submitted_at=old
        ),
    ]
    # r004 waits again after its match was cancelled; it is also "still waiting" (9 days).
    matches = [
        match_row("m003", "r003", "ana-lima", "invited", event_start="2026-11-24T18:00:00+00:00"),
        match_row(
            "m004",
            "r004",
            "ben-okafor",
            "cancelled",
            note="event cancelled on 2026-11-22",
            event_id="e4",
        ),
    ]
    return Ledger(requests, matches)


def local_sheet(root: Path, ledger: Ledger | None = None) -> LocalSpreadsheet:
    """The local CSV ledger under root/.ledger holding `ledger` (the sample by default)."""
    sheet = LocalSpreadsheet(root / ".ledger")
    ledger = ledger or sample_ledger()
    write_ledger(sheet, ledger.requests, ledger.matches)
    write_roster(sheet, CONTACTS)
    return sheet


def outbox(sheet: Spreadsheet) -> dict[str, dict[str, str]]:
    """The Outbox rows by message id."""
    from mentorship.ledger import Table
    from mentorship.messages.outbox import OUTBOX, OUTBOX_COLUMNS

    table = Table(OUTBOX, OUTBOX_COLUMNS, sheet.read([OUTBOX])[OUTBOX])
    return {r["message_id"]: dict(r.values) for r in table}


def parse(data: bytes) -> EmailMessage:
    """An email as received."""
    return message_from_bytes(data, policy=policy.default)  # type: ignore[return-value]


def free_port() -> int:
    """A loopback port nobody listens on (aiosmtpd's Controller needs a real one)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class TlsFiles:
    """A self-signed certificate for 127.0.0.1 and its key, as PEM files."""

    cert: Path
    key: Path

    def client_context(self) -> ssl.SSLContext:
        """A client context that trusts this certificate only (and checks the host name)."""
        return ssl.create_default_context(cafile=str(self.cert))


def tls_files(folder: Path) -> TlsFiles:
    """Make a self-signed certificate for 127.0.0.1 (what a university relay presents)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    files = TlsFiles(folder / "relay.crt", folder / "relay.key")
    files.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return files


class _Handler:
    def __init__(self, sink: SmtpSink):
        self.sink = sink

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        sink = self.sink
        with sink.lock:
            sink.rcpts += 1
            if sink.drop_rcpt > 0:
                sink.drop_rcpt -= 1
                server.transport.close()  # nothing delivered: the client may try again
                return "421 closing"
            if sink.refuse_rcpt:
                return sink.refuse_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        sink = self.sink
        with sink.lock:
            if sink.temp_fail_data > 0:
                sink.temp_fail_data -= 1
                return "451 4.3.0 try again later"
            sink.received.append(bytes(envelope.original_content or envelope.content))
            count = len(sink.received)
            drop = sink.drop_after_data > 0
            if drop:
                sink.drop_after_data -= 1
        if sink.on_message is not None:
            sink.on_message(count)
        if drop:
            # The message arrived, then the connection died before the client heard "250".
            server.transport.close()
            return "250 OK"
        return "250 OK"


class _Authenticator:
    def __init__(self, user: str, password: str):
        self.user, self.password = user.encode(), password.encode()

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        from aiosmtpd.smtp import AuthResult, LoginPassword

        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            self.user,
            self.password,
        )
        return AuthResult(success=ok, handled=False)


class SmtpSink:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it accepts."""

    def __init__(self, *, password: str = "", tls: str = "", certificate: TlsFiles | None = None):
        self.lock = threading.Lock()
        self.received: list[bytes] = []
        self.rcpts = 0
        self.drop_rcpt = 0
        self.drop_after_data = 0
        self.temp_fail_data = 0
        self.refuse_rcpt = ""
        self.on_message: Callable[[int], None] | None = None
        self.port = free_port()
        kwargs: dict[str, Any] = {}
        if password:
            kwargs = {
                "authenticator": _Authenticator("mentoring", password),
                # Login over plain loopback only when the test asks for no TLS at all. With TLS
                # from the first byte aiosmtpd does not know the session is encrypted (it only
                # tracks STARTTLS), so it must not insist on it there.
                "auth_require_tls": tls == "starttls",
                "auth_required": True,
            }
        if tls:
            if certificate is None:
                raise ValueError("a TLS sink needs a certificate (tls_files)")
            server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            server.load_cert_chain(certificate.cert, certificate.key)
            if tls == "ssl":
                kwargs["ssl_context"] = server  # TLS from the first byte (port 465 style)
            else:
                kwargs |= {"tls_context": server, "require_starttls": True}
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port, **kwargs)

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    def ids(self) -> list[str]:
        """The Outbox id of every message received, in order."""
        return [str(parse(raw)[ID_HEADER]) for raw in self.received]
