"""Messages to students and mentors: email, with the same guarantees as invites.

`kinds` names each message and its stable id; `plan` decides from the ledger which messages
are due; `people` decides who may be mailed and at which address; `render` turns the
staff-editable templates (`templates/messages/`) into a subject, a text part and an HTML part;
`mime` builds the email; `outbox` is the `Outbox` ledger tab; `stage` runs it all, at most
once per message. Backends: `eml` (.eml files, the local default), `smtp` and `gmail`.

Importing this package imports no I/O library; the backends import theirs themselves.
"""

from __future__ import annotations

from .kinds import ALL, BY_NAME, NAMES, Kind, message_id

__all__ = ["ALL", "BY_NAME", "NAMES", "Kind", "message_id"]
