"""Run the fake standalone: `python -m tests.fake_google [--port N] [--seed state.json]`.

Prints its base URL on one line, then serves until killed. Point the CLI at it with
`MENTORSHIP_GOOGLE_API_ROOT=<url> mentorship sync`. Control endpoints:
`GET /_fake/state`, `GET /_fake/calls`, `GET|POST /_fake/faults`, `POST /_fake/reset`,
`POST /_fake/seed`.

The seed file: `{"spreadsheets": {"<id>": {"title": "...", "sheets": {"<title>": [[...], ...]}}},
"busy": {"<calendar id>": [{"start": "<RFC 3339>", "end": "<RFC 3339>"}]}}`.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path

from .server import FakeGoogle


def main(argv: list[str] | None = None) -> int:
    """Start the server, print its URL, wait for SIGINT/SIGTERM."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.fake_google", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default: any free port)")
    parser.add_argument(
        "--seed", type=Path, help="JSON file of spreadsheets/busy blocks to start with"
    )
    args = parser.parse_args(argv)

    fake = FakeGoogle(args.host, args.port)
    if args.seed:
        fake.seed(json.loads(args.seed.read_text(encoding="utf-8")))
    fake.start()
    print(fake.base_url, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
