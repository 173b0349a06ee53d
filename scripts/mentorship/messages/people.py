"""Who may be mailed, and at which address: the only place a recipient is decided.

- A student is mailed only at the address of their own Requests row, only when the form asks
  the consent question and the answer did not refuse it, and never outside
  `student_email_domains` (when that list is set).
- A mentor is mailed only at the `email` the private roster (the `Mentors` tab, see
  `mentorship.roster`) holds for a mentor with a valid profile; `Roster.mentor_address` is the
  one place that decides it.

Every check runs twice: when a message is planned, and again just before it is sent against
the ledger as it is then, so an address typed into the Outbox tab is never mailed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from ..config import Config
from ..profiles.models import Mentor

# intake writes this phrase in `reason` when the consent question was refused (a test keeps
# the two equal).
NO_CONSENT = "the consent question was not agreed to"
_EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"']+@[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?\.[a-z]{2,}$")


def plausible_email(email: str) -> bool:
    """True for one ordinary address (lowercase, no display name, no list)."""
    return len(email) <= 254 and bool(_EMAIL.match(email))


def student_domains(config: Config) -> tuple[str, ...]:
    """`student_email_domains` from [tool.mentorship] (lowercase, no '@'); empty: any domain."""
    domains: Sequence[str] = config.student_email_domains or ()
    return tuple(d.strip().lower().lstrip("@") for d in domains if d.strip())


def in_domains(email: str, domains: Iterable[str]) -> bool:
    """Whether the address is at one of the domains (or a subdomain of one)."""
    host = email.rpartition("@")[2]
    listed = list(domains)
    return not listed or any(host == d or host.endswith("." + d) for d in listed)


def student_refusal(email: str, reason: str, config: Config) -> str:
    """Why this student may not be mailed ('' when they may): the words for the report."""
    email = email.strip().lower()
    if not plausible_email(email):
        return "no usable email address"
    if "consent" not in config.questions:
        return "the form does not ask for consent"
    if NO_CONSENT in reason:
        return "no consent"
    if not in_domains(email, student_domains(config)):
        return "outside student_email_domains"
    return ""


class Roster:
    """Mentors with a valid profile and their roster address, by slug.

    `contacts` maps a slug to the `email` of its row in the private roster; a mentor without
    one is not mailed (nor matched). The calendar address a row may give is for invites only.
    """

    def __init__(self, mentors: Iterable[Mentor], contacts: Mapping[str, str]):
        self._by_slug = {m.slug: m for m in mentors}
        self._contacts = dict(contacts)

    def mentor(self, slug: str) -> Mentor | None:
        """The mentor with this slug, if in the roster."""
        return self._by_slug.get(slug.strip())

    def mentor_address(self, slug: str) -> str:
        """The roster's address of a mentor ('' when the mentor is not in the roster)."""
        mentor = self.mentor(slug)
        email = self._contacts.get(mentor.slug, "").strip().lower() if mentor is not None else ""
        return email if plausible_email(email) else ""

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._by_slug.values())
