"""Time-zone answers through `mentorship sync` on both backends: the table of real answers, what
staff see in the Requests tab, and staff corrections that the next sync keeps."""

from __future__ import annotations

import csv

from mentorship.ledger import REQUESTS

from tests.google_clients import gspread_client
from tests.test_intake_sync import (
    Backend,
    backend,  # noqa: F401  (the local/google fixture)
    response,
    sync,
)
from tests.timezone_answers import ANSWERS


def test_every_answer_in_the_table_becomes_its_zone_or_a_named_question(
    backend: Backend,  # noqa: F811
) -> None:
    rows = [response(i, timezone=a, email=f"tz{i}@example.edu") for i, (a, _) in enumerate(ANSWERS)]
    backend.seed(rows)
    report = sync(backend)
    records = backend.records()
    for i, (answer, expected) in enumerate(ANSWERS):
        record = records[i + 2]
        assert record["timezone_answer"] == answer.strip(), answer
        if isinstance(expected, str):
            assert (record["status"], record["timezone"]) == ("new", expected), answer
        else:
            assert record["status"] == "invalid" and record["timezone"] == "", answer
            assert "could be" in record["reason"], answer
            assert all(zone in record["reason"] for zone in expected), record["reason"]
    ambiguous = sum(1 for _, e in ANSWERS if not isinstance(e, str))
    assert len(report.invalid) == ambiguous
    # The run report may be public: it counts the candidates, never quotes the answer.
    assert all("fits" in i.reason and "could be" not in i.reason for i in report.invalid)


def test_a_zone_staff_type_is_kept_until_the_student_answers_differently(
    backend: Backend,  # noqa: F811
) -> None:
    rows = [response(1, timezone="IST"), response(2, timezone="Bengaluru")]
    backend.seed(rows)
    sync(backend)
    assert backend.records()[2]["status"] == "invalid"
    assert "'IST' could be India (Asia/Kolkata)" in backend.records()[2]["reason"]

    backend.staff_sets(2, "timezone", "kolkata")  # staff write it their way
    backend.staff_sets(3, "timezone", "Asia/Colombo")  # and override a resolved one
    sync(backend)
    records = backend.records()
    assert records[2]["status"] == "new" and records[2]["reason"] == ""
    assert records[2]["timezone"] == "Asia/Kolkata"
    assert records[3]["timezone"] == "Asia/Colombo"
    assert sync(backend).unchanged == 2  # and the next run agrees

    rows[0] = response(1, timezone="Dublin")  # the student corrects the form answer
    backend.set_responses(rows)
    sync(backend)
    assert backend.records()[2]["timezone"] == "Europe/Dublin"


def test_a_staff_zone_that_is_not_a_zone_keeps_the_request_invalid(
    backend: Backend,  # noqa: F811
) -> None:
    backend.seed([response(1, timezone="CST")])
    sync(backend)
    backend.staff_sets(2, "timezone", "central-ish")
    report = sync(backend)
    record = backend.records()[2]
    assert record["status"] == "invalid" and record["timezone"] == "central-ish"
    assert (
        "the timezone cell 'central-ish' (typed in the Requests tab) is not one zone"
        in (record["reason"])
    )
    assert [i.reason for i in report.invalid] == [
        "the timezone cell is not a zone (Requests row 2)"
    ]


def test_an_existing_ledger_gains_the_typed_answer_column_at_the_end(
    backend: Backend,  # noqa: F811
) -> None:
    backend.seed([response(1, timezone="Nairobi"), response(2, timezone="PST")])
    sync(backend)
    # A ledger made before the column existed.
    values = backend.requests()
    drop = values[0].index("timezone_answer")
    old = [row[:drop] + row[drop + 1 :] for row in values]
    if backend.fake is None:
        with (backend.folder / f"{REQUESTS}.csv").open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(old)
    else:
        sheet = gspread_client(backend.fake).open_by_key(backend.sid).worksheet(REQUESTS)
        sheet.clear()
        sheet.update(old, "A1", raw=True)
    sync(backend)
    header = backend.requests()[0]
    assert header[-1] == "timezone_answer" and header.count("timezone_answer") == 1
    records = backend.records()
    assert records[2]["timezone_answer"] == "Nairobi"
    assert (records[3]["timezone_answer"], records[3]["timezone"]) == ("PST", "America/Los_Angeles")
