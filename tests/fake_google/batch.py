"""The multipart/mixed batch endpoint (`POST /batch/calendar/v3`), framed as Google frames it.

googleapiclient's BatchHttpRequest sends one `application/http` part per call, each with a
`Content-ID: <base + n>`; Google answers one part per call with `Content-ID:
<response-base + n>` holding a full HTTP response (status line, headers, CRLF, body).
Every part is run as a call of its own (counted, and subject to faults) in order.
"""

from __future__ import annotations

import json
import uuid
from email.message import Message
from email.parser import BytesParser, Parser
from email.policy import HTTP
from typing import Any

from .errors import legacy_error
from .request import Request, Response

#: Google accepts at most this many calls in one batch request
#: (https://developers.google.com/calendar/api/guides/batch). Our own client sends 50 at a time.
BATCH_LIMIT = 1000

_REASONS = {
    200: "OK",
    204: "No Content",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    410: "Gone",
    412: "Precondition Failed",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def parse_parts(req: Request) -> list[tuple[str, Request]]:
    """The (Content-ID, request) pairs of a multipart/mixed batch body."""
    content_type = req.headers.get("content-type", "")
    if not content_type.startswith("multipart/mixed"):
        raise legacy_error(
            400, "Bad Request: batch requests must be multipart/mixed.", "badRequest"
        )
    message = BytesParser().parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + req.body
    )
    if not message.is_multipart():
        raise legacy_error(400, "Bad Request: no parts in the batch.", "badRequest")
    parts = []
    for part in message.get_payload():
        if not isinstance(part, Message):
            raise legacy_error(400, "Bad Request: malformed batch part.", "badRequest")
        content_id = part.get("Content-ID", "")
        payload = part.get_payload(decode=False)
        if not isinstance(payload, str):
            raise legacy_error(400, "Bad Request: nested multipart in a batch.", "badRequest")
        request_line, _, rest = payload.lstrip("\r\n").partition("\n")
        words = request_line.strip().split(" ")
        if len(words) < 2 or not words[1].startswith("/"):
            raise legacy_error(
                400, f"Bad Request: bad request line {request_line!r}.", "badRequest"
            )
        method, target = words[0], words[1]
        inner = Parser(policy=HTTP).parsestr(rest)
        body = inner.get_payload()
        headers = {k: str(v) for k, v in inner.items()}
        body_bytes = body.encode("utf-8") if isinstance(body, str) else b""
        if not body_bytes.strip():
            body_bytes = b""
        parts.append((content_id, Request.from_target(method, target, headers, body_bytes)))
    return parts


def _response_id(content_id: str) -> str:
    inner = content_id.strip()
    if inner.startswith("<") and inner.endswith(">"):
        inner = inner[1:-1]
    return f"<response-{inner}>"


def _serialize(response: Response) -> str:
    if response.body is None:
        # Google sends the header even for an empty part (a 204 from delete), and
        # googleapiclient's batch parser fails on a part with no header at all.
        body = ""
        head = "Content-Length: 0\r\n"
    else:
        body = json.dumps(response.body, indent=2, ensure_ascii=False) + "\n"
        head = (
            "Content-Type: application/json; charset=UTF-8\r\n"
            f"Content-Length: {len(body.encode('utf-8'))}\r\n"
        )
    # Extra headers of the part (Retry-After on an injected fault); the framing ones are above.
    head += "".join(
        f"{name}: {value}\r\n"
        for name, value in response.headers.items()
        if name.lower() not in ("content-type", "content-length")
    )
    reason = _REASONS.get(response.status, "Error")
    return f"HTTP/1.1 {response.status} {reason}\r\n{head}\r\n{body}"


def execute(fake: Any, req: Request) -> Response:
    """Run every part through `fake.call` and answer multipart/mixed."""
    parts = parse_parts(req)
    if len(parts) > BATCH_LIMIT:
        raise legacy_error(
            400,
            f"Too many requests in a batch: {len(parts)} (at most {BATCH_LIMIT}).",
            "badRequest",
        )
    boundary = f"batch_{uuid.uuid4().hex}"
    chunks = []
    for content_id, part in parts:
        response = fake.call(part)
        chunks.append(
            f"--{boundary}\r\n"
            "Content-Type: application/http\r\n"
            f"Content-ID: {_response_id(content_id)}\r\n"
            "\r\n" + _serialize(response) + "\r\n"
        )
    chunks.append(f"--{boundary}--\r\n")
    return Response(
        200,
        "".join(chunks).encode("utf-8"),
        {"Content-Type": f"multipart/mixed; boundary={boundary}"},
    )


__all__ = ["BATCH_LIMIT", "execute", "parse_parts"]
