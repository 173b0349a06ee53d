"""Keeping student data out of logs: masking helpers used wherever a person is mentioned."""

from __future__ import annotations


def mask_email(email: str) -> str:
    """'jane.doe@example.org' -> 'j***@e***.org': enough for staff to tell rows apart, no more."""
    email = email.strip()
    local, at, domain = email.partition("@")
    if not at:
        return (email[:1] + "***") if email else ""
    host, dot, tld = domain.rpartition(".")
    if not dot:
        host, tld = domain, ""
    masked_domain = (host[:1] + "***" + (("." + tld) if tld else "")) if host else "***"
    return f"{local[:1]}***@{masked_domain}"


def mask_name(name: str) -> str:
    """'Jane Doe' -> 'J. D.': initials only."""
    return " ".join(part[:1] + "." for part in name.split() if part)
