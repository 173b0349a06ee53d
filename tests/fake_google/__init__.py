"""A loopback fake of the Google Sheets v4, Drive v3 and Calendar v3 APIs for tests.

    with FakeGoogle() as fake:
        sid = fake.create_spreadsheet("Intake", {"Form Responses 1": [["Timestamp", "Email"]]})
        client = tests.google_clients.gspread_client(fake)   # the real gspread, pointed here
        ...
        assert fake.calls["sheets.values.batchUpdate"] == 1

See server.FakeGoogle for state access, faults.Faults for fault injection, and
`python -m tests.fake_google --help` for the standalone server.
"""

from .cells import Formula
from .errors import GoogleError
from .faults import Faults
from .request import Request, Response
from .server import FakeGoogle

__all__ = ["FakeGoogle", "Faults", "Formula", "GoogleError", "Request", "Response"]
