"""An `issues` event from a profile form -> a profile file, checked, and a pull request.

Two steps, so the workflow can build the site between them:

- `prepare` reads the event payload (JSON, as GitHub wrote it), checks who may do what, writes
  `mentors/<slug>.yml` into the checkout and validates it. It returns a `Plan` (saved as JSON):
  the file's text, the problems in words, the comment to post when there are problems.
- `publish` applies the per-user rate limit, then either comments the problems, or commits the
  file to the branch `profile/issue-<n>`, opens (or updates) the pull request, sets the commit
  status "mentor profile" (a pull request opened with the workflow's own token starts no other
  workflow, so the checks' result is posted here, by the job that ran them) and comments with
  the links.

Identity: GitHub itself writes `issue.user.login` into the payload, so it cannot be forged by
the form's text. A new profile records it as `github:`; an update is accepted only when the
issue's author is that login (case-insensitive). A profile without `github:` (made by a pull
request by hand) can only be changed by a pull request, or after staff add the line.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import printable
from ..profiles.load import load_profiles, profile_paths
from ..profiles.models import Profile
from ..profiles.template import SCHEMA_LINE
from .answers import read_answers
from .templates import LABELS, NEW_LABEL, UPDATE_LABEL

MAX_ISSUES_PER_DAY = 3
BRANCH_PREFIX = "profile/issue-"
FIELD_ORDER = tuple(Profile.model_fields)


@dataclass
class Plan:
    """What `prepare` decided, handed to `publish` (and shown by the tests)."""

    action: str = "skip"  # "skip", "comment" (problems or refusal) or "propose"
    issue: int = 0
    author: str = ""
    kind: str = ""
    slug: str = ""
    path: str = ""
    text: str = ""
    problems: list[str] = field(default_factory=list)
    comment: str = ""
    base: str = "main"

    def save(self, path: Path) -> None:
        """Write the plan as JSON for the next step."""
        path.write_text(json.dumps(dataclasses.asdict(self), indent=2), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Plan:
        """Read a plan written by `save`."""
        return cls(**json.loads(path.read_text(encoding="utf-8")))


def prepare(event: dict[str, Any], root: Path, mentors_dir: str, today: dt.date) -> Plan:
    """Decide what to do with the event; write and validate the profile when there is one."""
    issue = event.get("issue") or {}
    labels = {str(label.get("name", "")) for label in issue.get("labels") or []}
    kind = "update" if UPDATE_LABEL in labels else "new" if NEW_LABEL in labels else ""
    user = issue.get("user") or {}
    plan = Plan(
        issue=int(issue.get("number") or 0),
        author=str(user.get("login") or ""),
        kind=kind,
        base=str((event.get("repository") or {}).get("default_branch") or "main"),
    )
    if event.get("action") not in ("opened", "edited") or not kind or not plan.author:
        return plan  # not a profile form, or nothing to do
    if user.get("type") == "Bot":
        return plan
    answers = read_answers(str(issue.get("body") or ""), today)
    problems = list(answers.problems)
    if not answers.privacy_ticked:
        problems.append(f"{LABELS['privacy']}: tick the box to confirm no email is in the issue")
    plan.slug = answers.slug
    folder = root / mentors_dir
    target = folder / f"{answers.slug}.yml"
    existing = _existing(target) if answers.slug else None
    if not answers.slug:
        problems.append(f"{LABELS['slug']}: write your page's address, like ana-lima")
    elif existing is not None and kind == "new" and not _owner(existing, plan.author):
        problems.append(
            f"{LABELS['slug']}: {answers.slug} is taken by another mentor; choose another "
            "address, like your name with your graduation year"
        )
    elif existing is None and kind == "update":
        problems.append(
            f"{LABELS['slug']}: there is no profile {mentors_dir}/{answers.slug}.yml; check the "
            'address, or use the "Become a mentor" form'
        )
    elif existing is not None and kind == "update" and not _owner(existing, plan.author):
        return _refuse(
            plan,
            f"Only the GitHub account recorded in {mentors_dir}/{answers.slug}.yml (its `github:` "
            "line) can update that profile through this form. If it is yours, ask the alumni "
            "office to add your login, or change the file in a pull request.",
        )
    if problems:
        return _problems(plan, problems)
    data = dict(existing or {})
    data.update(answers.data)
    data.setdefault("github", plan.author)
    data.pop("email", None)
    plan.path = f"{mentors_dir}/{answers.slug}.yml"
    plan.text = profile_yaml(data)
    folder.mkdir(parents=True, exist_ok=True)
    target.write_text(plan.text, encoding="utf-8")
    found = load_profiles(folder, profile_paths(folder), today=today)
    mine = [p for p in found.problems if p.path == plan.path]
    if mine:
        return _problems(plan, [p.message for p in mine])
    plan.action = "propose"
    return plan


def _existing(path: Path) -> dict[str, Any] | None:
    if not path.is_file() or path.is_symlink():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _owner(profile: dict[str, Any], login: str) -> bool:
    recorded = str(profile.get("github") or "")
    return bool(recorded) and recorded.casefold() == login.casefold()


def _refuse(plan: Plan, why: str) -> Plan:
    plan.action = "comment"
    plan.comment = f"@{plan.author} {why}"
    return plan


def _problems(plan: Plan, problems: list[str]) -> Plan:
    plan.action = "comment"
    plan.problems = [printable(p) for p in problems]
    # In a code block: the problems quote the issue's text, which must not become Markdown
    # (links, images, @mentions) in a comment the repository posts.
    listing = "\n".join(f"- {p}" for p in plan.problems).replace("```", "'''")
    plan.comment = (
        f"@{plan.author} Thank you! Your profile needs a few changes before it can be "
        "proposed. Edit this issue (the ··· menu > Edit) and fix these; the check runs again "
        f"when you save:\n\n```text\n{listing}\n```"
    )
    return plan


class _Dumper(yaml.SafeDumper):
    pass


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # Several lines (the bio) as a `|` block, as a person would write them.
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def profile_yaml(data: dict[str, Any]) -> str:
    """The profile file's text: the schema line, then the fields in the model's order."""
    ordered = {k: data[k] for k in FIELD_ORDER if k in data and data[k] not in (None, "", [])}
    ordered.update({k: v for k, v in data.items() if k not in ordered and k in FIELD_ORDER})
    body = yaml.dump(ordered, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return f"{SCHEMA_LINE}\n{body}"


def pull_request_body(plan: Plan, contact_form_url: str) -> str:
    """The pull request's description: what it is, and how the mentor gives their email."""
    how = (
        f"fill in the private [Mentor contact form]({contact_form_url}) with your page's "
        f"address `{plan.slug}`"
        if contact_form_url
        else "reply to the alumni office's email, or write to the office"
    )
    return (
        f"Closes #{plan.issue}\n\n"
        f"This pull request was opened from issue #{plan.issue} by @{plan.author}: it adds or "
        f'updates `{plan.path}`. The check "mentor profile" shows whether it is valid; staff '
        "review and merge it, and the page goes live minutes later.\n\n"
        "**Your email address does not go here**: the repository is public. To receive "
        f"calendar invites, {how}. Only the alumni office sees it."
    )


@dataclass
class Published:
    """What `publish` did, for the log (counts and numbers only)."""

    outcome: str
    pull: int = 0


def publish(
    plan: Plan,
    github: Any,
    *,
    now: dt.datetime,
    run_url: str,
    build_ok: bool,
    contact_form_url: str,
) -> Published:
    """Rate-limit, then comment the problems or propose the profile (see the module docstring)."""
    if plan.action == "skip":
        return Published("skipped")
    since = (now - dt.timedelta(days=1)).astimezone(dt.UTC)
    label = UPDATE_LABEL if plan.kind == "update" else NEW_LABEL
    recent = [
        i
        for i in github.recent_issues_by(plan.author, label, since.strftime("%Y-%m-%dT%H:%M:%SZ"))
        if str(i.get("created_at", "")) >= since.strftime("%Y-%m-%dT%H:%M:%SZ")
    ]
    if len(recent) > MAX_ISSUES_PER_DAY:
        github.comment(
            plan.issue,
            f"@{plan.author} This account opened {len(recent)} profile issues in the last 24 "
            f"hours; at most {MAX_ISSUES_PER_DAY} are handled a day. Please try again tomorrow, "
            "or ask the alumni office.",
        )
        return Published("rate-limited")
    if plan.action == "comment":
        github.comment(plan.issue, plan.comment)
        return Published("commented")
    branch = f"{BRANCH_PREFIX}{plan.issue}"
    base_sha = github.branch_sha(plan.base)
    github.point_branch(branch, base_sha)
    verb = "Update" if plan.kind == "update" else "Add"
    sha = github.put_file(
        branch, plan.path, plan.text, f"{verb} mentor profile {plan.slug} (#{plan.issue})"
    )
    pull = github.open_pull(
        branch,
        plan.base,
        f"{verb} mentor profile: {plan.slug}",
        pull_request_body(plan, contact_form_url),
    )
    state = "success" if build_ok else "failure"
    github.set_status(
        sha,
        state,
        "Profile valid; site builds" if build_ok else "The site did not build; see the run",
        run_url,
    )
    preview = f"{run_url}#artifacts" if build_ok else run_url
    github.comment(
        plan.issue,
        f"@{plan.author} Your profile is valid. Pull request: {pull.get('html_url', '')} "
        f"(staff review and merge it). Page preview: the `site-preview` download at {preview} "
        "(unzip it and open `mentors/" + plan.slug + "/index.html`).\n\n"
        "Your email is **not** in the pull request: the pull request's description says how to "
        "give it privately.",
    )
    return Published("proposed", int(pull.get("number") or 0))
