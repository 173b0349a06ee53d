"""The loopback server: state, routing, fault injection, call counting, control endpoints."""

from __future__ import annotations

import json
import random
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from . import drive, sheets
from .cells import store
from .errors import GoogleError, fault_error, sheets_error
from .faults import FAIL, STORE_THEN_FAIL, Faults
from .request import Request, Response, Route
from .sheets import Sheet, Spreadsheet, new_spreadsheet_id

#: Signature of `FakeGoogle.on_call`: (call key, request) -> None to proceed, or an HTTP
#: status to answer that call with (without applying it). It may also raise, e.g. to stop
#: a test at the k-th call.
OnCall = Callable[[str, Request], int | None]


class State:
    """Everything the fake stores: spreadsheets, other Drive files, calendars."""

    def __init__(self, seed: int | None = None) -> None:
        self.rng = random.Random(seed)
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.files: dict[str, dict[str, Any]] = {}
        # Calendar state lives here too (see calendar.py); created lazily.
        self.calendars: dict[str, Any] = {}
        self.busy: dict[str, list[tuple[Any, Any]]] = {}
        self.forbid_service_account_invites = False
        #: One entry per event change that Google would have mailed attendees about.
        self.notifications: list[dict[str, Any]] = []
        self.etag_counter = 0
        #: Emails Gmail accepted (users.messages.send), in order; see gmail.py.
        self.mail: list[dict[str, Any]] = []

    def new_event_id(self) -> str:
        """An id like the ones Google picks when the client sends none (base32hex)."""
        return "".join(self.rng.choice("abcdefghijklmnopqrstuv0123456789") for _ in range(26))

    def new_file_id(self) -> str:
        """A fresh Drive-shaped id."""
        while True:
            file_id = new_spreadsheet_id(self.rng)
            if file_id not in self.spreadsheets and file_id not in self.files:
                return file_id

    def new_spreadsheet(
        self,
        title: str,
        sheets: Mapping[str, Iterable[Iterable[Any]]] | None = None,
        *,
        spreadsheet_id: str | None = None,
    ) -> Spreadsheet:
        """A spreadsheet with the given sheets (title -> rows), or one empty "Sheet1"."""
        book = Spreadsheet(spreadsheet_id or self.new_file_id(), title, [])
        for index, (sheet_title, rows) in enumerate((sheets or {"Sheet1": []}).items()):
            sheet = Sheet(0 if index == 0 else self.rng.randrange(1, 2**31), sheet_title, index)
            # Seeded rows are stored like RAW writes: text stays text.
            block = [[sheets_store(v) for v in row] for row in rows]
            if block:
                sheet.grow(len(block), max((len(r) for r in block), default=0))
                sheet.rows = block
            book.sheets.append(sheet)
        self.spreadsheets[book.spreadsheet_id] = book
        return book

    def create_from_body(self, body: dict[str, Any]) -> dict[str, Any]:
        """spreadsheets.create (the Sheets API's own create, besides Drive's)."""
        title = (body.get("properties") or {}).get("title") or "Untitled spreadsheet"
        titles = [
            (s.get("properties") or {}).get("title") or f"Sheet{i + 1}"
            for i, s in enumerate(body.get("sheets") or [{}])
        ]
        book = self.new_spreadsheet(title, {t: [] for t in titles})
        return book.metadata()


def sheets_store(value: Any) -> Any:
    """How a seeded value is stored: like a RAW write (None and "" are empty)."""
    if type(value) is str:
        return value or None
    return None if value is None else store(value, "RAW")


def select_fields(body: dict[str, Any], fields: str, service: str) -> dict[str, Any]:
    """Apply a `fields` partial-response selector, or answer Google's 400."""
    from .errors import legacy_error
    from .fields import FieldsError, parse, select

    try:
        return select(body, parse(fields))
    except FieldsError:
        message = f"Invalid field selection {fields}"
        raise (
            sheets_error(400, message)
            if service == "sheets"
            else legacy_error(400, message, "invalidParameter")
        ) from None


class FakeGoogle:
    """The fake Google APIs on 127.0.0.1 (ephemeral port by default).

    Use as a context manager or call start()/stop(). Point clients at `base_url`.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, seed: int | None = None) -> None:
        self._host = host
        self._port = port
        self._seed = seed
        self._lock = threading.RLock()
        self.state = State(seed)
        self.faults = Faults()
        #: Calls per method key, e.g. "sheets.values.batchUpdate", "calendar.events.insert",
        #: "batch". Parts of a batch count as calls of their own.
        self.calls: Counter[str] = Counter()
        #: HTTP requests received by the API (control endpoints excluded).
        self.http_requests = 0
        #: Every call in order: (key, method, path) (for debugging and ordering assertions).
        self.log: list[tuple[str, str, str]] = []
        self.on_call: OnCall | None = None
        #: Exceptions raised inside the fake's handlers (bugs in the fake); should stay empty.
        self.internal_errors: list[Exception] = []
        self._refused: set[str | None] = set()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---------------------------------------------------------------------

    def start(self) -> FakeGoogle:
        """Start serving in a background thread."""
        fake = self

        class Handler(_Handler):
            pass

        Handler.fake = fake
        self._server = _Server((self._host, self._port), Handler)
        # A short poll interval keeps stop() (and so every test's teardown) quick.
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="fake-google",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeGoogle:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:<port>`: the API root replacing Google's hosts."""
        if self._server is None:
            raise RuntimeError("FakeGoogle is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # --- state access for tests -------------------------------------------------------

    def create_spreadsheet(
        self,
        title: str,
        sheets: Mapping[str, Iterable[Iterable[Any]]] | None = None,
        *,
        spreadsheet_id: str | None = None,
    ) -> str:
        """Create a spreadsheet directly (no API call) and return its id.

        `sheets` maps worksheet titles to rows; values are stored as a RAW write would.
        """
        with self._lock:
            return self.state.new_spreadsheet(
                title, sheets, spreadsheet_id=spreadsheet_id
            ).spreadsheet_id

    def spreadsheet(self, spreadsheet_id: str) -> Spreadsheet:
        """The stored spreadsheet (KeyError if absent)."""
        return self.state.spreadsheets[spreadsheet_id]

    def sheet(self, spreadsheet_id: str, title: str) -> Sheet:
        """The stored worksheet (KeyError if absent)."""
        sheet = self.spreadsheet(spreadsheet_id).sheet_by_title(title)
        if sheet is None:
            raise KeyError(title)
        return sheet

    def values(self, spreadsheet_id: str, title: str) -> list[list[str]]:
        """A worksheet's values as Google would format them, trailing empties trimmed."""
        with self._lock:
            return self.sheet(spreadsheet_id, title).values()

    def raw_cell(self, spreadsheet_id: str, title: str, a1: str) -> Any:
        """The stored cell (str, number, bool, cells.Formula or None), e.g. to check RAW writes."""
        from .a1 import parse_cells

        rng = parse_cells(title, a1)
        assert rng.start_row is not None and rng.start_col is not None
        with self._lock:
            return self.sheet(spreadsheet_id, title).get(rng.start_row, rng.start_col)

    def events(self, calendar_id: str, *, include_cancelled: bool = True) -> list[dict[str, Any]]:
        """A calendar's events in insertion order, as events.get would return them."""
        from . import calendar

        with self._lock:
            cal = self.state.calendars.get(calendar_id)
            if cal is None:
                return []
            return [
                calendar.render(self.state, calendar_id, e)
                for e in cal.events.values()
                if include_cancelled or e.get("status") != "cancelled"
            ]

    def add_calendar(self, calendar_id: str, time_zone: str = "UTC") -> None:
        """Make a calendar known (freeBusy answers notFound for calendars never seen).

        `time_zone` is the calendar's zone, in which Google formats event times it returns.
        """
        from . import calendar

        with self._lock:
            calendar.calendar(self.state, calendar_id).time_zone = time_zone

    def calendar_busy(self, calendar_id: str, start: str, end: str) -> None:
        """Seed a busy block (RFC 3339 times) that freeBusy reports for this calendar."""
        from . import calendar

        with self._lock:
            calendar.add_busy(self.state, calendar_id, start, end)

    def respond(self, calendar_id: str, event_id: str, email: str, status: str) -> None:
        """An attendee answers an invite ("accepted", "declined", "tentative"), as they would
        in their own calendar: the organiser's copy shows it as `responseStatus`; Google sends
        the organiser (not the attendees) a note, so no notification is recorded."""
        from . import calendar

        with self._lock:
            event = calendar.calendar(self.state, calendar_id).events[event_id]
            for attendee in event.get("attendees") or []:
                if str(attendee.get("email", "")).lower() == email.lower():
                    attendee["responseStatus"] = status
                    return
            raise KeyError(f"{email} is not invited to {event_id}")

    @property
    def mail(self) -> list[dict[str, Any]]:
        """Every email Gmail accepted: id, userId, to, subject, headers, raw bytes."""
        with self._lock:  # a call in progress finishes first
            return list(self.state.mail)

    @property
    def notifications(self) -> list[dict[str, Any]]:
        """Event changes Google would have notified attendees of: calendarId, eventId,
        action (insert/update/cancel), sendUpdates (all/externalOnly/none), attendees."""
        return self.state.notifications

    def refuse_access(self, resource: str | None = None) -> None:
        """Answer 403 to calls on this spreadsheet/calendar id (every call when None)."""
        with self._lock:
            self._refused.add(resource)

    def allow_access(self) -> None:
        """Undo every `refuse_access`."""
        with self._lock:
            self._refused.clear()

    def fail_after(self, calls: int, status: int = 503) -> None:
        """Kill switch: the first `calls` calls from now succeed, every later one fails."""
        self.faults.fail_after(calls, status)

    @property
    def forbid_service_account_invites(self) -> bool:
        """When True, inserting/patching events with attendees answers 403 forbiddenForServiceAccounts."""
        return self.state.forbid_service_account_invites

    @forbid_service_account_invites.setter
    def forbid_service_account_invites(self, value: bool) -> None:
        self.state.forbid_service_account_invites = value

    def reset(self) -> None:
        """Forget all state, counters, faults and refusals."""
        with self._lock:
            self.state = State(self._seed)
            self.faults.clear()
            self.calls.clear()
            self.http_requests = 0
            self.log.clear()
            self._refused.clear()
            self.internal_errors.clear()

    def dump(self) -> dict[str, Any]:
        """All state as JSON-ready data (for `GET /_fake/state`)."""
        from . import calendar

        with self._lock:
            return {
                "spreadsheets": {
                    sid: {
                        "title": book.title,
                        "sheets": {
                            s.title: {
                                "rowCount": s.row_count,
                                "columnCount": s.column_count,
                                "values": s.values(),
                            }
                            for s in book.sheets
                        },
                    }
                    for sid, book in self.state.spreadsheets.items()
                },
                "calendars": calendar.dump(self.state),
                "notifications": list(self.state.notifications),
                "mail": [{k: v for k, v in m.items() if k != "raw"} for m in self.state.mail],
            }

    def seed(self, data: Mapping[str, Any]) -> None:
        """Load `{"spreadsheets": {id: {"title", "sheets": {title: rows}}}, "busy": {...}}`."""
        from . import calendar

        with self._lock:
            for sid, spec in (data.get("spreadsheets") or {}).items():
                self.state.new_spreadsheet(
                    spec.get("title", sid), spec.get("sheets") or None, spreadsheet_id=sid
                )
            for calendar_id, blocks in (data.get("busy") or {}).items():
                for block in blocks:
                    calendar.add_busy(self.state, calendar_id, block["start"], block["end"])

    # --- request handling --------------------------------------------------------------

    def route(self, req: Request) -> Route:
        """Find the handler for a request (raises GoogleError 404 when unknown)."""
        from . import calendar

        path = req.path
        if path.startswith("/v4/spreadsheets"):
            return sheets.route(self.state, req)
        if path.startswith("/drive/v3/files"):
            return drive.route(self.state, req)
        if path.startswith("/calendar/v3/"):
            return calendar.route(self.state, req)
        if path.startswith("/gmail/v1/"):
            from . import gmail

            return gmail.route(self.state, req)
        if path.startswith("/batch"):
            from . import batch

            return Route("batch", "calendar", None, lambda: batch.execute(self, req))
        raise sheets_error(404, "Requested entity was not found.")

    def call(self, req: Request) -> Response:
        """Run one call (a plain request or one part of a batch) with faults applied."""
        with self._lock:
            try:
                route = self.route(req)
            except GoogleError as error:
                self.calls["unknown"] += 1
                return Response.error(error)
            self.calls[route.key] += 1
            self.log.append((route.key, req.method, req.path))
            decision = self.faults.decide(route.key)
            if self.on_call is not None:
                forced = self.on_call(route.key, req)
                if forced is not None:
                    return Response.error(fault_error(route.service, int(forced)))
            if None in self._refused or (
                route.resource is not None and route.resource in self._refused
            ):
                return Response.error(fault_error(route.service, 403))
            if decision is not None and decision.kind == FAIL:
                answer = Response.error(
                    fault_error(route.service, decision.status, decision.reason)
                )
                if decision.retry_after is not None:
                    answer.headers["Retry-After"] = str(decision.retry_after)
                return answer
            try:
                response = route.action()
                fields = req.param("fields")
                # Drive applies its own selector (it has a default set); the others share this.
                if fields and route.service != "drive" and isinstance(response.body, dict):
                    response.body = select_fields(response.body, fields, route.service)
            except GoogleError as error:
                return Response.error(error)
            except Exception as exc:
                # A bug in the fake, not a Google behaviour: answer 500 so the client does not
                # hang, and keep it for tests to assert on (`fake.internal_errors`).
                self.internal_errors.append(exc)
                return Response.error(sheets_error(500, f"Fake internal error: {exc!r}"))
            if decision is not None and decision.kind == STORE_THEN_FAIL:
                return Response.error(fault_error(route.service, decision.status, decision.reason))
            return response

    def handle(self, req: Request) -> Response:
        """One HTTP request to the API (control endpoints aside)."""
        with self._lock:
            self.http_requests += 1
        return self.call(req)

    def control(self, req: Request) -> Response:
        """The `/_fake/...` endpoints used by out-of-process tests and rehearsals."""
        name = req.path[len("/_fake/") :].strip("/")
        if name == "calls" and req.method == "GET":
            with self._lock:
                return Response(
                    200, {"calls": dict(self.calls), "http_requests": self.http_requests}
                )
        if name == "state" and req.method == "GET":
            return Response(200, self.dump())
        if name == "faults" and req.method == "GET":
            return Response(200, self.faults.to_json())
        if name == "faults" and req.method == "POST":
            spec = json.loads(req.body or b"{}")
            self.faults.configure(spec)
            refuse = spec.get("refuse_access")
            if refuse is True:
                self.refuse_access()
            elif isinstance(refuse, list):
                for resource in refuse:
                    self.refuse_access(resource)
            elif refuse is False:
                self.allow_access()
            if "forbid_service_account_invites" in spec:
                self.forbid_service_account_invites = bool(spec["forbid_service_account_invites"])
            return Response(200, self.faults.to_json())
        if name == "reset" and req.method == "POST":
            self.reset()
            return Response(200, {})
        if name == "seed" and req.method == "POST":
            self.seed(json.loads(req.body or b"{}"))
            return Response(200, {})
        return Response(404, {"error": {"code": 404, "message": f"No control endpoint {name!r}."}})


class _Server(ThreadingHTTPServer):
    """A threading HTTP server that stays quiet when a client vanishes mid-request
    (tests SIGKILL the CLI on purpose)."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore dropped connections; report anything else as usual."""
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    """Turns HTTP/1.1 requests into `Request`s and `Response`s back into bytes."""

    fake: FakeGoogle
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; without TCP_NODELAY each response waits
    # ~40 ms for the client's delayed ACK.
    disable_nagle_algorithm = True
    server_version = "ESF"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read `fake.calls`, not stderr."""

    def _dispatch(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        req = Request.from_target(self.command, self.path, dict(self.headers.items()), body)
        if req.path.startswith("/_fake/"):
            response = self.fake.control(req)
        else:
            response = self.fake.handle(req)
        self._send(response)

    def _send(self, response: Response) -> None:
        headers = dict(response.headers)
        if response.body is None:
            payload = b""
        elif isinstance(response.body, bytes):
            payload = response.body
        else:
            # Google pretty-prints; large bodies go compact (indenting them costs 30x more).
            text = json.dumps(response.body, ensure_ascii=False)
            if len(text) < 65536:
                text = json.dumps(response.body, indent=2, ensure_ascii=False)
            payload = text.encode() + b"\n"
            headers.setdefault("Content-Type", "application/json; charset=UTF-8")
        self.send_response(response.status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if payload and self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _dispatch
