"""The messages stage on the local backend: Outbox rows first, .eml files, at most once."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from mentorship.ledger import WriteBatch
from mentorship.messages.eml import EmlFolder, file_name
from mentorship.messages.mime import ID_HEADER
from mentorship.messages.outbox import OUTBOX
from mentorship.messages.stage import run_messages

from tests.invite_support import Killed
from tests.message_support import NOW, config, local_sheet, mentors, outbox, parse

DUE = {
    "invalid_answer:r001:1",
    "still_waiting:r002:1",
    "still_waiting:r004:1",
    "matched_student:m003:1",
    "matched_mentor:m003:1",
    "match_cancelled:m004:1",
    "request_closed:r005:1",
}


def _run(root: Path, sheet, **kwargs):  # type: ignore[no-untyped-def]
    folder = EmlFolder(root / ".outbox")
    return run_messages(sheet, folder, mentors(), config(root), NOW, **kwargs), folder


def test_every_due_message_is_queued_then_written_once(tmp_path: Path) -> None:
    sheet = local_sheet(tmp_path)
    report, folder = _run(tmp_path, sheet)
    rows = outbox(sheet)
    assert set(rows) == DUE
    assert {r["status"] for r in rows.values()} == {"sent"}
    assert sum(report.sent.values()) == len(DUE)
    files = sorted(p.name for p in folder.folder.glob("*.eml"))
    assert files == sorted(file_name(i) for i in DUE)

    again, _ = _run(tmp_path, sheet)
    assert sum(again.sent.values()) == 0 and not again.queued
    assert outbox(sheet) == rows


def test_each_email_goes_to_the_ledger_address_with_both_parts(tmp_path: Path) -> None:
    sheet = local_sheet(tmp_path)
    _, folder = _run(tmp_path, sheet)
    email = parse(folder.path("matched_student:m003:1").read_bytes())
    assert email["To"] == "mia.r003@student.example.edu"
    assert email["From"] == "Alumni Mentoring <mentoring@example.edu>"
    assert email["Reply-To"] == "mentoring@example.edu"
    assert email[ID_HEADER] == "matched_student:m003:1"
    assert email["Subject"] == "You have a mentor: Ana Lima"
    text = email.get_body(("plain",)).get_content()
    html = email.get_body(("html",)).get_content()
    assert "Ana Lima" in text and "Analyst at Example Ltd" in text
    assert f"{'https://alumni.example.edu/mentoring'}/mentors/ana-lima/" in text
    assert 'href="https://alumni.example.edu/mentoring/guides/preparing-for-a-session/"' in html
    mentor_email = parse(folder.path("matched_mentor:m003:1").read_bytes())
    assert mentor_email["To"] == "ana-lima@alumni.example.org"
    assert "Mia Matched" in mentor_email.get_body(("plain",)).get_content()


def test_waiting_message_says_why_and_how_to_widen(tmp_path: Path) -> None:
    sheet = local_sheet(tmp_path)
    _, folder = _run(tmp_path, sheet)
    text = (
        parse(folder.path("still_waiting:r002:1").read_bytes()).get_body(("plain",)).get_content()
    )
    assert "Right now there is no mentor in Law who speaks Hindi." in text
    assert "add another language you can hold a conversation in" in text
    assert "add a neighbouring industry" in text
    invalid = parse(folder.path("invalid_answer:r001:1").read_bytes()).get_body(("plain",))
    assert "Timezone 'Mars/Base' is not one we know" in invalid.get_content()
    assert "fix it in row" not in invalid.get_content()  # staff's words stay in the sheet


def test_dry_run_writes_and_sends_nothing(tmp_path: Path) -> None:
    sheet = local_sheet(tmp_path)
    report, folder = _run(tmp_path, sheet, dry_run=True)
    assert {p.message_id for p in report.previews} == DUE
    assert all("@" in p.to and "***" in p.to for p in report.previews)
    assert sheet.read([OUTBOX])[OUTBOX] is None
    assert not folder.folder.exists()


def test_dry_run_preview_folder_holds_the_emails(tmp_path: Path) -> None:
    sheet = local_sheet(tmp_path)
    preview = EmlFolder(tmp_path / "preview")
    run_messages(sheet, None, mentors(), config(tmp_path), NOW, dry_run=True, preview=preview)
    assert len(list((tmp_path / "preview").glob("*.eml"))) == len(DUE)
    assert sheet.read([OUTBOX])[OUTBOX] is None


def test_daily_cap_leaves_the_rest_queued_for_tomorrow(tmp_path: Path) -> None:
    sheet = local_sheet(tmp_path)
    folder = EmlFolder(tmp_path / ".outbox")
    capped = config(tmp_path, daily_cap=3)
    report = run_messages(sheet, folder, mentors(), capped, NOW)
    assert sum(report.sent.values()) == 3 and report.capped and report.waiting == 4
    assert sorted(r["status"] for r in outbox(sheet).values()) == ["queued"] * 4 + ["sent"] * 3
    same_day = run_messages(sheet, folder, mentors(), capped, NOW + dt.timedelta(hours=2))
    assert sum(same_day.sent.values()) == 0
    next_day = run_messages(sheet, folder, mentors(), capped, NOW + dt.timedelta(hours=25))
    assert sum(next_day.sent.values()) == 3
    assert len(list(folder.folder.glob("*.eml"))) == 6


def test_kinds_turned_off_are_never_queued(tmp_path: Path) -> None:
    sheet = local_sheet(tmp_path)
    quiet = config(tmp_path, off=["still_waiting", "matched_mentor"])
    run_messages(sheet, EmlFolder(tmp_path / ".outbox"), mentors(), quiet, NOW)
    assert set(outbox(sheet)) == DUE - {
        "still_waiting:r002:1",
        "still_waiting:r004:1",
        "matched_mentor:m003:1",
    }


def test_a_queued_message_that_no_longer_applies_is_skipped(tmp_path: Path) -> None:
    sheet = local_sheet(tmp_path)
    folder = EmlFolder(tmp_path / ".outbox")
    run_messages(sheet, folder, mentors(), config(tmp_path, daily_cap=1), NOW)
    # Every request moves on (staff mark them matched) before the next run.
    from tests.invite_support import write_ledger
    from tests.message_support import sample_ledger

    ledger = sample_ledger()
    for row in ledger.requests:
        row["status"] = "matched"
    for row in ledger.matches:
        row["status"] = "closed"
    (tmp_path / ".ledger" / "Requests.csv").unlink()
    (tmp_path / ".ledger" / "Matches.csv").unlink()
    write_ledger(sheet, ledger.requests, ledger.matches)
    report = run_messages(sheet, folder, mentors(), config(tmp_path), NOW + dt.timedelta(days=1))
    assert sum(report.sent.values()) == 0 and report.skipped == len(DUE) - 1
    assert len(list(folder.folder.glob("*.eml"))) == 1


def test_an_address_typed_into_the_outbox_is_never_mailed(tmp_path: Path) -> None:
    sheet = local_sheet(tmp_path)
    folder = EmlFolder(tmp_path / ".outbox")
    run_messages(sheet, folder, mentors(), config(tmp_path, daily_cap=1), NOW)
    rows = outbox(sheet)
    queued = next(mid for mid, r in rows.items() if r["status"] == "queued")
    row_number = list(rows).index(queued) + 2
    batch = WriteBatch(updates=[(OUTBOX, row_number, 4, "attacker@evil.example")])
    sheet.write(batch)
    run_messages(sheet, folder, mentors(), config(tmp_path), NOW + dt.timedelta(days=1))
    sent = parse(folder.path(queued).read_bytes())
    assert "evil" not in sent["To"]
    assert outbox(sheet)[queued]["to"] == str(sent["To"])


def test_a_run_killed_between_sending_and_recording_is_finished_exactly_once(
    tmp_path: Path,
) -> None:
    """Local: the .eml file tells whether a `sending` row went out, so nothing is lost or doubled."""
    sheet = local_sheet(tmp_path)

    class DiesAfterThird(EmlFolder):
        calls = 0

        def send(self, message_id, email):  # type: ignore[no-untyped-def]
            result = super().send(message_id, email)
            DiesAfterThird.calls += 1
            if DiesAfterThird.calls == 3:
                raise Killed("after the third file")
            return result

    with pytest.raises(Killed):
        run_messages(sheet, DiesAfterThird(tmp_path / ".outbox"), mentors(), config(tmp_path), NOW)
    assert {r["status"] for r in outbox(sheet).values()} == {"sending"}
    run_messages(sheet, EmlFolder(tmp_path / ".outbox"), mentors(), config(tmp_path), NOW)
    rows = outbox(sheet)
    assert {r["status"] for r in rows.values()} == {"sent"}
    assert len(list((tmp_path / ".outbox").glob("*.eml"))) == len(DUE)
    recorded = [r for r in rows.values() if r["note"] == "recorded after an interrupted run"]
    assert len(recorded) == 3


def test_messages_off_sends_nothing(tmp_path: Path) -> None:
    sheet = local_sheet(tmp_path)
    report = run_messages(sheet, None, mentors(), config(tmp_path), NOW)
    assert report.off and sheet.read([OUTBOX])[OUTBOX] is None


def test_public_summary_has_counts_only(tmp_path: Path) -> None:
    sheet = local_sheet(tmp_path)
    report, _ = _run(tmp_path, sheet)
    public = report.public_markdown()
    assert "Messages sent: 7" in public
    for secret in ("r00", "m00", "@", "Ana", "Mia", "matched_student"):
        assert secret not in public
    private = report.private_markdown()
    assert "| matched_student | 1 | 1 |" in private


def test_effective_backend_follows_the_ledger(tmp_path: Path) -> None:
    from mentorship.messages.stage import effective_backend

    local = config(tmp_path)
    assert effective_backend(local) == "local"
    google = dataclasses.replace(local, backend="google")
    assert effective_backend(google) == "off"
    chosen = dataclasses.replace(
        google, messages=dataclasses.replace(google.messages, backend="smtp")
    )
    assert effective_backend(chosen) == "smtp"
