"""The check-in stage on the local backend (CSV ledger): answers into the Sessions tab."""

from __future__ import annotations

import csv
import datetime as dt
import logging
from pathlib import Path

import pytest
from mentorship.ledger import SESSIONS
from mentorship.relationship.checkins import run_checkins
from mentorship.sheets_local import LocalSpreadsheet

from tests.checkin_support import (
    HEADER,
    SECRET,
    TAB,
    answer,
    code,
    config,
    session,
    sessions_tab,
)
from tests.nightly_run import rows

NOW = dt.datetime(2026, 12, 6, 3, 17, tzinfo=dt.UTC)


def write_tab(folder: Path, title: str, values: list[list[str]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{title}.csv", "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(values)


def read_tab(folder: Path, title: str) -> list[dict[str, str]]:
    with open(folder / f"{title}.csv", encoding="utf-8", newline="") as handle:
        return rows([list(r) for r in csv.reader(handle)])


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    return tmp_path / ".ledger"


def run(tmp_path: Path, **kwargs: object):
    sheet = LocalSpreadsheet(tmp_path / ".ledger")
    return run_checkins(sheet, config(tmp_path), NOW, secret=SECRET, **kwargs)  # type: ignore[arg-type]


def test_each_side_fills_its_columns_and_the_status_follows(tmp_path: Path, ledger: Path) -> None:
    write_tab(ledger, SESSIONS, sessions_tab(session("ma"), session("mb"), session("mc")))
    write_tab(
        ledger,
        TAB,
        [
            HEADER,
            answer(code("ma"), comment="Great first chat"),
            answer(
                code("ma"),
                role="Mentee",
                happened="it happened",
                useful="★★★★★",
                progress="2",
                more="Definitely",
                when="05/12/2026 11:30:00",
            ),
            answer(code("mb"), happened="Rescheduled", useful="", progress="", more=""),
            answer(code("mc"), role="student", happened="No-show", more="no thanks"),
            answer(code("mc"), role="Mentor", happened="cancelled"),
        ],
    )
    report = run(tmp_path)
    got = {r["session_id"]: r for r in read_tab(ledger, SESSIONS)}
    a = got["ma/1"]
    assert a["status"] == "held"
    assert [a[f"mentor_{k}"] for k in ("said", "useful", "progress", "continue", "comment")] == [
        "held",
        "4",
        "3",
        "yes",
        "Great first chat",
    ]
    assert [a[f"student_{k}"] for k in ("said", "useful", "progress", "continue")] == [
        "held",
        "5",
        "2",
        "yes",
    ]
    assert (a["mentor_at"], a["student_at"]) == ("2026-12-05T10:00:00Z", "2026-12-05T11:30:00Z")
    assert a["updated_at"] == "2026-12-06T03:17:00Z"
    assert got["mb/1"]["status"] == "moved"
    assert got["mb/1"]["mentor_useful"] == ""
    # Neither held: the mentor's word comes first.
    assert got["mc/1"]["status"] == "cancelled"
    assert (got["mc/1"]["student_said"], got["mc/1"]["student_continue"]) == ("missed", "no")
    assert len(report.applied) == 5 and report.unchanged == 0
    assert report.ledger_writes == 1


def test_bad_missing_and_forged_codes_are_counted_not_applied(tmp_path: Path, ledger: Path) -> None:
    good = code("ma")
    token = good.rsplit("/", 1)[1]
    write_tab(ledger, SESSIONS, sessions_tab(session("ma"), session("mb")))
    write_tab(
        ledger,
        TAB,
        [
            HEADER,
            answer(""),  # missing
            answer("ma/1"),  # no token
            answer(f"mb/1/{token}"),  # another match's token
            answer(f"ma/2/{token}"),  # tampered number
            answer(code("ma", secret=b"someone-elses-secret-value")),  # wrong secret
            answer("ma/1/" + "b" * 20),  # guessed
        ],
    )
    before = (ledger / f"{SESSIONS}.csv").read_bytes()
    report = run(tmp_path)
    assert report.bad_token == [2, 3, 4, 5, 6, 7]
    assert report.applied == [] and report.ledger_writes == 0
    assert (ledger / f"{SESSIONS}.csv").read_bytes() == before
    assert report.counts()["bad or missing code"] == 6
    private = report.private_markdown()
    assert "2, 3, 4, 5, 6, 7" in private
    assert "2, 3" not in report.public_markdown()


def test_a_checkin_before_its_session_row_exists_waits_for_it(tmp_path: Path, ledger: Path) -> None:
    write_tab(ledger, TAB, [HEADER, answer(code("ma", 2))])
    report = run(tmp_path)  # no Sessions tab at all
    assert report.pending == [(2, "ma/2")] and report.ledger_writes == 0
    assert not (ledger / f"{SESSIONS}.csv").exists()
    write_tab(ledger, SESSIONS, sessions_tab(session("ma", 1)))
    assert run(tmp_path).pending == [(2, "ma/2")]
    write_tab(ledger, SESSIONS, sessions_tab(session("ma", 1), session("ma", 2)))
    report = run(tmp_path)
    assert report.pending == [] and report.applied == ["ma/2 (mentor)"]
    assert read_tab(ledger, SESSIONS)[1]["mentor_said"] == "held"


def test_an_answer_from_before_the_invite_is_about_an_earlier_booking(
    tmp_path: Path, ledger: Path
) -> None:
    # Session 1 was moved (answered 3 Dec), then booked again on 4 Dec at 03:17.
    rebooked = session(
        "ma",
        invited_at="2026-12-04T03:17:00Z",
        attempt="1",
        mentor_said="moved",
        mentor_at="2026-12-03T09:00:00Z",
    )
    write_tab(ledger, SESSIONS, sessions_tab(rebooked))
    write_tab(
        ledger,
        TAB,
        [
            HEADER,
            answer(code("ma"), happened="moved", when="03/12/2026 09:00:00"),
            answer(code("ma"), role="Student", happened="moved", when="04/12/2026 03:16:59"),
        ],
    )
    report = run(tmp_path)
    row = read_tab(ledger, SESSIONS)[0]
    assert row["mentor_said"] == row["mentor_at"] == "" and row["student_said"] == ""
    assert row["status"] == "scheduled"  # the re-booking's, untouched
    assert report.earlier == 2 and report.cleared == ["ma/1 (mentor)"] and not report.applied
    # An answer after the new invite counts.
    with open(ledger / f"{TAB}.csv", "a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            answer(code("ma"), happened="held", when="06/12/2026 01:00:00")
        )
    run(tmp_path)
    row = read_tab(ledger, SESSIONS)[0]
    assert (row["status"], row["mentor_said"]) == ("held", "held")


def test_the_latest_answer_of_a_side_wins(tmp_path: Path, ledger: Path) -> None:
    write_tab(ledger, SESSIONS, sessions_tab(session("ma")))
    write_tab(
        ledger,
        TAB,
        [
            HEADER,
            answer(code("ma"), happened="missed", useful="1", when="05/12/2026 12:00:00"),
            answer(code("ma"), happened="held", useful="5", when="05/12/2026 09:00:00"),
        ],
    )
    run(tmp_path)
    row = read_tab(ledger, SESSIONS)[0]
    assert (row["status"], row["mentor_said"], row["mentor_useful"]) == ("missed", "missed", "1")


def test_a_rerun_changes_nothing_and_the_responses_are_never_written(
    tmp_path: Path, ledger: Path
) -> None:
    write_tab(ledger, SESSIONS, sessions_tab(session("ma"), session("mb")))
    write_tab(ledger, TAB, [HEADER, answer(code("ma")), answer(code("mb"), role="Student")])
    responses = (ledger / f"{TAB}.csv").read_bytes()
    assert run(tmp_path).ledger_writes == 1
    after_first = (ledger / f"{SESSIONS}.csv").read_bytes()
    again = run(tmp_path)
    assert again.ledger_writes == 0 and again.applied == [] and again.unchanged == 2
    assert (ledger / f"{SESSIONS}.csv").read_bytes() == after_first
    assert (ledger / f"{TAB}.csv").read_bytes() == responses


def test_staff_edits_to_status_are_kept_when_the_answers_did_not_change(
    tmp_path: Path, ledger: Path
) -> None:
    write_tab(ledger, SESSIONS, sessions_tab(session("ma")))
    write_tab(ledger, TAB, [HEADER, answer(code("ma"), happened="missed")])
    run(tmp_path)
    with open(ledger / f"{SESSIONS}.csv", encoding="utf-8", newline="") as handle:
        values = list(csv.reader(handle))
    values[1][values[0].index("status")] = "held"  # staff know better
    write_tab(ledger, SESSIONS, values)
    assert run(tmp_path).ledger_writes == 0
    assert read_tab(ledger, SESSIONS)[0]["status"] == "held"


def test_unreadable_answers_are_listed_and_comments_never_logged(
    tmp_path: Path, ledger: Path, caplog: pytest.LogCaptureFixture
) -> None:
    secret_comment = "My mentor said something private about Jane"
    write_tab(ledger, SESSIONS, sessions_tab(session("ma"), session("mb")))
    write_tab(
        ledger,
        TAB,
        [
            HEADER,
            answer(code("ma"), useful="meh", more="not sure", comment=secret_comment),
            answer(code("mb"), role="Parent"),
            answer(code("mb"), role="Student", when="yesterday-ish"),
        ],
    )
    with caplog.at_level(logging.DEBUG):
        report = run(tmp_path)
    assert report.unreadable == [
        (2, "useful answer 'meh' not understood"),
        (2, "continue answer 'not sure' not understood"),
        (3, "role answer 'Parent' not understood"),
        (4, "timestamp 'yesterday-ish' not read"),
    ]
    row = {r["session_id"]: r for r in read_tab(ledger, SESSIONS)}["ma/1"]
    # The readable answers are applied; the comment reaches the private Sessions tab only.
    assert (row["mentor_said"], row["mentor_useful"], row["mentor_continue"]) == ("held", "", "")
    assert row["mentor_comment"] == secret_comment
    for text in (caplog.text, report.public_markdown(), report.private_markdown()):
        assert secret_comment not in text
    assert "'meh'" not in report.public_markdown()
    assert "Response row 3: role answer 'Parent' not understood" in report.private_markdown()


def test_a_dry_run_writes_nothing(tmp_path: Path, ledger: Path) -> None:
    write_tab(ledger, SESSIONS, sessions_tab(session("ma")))
    write_tab(ledger, TAB, [HEADER, answer(code("ma"))])
    before = (ledger / f"{SESSIONS}.csv").read_bytes()
    report = run(tmp_path, dry_run=True)
    assert report.applied == ["ma/1 (mentor)"] and report.ledger_writes == 0
    assert (ledger / f"{SESSIONS}.csv").read_bytes() == before


def test_checkins_off_read_nothing(tmp_path: Path) -> None:
    from mentorship.config import parse_config

    class Refuses:
        def read(self, titles):  # pragma: no cover - must not be called
            raise AssertionError("read")

        def write(self, batch):  # pragma: no cover - must not be called
            raise AssertionError("write")

    report = run_checkins(Refuses(), parse_config({}, tmp_path), NOW)
    assert not report.enabled
    assert "off" in report.public_markdown()
