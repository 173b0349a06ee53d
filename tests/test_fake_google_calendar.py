"""The real google-api-python-client Calendar v3, through the production factory, against the fake."""

from __future__ import annotations

import json

import pytest
import requests
from googleapiclient.errors import HttpError
from mentorship import google_api
from mentorship.google_transport import is_transient, parse_error_body

from tests import google_clients
from tests.fake_google import FakeGoogle
from tests.fake_google.calendar import FORBIDDEN_FOR_SERVICE_ACCOUNTS

CAL = "mentoring@group.calendar.google.com"


def event(event_id: str, match_id: str = "M1", start: str = "2026-03-10T18:00:00") -> dict:
    """An invite shaped like the invite stage's."""
    return {
        "id": event_id,
        "summary": "Mentoring: Ana Lima and Bo",
        "start": {"dateTime": start, "timeZone": "America/New_York"},
        "end": {"dateTime": start[:-5] + "45:00", "timeZone": "America/New_York"},
        "attendees": [{"email": "ana@example.org"}, {"email": "bo@example.edu"}],
        "extendedProperties": {"private": {"match_id": match_id}},
        "conferenceData": {
            "createRequest": {
                "requestId": match_id,
                "conferenceSolutionKey": {"type": "hangoutsMeet"},
            }
        },
        "reminders": {"useDefault": False, "overrides": [{"method": "email", "minutes": 1440}]},
    }


@pytest.fixture
def service(fake_google: FakeGoogle):
    return google_clients.calendar_service(fake_google)


def test_insert_with_client_id_creates_meet_link_and_records_notification(service, fake_google):
    created = (
        service.events()
        .insert(calendarId=CAL, body=event("m1abc"), conferenceDataVersion=1, sendUpdates="all")
        .execute()
    )
    assert created["id"] == "m1abc"
    assert created["status"] == "confirmed"
    assert created["hangoutLink"].startswith("https://meet.google.com/")
    assert created["conferenceData"]["createRequest"]["status"] == {"statusCode": "success"}
    assert created["conferenceData"]["entryPoints"][0]["entryPointType"] == "video"
    assert [a["responseStatus"] for a in created["attendees"]] == ["needsAction", "needsAction"]
    assert fake_google.notifications == [
        {
            "calendarId": CAL,
            "eventId": "m1abc",
            "action": "insert",
            "sendUpdates": "all",
            "attendees": ["ana@example.org", "bo@example.edu"],
        }
    ]
    assert [e["id"] for e in fake_google.events(CAL)] == ["m1abc"]


def test_conference_data_needs_conference_data_version_1(service):
    created = service.events().insert(calendarId=CAL, body=event("m2abc")).execute()
    assert "conferenceData" not in created and "hangoutLink" not in created


@pytest.mark.parametrize("bad_id", ["m1", "M1ABC", "wxyz1", "m1-abc", "a" * 1025])
def test_invalid_event_ids_are_googles_400(service, bad_id):
    with pytest.raises(HttpError) as err:
        service.events().insert(calendarId=CAL, body=event(bad_id)).execute()
    assert err.value.status_code == 400
    assert err.value.reason == "Invalid resource id value."


def test_same_id_twice_is_409_duplicate_even_after_delete(service):
    service.events().insert(calendarId=CAL, body=event("dup01")).execute()
    with pytest.raises(HttpError) as err:
        service.events().insert(calendarId=CAL, body=event("dup01")).execute()
    assert err.value.status_code == 409
    assert err.value.error_details[0]["reason"] == "duplicate"
    service.events().delete(calendarId=CAL, eventId="dup01").execute()
    with pytest.raises(HttpError) as err:
        service.events().insert(calendarId=CAL, body=event("dup01")).execute()
    assert err.value.status_code == 409


def test_delete_keeps_a_cancelled_event_and_a_second_delete_is_410(service, fake_google):
    service.events().insert(calendarId=CAL, body=event("del01")).execute()
    service.events().delete(calendarId=CAL, eventId="del01", sendUpdates="all").execute()
    assert service.events().get(calendarId=CAL, eventId="del01").execute()["status"] == "cancelled"
    assert service.events().list(calendarId=CAL).execute()["items"] == []
    shown = service.events().list(calendarId=CAL, showDeleted=True).execute()["items"]
    assert [e["id"] for e in shown] == ["del01"]
    with pytest.raises(HttpError) as err:
        service.events().delete(calendarId=CAL, eventId="del01").execute()
    assert err.value.status_code == 410
    assert fake_google.notifications[-1]["action"] == "cancel"
    assert fake_google.notifications[-1]["sendUpdates"] == "all"


def test_get_unknown_event_is_404(service):
    with pytest.raises(HttpError) as err:
        service.events().get(calendarId=CAL, eventId="nosuch").execute()
    assert err.value.status_code == 404


def test_patch_merges_and_bumps_sequence(service):
    service.events().insert(calendarId=CAL, body=event("pat01")).execute()
    patched = (
        service.events()
        .patch(calendarId=CAL, eventId="pat01", body={"description": "Goals: finance"})
        .execute()
    )
    assert patched["description"] == "Goals: finance"
    assert patched["summary"] == "Mentoring: Ana Lima and Bo"
    assert patched["sequence"] == 1
    assert patched["extendedProperties"] == {"private": {"match_id": "M1"}}


def test_list_filters_by_private_extended_property_and_pages(service):
    for i in range(5):
        service.events().insert(
            calendarId=CAL, body=event(f"lst{i:02d}", match_id=f"M{i % 2}")
        ).execute()
    found = service.events().list(calendarId=CAL, privateExtendedProperty="match_id=M1").execute()
    assert [e["id"] for e in found["items"]] == ["lst01", "lst03"]
    seen = []
    request = service.events().list(calendarId=CAL, maxResults=2)
    while request is not None:
        page = request.execute()
        seen += [e["id"] for e in page["items"]]
        request = service.events().list_next(request, page)
    assert seen == [f"lst{i:02d}" for i in range(5)]


def test_list_time_window(service):
    service.events().insert(
        calendarId=CAL, body=event("tm001", start="2026-03-10T18:00:00")
    ).execute()
    service.events().insert(
        calendarId=CAL, body=event("tm002", start="2026-03-12T18:00:00")
    ).execute()
    found = (
        service.events()
        .list(
            calendarId=CAL,
            timeMin="2026-03-11T00:00:00Z",
            timeMax="2026-03-13T00:00:00Z",
            singleEvents=True,
            orderBy="startTime",
        )
        .execute()
    )
    assert [e["id"] for e in found["items"]] == ["tm002"]


def test_free_busy_merges_events_and_seeded_blocks_clipped_to_the_window(service, fake_google):
    mentor = "mentor@example.org"
    fake_google.calendar_busy(mentor, "2026-03-10T21:30:00Z", "2026-03-10T22:15:00Z")
    fake_google.calendar_busy(mentor, "2026-03-09T23:00:00Z", "2026-03-10T01:00:00Z")
    service.events().insert(calendarId=mentor, body=event("fb001")).execute()  # 22:00-22:45Z
    answer = (
        service.freebusy()
        .query(
            body={
                "timeMin": "2026-03-10T00:00:00Z",
                "timeMax": "2026-03-11T00:00:00Z",
                "items": [{"id": mentor}, {"id": "hidden@example.org"}],
            }
        )
        .execute()
    )
    assert answer["calendars"][mentor]["busy"] == [
        {"start": "2026-03-10T00:00:00Z", "end": "2026-03-10T01:00:00Z"},
        {"start": "2026-03-10T21:30:00Z", "end": "2026-03-10T22:45:00Z"},
    ]
    assert answer["calendars"]["hidden@example.org"] == {
        "errors": [{"domain": "global", "reason": "notFound"}],
        "busy": [],
    }


def test_sixty_invites_in_two_batch_requests(service, fake_google):
    results = {}

    def done(request_id, response, exception):
        results[request_id] = exception.status_code if exception else response["id"]

    for start in (0, 50):
        batch = google_clients.calendar_batch(fake_google, done)
        for i in range(start, min(start + 50, 60)):
            batch.add(
                service.events().insert(
                    calendarId=CAL,
                    body=event(f"bat{i:03d}", match_id=f"M{i}"),
                    conferenceDataVersion=1,
                ),
                request_id=f"bat{i:03d}",
            )
        batch.execute()
    assert results == {f"bat{i:03d}": f"bat{i:03d}" for i in range(60)}
    assert fake_google.http_requests == 2
    assert fake_google.calls["batch"] == 2
    assert fake_google.calls["calendar.events.insert"] == 60
    assert len(fake_google.events(CAL)) == 60


def test_batched_deletes_answer_empty_parts_the_client_can_read(service, fake_google):
    for i in range(3):
        service.events().insert(calendarId=CAL, body=event(f"del{i:02d}")).execute()
    results = {}

    def done(request_id, response, exception):
        results[request_id] = exception.status_code if exception else response

    batch = google_clients.calendar_batch(fake_google, done)
    for i in range(3):
        batch.add(service.events().delete(calendarId=CAL, eventId=f"del{i:02d}"), request_id=str(i))
    batch.execute()
    # A 204 part has no body; googleapiclient hands the callback an empty response.
    assert sorted(results) == ["0", "1", "2"]
    assert all(not value for value in results.values())
    assert {e["status"] for e in fake_google.events(CAL)} == {"cancelled"}


def _raw_batch(parts: list[str]) -> bytes:
    """A batch body framed by hand with CRLFs, as other clients (and Google's docs) frame it."""
    chunks = []
    for n, part in enumerate(parts):
        chunks.append(
            f"--b0undary\r\nContent-Type: application/http\r\nContent-ID: <item{n}>\r\n\r\n{part}\r\n"
        )
    return ("".join(chunks) + "--b0undary--\r\n").encode()


def test_hand_framed_batch_and_the_thousand_call_limit(fake_google):
    body = json.dumps(event("rqs01"))
    insert = (
        f"POST /calendar/v3/calendars/{CAL}/events HTTP/1.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n{body}"
    )
    get = f"GET /calendar/v3/calendars/{CAL}/events/rqs01 HTTP/1.1\r\n\r\n"
    headers = {"Content-Type": "multipart/mixed; boundary=b0undary"}
    url = f"{fake_google.base_url}/batch/calendar/v3"
    answer = requests.post(url, data=_raw_batch([insert, get]), headers=headers, timeout=5)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("multipart/mixed; boundary=")
    text = answer.text
    assert text.count("Content-ID: <response-item") == 2
    assert "HTTP/1.1 200 OK" in text and '"id": "rqs01"' in text
    too_many = requests.post(url, data=_raw_batch([get] * 1001), headers=headers, timeout=5)
    assert too_many.status_code == 400
    assert fake_google.calls["calendar.events.get"] == 1


def test_faults_hit_single_parts_of_a_batch(service, fake_google):
    fake_google.faults.fail_next(1, 503, match="calendar.events.insert")
    fake_google.faults.store_then_fail(1, 500, match="calendar.events.insert")
    outcome = []
    batch = google_clients.calendar_batch(
        fake_google, lambda rid, resp, exc: outcome.append(exc.status_code if exc else 200)
    )
    for i in range(3):
        batch.add(service.events().insert(calendarId=CAL, body=event(f"flt{i:02d}")))
    batch.execute()
    assert outcome == [503, 500, 200]
    # The 500 was stored anyway: its retry meets 409 duplicate, which the invite stage counts as sent.
    assert [e["id"] for e in fake_google.events(CAL)] == ["flt01", "flt02"]


def test_client_retries_quota_errors_with_num_retries(service, fake_google, monkeypatch):
    monkeypatch.setattr("googleapiclient.http.time.sleep", lambda s: None)
    fake_google.faults.fail_next(2, 429, match="calendar.events.insert")
    service.events().insert(calendarId=CAL, body=event("ret01")).execute(num_retries=3)
    assert fake_google.calls["calendar.events.insert"] == 3


def test_rate_limit_403_body_matches_googles(service, fake_google):
    fake_google.faults.fail_next(1, 403, match="calendar.*", reason="rateLimitExceeded")
    with pytest.raises(HttpError) as err:
        service.events().insert(calendarId=CAL, body=event("rl001")).execute()
    assert err.value.error_details == [
        {"domain": "usageLimits", "reason": "rateLimitExceeded", "message": "Rate Limit Exceeded"}
    ]
    assert is_transient(403, parse_error_body({"errors": err.value.error_details}).reasons)


def test_service_account_invites_are_refused_with_an_actionable_message(service, fake_google):
    fake_google.forbid_service_account_invites = True
    with pytest.raises(HttpError) as err:
        service.events().insert(calendarId=CAL, body=event("sa001"), sendUpdates="all").execute()
    assert err.value.status_code == 403
    assert err.value.reason == FORBIDDEN_FOR_SERVICE_ACCOUNTS
    assert err.value.error_details[0]["reason"] == "forbiddenForServiceAccounts"
    message = str(
        google_api.describe_http_error(
            403,
            err.value.content,
            service_account_email="bot@p.iam.gserviceaccount.com",
            service="calendar",
        )
    )
    assert "domain-wide delegation" in message and "delegate" in message
    no_attendees = {k: v for k, v in event("sa002").items() if k != "attendees"}
    assert service.events().insert(calendarId=CAL, body=no_attendees).execute()["id"] == "sa002"


def test_refused_calendar_is_403_forbidden(service, fake_google):
    fake_google.refuse_access(CAL)
    with pytest.raises(HttpError) as err:
        service.events().list(calendarId=CAL).execute()
    assert err.value.status_code == 403
    assert "Share the program calendar" in str(
        google_api.describe_http_error(
            403, err.value.content, service_account_email="", service="calendar"
        )
    )


def test_times_without_zone_or_reversed_are_400(service):
    body = event("tt001")
    body["start"] = {"dateTime": "2026-03-10T18:00:00"}
    with pytest.raises(HttpError) as err:
        service.events().insert(calendarId=CAL, body=body).execute()
    assert err.value.reason == "Missing time zone definition for start time."
    body = event("tt002")
    body["end"] = {"dateTime": "2026-03-10T16:00:00-05:00"}
    with pytest.raises(HttpError) as err:
        service.events().insert(calendarId=CAL, body=body).execute()
    assert err.value.reason == "The specified time range is empty."


def test_kill_switch_fails_every_call_after_k(service, fake_google):
    fake_google.fail_after(2)
    service.events().insert(calendarId=CAL, body=event("ks001")).execute()
    service.events().insert(calendarId=CAL, body=event("ks002")).execute()
    with pytest.raises(HttpError) as err:
        service.events().insert(calendarId=CAL, body=event("ks003")).execute()
    assert err.value.status_code == 503
    assert [e["id"] for e in fake_google.events(CAL)] == ["ks001", "ks002"]


def test_on_call_hook_sees_every_call_and_can_fail_one(service, fake_google):
    seen = []

    def hook(key, request):
        seen.append(key)
        return 503 if key == "calendar.events.get" else None

    fake_google.on_call = hook
    service.events().insert(calendarId=CAL, body=event("hk001")).execute()
    with pytest.raises(HttpError):
        service.events().get(calendarId=CAL, eventId="hk001").execute()
    assert seen == ["calendar.events.insert", "calendar.events.get"]


def test_calendar_batch_uri_follows_the_api_root(monkeypatch):
    monkeypatch.delenv(google_api.API_ROOT_ENV, raising=False)
    assert google_api.calendar_batch_uri() == "https://www.googleapis.com/batch/calendar/v3"
    monkeypatch.setenv(google_api.API_ROOT_ENV, "http://127.0.0.1:9")
    assert google_api.calendar_batch_uri() == "http://127.0.0.1:9/batch/calendar/v3"


def test_calendars_get_knows_added_calendars_only(service, fake_google):
    with pytest.raises(HttpError) as err:
        service.calendars().get(calendarId=CAL).execute()
    assert err.value.status_code == 404
    fake_google.add_calendar(CAL)
    assert service.calendars().get(calendarId=CAL).execute()["id"] == CAL
    assert service.calendarList().get(calendarId=CAL).execute()["accessRole"] == "owner"


def test_a_malformed_batch_part_is_a_400_not_a_crash(fake_google):
    body = b"--b\r\nContent-Type: application/http\r\nContent-ID: <x>\r\n\r\nnonsense\r\n--b--\r\n"
    response = requests.post(
        f"{fake_google.base_url}/batch/calendar/v3",
        data=body,
        headers={"Content-Type": "multipart/mixed; boundary=b"},
        timeout=5,
    )
    assert response.status_code == 400
    assert response.json()["error"]["errors"][0]["reason"] == "badRequest"


def test_event_times_come_back_in_the_calendars_zone_with_an_offset(service, fake_google):
    created = service.events().insert(calendarId=CAL, body=event("off01")).execute()
    # 18:00 in New York on 10 March 2026 (after the US switch to daylight time) is 22:00 UTC;
    # Google formats it in the calendar's zone (UTC here) and keeps the event's timeZone.
    assert created["start"] == {"dateTime": "2026-03-10T22:00:00Z", "timeZone": "America/New_York"}
    again = (
        service.events().get(calendarId=CAL, eventId="off01", timeZone="America/New_York").execute()
    )
    assert again["start"]["dateTime"] == "2026-03-10T18:00:00-04:00"
    fake_google.add_calendar("berlin@example.org", time_zone="Europe/Berlin")
    shown = service.events().insert(calendarId="berlin@example.org", body=event("off02")).execute()
    assert shown["start"]["dateTime"] == "2026-03-10T23:00:00+01:00"


def test_free_busy_answers_in_the_requested_zone(service, fake_google):
    fake_google.calendar_busy("m@example.org", "2026-03-10T22:00:00Z", "2026-03-10T23:00:00Z")
    answer = (
        service.freebusy()
        .query(
            body={
                "timeMin": "2026-03-10T00:00:00Z",
                "timeMax": "2026-03-11T00:00:00Z",
                "timeZone": "Asia/Kolkata",
                "items": [{"id": "m@example.org"}],
            }
        )
        .execute()
    )
    assert answer["calendars"]["m@example.org"]["busy"] == [
        {"start": "2026-03-11T03:30:00+05:30", "end": "2026-03-11T04:30:00+05:30"}
    ]
