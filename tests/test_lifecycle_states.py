"""The lifecycle's core rules on in-memory tables: synonyms, unknown values, and `settle`."""

from __future__ import annotations

import datetime as dt

import pytest
from mentorship import lifecycle
from mentorship.ledger import MATCH_COLUMNS, MATCHES, REQUEST_COLUMNS, REQUESTS, Table, WriteBatch

NOW = dt.datetime(2026, 11, 28, 3, 17, tzinfo=dt.UTC)
STAMP = "2026-11-28T03:17:00Z"


@pytest.mark.parametrize(
    ("cell", "state"),
    [
        ("Cancelled", "cancelled"),
        ("canceled", "cancelled"),
        (" CANCEL. ", "cancelled"),
        ("Done", "completed"),
        ("no time", "no_time"),
        ("no-time", "no_time"),
        ("OK", "approved"),
        ("", ""),
        ("maybe later", None),
    ],
)
def test_match_status_cells_are_read_case_insensitively_with_synonyms(cell, state):
    assert lifecycle.match_state(cell) == state


@pytest.mark.parametrize(
    ("cell", "state"), [("Withdraw", "withdrawn"), ("WAITING", "waiting"), ("on hold", None)]
)
def test_request_status_cells_are_read_the_same_way(cell, state):
    assert lifecycle.request_state(cell) == state


def tables(requests: list[dict[str, str]], matches: list[dict[str, str]]) -> tuple[Table, Table]:
    def values(columns, rows):
        return [list(columns)] + [[r.get(c, "") for c in columns] for r in rows]

    return (
        Table(REQUESTS, REQUEST_COLUMNS, values(REQUEST_COLUMNS, requests)),
        Table(MATCHES, MATCH_COLUMNS, values(MATCH_COLUMNS, matches)),
    )


def changes(*tables: Table) -> list[tuple[str, int, int, str]]:
    batch = WriteBatch()
    for table in tables:
        table.collect(batch)
    return batch.updates


def test_settle_is_idempotent_and_lists_unknown_values_without_touching_them():
    requests, matches = tables(
        [
            {"request_id": "r1", "status": "Withdrawn", "submitted_at": "2026-11-01T08:00:00"},
            {"request_id": "r2", "status": "matched", "submitted_at": "2026-11-01T09:00:00"},
            {"request_id": "r3", "status": "matched"},
        ],
        [
            {"match_id": "m1", "request_id": "r1", "status": "invited", "event_id": "e1"},
            {"match_id": "m2", "request_id": "r2", "status": "canceled"},
            {"match_id": "m3", "request_id": "r3", "status": "maybe later"},
        ],
    )
    settled = lifecycle.settle(requests, matches, NOW, STAMP)
    assert settled.withdrawn == ["m1"] and settled.rewaiting == ["r2"]
    assert [(u.tab, u.row, u.value) for u in settled.unknown] == [(MATCHES, 4, "maybe later")]
    by_id = {r["request_id"]: r for r in requests}
    assert by_id["r1"]["status"] == "withdrawn"
    assert by_id["r2"]["status"] == "waiting" and by_id["r2"]["submitted_at"].startswith("2026")
    assert by_id["r3"]["status"] == "matched", "an unknown match status holds its request"
    m1, m2, m3 = matches
    assert (m1["status"], m1["note"]) == ("cancelled", "request withdrawn")
    assert m2["status"] == "cancelled" and m3["status"] == "maybe later"
    changes(requests, matches)
    again = lifecycle.settle(requests, matches, NOW, STAMP)
    assert changes(requests, matches) == [], "a second settle changes nothing"
    assert again.withdrawn == [] and again.rewaiting == []


def test_closed_before_the_first_session_counts_as_cancelled_but_not_after():
    requests, matches = tables(
        [{"request_id": "r1", "status": "matched"}, {"request_id": "r2", "status": "matched"}],
        [
            {
                "match_id": "m1",
                "request_id": "r1",
                "status": "closed",
                "event_start": "2026-12-02T18:00:00+00:00",
            },
            {
                "match_id": "m2",
                "request_id": "r2",
                "status": "closed",
                "event_start": "2026-11-20T18:00:00+00:00",
            },
        ],
    )
    settled = lifecycle.settle(requests, matches, NOW, STAMP)
    assert settled.rewaiting == ["r1"]
    assert [r["status"] for r in requests] == ["waiting", "matched"]


def test_a_withdrawal_cancels_before_the_first_session_and_closes_after_it():
    requests, matches = tables(
        [{"request_id": "r1", "status": "withdrawn"}, {"request_id": "r2", "status": "withdrawn"}],
        [
            {
                "match_id": "m1",
                "request_id": "r1",
                "status": "invited",
                "event_id": "e1",
                "event_start": "2026-12-02T18:00:00+00:00",
            },
            {
                "match_id": "m2",
                "request_id": "r2",
                "status": "invited",
                "event_id": "e2",
                "event_start": "2026-11-20T18:00:00+00:00",
            },
        ],
    )
    settled = lifecycle.settle(requests, matches, NOW, STAMP)
    # Before it: one cancellation of the coming session. After it: the past session stands and
    # the relationship stage cancels only the sessions still to come.
    assert [m["status"] for m in matches] == ["cancelled", "closed"]
    assert settled.withdrawn == ["m1", "m2"]
    assert [r["status"] for r in requests] == ["withdrawn", "withdrawn"]
