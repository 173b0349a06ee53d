"""The controlled vocabulary of profiles (mentors/taxonomy.yml): industries, topics, languages.

The directory's filters and matching compare these words exactly, so the validator insists a
profile uses them verbatim and suggests the nearest term when it does not.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import ConfigError

_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

KINDS = ("industries", "topics", "languages")


@dataclass(frozen=True)
class Taxonomy:
    """The allowed industries, topics and languages, in file order, plus common aliases."""

    industries: list[str]
    topics: list[str]
    languages: list[str]
    aliases: dict[str, str] = field(default_factory=dict)
    path: str = "mentors/taxonomy.yml"

    def suggest(self, kind: str, value: str) -> str | None:
        """The allowed term of `kind` the user most likely meant by `value`, or None."""
        terms: list[str] = getattr(self, kind)
        wanted = value.strip().casefold()
        if not wanted:
            return None
        lowered = {t.casefold(): t for t in terms}
        if wanted in lowered:
            return lowered[wanted]
        for alias, target in self.aliases.items():
            if alias.casefold() == wanted and target in terms:
                return target
        close = difflib.get_close_matches(wanted, list(lowered), n=1, cutoff=0.6)
        if close:
            return lowered[close[0]]
        # Short words people abbreviate ("Fintech" for "Finance") share a prefix, not a shape.
        prefixed = [t for key, t in lowered.items() if len(wanted) >= 3 and key[:3] == wanted[:3]]
        return prefixed[0] if len(prefixed) == 1 else None


_cache: dict[tuple[str, int, int], Taxonomy] = {}


def load_taxonomy(path: Path) -> Taxonomy:
    """Read the taxonomy file; cached until the file changes. Raises ConfigError if broken."""
    try:
        stat = path.stat()
    except OSError:
        raise ConfigError(
            f"{path} does not exist; the profiles need it for their industries, topics and languages."
        ) from None
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    cached = _cache.get(key)
    if cached is not None:
        return cached
    taxonomy = _parse(path)
    _cache.clear()  # only the current version of the one file is worth keeping
    _cache[key] = taxonomy
    return taxonomy


def _parse(path: Path) -> Taxonomy:
    shown = _display(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SafeLoader)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{shown} cannot be read: {exc}.") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{shown} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{shown} must be a map with the lists {', '.join(KINDS)}.")
    unknown = sorted(set(map(str, data)) - {*KINDS, "aliases"})
    if unknown:
        raise ConfigError(
            f"{shown}: unknown section(s) {', '.join(unknown)}; "
            f"the sections are {', '.join(KINDS)} and aliases."
        )
    lists: dict[str, list[str]] = {}
    for kind in KINDS:
        terms = data.get(kind)
        if not isinstance(terms, list) or not terms or not all(isinstance(t, str) for t in terms):
            raise ConfigError(f"{shown}: '{kind}' must be a non-empty list of words.")
        terms = [t.strip() for t in terms]
        seen: set[str] = set()
        for term in terms:
            if term.casefold() in seen:
                raise ConfigError(f"{shown}: '{term}' is listed twice under '{kind}'.")
            seen.add(term.casefold())
        lists[kind] = terms
    aliases = data.get("aliases") or {}
    if not isinstance(aliases, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in aliases.items()
    ):
        raise ConfigError(f"{shown}: 'aliases' must map words to terms, like 'Fintech: Finance'.")
    every = {t for terms in lists.values() for t in terms}
    for alias, target in aliases.items():
        if target not in every:
            raise ConfigError(
                f"{shown}: alias '{alias}' points to '{target}', which is not in any list."
            )
    return Taxonomy(**lists, aliases=dict(aliases), path=shown)


def _display(path: Path) -> str:
    """`mentors/taxonomy.yml`: the path as a user in the repository would type it."""
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name
