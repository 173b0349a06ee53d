"""The few GitHub REST calls the issue-form job makes, over the standard library's urllib.

The token is the workflow's own `GITHUB_TOKEN`; the base address comes from `GITHUB_API_URL`
(set on every runner), which is also how the tests point it at a loopback fake.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from ..errors import AccessError


class GitHub:
    """A repository on GitHub's REST API."""

    def __init__(self, api_url: str, token: str, repo: str):
        self.api_url = api_url.rstrip("/")
        self.token = token
        self.repo = repo

    def call(self, method: str, path: str, body: Any = None, ok404: bool = False) -> Any:
        """One request; the decoded JSON answer (None for a 404 when `ok404`)."""
        url = f"{self.api_url}/repos/{self.repo}{path}"
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Accept", "application/vnd.github+json")
        request.add_header("Authorization", f"Bearer {self.token}")
        request.add_header("X-GitHub-Api-Version", "2022-11-28")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            if exc.code == 404 and ok404:
                return None
            raise AccessError(
                f"GitHub answered {exc.code} to {method} {path.split('?')[0]}; check the "
                "workflow's permissions (contents, pull-requests, issues, statuses: write)"
            ) from None
        except urllib.error.URLError as exc:
            raise AccessError(f"Cannot reach GitHub's API: {exc.reason}") from None
        return json.loads(raw) if raw else None

    # --- What the job needs -----------------------------------------------------------------

    def recent_issues_by(self, login: str, label: str, since: str) -> list[dict[str, Any]]:
        """Issues (any state) with `label` opened by `login`, updated since `since` (ISO)."""
        query = urllib.parse.urlencode(
            {"creator": login, "labels": label, "state": "all", "since": since, "per_page": 100}
        )
        return list(self.call("GET", f"/issues?{query}") or [])

    def branch_sha(self, branch: str) -> str | None:
        """The commit a branch points at, or None when there is no such branch."""
        ref = self.call("GET", f"/git/ref/heads/{urllib.parse.quote(branch)}", ok404=True)
        return None if ref is None else str(ref["object"]["sha"])

    def point_branch(self, branch: str, sha: str) -> None:
        """Create `branch` at `sha`, or move it there."""
        if self.branch_sha(branch) is None:
            self.call("POST", "/git/refs", {"ref": f"refs/heads/{branch}", "sha": sha})
        else:
            self.call(
                "PATCH",
                f"/git/refs/heads/{urllib.parse.quote(branch)}",
                {"sha": sha, "force": True},
            )

    def put_file(self, branch: str, path: str, text: str, message: str) -> str:
        """Commit `text` as `path` on `branch`; returns the new commit's sha."""
        quoted = urllib.parse.quote(path)
        current = self.call(
            "GET", f"/contents/{quoted}?ref={urllib.parse.quote(branch)}", ok404=True
        )
        body: dict[str, Any] = {
            "message": message,
            "content": base64.b64encode(text.encode("utf-8")).decode("ascii"),
            "branch": branch,
        }
        if current is not None:
            body["sha"] = current["sha"]
        return str(self.call("PUT", f"/contents/{quoted}", body)["commit"]["sha"])

    def open_pull(self, branch: str, base: str, title: str, body: str) -> dict[str, Any]:
        """The open pull request from `branch`, created when there is none."""
        owner = self.repo.split("/")[0]
        query = urllib.parse.urlencode({"head": f"{owner}:{branch}", "state": "open"})
        found = self.call("GET", f"/pulls?{query}") or []
        if found:
            return dict(found[0])
        return dict(
            self.call(
                "POST", "/pulls", {"title": title, "head": branch, "base": base, "body": body}
            )
        )

    def set_status(self, sha: str, state: str, description: str, url: str) -> None:
        """A commit status named "mentor profile" (what branch protection can require)."""
        self.call(
            "POST",
            f"/statuses/{sha}",
            {
                "state": state,
                "context": "mentor profile",
                "description": description[:140],
                "target_url": url,
            },
        )

    def comment(self, issue: int, body: str) -> None:
        """Answer on the issue."""
        self.call("POST", f"/issues/{issue}/comments", {"body": body})
