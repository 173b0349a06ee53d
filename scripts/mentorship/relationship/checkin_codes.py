"""Check-in codes: the prefilled answer that says which session a check-in is about.

A code is `"<match_id>/<number>/<token>"`, where the token is the first 20 characters of the
base32 (lowercase, unpadded) HMAC-SHA256 of `"<match_id>/<number>"` under the programme's
secret. Only someone holding the secret (the nightly) can make one, so a check-in cannot be
forged by guessing a match id, and a code copied from one session says nothing valid about
another. Pure: the secret is handed in (see `mentorship.checkin_secret` for where it lives).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from urllib.parse import quote, urlencode

from ..config import CheckinConfig, Config

TOKEN_CHARS = 20
"""100 bits of the HMAC: far beyond guessing, short enough to survive a copied link."""

ROLES = ("mentor", "student")
# The answer choices of the form's "I am the" question, as the setup guide creates them.
ROLE_CHOICES: Mapping[str, str] = {"mentor": "Mentor", "student": "Student"}


def _token(secret: bytes, subject: str) -> str:
    digest = hmac.new(secret, subject.encode("utf-8"), hashlib.sha256).digest()
    return base64.b32encode(digest).decode("ascii").rstrip("=").lower()[:TOKEN_CHARS]


def checkin_code(secret: bytes, match_id: str, number: int) -> str:
    """The code prefilled in a check-in link for session `number` of `match_id`."""
    match_id = match_id.strip()
    if not match_id or number < 1:
        raise ValueError("a check-in code needs a match id and a session number of at least 1")
    subject = f"{match_id}/{number}"
    return f"{subject}/{_token(secret, subject)}"


def read_code(secret: bytes, text: str) -> tuple[str, int] | None:
    """The (match_id, number) a code stands for, or None when it is missing, malformed or forged.

    Spaces around the code and the token's letter case do not count (a code retyped by hand);
    the token is compared in constant time.
    """
    parts = "".join(text.split()).rsplit("/", 2)
    if len(parts) != 3:
        return None
    match_id, number, token = parts
    if not match_id or not number.isascii() or not number.isdigit():
        return None
    # "01" would be another session's text with the same number: only the canonical form.
    if number != str(int(number)) or int(number) < 1:
        return None
    expected = _token(secret, f"{match_id}/{number}")
    if not hmac.compare_digest(expected.encode("ascii"), token.lower().encode("utf-8")):
        return None
    return match_id, int(number)


def checkin_links(
    config: Config | CheckinConfig, secret: bytes, match_id: str, number: int
) -> dict[str, str]:
    """Role ("mentor", "student") -> the check-in form's address with the code (and the role)
    filled in; {} when check-ins are off (no `form_url`)."""
    checkin = config.checkin if isinstance(config, Config) else config
    url = checkin.form_url.strip()
    if not url:
        return {}
    code = checkin_code(secret, match_id, number)
    links = {}
    for role in ROLES:
        fields = {checkin.code_entry.strip(): code}
        if checkin.role_entry.strip():
            fields[checkin.role_entry.strip()] = ROLE_CHOICES[role]
        query = urlencode({"usp": "pp_url", **fields}, quote_via=quote)
        links[role] = f"{url}{'&' if '?' in url else '?'}{query}"
    return links
