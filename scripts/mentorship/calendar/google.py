"""The Google Calendar backend: google-api-python-client, batched, retried, exactly once.

Every list of calls goes out as one BatchHttpRequest (at most `BATCH_SIZE` sub-requests, sent to
the explicit Calendar batch endpoint). Sub-requests that fail transiently (408, 429, 5xx, a
rate-limit 403: `google_transport`'s one policy) are retried in a new batch after that policy's
backoff; everything else is final.

Exactly once: an event's id comes from its match id, so inserting it again answers 409
`duplicate` instead of creating a second event and mailing both people again. A 409 counts as
success; the event is then read back (`events.get`) to learn the start it really has. This also
covers Google storing the event and then failing the response: the retry sees the 409.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from typing import Any

import httplib2
from googleapiclient.errors import HttpError
from googleapiclient.http import BatchHttpRequest

from .. import google_api
from ..config import CalendarConfig
from ..errors import AccessError
from ..google_transport import GoogleError, RetryPolicy
from ..scheduling import zone
from . import BATCH_SIZE, Event, Interval, Outcome
from .invite import Invite

log = logging.getLogger(__name__)

_Result = tuple[Any, HttpError | None]


def event_body(invite: Invite) -> dict[str, Any]:
    """The Calendar v3 event resource for an invite (with a Meet link request)."""
    tz = zone(invite.timezone)
    attendees = []
    for person in invite.attendees:
        entry: dict[str, Any] = {"email": person.email}
        if person.name:
            entry["displayName"] = person.name
        if person.optional:
            entry["optional"] = True
        attendees.append(entry)
    return {
        "id": invite.event_id,
        "summary": invite.summary,
        "description": invite.description,
        "start": {"dateTime": invite.start.astimezone(tz).isoformat(), "timeZone": invite.timezone},
        "end": {"dateTime": invite.end.astimezone(tz).isoformat(), "timeZone": invite.timezone},
        "attendees": attendees,
        "guestsCanModify": False,
        "reminders": {
            "useDefault": False,
            "overrides": [{"method": m, "minutes": n} for m, n in invite.reminders],
        },
        "conferenceData": {
            "createRequest": {
                "requestId": invite.match_id,
                "conferenceSolutionKey": {"type": "hangoutsMeet"},
            }
        },
        "extendedProperties": {"private": {"match_id": invite.match_id}},
    }


def _error(exc: HttpError) -> GoogleError:
    """The transport's reading of an HttpError (always an answer, so never None)."""
    error = GoogleError.from_exception(exc)
    assert error is not None
    return error


def _parse_time(value: dict[str, Any]) -> dt.datetime:
    if "dateTime" in value:
        moment = dt.datetime.fromisoformat(value["dateTime"])
        if moment.tzinfo is None and value.get("timeZone"):
            moment = moment.replace(tzinfo=zone(value["timeZone"]))
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return dt.datetime.fromisoformat(value["date"]).replace(tzinfo=dt.UTC)


def _event(resource: dict[str, Any]) -> Event:
    declined = tuple(
        str(a.get("email", "")).strip().lower()
        for a in resource.get("attendees") or []
        if isinstance(a, dict) and a.get("responseStatus") == "declined" and not a.get("optional")
    )
    return Event(
        resource["id"],
        _parse_time(resource.get("start") or {}),
        cancelled=resource.get("status") == "cancelled",
        link=resource.get("hangoutLink") or resource.get("htmlLink") or "",
        declined=declined,
    )


class GoogleCalendar:
    """Events on one Google calendar, through a Calendar v3 `service` (googleapiclient)."""

    def __init__(
        self,
        service: Any,
        calendar_id: str,
        *,
        batch_uri: str,
        service_account: str = "",
        http: Any = None,
        retry: RetryPolicy | None = None,
    ):
        self.service = service
        self.calendar_id = calendar_id
        self.batch_uri = batch_uri
        self.service_account = service_account
        # The transport for batches (default: the service's own, with its credentials).
        self.http = http
        self.retry = retry or RetryPolicy()
        # Keys of the last `_run` whose earlier try may have taken effect (5xx, no answer).
        self.retried: set[str] = set()
        self.description = f"Google Calendar {calendar_id}"

    # -- the Calendar interface -------------------------------------------------------------

    def create(self, invites: Sequence[Invite]) -> list[Outcome]:
        """Insert the events (one batch), sending invitations; a 409 duplicate means 'exists'."""
        events = self.service.events()
        results = self._run(
            {
                invite.event_id: events.insert(
                    calendarId=self.calendar_id,
                    body=event_body(invite),
                    sendUpdates="all",
                    conferenceDataVersion=1,
                )
                for invite in invites
            }
        )
        # A 409 on a retry means our own earlier try was stored and only its answer was lost:
        # the invitations went out then, so this run did send it.
        ours = set(self.retried)
        outcomes: dict[str, Outcome] = {}
        duplicates = []
        for invite in invites:
            resource, exc = results[invite.event_id]
            if exc is None:
                outcomes[invite.event_id] = Outcome(invite.event_id, "created", _event(resource))
                continue
            if _error(exc).status == 409:
                duplicates.append(invite.event_id)
            else:
                outcomes[invite.event_id] = self._failure(invite.event_id, exc, "create the event")
        if duplicates:
            found = self.find(duplicates)
            for event_id in duplicates:
                event = found.get(event_id)
                outcomes[event_id] = (
                    Outcome(event_id, "created" if event_id in ours else "exists", event)
                    if event is not None
                    else Outcome(
                        event_id,
                        "error",
                        message=(
                            f"Google Calendar says event {event_id} exists but cannot read it "
                            f"from {self.calendar_id}; check that the program calendar is the "
                            "one the event was created on"
                        ),
                    )
                )
        return [outcomes[invite.event_id] for invite in invites]

    def find(self, event_ids: Sequence[str]) -> dict[str, Event]:
        """The events among `event_ids` that exist (events.get, batched)."""
        found: dict[str, Event] = {}
        events = self.service.events()
        for start in range(0, len(event_ids), BATCH_SIZE):
            chunk = event_ids[start : start + BATCH_SIZE]
            results = self._run(
                {i: events.get(calendarId=self.calendar_id, eventId=i) for i in chunk}
            )
            for event_id in chunk:
                resource, exc = results[event_id]
                if exc is None:
                    found[event_id] = _event(resource)
                elif _error(exc).status not in (404, 410):
                    outcome = self._failure(event_id, exc, "read the event")
                    log.warning("calendar: %s", outcome.message)
        return found

    def cancel(self, event_ids: Sequence[str]) -> list[Outcome]:
        """Mark the events cancelled, notifying attendees, unless they are cancelled already.

        Read first (one batch), then patch `status: cancelled` with sendUpdates=all (one batch):
        an event already cancelled, say by a run that died before noting it, is left alone, so
        nobody gets a second cancellation email. The event stays on the calendar as cancelled.
        """
        found = self.find(event_ids)
        todo = [i for i in event_ids if i in found and not found[i].cancelled]
        events = self.service.events()
        results = self._run(
            {
                event_id: events.patch(
                    calendarId=self.calendar_id,
                    eventId=event_id,
                    body={"status": "cancelled"},
                    sendUpdates="all",
                )
                for event_id in todo
            }
        )
        outcomes = []
        for event_id in event_ids:
            if event_id not in found:
                outcomes.append(Outcome(event_id, "missing", message="no such event"))
            elif event_id not in results:
                outcomes.append(Outcome(event_id, "already_cancelled", found[event_id]))
            elif results[event_id][1] is None:
                outcomes.append(Outcome(event_id, "cancelled", _event(results[event_id][0])))
            else:
                outcomes.append(self._failure(event_id, results[event_id][1], "cancel the event"))
        return outcomes

    def freebusy(
        self, emails: Sequence[str], start: dt.datetime, end: dt.datetime
    ) -> dict[str, list[Interval]]:
        """Busy times of the calendars the program's account may see (freeBusy, batched)."""
        queries = {}
        freebusy = self.service.freebusy()
        # One query asks for up to 50 calendars; one batch carries up to 50 queries.
        for n, i in enumerate(range(0, len(emails), 50)):
            body = {
                "timeMin": start.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
                "timeMax": end.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
                "items": [{"id": email} for email in emails[i : i + 50]],
            }
            queries[f"fb{n}"] = freebusy.query(body=body)
        busy: dict[str, list[Interval]] = {}
        keys = list(queries)
        for i in range(0, len(keys), BATCH_SIZE):
            results = self._run({k: queries[k] for k in keys[i : i + BATCH_SIZE]})
            for response, exc in results.values():
                if exc is not None:
                    # Not seeing someone's calendar only means we cannot avoid their meetings.
                    log.warning(
                        "calendar: freeBusy failed (%s); busy times ignored", _error(exc).status
                    )
                    continue
                for email, info in (response.get("calendars") or {}).items():
                    if info.get("errors"):
                        continue
                    busy[email.lower()] = [
                        (_parse_time({"dateTime": b["start"]}), _parse_time({"dateTime": b["end"]}))
                        for b in info.get("busy") or []
                    ]
        return busy

    # -- batches and errors -----------------------------------------------------------------

    def _failure(self, event_id: str, exc: HttpError, doing: str) -> Outcome:
        """A per-event error, or raise AccessError when the whole calendar is refused."""
        error = _error(exc)
        status = error.status or 0
        if status in (401, 403, 404) and not error.transient:
            if status == 404 and doing != "create the event":
                return Outcome(event_id, "missing", message="no such event")
            raise google_api.describe_http_error(
                status,
                exc.content,
                service_account_email=self.service_account,
                service="calendar",
            )
        if error.transient:
            text = (
                f"Google Calendar kept failing ({status}) after {self.retry.attempts} tries; "
                "the next run tries again"
            )
        else:
            reasons = ", ".join(sorted(error.reasons))
            text = f"Google Calendar could not {doing} ({status} {reasons}): {error.message}"
        return Outcome(event_id, "error", message=text)

    def _run(self, requests: dict[str, Any]) -> dict[str, _Result]:
        """Send requests in one batch, retrying the transient failures; a result for each key."""
        results: dict[str, _Result] = {}
        self.retried = set()
        if not requests:
            return results
        pending = dict(requests)
        for attempt in range(1, self.retry.attempts + 1):
            retry_after: float | None = None
            got: dict[str, _Result] = {}
            batch = BatchHttpRequest(callback=_collect_into(got), batch_uri=self.batch_uri)
            # Short part ids: long ones get folded in the Content-ID header and come back
            # unreadable to googleapiclient.
            keys = list(pending)
            for n, key in enumerate(keys):
                batch.add(pending[key], request_id=str(n))
            last = attempt == self.retry.attempts
            try:
                batch.execute(http=self.http)
            except HttpError as exc:
                # The whole batch failed (e.g. 503 from the batch endpoint itself).
                error = _error(exc)
                status = error.status or 0
                retry_after = error.retry_after
                if last or not error.transient:
                    if status in (401, 403, 404) or last:
                        raise google_api.describe_http_error(
                            status,
                            exc.content,
                            service_account_email=self.service_account,
                            service="calendar",
                        ) from None
                    raise AccessError(f"Google Calendar refused the batch ({status}).") from None
            except (TimeoutError, httplib2.HttpLib2Error, OSError) as exc:
                if last:
                    raise AccessError(
                        f"Could not reach Google Calendar ({exc.__class__.__name__}: {exc}). "
                        "Check the network and run again; nothing is sent twice."
                    ) from None
            got = {keys[int(n)]: result for n, result in got.items()}
            retry = {}
            for key, request in pending.items():
                if key not in got:
                    retry[key] = request
                    self.retried.add(key)  # no answer: it may have taken effect
                    continue
                response, failure = got[key]
                if failure is not None and not last:
                    error = _error(failure)
                    if error.transient:
                        retry[key] = request
                        retry_after = max(retry_after or 0.0, error.retry_after or 0.0) or None
                        if (error.status or 0) >= 500:
                            self.retried.add(key)  # a server error may follow the write
                        continue
                results[key] = (response, failure)
            if not retry:
                break
            pending = retry
            if last:
                break
            delay = self.retry.wait(attempt - 1, retry_after)
            log.info("calendar: retried %d request(s) after %.2f s", len(pending), delay)
        unanswered = set(requests) - set(results)
        if unanswered:
            raise AccessError(
                f"Google Calendar did not answer {len(unanswered)} request(s) of a batch; run "
                "again (nothing is sent twice)."
            )
        return results


def _collect_into(got: dict[str, _Result]) -> Callable[[str, Any, HttpError | None], None]:
    def callback(request_id: str, response: Any, exception: HttpError | None) -> None:
        got[request_id] = (response, exception)

    return callback


def open_google_calendar(calendar: CalendarConfig) -> GoogleCalendar:
    """The program's Google calendar, with Application Default Credentials (and `delegate`)."""
    creds = google_api.credentials(google_api.CALENDAR_SCOPES, delegate=calendar.delegate.strip())
    root = google_api.api_root()
    return GoogleCalendar(
        google_api.calendar_service(creds),
        calendar.calendar_id.strip() or "primary",
        batch_uri=google_api.calendar_batch_uri(),
        service_account=google_api.service_account_email(creds),
        # The loopback fake has no quota to be gentle with.
        retry=RetryPolicy(base=0.01 if root else 1.0),
    )
