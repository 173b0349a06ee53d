"""The nightly run sends messages after its invites: end to end through the real CLI, locally."""

from __future__ import annotations

from pathlib import Path

from tests.nightly_project import NOW, make_project
from tests.nightly_run import local_tab, rows, run


def test_nightly_mails_each_message_once_and_its_summary_only_counts(tmp_path: Path) -> None:
    make_project(tmp_path, backend="local", mentors=8, responses=30)
    first = run(tmp_path, "nightly", "--now", NOW)
    assert first.returncode == 0, first.stderr
    outbox = {r["message_id"]: r for r in rows(local_tab(tmp_path, "Outbox"))}
    files = sorted(p.name for p in (tmp_path / ".outbox").glob("*.eml"))
    assert outbox and len(files) == len(outbox)
    assert {r["status"] for r in outbox.values()} == {"sent"}
    kinds = {r["kind"] for r in outbox.values()}
    # Tonight's matches are announced to both people, and invalid answers get their fix.
    assert {"matched_student", "matched_mentor", "invalid_answer"} <= kinds
    summary = first.stdout.split("### Messages", 1)[1]
    assert f"Messages sent: {len(outbox)}" in summary
    assert "@" not in summary and "matched_student" not in summary

    # Two weeks later: the students still waiting hear why; nothing sent before goes again.
    again = run(tmp_path, "nightly", "--now", "2026-12-12T03:17:00Z")
    assert again.returncode == 0, again.stderr
    later = {r["message_id"]: r for r in rows(local_tab(tmp_path, "Outbox"))}
    assert set(outbox) <= set(later)
    new = {mid: r for mid, r in later.items() if mid not in outbox}
    assert new and {r["kind"] for r in new.values()} >= {"still_waiting"}
    assert len(list((tmp_path / ".outbox").glob("*.eml"))) == len(later)

    dry = run(tmp_path, "nightly", "--dry-run", "--now", "2026-12-12T04:17:00Z")
    assert "Messages to send: 0" in dry.stdout
