"""`mentorship roster import`: move the `email:` lines of existing profiles into the roster.

Profiles used to carry the mentor's email. This moves each address into the private roster
(one new row per slug), then deletes the line from the file, leaving the change in the working
tree for the user to review and commit. The roster is written before any file changes, so an
interruption never loses an address. A slug already in the roster with another address is
left alone (file and roster) and reported: staff decide which is right.

The addresses stay in the repository's history until it is rewritten; `PURGE_ADVICE` says how.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .ledger import Spreadsheet, Table, WriteBatch
from .profiles.load import profile_paths
from .profiles.models import EMAIL_RE
from .profiles.parse import parse_profile
from .roster import ROSTER_COLUMNS

# The comment the old `mentorship new` template put above `email:`; it goes with the line.
_OLD_COMMENT = "# Private: where calendar invites go. Never shown on the site."

PURGE_ADVICE = """\
The addresses are gone from the files, but not from the repository's history: every earlier
commit still holds them, and so does every clone and fork made before today. Address
harvesters read history as easily as the current files, so remove them from it too:

  1. Review this change (`git diff mentors/`), commit it and merge it into main.
  2. Install git-filter-repo (`pip install git-filter-repo`).
  3. In a fresh clone of the repository, rewrite every commit, replacing each address:
       git filter-repo --replace-text {purge_file}
     ({purge_file} lists the addresses, one per line; it is in the git-ignored ledger
     folder, so copy it next to the fresh clone first. Delete it when you are done.)
  4. Push the rewritten history: `git push --force --all` and `git push --force --tags`.
  5. Old pull requests keep their own copies, which only GitHub can remove: ask GitHub
     Support to remove cached views and pull-request references. Ask everyone with a clone
     or fork to delete it and clone again, or the old commits come back with their next push.

Rewriting history changes every commit id, which breaks open pull requests and links to
commits: do it once, at a quiet time, and tell your collaborators before you do."""


@dataclass
class ImportReport:
    """What the import did: files changed, rows added, and what needs a person (no addresses)."""

    moved: list[str] = field(default_factory=list)
    already_listed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    purge_file: Path | None = None


def import_emails(
    mentors_dir: Path,
    spreadsheet: Spreadsheet,
    roster_title: str,
    purge_file: Path,
    now: dt.datetime,
    *,
    dry_run: bool = False,
) -> ImportReport:
    """Move every profile's `email:` into the roster tab; see the module docstring."""
    report = ImportReport()
    table = Table(roster_title, ROSTER_COLUMNS, spreadsheet.read([roster_title])[roster_title])
    listed = {r["slug"].strip(): r["email"].strip().casefold() for r in table}
    stamp = now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    edits: list[tuple[Path, str]] = []
    addresses: list[str] = []
    for path in profile_paths(mentors_dir):
        if path.is_symlink():
            continue
        shown = f"{mentors_dir.name}/{path.name}"
        text = path.read_text(encoding="utf-8")
        parsed = parse_profile(text.encode("utf-8"))
        data = parsed.data or {}
        if "email" not in data:
            continue
        line = parsed.key_marks[("email",)][0]
        email = str(data["email"] or "").strip()
        slug = path.stem
        if email and not EMAIL_RE.match(email):
            report.problems.append(
                f"{shown}:{line}: the email is not an address; fix or delete the line by hand"
            )
            continue
        if slug in listed and email and listed[slug] != email.casefold():
            report.problems.append(
                f"{shown}:{line}: {slug} is already in the {roster_title} tab with another "
                "address; keep the right one there and delete this line by hand"
            )
            continue
        if email and slug not in listed:
            table.append({"slug": slug, "email": email, "updated_at": stamp})
            listed[slug] = email.casefold()
        elif email:
            report.already_listed.append(shown)
        if email:
            addresses.append(email)
        edits.append((path, _without_line(text, line)))
        report.moved.append(shown)
    if dry_run:
        return report
    batch = WriteBatch()
    table.collect(batch)
    if batch:
        spreadsheet.write(batch)  # first: the addresses are safe before a file changes
    for path, new_text in edits:
        path.write_text(new_text, encoding="utf-8")
    if addresses:
        purge_file.parent.mkdir(parents=True, exist_ok=True)
        known = (
            set(purge_file.read_text(encoding="utf-8").splitlines())
            if purge_file.exists()
            else set()
        )
        lines = sorted(known | {f"{a}==>[email removed]" for a in addresses})
        purge_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        report.purge_file = purge_file
    return report


def _without_line(text: str, line: int) -> str:
    """`text` without 1-based `line`, its indented continuation lines, and the old comment."""
    lines = text.splitlines(keepends=True)
    start, end = line - 1, line
    while end < len(lines) and lines[end][:1] in (" ", "\t") and lines[end].strip():
        end += 1
    if start > 0 and lines[start - 1].strip() == _OLD_COMMENT:
        start -= 1
    return "".join(lines[:start] + lines[end:])
