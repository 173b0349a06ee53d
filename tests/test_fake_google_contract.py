"""The fake answers like Google: every recorded gspread session replays with the same results.

Each recording in tests/recordings/google-sheets/ (from ../shared/google-sheets-recordings/) holds one or more runs of a gspread test
against the real Sheets v4 and Drive v3 APIs. We replay every request of a run, in order, and
compare the status and the JSON body with what Google answered. Values that are random per
run (spreadsheet ids, sheet ids of added sheets, Drive timestamps) are mapped or checked for
shape only.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from tests.fake_google import FakeGoogle

# A copy of ../shared/google-sheets-recordings (gspread's own recordings, MIT licence), kept in
# the repository so the contract test runs wherever the project is cloned.
RECORDINGS = Path(__file__).resolve().parent / "recordings" / "google-sheets"
DRIVE_CREATE = "/drive/v3/files"
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
_SPREADSHEET_ID = re.compile(r"(?:/spreadsheets/|/files/)([A-Za-z0-9_-]+)")


def _runs() -> list[Any]:
    params = []
    for path in sorted(RECORDINGS.glob("*.json")):
        interactions = json.loads(path.read_text())["interactions"]
        runs: list[list[dict[str, Any]]] = []
        for interaction in interactions:
            request = interaction["request"]
            if request["method"] == "POST" and urlsplit(request["uri"]).path == DRIVE_CREATE:
                runs.append([])
            if not runs:
                runs.append([])
            runs[-1].append(interaction)
        for n, run in enumerate(runs, start=1):
            params.append(pytest.param(run, id=f"{path.stem}-run{n}"))
    return params


RUNS = _runs()


def _close(expected: Any, actual: Any, where: str, sheet_ids: dict[int, int]) -> None:
    """Assert that two JSON values match, with floats compared to 1e-6."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: expected an object, got {actual!r}"
        assert sorted(expected) == sorted(actual), (
            f"{where}: keys differ: {sorted(expected)} != {sorted(actual)}"
        )
        for key, value in expected.items():
            if key in {"createdTime", "modifiedTime"}:
                assert TIMESTAMP.match(actual[key]), f"{where}.{key}: {actual[key]!r}"
            elif key == "sheetId":
                assert sheet_ids.get(actual[key], actual[key]) == value, f"{where}.sheetId"
            else:
                _close(value, actual[key], f"{where}.{key}", sheet_ids)
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(expected) == len(actual), (
            f"{where}: expected {expected!r}, got {actual!r}"
        )
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            _close(e, a, f"{where}[{i}]", sheet_ids)
    elif isinstance(expected, float) or (isinstance(actual, float) and isinstance(expected, int)):
        assert isinstance(actual, int | float) and math.isclose(expected, actual, abs_tol=1e-6), (
            f"{where}: {expected!r} != {actual!r}"
        )
    else:
        assert expected == actual, f"{where}: expected {expected!r}, got {actual!r}"


def _remap_sheet_ids(node: Any, mapping: dict[int, int]) -> Any:
    """Replace recorded sheetIds in a request body by the fake's."""
    if isinstance(node, dict):
        return {
            k: mapping.get(v, v) if k == "sheetId" else _remap_sheet_ids(v, mapping)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_remap_sheet_ids(v, mapping) for v in node]
    return node


def _learn_sheet_ids(expected: Any, actual: Any, fake_to_recorded: dict[int, int]) -> None:
    """Pair the sheetIds of sheets Google and the fake added, by position in the reply."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        if "sheetId" in expected and "sheetId" in actual:
            fake_to_recorded[actual["sheetId"]] = expected["sheetId"]
        for key in expected.keys() & actual.keys():
            _learn_sheet_ids(expected[key], actual[key], fake_to_recorded)
    elif isinstance(expected, list) and isinstance(actual, list):
        for e, a in zip(expected, actual, strict=False):
            _learn_sheet_ids(e, a, fake_to_recorded)


@pytest.mark.parametrize("run", RUNS)
def test_replayed_recording_matches_google(
    run: list[dict[str, Any]], fake_google: FakeGoogle
) -> None:
    """Status codes and JSON bodies of the fake equal those Google returned."""
    session = requests.Session()
    ids: dict[str, str] = {}  # recorded spreadsheet id -> fake id
    fake_to_recorded_sheet: dict[int, int] = {0: 0}
    created_in_run: set[str] = set()
    for step, interaction in enumerate(run):
        recorded_request = interaction["request"]
        recorded_response = interaction["response"]
        method = recorded_request["method"]
        uri = urlsplit(recorded_request["uri"])
        target = uri.path + (f"?{uri.query}" if uri.query else "")
        for recorded_id, fake_id in ids.items():
            target = target.replace(recorded_id, fake_id)
        body = recorded_request["body"] or None
        if body is not None:
            recorded_to_fake = {v: k for k, v in fake_to_recorded_sheet.items()}
            data = json.loads(body)

            body = json.dumps(_remap_sheet_ids(data, recorded_to_fake))
        status = recorded_response["status"]["code"]
        match = _SPREADSHEET_ID.search(uri.path)
        if (
            status == 403
            and match
            and match.group(1) not in ids
            and match.group(1) not in created_in_run
        ):
            # A spreadsheet owned by someone else, which the recording's account could not open.
            fake_google.refuse_access(match.group(1))
        response = session.request(
            method,
            fake_google.base_url + target,
            data=body,
            headers={"Content-Type": "application/json", "Authorization": "Bearer scrubbed"},
        )
        where = f"step {step}: {method} {uri.path}"
        assert response.status_code == status, f"{where}: {response.status_code} {response.text}"
        recorded_text = recorded_response["body"]["string"]
        if not recorded_text:
            assert response.content == b"", where
            continue
        expected = json.loads(recorded_text)
        actual_text = response.text
        for recorded_id, fake_id in ids.items():
            actual_text = actual_text.replace(fake_id, recorded_id)
        actual = json.loads(actual_text)
        if method == "POST" and uri.path == DRIVE_CREATE:
            ids[expected["id"]] = actual["id"]
            created_in_run.add(expected["id"])
            actual["id"] = expected["id"]
        _learn_sheet_ids(expected, actual, fake_to_recorded_sheet)
        _close(expected, actual, where, fake_to_recorded_sheet)


def test_every_recording_is_replayed() -> None:
    """The recordings are present, so the contract test cannot pass vacuously."""
    assert len(RUNS) >= 10
