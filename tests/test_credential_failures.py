"""A refused or unreachable service-account key: `doctor` and `nightly` exit 2 with the fix in words.

google-auth signs in against the key's `token_uri` before any API call. Here that is a loopback
server answering like Google's token endpoint does for a deleted key (400 invalid_grant), or a
port nobody listens on (TransportError). No request ever leaves the machine.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.nightly_project import make_project
from tests.nightly_run import cli_env, run

NOW = "2026-11-28T03:17:00Z"


class _Refuse(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = json.dumps(
            {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
        ).encode()
        self.send_response(400)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def refusing_token_endpoint() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Refuse)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/token"
    server.shutdown()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _key(path: Path, token_uri: str) -> Path:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    path.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "alumni-office",
                "private_key_id": "0" * 40,
                "private_key": pem,
                "client_email": "mentoring-bot@alumni-office.iam.gserviceaccount.com",
                "client_id": "1",
                "token_uri": token_uri,
            }
        ),
        encoding="utf-8",
    )
    return path


def _env(key: Path) -> dict[str, str]:
    # The API root is a closed loopback port too: should a call get past sign-in, it fails here.
    return cli_env(
        GOOGLE_APPLICATION_CREDENTIALS=str(key),
        MENTORSHIP_GOOGLE_API_ROOT=f"http://127.0.0.1:{_closed_port()}",
    )


@pytest.mark.parametrize("command", [("nightly", "--now", NOW), ("doctor",)])
def test_a_refused_key_exits_2_with_the_fix_and_no_traceback(
    tmp_path: Path, refusing_token_endpoint: str, command: tuple[str, ...]
):
    make_project(tmp_path, backend="google", mentors=3, responses=3, spreadsheet_key="1Sheet")
    key = _key(tmp_path / "key.json", refusing_token_endpoint)
    result = run(tmp_path, *command, env=_env(key))
    out = result.stdout + result.stderr
    assert result.returncode == 2, out
    assert "Traceback" not in out
    assert "Google refused the credentials" in out and "invalid_grant" in out
    assert "Create a new JSON key" in out


@pytest.mark.parametrize("command", [("nightly", "--now", NOW), ("doctor",)])
def test_an_unreachable_token_endpoint_exits_2_with_the_fix(
    tmp_path: Path, command: tuple[str, ...]
):
    make_project(tmp_path, backend="google", mentors=3, responses=3, spreadsheet_key="1Sheet")
    key = _key(tmp_path / "key.json", f"http://127.0.0.1:{_closed_port()}/token")
    result = run(tmp_path, *command, env=_env(key))
    out = result.stdout + result.stderr
    assert result.returncode == 2, out
    assert "Traceback" not in out
    assert "Could not reach Google's token endpoint" in out
