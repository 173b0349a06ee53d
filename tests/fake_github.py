"""A loopback stand-in for the few GitHub REST endpoints the issue-form job calls.

It keeps branches, files per branch, pull requests, statuses and comments in memory, answering
with the same JSON shapes as GitHub (only the fields the toolkit reads), so the real urllib
client in `mentorship.issue_forms.github` runs against it unmodified but for the base URL.
"""

from __future__ import annotations

import base64
import http.server
import json
import re
import threading
import urllib.parse
from typing import Any


class FakeGitHub:
    """Start with `with FakeGitHub("org/repo") as gh:`; point GITHUB_API_URL at `gh.url`."""

    def __init__(self, repo: str, main_sha: str = "a" * 40):
        self.repo = repo
        self.refs: dict[str, str] = {"main": main_sha}
        self.files: dict[tuple[str, str], str] = {}
        self.pulls: list[dict[str, Any]] = []
        self.statuses: list[dict[str, Any]] = []
        self.comments: list[tuple[int, str]] = []
        self.issues: list[dict[str, Any]] = []
        self.requests: list[tuple[str, str]] = []
        self.tokens: set[str] = set()
        self._commits = 0

    def __enter__(self) -> FakeGitHub:
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                fake.tokens.add(self.headers.get("Authorization", ""))
                status, payload = fake.handle(self.command, self.path, body)
                data = b"" if payload is None else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_PATCH = _answer

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def handle(self, method: str, raw_path: str, body: Any) -> tuple[int, Any]:
        parsed = urllib.parse.urlsplit(raw_path)
        query = dict(urllib.parse.parse_qsl(parsed.query))
        prefix = f"/repos/{self.repo}"
        if not parsed.path.startswith(prefix):
            return 404, {"message": "Not Found"}
        path = urllib.parse.unquote(parsed.path[len(prefix) :])
        self.requests.append((method, path))
        if method == "GET" and path == "/issues":
            mine = [
                i
                for i in self.issues
                if i["user"]["login"] == query.get("creator")
                and query.get("labels") in [x["name"] for x in i["labels"]]
            ]
            return 200, mine
        if m := re.fullmatch(r"/git/ref/heads/(.+)", path):
            sha = self.refs.get(m.group(1))
            return (
                (404, {"message": "Not Found"}) if sha is None else (200, {"object": {"sha": sha}})
            )
        if method == "POST" and path == "/git/refs":
            self.refs[body["ref"].removeprefix("refs/heads/")] = body["sha"]
            return 201, {}
        if method == "PATCH" and (m := re.fullmatch(r"/git/refs/heads/(.+)", path)):
            self.refs[m.group(1)] = body["sha"]
            return 200, {}
        if m := re.fullmatch(r"/contents/(.+)", path):
            name = m.group(1)
            if method == "GET":
                text = self.files.get((query.get("ref", "main"), name))
                return (404, {}) if text is None else (200, {"sha": f"blob-{name}"})
            branch = body["branch"]
            self.files[(branch, name)] = base64.b64decode(body["content"]).decode()
            self._commits += 1
            sha = f"{self._commits:040x}"
            self.refs[branch] = sha
            return 200, {"commit": {"sha": sha}}
        if path == "/pulls" and method == "GET":
            head = query.get("head", "").split(":", 1)[-1]
            return 200, [p for p in self.pulls if p["head"] == head]
        if path == "/pulls" and method == "POST":
            number = 100 + len(self.pulls)
            pull = {
                **body,
                "number": number,
                "html_url": f"https://github.com/{self.repo}/pull/{number}",
            }
            self.pulls.append(pull)
            return 201, pull
        if method == "POST" and (m := re.fullmatch(r"/statuses/(\w+)", path)):
            self.statuses.append({"sha": m.group(1), **body})
            return 201, {}
        if method == "POST" and (m := re.fullmatch(r"/issues/(\d+)/comments", path)):
            self.comments.append((int(m.group(1)), body["body"]))
            return 201, {}
        return 404, {"message": "Not Found"}
