"""The local backend: each message is an `.eml` file in the outbox folder (nothing is mailed).

Open one in any mail client to see exactly what a student or mentor would get. A file is
written atomically under a name derived from the message id, so the file itself says whether
a message was "sent": a run that died around a send is finished exactly once.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

from ..errors import AccessError
from .send import SendResult


def file_name(message_id: str) -> str:
    """The .eml file of a message id ('matched_student:m1a2:1' -> 'matched_student.m1a2.1.eml')."""
    return message_id.replace(":", ".").replace("/", "_") + ".eml"


class EmlFolder:
    """Messages as .eml files in `folder`."""

    throttled = False

    def __init__(self, folder: Path):
        self.folder = folder
        self.description = f"{folder.name}/ (.eml files)"

    def path(self, message_id: str) -> Path:
        """Where a message's file goes."""
        return self.folder / file_name(message_id)

    def send(self, message_id: str, email: EmailMessage) -> SendResult:
        """Write the file (atomically); an existing file means it was written before."""
        path = self.path(message_id)
        if path.exists():
            return SendResult("sent", path.name, "already in the outbox folder")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".eml")
            with os.fdopen(fd, "wb") as handle:
                handle.write(email.as_bytes(policy=SMTP))
            os.replace(tmp, path)
        except OSError as exc:
            raise AccessError(f"Cannot write {path}: {exc.strerror or exc}.") from None
        return SendResult("sent", path.name)

    def confirm(self, message_ids: Sequence[str]) -> dict[str, bool | None]:
        """A message was sent exactly when its file exists."""
        return {message_id: self.path(message_id).exists() for message_id in message_ids}

    def close(self) -> None:
        """Nothing to release."""
