"""The SMTP backend: any university mail relay, through smtplib.

Host, port, security (`starttls`, `ssl` or `none`) and the user come from
`[tool.mentorship.messages]`; the password only from the environment variable
`MENTORSHIP_SMTP_PASSWORD`. One connection is kept for the whole run and reopened when it drops.

What is retried: a connection that fails or drops before the message is handed over (MAIL and
RCPT), and temporary refusals (4xx). Once the DATA command has started, a dropped connection
may have delivered the message, so the result is `unknown`, never a second try.
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import smtplib
import ssl
import time
from collections.abc import Callable, Sequence
from email.message import EmailMessage
from email.policy import SMTP

from ..errors import AccessError, ConfigError
from .send import ResultKind, SendResult

log = logging.getLogger(__name__)

PASSWORD_ENV = "MENTORSHIP_SMTP_PASSWORD"


class _Refused(Exception):
    def __init__(self, code: int, text: str):
        super().__init__(text)
        self.code = code
        self.text = text


class SmtpMailer:
    """Messages through one SMTP server."""

    throttled = True

    def __init__(
        self,
        host: str,
        port: int,
        *,
        security: str = "starttls",
        user: str = "",
        password: str = "",
        timeout: float = 30.0,
        max_attempts: int = 4,
        base_delay: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        tls_context: ssl.SSLContext | None = None,
    ):
        self.host = host
        self.port = port
        self.security = security
        self.user = user
        self.password = password
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.sleep = sleep
        self.tls_context = tls_context or ssl.create_default_context()
        self.description = f"the SMTP server {host}:{port}"
        self._conn: smtplib.SMTP | None = None
        self.connections = 0

    # -- connection ------------------------------------------------------------------------

    def _connect(self) -> smtplib.SMTP:
        if self._conn is not None:
            return self._conn
        if self.security == "ssl":
            conn: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=self.tls_context
            )
        else:
            conn = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.security == "starttls":
                conn.starttls(context=self.tls_context)
        self.connections += 1
        if self.user:
            try:
                conn.login(self.user, self.password)
            except smtplib.SMTPAuthenticationError as exc:
                conn.close()
                raise AccessError(
                    f"{self.description} refused the login of {self.user!r} ({exc.smtp_code}). "
                    f"Check smtp_user in [tool.mentorship.messages] and the password in "
                    f"{PASSWORD_ENV}."
                ) from None
            except smtplib.SMTPNotSupportedError:
                conn.close()
                raise AccessError(
                    f"{self.description} does not offer login on this connection; use "
                    'smtp_security = "starttls" or "ssl", or leave smtp_user empty.'
                ) from None
        self._conn = conn
        return conn

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.close()

    def close(self) -> None:
        """Say QUIT and close the connection."""
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.quit()
            except (smtplib.SMTPException, OSError):
                conn.close()

    # -- sending ---------------------------------------------------------------------------

    def send(self, message_id: str, email: EmailMessage) -> SendResult:
        """MAIL, RCPT, DATA; retried up to DATA, `unknown` when DATA is cut off."""
        sender = email["From"].addresses[0].addr_spec
        recipient = email["To"].addresses[0].addr_spec
        payload = email.as_bytes(policy=SMTP)
        reason = ""
        for attempt in range(1, self.max_attempts + 1):
            try:
                conn = self._connect()
                self._envelope(conn, sender, recipient)
            except _Refused as refused:
                if refused.code >= 500:
                    return SendResult("failed", message=f"refused ({refused.code} {refused.text})")
                reason = f"busy ({refused.code} {refused.text})"
            except (smtplib.SMTPException, OSError) as exc:
                self._drop()
                reason = f"{type(exc).__name__}: {exc}"
            else:
                return self._data(conn, email, payload)
            if attempt < self.max_attempts:
                delay = self.base_delay * 2 ** (attempt - 1) * (0.5 + random.random() / 2)
                log.info("messages: SMTP %s; trying again in %.2f s", reason, delay)
                self.sleep(delay)
        return SendResult(
            "later", message=f"{self.description} was {reason}; the next run tries again"
        )

    def _envelope(self, conn: smtplib.SMTP, sender: str, recipient: str) -> None:
        conn.ehlo_or_helo_if_needed()
        code, text = conn.mail(sender)
        if code != 250:
            conn.rset()
            raise _Refused(code, text.decode("utf-8", "replace"))
        code, text = conn.rcpt(recipient)
        if code not in (250, 251):
            conn.rset()
            raise _Refused(code, text.decode("utf-8", "replace"))

    def _data(self, conn: smtplib.SMTP, email: EmailMessage, payload: bytes) -> SendResult:
        try:
            code, text = conn.data(payload)
        except smtplib.SMTPDataError as exc:
            # The server answered and refused: nothing was delivered.
            words = (
                exc.smtp_error.decode("utf-8", "replace")
                if isinstance(exc.smtp_error, bytes)
                else str(exc.smtp_error)
            )
            try:
                conn.rset()
            except (smtplib.SMTPException, OSError):
                self._drop()
            kind: ResultKind = "failed" if exc.smtp_code >= 500 else "later"
            return SendResult(kind, message=f"refused the message ({exc.smtp_code} {words})")
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            return SendResult(
                "unknown",
                message=(
                    f"the connection to {self.description} dropped while the message was being "
                    f"handed over ({type(exc).__name__}); it may have been delivered"
                ),
            )
        words = text.decode("utf-8", "replace")
        if code != 250:
            # smtplib returns the final reply instead of raising: the server refused it.
            try:
                conn.rset()
            except (smtplib.SMTPException, OSError):
                self._drop()
            final: ResultKind = "failed" if code >= 500 else "later"
            return SendResult(final, message=f"refused the message ({code} {words})")
        return SendResult("sent", str(email["Message-ID"]), words)

    def confirm(self, message_ids: Sequence[str]) -> dict[str, bool | None]:
        """An SMTP server cannot be asked what it delivered."""
        return dict.fromkeys(message_ids)


def open_smtp(host: str, port: int, security: str, user: str) -> SmtpMailer:
    """An SmtpMailer from config; the password from MENTORSHIP_SMTP_PASSWORD."""
    if not host.strip():
        raise ConfigError(
            'messages backend = "smtp" needs smtp_host in [tool.mentorship.messages] (your '
            "university's mail relay, e.g. smtp.your-university.edu)."
        )
    password = os.environ.get(PASSWORD_ENV, "")
    if user.strip() and not password:
        raise ConfigError(
            f"smtp_user is set in [tool.mentorship.messages] but {PASSWORD_ENV} is not: set it "
            "in the environment (a repository secret on GitHub Actions), never in pyproject.toml."
        )
    return SmtpMailer(host.strip(), port, security=security, user=user.strip(), password=password)
