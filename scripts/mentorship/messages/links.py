"""The links messages carry: pages of the published site, the form, "Edit this profile"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..calendar.invite import MENTOR_CHECKLIST, PREPARING_GUIDE
from ..config import Config
from .render import Trusted


@dataclass(frozen=True)
class Links:
    """Base addresses from config: the site, the form, and where profiles are edited."""

    site_url: str = ""
    form_url: str = ""
    repo_url: str = ""
    branch: str = "main"
    mentors_dir: str = "mentors"

    def site(self, path: str = "") -> Trusted:
        """An address on the published site ('' when site_url is not set)."""
        if not self.site_url.strip():
            return Trusted("")
        return Trusted(self.site_url.strip().rstrip("/") + "/" + path.lstrip("/"))

    def mentor_page(self, slug: str) -> Trusted:
        """The mentor's page in the directory."""
        return self.site(f"mentors/{slug}/")

    def edit_profile(self, slug: str) -> Trusted:
        """'Edit this profile' on GitHub, or the mentor's page (which has the button)."""
        if self.repo_url.strip():
            base = self.repo_url.strip().rstrip("/")
            return Trusted(f"{base}/edit/{self.branch}/{self.mentors_dir.strip('/')}/{slug}.yml")
        return self.mentor_page(slug)

    @property
    def form(self) -> Trusted:
        """The request form ('' when not configured)."""
        return Trusted(self.form_url.strip())

    @property
    def preparing(self) -> Trusted:
        """The guide on preparing for a session."""
        return self.site(PREPARING_GUIDE)

    @property
    def checklist(self) -> Trusted:
        """The mentor's pre-session checklist."""
        return self.site(MENTOR_CHECKLIST)

    @property
    def directory(self) -> Trusted:
        """The mentor directory."""
        return self.site("mentors/")


_REPO_URL = re.compile(r"^repo_url:\s*['\"]?([^'\"\s#]+)", re.M)
_EDIT_URI = re.compile(r"^edit_uri:\s*['\"]?([^'\"\s#]+)", re.M)


def repo_from_mkdocs(root: Path) -> tuple[str, str]:
    """(repo_url, branch) from mkdocs.yml, read as text (its YAML carries Python tags)."""
    try:
        text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    except OSError:
        return "", "main"
    repo = _REPO_URL.search(text)
    edit = _EDIT_URI.search(text)
    branch = re.match(r"^/?(?:edit|blob|tree)/([^/]+)/", edit.group(1)) if edit else None
    url = repo.group(1) if repo and repo.group(1).startswith("https://") else ""
    return url, branch.group(1) if branch else "main"


def links_for(config: Config) -> Links:
    """The links of this project: site_url and the form from config, the repository from mkdocs.yml."""
    repo, branch = repo_from_mkdocs(config.root)
    return Links(config.calendar.site_url, config.form.url, repo, branch, config.mentors_dir)
