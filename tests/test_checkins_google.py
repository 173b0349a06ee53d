"""The check-in stage against the fake Google Sheets through the real gspread: one read, one
write (RAW), the responses tab never written, and the sheet's own time zone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from mentorship.ledger import SESSIONS
from mentorship.relationship.checkins import run_checkins
from mentorship.sheets_google import GoogleSpreadsheet

from tests.checkin_support import HEADER, SECRET, TAB, answer, code, config, session, sessions_tab
from tests.fake_google import FakeGoogle, Formula
from tests.google_clients import gspread_client
from tests.nightly_run import rows
from tests.support.sheets import MemorySpreadsheet

NOW = dt.datetime(2026, 12, 6, 3, 17, tzinfo=dt.UTC)
ACCOUNT = "nightly@alumni-mentoring.iam.gserviceaccount.com"


def open_sheet(fake: FakeGoogle, sid: str) -> GoogleSpreadsheet:
    return GoogleSpreadsheet(gspread_client(fake).http_client, sid, account=ACCOUNT)


def test_one_read_one_raw_write_and_the_responses_tab_untouched(
    fake_google: FakeGoogle, tmp_path: Path
) -> None:
    formula = '=HYPERLINK("http://evil.example","click")'
    matches = [f"m{n:012x}" for n in range(40)]
    responses = [HEADER]
    for n, match_id in enumerate(matches):
        responses.append(answer(code(match_id), comment=formula if n == 0 else f"note {n}"))
        responses.append(answer(code(match_id), role="Student", happened="+moved", useful="-3"))
    responses.append(answer("m000000000000/1/forgedforgedforged00"))
    sid = fake_google.create_spreadsheet(
        "Ledger",
        {TAB: responses, SESSIONS: sessions_tab(*(session(m) for m in matches))},
    )
    settings = config(tmp_path, "google", spreadsheet_key=sid)
    sheet = open_sheet(fake_google, sid)
    stored = fake_google.values(sid, TAB)
    fake_google.calls.clear()
    report = run_checkins(sheet, settings, NOW, secret=SECRET)
    assert dict(fake_google.calls) == {
        "sheets.values.batchGet": 1,
        "sheets.values.batchUpdate": 1,
    }
    assert len(report.applied) == 80 and report.bad_token == [82]
    got = rows(fake_google.values(sid, SESSIONS))
    assert {r["status"] for r in got} == {"held"}
    assert got[0]["mentor_comment"] == formula
    column = fake_google.values(sid, SESSIONS)[0].index("mentor_comment")
    assert not isinstance(fake_google.raw_cell(sid, SESSIONS, f"{chr(65 + column)}2"), Formula)
    assert fake_google.values(sid, TAB) == stored
    # The next night: the same one read, and nothing to write.
    fake_google.calls.clear()
    again = run_checkins(open_sheet(fake_google, sid), settings, NOW, secret=SECRET)
    assert again.applied == [] and again.unchanged == 80
    assert dict(fake_google.calls) == {
        "sheets.spreadsheets.get": 1,
        "sheets.values.batchGet": 1,
    }


class ZonedSheet(MemorySpreadsheet):
    """A spreadsheet whose form writes timestamps in Auckland time, as Google's would."""

    time_zone = "Pacific/Auckland"


def test_form_timestamps_are_read_in_the_sheet_time_zone(tmp_path: Path) -> None:
    # 14:00 on 4 Dec in Auckland is 01:00 UTC: before the invite at 03:17 UTC, so the answer was
    # about the earlier booking, although 14:00 read as UTC would be after it.
    sheet = ZonedSheet(
        {
            TAB: [
                HEADER,
                answer(code("ma"), happened="moved", when="04/12/2026 14:00:00"),
                answer(code("ma"), role="Student", when="04/12/2026 17:00:00"),
            ],
            SESSIONS: sessions_tab(session("ma", invited_at="2026-12-04T03:17:00Z")),
        }
    )
    report = run_checkins(sheet, config(tmp_path), NOW, secret=SECRET)
    assert report.earlier == 1 and report.applied == ["ma/1 (student)"]
    row = sheet.records(SESSIONS)[0]
    assert (row["mentor_said"], row["student_at"]) == ("", "2026-12-04T04:00:00Z")
