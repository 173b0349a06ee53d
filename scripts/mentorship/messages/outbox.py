"""The `Outbox` tab: one row per message, written before the message is sent.

| status | meaning | set by |
| --- | --- | --- |
| `queued` | planned, not yet tried | messages |
| `sending` | written just before the send; the result is recorded right after | messages |
| `sent` | the mail server or Gmail accepted it | messages |
| `unknown` | the run died (or the connection dropped) between sending and recording: it may have gone out. Never sent again automatically | messages |
| `failed` | refused for good (a bad address, a rejected message); `note` says why | messages |
| `skipped` | no longer applies (the request moved on) or no longer allowed (consent, domain, roster) | messages |
| `retry` | staff: send this `unknown` or `failed` row again | staff |
| `cancelled` | staff: never send this one | staff |

At most once always: a message is sent only from a row that is `queued` or `retry`, and the
row is `sending` in the ledger before the mail server hears of it. A run that finds a row still
`sending` knows the previous run died around that send: the local backend can look for the .eml
file and finish the row; SMTP and Gmail cannot know, so the row becomes `unknown` for staff.
"""

from __future__ import annotations

OUTBOX = "Outbox"

OUTBOX_COLUMNS: tuple[str, ...] = (
    "message_id",
    "kind",
    "recipient",
    "to",
    "about",
    "status",
    "note",
    "queued_at",
    "sent_at",
    "provider_id",
    "updated_at",
)


class OutboxStatus:
    """Values of the Outbox tab's `status` column (staff may set `retry` or `cancelled`)."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    UNKNOWN = "unknown"
    FAILED = "failed"
    SKIPPED = "skipped"
    RETRY = "retry"
    CANCELLED = "cancelled"
    ALL = (QUEUED, SENDING, SENT, UNKNOWN, FAILED, SKIPPED, RETRY, CANCELLED)
    # Rows a run may send from.
    SENDABLE = (QUEUED, RETRY)
    # Rows that count against the daily cap: they went out, or may have.
    SPENT = (SENT, UNKNOWN, SENDING)
