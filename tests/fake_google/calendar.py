"""Calendar v3: events (insert with client-chosen ids, get, list, patch, update, delete) and
freeBusy, with Google's validation and error bodies.

Google's behaviours kept here because the invite stage relies on them:
- a client-chosen event id must be base32hex (a-v, 0-9), 5-1024 characters, else 400
  "Invalid resource id value."; reusing an id is 409 `duplicate`, even after a delete;
- a deleted event is kept with status "cancelled": get still returns it, list hides it
  unless showDeleted=true, and deleting it again is 410 `deleted`;
- conferenceData.createRequest only takes effect with conferenceDataVersion=1;
- a plain service account may not invite attendees (403 forbiddenForServiceAccounts) when
  `forbid_service_account_invites` is set.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import re
from datetime import UTC, date, datetime, time
from typing import Any
from urllib.parse import unquote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import legacy_error
from .request import Request, Response, Route

_EVENT_ID = re.compile(r"^[a-v0-9]{5,1024}$")
_MEET_LETTERS = "abcdefghijklmnopqrstuvwxyz"
FORBIDDEN_FOR_SERVICE_ACCOUNTS = (
    "Service accounts cannot invite attendees without Domain-Wide Delegation of Authority."
)


class CalendarState:
    """The events of one calendar (insertion order kept) and its seeded busy blocks."""

    def __init__(self, calendar_id: str, time_zone: str = "UTC") -> None:
        self.calendar_id = calendar_id
        self.time_zone = time_zone
        self.events: dict[str, dict[str, Any]] = {}


def calendars(state: Any) -> dict[str, CalendarState]:
    """The calendars dict kept on the server state."""
    return state.calendars


def calendar(state: Any, calendar_id: str) -> CalendarState:
    """A calendar, created on first use (the fake knows every calendar it is asked about)."""
    found = state.calendars.get(calendar_id)
    if found is None:
        found = state.calendars[calendar_id] = CalendarState(calendar_id)
    return found


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def parse_time(value: str) -> datetime:
    """An RFC 3339 timestamp (with offset or Z) as an aware datetime."""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(value)
    return parsed


def _format_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def event_time(when: dict[str, Any], *, which: str) -> datetime:
    """The instant of an event's start/end: dateTime with offset or timeZone, or an all-day date."""
    if "dateTime" in when:
        text = str(when["dateTime"])
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise legacy_error(400, "Invalid value for: " + text, "invalid") from None
        if moment.tzinfo is None:
            zone = when.get("timeZone")
            if not zone:
                raise legacy_error(
                    400, f"Missing time zone definition for {which} time.", "required"
                )
            try:
                moment = moment.replace(tzinfo=ZoneInfo(zone))
            except (ZoneInfoNotFoundError, ValueError):
                raise legacy_error(
                    400, "Invalid time zone definition for start time.", "invalid"
                ) from None
        return moment
    if "date" in when:
        try:
            day = date.fromisoformat(str(when["date"]))
        except ValueError:
            raise legacy_error(400, "Invalid value for: " + str(when["date"]), "invalid") from None
        return datetime.combine(day, time(), UTC)
    raise legacy_error(400, f"Missing {which} time.", "required")


def _meet_code(request_id: str) -> str:
    digest = hashlib.sha256(request_id.encode()).digest()
    letters = [_MEET_LETTERS[b % 26] for b in digest[:10]]
    return "".join(letters[:3]) + "-" + "".join(letters[3:7]) + "-" + "".join(letters[7:10])


def conference_data(create_request: dict[str, Any]) -> dict[str, Any]:
    """What Google returns for a Meet createRequest: a meet.google.com link, status success."""
    key = (create_request.get("conferenceSolutionKey") or {}).get("type", "hangoutsMeet")
    if key != "hangoutsMeet":
        raise legacy_error(400, "Invalid conference type value.", "invalid")
    request_id = str(create_request.get("requestId") or "")
    if not request_id:
        raise legacy_error(400, "Invalid conference create request: missing requestId.", "invalid")
    code = _meet_code(request_id)
    pin = str(int(hashlib.sha256(code.encode()).hexdigest(), 16))[:13]
    return {
        "createRequest": {
            "requestId": request_id,
            "conferenceSolutionKey": {"type": "hangoutsMeet"},
            "status": {"statusCode": "success"},
        },
        "entryPoints": [
            {
                "entryPointType": "video",
                "uri": f"https://meet.google.com/{code}",
                "label": f"meet.google.com/{code}",
            },
            {
                "entryPointType": "more",
                "uri": f"https://tel.meet/{code}?pin={pin}",
                "pin": pin,
            },
        ],
        "conferenceSolution": {
            "key": {"type": "hangoutsMeet"},
            "name": "Google Meet",
            "iconUri": "https://fonts.gstatic.com/s/i/productlogos/meet_2020q4/v6/web-512dp/logo_meet_2020q4_color_2x_web_512dp.png",
        },
        "conferenceId": code,
    }


def _check_invites(state: Any, body: dict[str, Any]) -> None:
    if state.forbid_service_account_invites and body.get("attendees"):
        raise legacy_error(
            403, FORBIDDEN_FOR_SERVICE_ACCOUNTS, "forbiddenForServiceAccounts", domain="calendar"
        )


def _validate_times(event: dict[str, Any]) -> None:
    start = event_time(event.get("start") or {}, which="start")
    end = event_time(event.get("end") or {}, which="end")
    if end < start:
        raise legacy_error(400, "The specified time range is empty.", "timeRangeEmpty")


def _apply_conference(event: dict[str, Any], req: Request, incoming: dict[str, Any]) -> None:
    """Honour conferenceData as Google does: only with conferenceDataVersion=1."""
    wanted = incoming.get("conferenceData")
    if not wanted or req.param("conferenceDataVersion") != "1":
        return
    if wanted.get("createRequest"):
        data = conference_data(wanted["createRequest"])
        event["conferenceData"] = data
        event["hangoutLink"] = data["entryPoints"][0]["uri"]
    else:
        event["conferenceData"] = copy.deepcopy(wanted)


def _notify(state: Any, calendar_id: str, event: dict[str, Any], action: str, req: Request) -> None:
    state.notifications.append(
        {
            "calendarId": calendar_id,
            "eventId": event["id"],
            "action": action,
            "sendUpdates": req.param("sendUpdates")
            or ("all" if req.flag("sendNotifications") else "none"),
            "attendees": [a.get("email") for a in event.get("attendees") or []],
        }
    )


def _etag(state: Any) -> str:
    state.etag_counter += 1
    return f'"{3181161784712000 + state.etag_counter}"'


def _render_time(when: dict[str, Any], which: str, zone: str) -> dict[str, Any]:
    """dateTime as Google answers it: with an explicit offset, in the response's time zone
    (the `timeZone` query parameter, else the calendar's), e.g. 2026-03-10T22:00:00Z on a
    UTC calendar for an event at 18:00 in America/New_York. The event's own timeZone
    field is kept as sent."""
    if "dateTime" not in when:
        return when
    local = event_time(when, which=which).astimezone(ZoneInfo(zone))
    text = local.isoformat(timespec="seconds").replace("+00:00", "Z")
    return {**when, "dateTime": text}


def render(
    state: Any, calendar_id: str, event: dict[str, Any], req: Request | None = None
) -> dict[str, Any]:
    """A stored event as the API returns it."""
    zone = (req.param("timeZone") if req is not None else None) or calendar(
        state, calendar_id
    ).time_zone
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise legacy_error(400, "Invalid time zone definition.", "invalid") from None
    shown = copy.deepcopy(event)
    for which in ("start", "end"):
        if isinstance(shown.get(which), dict):
            shown[which] = _render_time(shown[which], which, zone)
    return shown


def _decorate(state: Any, calendar_id: str, event: dict[str, Any]) -> None:
    """Fill in the fields Google adds to every stored event."""
    organizer = calendar_id if "@" in calendar_id else f"{calendar_id}@fake-calendar.local"
    eid = base64.urlsafe_b64encode(f"{event['id']} {organizer}".encode()).decode().rstrip("=")
    event["kind"] = "calendar#event"
    event["etag"] = _etag(state)
    event["htmlLink"] = f"https://www.google.com/calendar/event?eid={eid}"
    event.setdefault("creator", {"email": organizer, "self": True})
    event.setdefault("organizer", {"email": organizer, "self": True})
    event["iCalUID"] = event.get("iCalUID") or f"{event['id']}@google.com"
    event.setdefault("sequence", 0)
    event.setdefault("reminders", {"useDefault": True})
    event.setdefault("eventType", "default")
    event.setdefault("status", "confirmed")
    for attendee in event.get("attendees") or []:
        attendee.setdefault("responseStatus", "needsAction")


def insert(state: Any, calendar_id: str, req: Request) -> Response:
    """events.insert."""
    body = req.json("calendar")
    cal = calendar(state, calendar_id)
    event_id = body.get("id")
    if event_id is None:
        event_id = state.new_event_id()
    elif not isinstance(event_id, str) or not _EVENT_ID.match(event_id):
        raise legacy_error(400, "Invalid resource id value.", "invalid")
    if event_id in cal.events:
        raise legacy_error(409, "The requested identifier already exists.", "duplicate")
    _validate_times(body)
    _check_invites(state, body)
    event = copy.deepcopy(body)
    event["id"] = event_id
    now = _now()
    event["created"] = now
    event["updated"] = now
    event.pop("conferenceData", None)
    _apply_conference(event, req, body)
    _decorate(state, calendar_id, event)
    cal.events[event_id] = event
    _notify(state, calendar_id, event, "insert", req)
    return Response(200, render(state, calendar_id, event, req))


def _existing(state: Any, calendar_id: str, event_id: str) -> dict[str, Any]:
    event = calendar(state, calendar_id).events.get(event_id)
    if event is None:
        raise legacy_error(404, "Not Found", "notFound")
    return event


def get(state: Any, calendar_id: str, event_id: str, req: Request) -> Response:
    """events.get: cancelled events are still returned, with status "cancelled"."""
    return Response(200, render(state, calendar_id, _existing(state, calendar_id, event_id), req))


def _merge(target: dict[str, Any], patch: dict[str, Any]) -> None:
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        elif (
            isinstance(value, dict)
            and isinstance(target.get(key), dict)
            and key not in {"start", "end"}
        ):
            _merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)


_FIXED = {"id", "created", "iCalUID", "kind", "etag", "htmlLink", "creator", "organizer"}


def patch(state: Any, calendar_id: str, event_id: str, req: Request, *, replace: bool) -> Response:
    """events.patch (merge) and events.update (replace)."""
    event = _existing(state, calendar_id, event_id)
    body = req.json("calendar")
    if "id" in body and body["id"] != event_id:
        raise legacy_error(400, "Invalid resource id value.", "invalid")
    _check_invites(state, body)
    updated = copy.deepcopy(event)
    incoming = {k: v for k, v in body.items() if k not in _FIXED and k != "conferenceData"}
    if replace:
        updated = {k: v for k, v in updated.items() if k in _FIXED | {"sequence", "updated"}}
        updated.update(copy.deepcopy(incoming))
    else:
        _merge(updated, incoming)
    _validate_times(updated)
    _apply_conference(updated, req, body)
    updated["sequence"] = int(event.get("sequence", 0)) + 1
    updated["updated"] = _now()
    _decorate(state, calendar_id, updated)
    calendar(state, calendar_id).events[event_id] = updated
    action = "cancel" if updated.get("status") == "cancelled" != event.get("status") else "update"
    _notify(state, calendar_id, updated, action, req)
    return Response(200, render(state, calendar_id, updated, req))


def delete(state: Any, calendar_id: str, event_id: str, req: Request) -> Response:
    """events.delete: marks the event cancelled; a second delete is 410."""
    event = _existing(state, calendar_id, event_id)
    if event.get("status") == "cancelled":
        raise legacy_error(410, "Resource has been deleted", "deleted")
    event["status"] = "cancelled"
    event["updated"] = _now()
    event["sequence"] = int(event.get("sequence", 0)) + 1
    event["etag"] = _etag(state)
    _notify(state, calendar_id, event, "cancel", req)
    return Response(204)


def _page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _page_offset(token: str) -> int:
    try:
        text = base64.urlsafe_b64decode(token.encode()).decode()
        return int(text.removeprefix("offset:"))
    except (ValueError, UnicodeDecodeError):
        raise legacy_error(400, "Invalid page token value.", "invalid") from None


def _extended_filters(req: Request, name: str, where: str) -> list[tuple[str, str]]:
    filters = []
    for item in req.params(name):
        key, sep, value = item.partition("=")
        if not sep:
            raise legacy_error(400, f"Invalid {where} extended property filter: {item}", "invalid")
        filters.append((key, value))
    return filters


def list_events(state: Any, calendar_id: str, req: Request) -> Response:
    """events.list with privateExtendedProperty/sharedExtendedProperty, time window, paging."""
    cal = calendar(state, calendar_id)
    private = _extended_filters(req, "privateExtendedProperty", "private")
    shared = _extended_filters(req, "sharedExtendedProperty", "shared")
    min_text, max_text = req.param("timeMin"), req.param("timeMax")
    try:
        time_min = parse_time(min_text) if min_text else None
        time_max = parse_time(max_text) if max_text else None
    except ValueError:
        raise legacy_error(400, "Bad Request", "badRequest") from None
    order_by = req.param("orderBy")
    if order_by == "startTime" and not req.flag("singleEvents"):
        raise legacy_error(
            400, "The requested ordering is not available for the particular query.", "invalid"
        )
    show_deleted = req.flag("showDeleted")
    text = (req.param("q") or "").lower()
    ical_uid = req.param("iCalUID")
    found = []
    for event in cal.events.values():
        if event.get("status") == "cancelled" and not show_deleted:
            continue
        props = event.get("extendedProperties") or {}
        if any((props.get("private") or {}).get(k) != v for k, v in private):
            continue
        if any((props.get("shared") or {}).get(k) != v for k, v in shared):
            continue
        if ical_uid and event.get("iCalUID") != ical_uid:
            continue
        if text and not any(
            text in str(event.get(f, "")).lower() for f in ("summary", "description", "location")
        ):
            continue
        start = event_time(event["start"], which="start")
        end = event_time(event["end"], which="end")
        if time_min is not None and end <= time_min:
            continue
        if time_max is not None and start >= time_max:
            continue
        found.append(event)
    if order_by == "startTime":
        found.sort(key=lambda e: event_time(e["start"], which="start"))
    elif order_by == "updated":
        found.sort(key=lambda e: e["updated"])
    max_results = min(int(req.param("maxResults") or 250), 2500)
    offset = _page_offset(req.param("pageToken") or "") if req.param("pageToken") else 0
    page = found[offset : offset + max_results]
    body: dict[str, Any] = {
        "kind": "calendar#events",
        "etag": _etag(state),
        "summary": calendar_id,
        "updated": _now(),
        "timeZone": cal.time_zone,
        "accessRole": "owner",
        "defaultReminders": [],
        "items": [render(state, calendar_id, e, req) for e in page],
    }
    if offset + max_results < len(found):
        body["nextPageToken"] = _page_token(offset + max_results)
    else:
        body["nextSyncToken"] = _page_token(len(found))
    return Response(200, body)


def add_busy(state: Any, calendar_id: str, start: str, end: str) -> None:
    """Seed a busy block (RFC 3339 start/end) on a calendar, as freeBusy reports it."""
    calendar(state, calendar_id)
    state.busy.setdefault(calendar_id, []).append((parse_time(start), parse_time(end)))


def free_busy(state: Any, req: Request) -> Response:
    """freebusy.query: merged busy intervals from events and seeded blocks, clipped to the window."""
    body = req.json("calendar")
    if not body.get("timeMin"):
        raise legacy_error(400, "Missing timeMin parameter.", "required")
    if not body.get("timeMax"):
        raise legacy_error(400, "Missing timeMax parameter.", "required")
    try:
        window_start = parse_time(body["timeMin"])
        window_end = parse_time(body["timeMax"])
    except ValueError:
        raise legacy_error(400, "Bad Request", "badRequest") from None
    if window_end < window_start:
        raise legacy_error(400, "The specified time range is empty.", "timeRangeEmpty")
    # Busy times are answered in the request's timeZone (UTC by default).
    zone_name = body.get("timeZone") or "UTC"
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise legacy_error(400, "Invalid time zone definition.", "invalid") from None

    def shown(moment: datetime) -> str:
        return moment.astimezone(zone).isoformat(timespec="seconds").replace("+00:00", "Z")

    items = body.get("items") or []
    if len(items) > 50:
        raise legacy_error(400, "Too many calendars requested.", "tooManyCalendarsRequested")
    result: dict[str, Any] = {}
    for item in items:
        calendar_id = item.get("id", "")
        cal = state.calendars.get(calendar_id)
        if cal is None:
            result[calendar_id] = {
                "errors": [{"domain": "global", "reason": "notFound"}],
                "busy": [],
            }
            continue
        spans = list(state.busy.get(calendar_id, []))
        for event in cal.events.values():
            if event.get("status") == "cancelled" or event.get("transparency") == "transparent":
                continue
            spans.append(
                (event_time(event["start"], which="start"), event_time(event["end"], which="end"))
            )
        clipped = sorted(
            (max(s, window_start), min(e, window_end))
            for s, e in spans
            if e > window_start and s < window_end
        )
        merged: list[list[datetime]] = []
        for s, e in clipped:
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        result[calendar_id] = {"busy": [{"start": shown(s), "end": shown(e)} for s, e in merged]}
    return Response(
        200,
        {
            "kind": "calendar#freeBusy",
            "timeMin": _format_utc(window_start).replace("Z", ".000Z"),
            "timeMax": _format_utc(window_end).replace("Z", ".000Z"),
            "calendars": result,
        },
    )


def calendar_resource(state: Any, calendar_id: str, *, entry: bool) -> Response:
    """calendars.get / calendarList.get for a calendar the fake knows (else 404)."""
    if calendar_id not in state.calendars:
        raise legacy_error(404, "Not Found", "notFound")
    body: dict[str, Any] = {
        "kind": "calendar#calendarListEntry" if entry else "calendar#calendar",
        "etag": _etag(state),
        "id": calendar_id,
        "summary": calendar_id,
        "timeZone": state.calendars[calendar_id].time_zone,
        "conferenceProperties": {"allowedConferenceSolutionTypes": ["hangoutsMeet"]},
    }
    if entry:
        body.update({"accessRole": "owner", "defaultReminders": [], "selected": True})
    return Response(200, body)


def dump(state: Any) -> dict[str, Any]:
    """Every calendar's events (cancelled ones included) for `GET /_fake/state`."""
    return {
        cid: {
            "events": list(cal.events.values()),
            "busy": [
                {"start": _format_utc(s), "end": _format_utc(e)} for s, e in state.busy.get(cid, [])
            ],
        }
        for cid, cal in state.calendars.items()
    }


def route(state: Any, req: Request) -> Route:
    """Map a `/calendar/v3/...` request to its Route."""
    rest = req.path[len("/calendar/v3/") :].strip("/")
    if rest.lower() == "freebusy" and req.method == "POST":
        return Route("calendar.freebusy.query", "calendar", None, lambda: free_busy(state, req))
    parts = rest.split("/")
    if req.method == "GET" and len(parts) == 2 and parts[0] == "calendars":
        calendar_id = unquote(parts[1])
        return Route(
            "calendar.calendars.get",
            "calendar",
            calendar_id,
            lambda: calendar_resource(state, calendar_id, entry=False),
        )
    if req.method == "GET" and parts[:3] == ["users", "me", "calendarList"] and len(parts) == 4:
        calendar_id = unquote(parts[3])
        return Route(
            "calendar.calendarList.get",
            "calendar",
            calendar_id,
            lambda: calendar_resource(state, calendar_id, entry=True),
        )
    if len(parts) >= 3 and parts[0] == "calendars" and parts[2] == "events":
        calendar_id = unquote(parts[1])
        if len(parts) == 3:
            if req.method == "POST":
                return Route(
                    "calendar.events.insert",
                    "calendar",
                    calendar_id,
                    lambda: insert(state, calendar_id, req),
                )
            if req.method == "GET":
                return Route(
                    "calendar.events.list",
                    "calendar",
                    calendar_id,
                    lambda: list_events(state, calendar_id, req),
                )
        if len(parts) == 4:
            event_id = unquote(parts[3])
            if req.method == "GET":
                return Route(
                    "calendar.events.get",
                    "calendar",
                    calendar_id,
                    lambda: get(state, calendar_id, event_id, req),
                )
            if req.method == "PATCH":
                return Route(
                    "calendar.events.patch",
                    "calendar",
                    calendar_id,
                    lambda: patch(state, calendar_id, event_id, req, replace=False),
                )
            if req.method == "PUT":
                return Route(
                    "calendar.events.update",
                    "calendar",
                    calendar_id,
                    lambda: patch(state, calendar_id, event_id, req, replace=True),
                )
            if req.method == "DELETE":
                return Route(
                    "calendar.events.delete",
                    "calendar",
                    calendar_id,
                    lambda: delete(state, calendar_id, event_id, req),
                )
    raise legacy_error(404, "Not Found", "notFound")
