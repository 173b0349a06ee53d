"""Loading and validating every profile at once: `load_profiles`.

Each file is read once, composed into data with positions (`parse`), validated by the pydantic
models with the taxonomy, clock and photos folder in the context, then checked across files
(duplicate slugs). Every finding becomes a `Problem` at `file:line:col`; a bad
profile never raises, so the CLI, the site build and matching all see the same list.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import Problem, has_control
from .models import BIO_MAX_CHARS, SLUG_RE, MeetingFormat, Mentor, Profile, Weekday, Window
from .names import hidden_characters, name_key, strings
from .parse import MAX_FILE_BYTES, Loc, ParsedProfile, describe_loc, parse_profile
from .taxonomy import Taxonomy, load_taxonomy

PROFILE_SUFFIX = ".yml"
NOT_PROFILES = frozenset({"taxonomy.yml", "schema.json"})
FIELDS = tuple(Profile.model_fields)
EMAIL_MOVED = (
    "email: delete this line; profiles are public, so email addresses are kept in the "
    'private roster instead. Give yours through the private "Mentor contact" form (see '
    '"Become a mentor") or to the alumni office. Staff: `mentorship roster import` moves '
    "every profile's email into the roster"
)


@dataclass
class ProfileSet:
    """The valid mentors (sorted by slug), every problem found (sorted), and the taxonomy."""

    mentors: list[Mentor]
    problems: list[Problem]
    taxonomy: Taxonomy
    # slug -> repo-relative path of the file, for "Edit this profile" links and messages.
    paths: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems


def profile_paths(mentors_dir: Path) -> list[Path]:
    """Every profile file in the mentors folder (`*.yml` but the taxonomy), sorted.

    `*.yaml` files are included so a mis-named profile is reported ("rename it to .yml")
    instead of silently missing from the directory.
    """
    return sorted(
        p
        for pattern in (f"*{PROFILE_SUFFIX}", "*.yaml")
        for p in mentors_dir.glob(pattern)
        # A link is listed (and refused by the loader) rather than silently skipped.
        if p.name not in NOT_PROFILES and (p.is_file() or p.is_symlink())
    )


def load_profiles(
    mentors_dir: Path,
    paths: Sequence[Path] | None = None,
    *,
    today: dt.date | None = None,
) -> ProfileSet:
    """Read and validate profiles (all of `mentors_dir`, or just `paths`); never raises for a bad one.

    Raises ConfigError only when mentors/taxonomy.yml itself is missing or broken.
    """
    taxonomy = load_taxonomy(mentors_dir / "taxonomy.yml")
    today = today or dt.date.today()
    root = mentors_dir.resolve().parent
    home = mentors_dir.resolve()
    context = {
        "taxonomy": taxonomy,
        "today": today,
        "photos_dir": mentors_dir / "photos",
        "root": mentors_dir.absolute().parent,
    }
    files = profile_paths(mentors_dir) if paths is None else list(paths)
    problems: list[Problem] = []
    mentors: list[Mentor] = []
    shown_paths: dict[str, str] = {}
    shown_all: list[str] = []
    parsed_files: list[tuple[str, ParsedProfile]] = []
    for path in files:
        # Files straight from the mentors folder need no resolving (3,000 of them add up).
        shown = (
            f"{home.name}/{path.name}" if path.parent == mentors_dir else display_path(path, root)
        )
        shown_all.append(shown)
        found, mentor, parsed = _load_one(path, shown, context)
        problems.extend(found)
        if mentor is not None:
            mentors.append(mentor)
            shown_paths[mentor.slug] = shown
        if parsed is not None and parsed.data is not None:
            parsed_files.append((shown, parsed))
    problems.extend(_duplicates(files, shown_all, parsed_files))
    bad = {p.path for p in problems}
    mentors = sorted((m for m in mentors if shown_paths[m.slug] not in bad), key=lambda m: m.slug)
    return ProfileSet(
        mentors=mentors,
        problems=sorted(set(problems)),
        taxonomy=taxonomy,
        paths={m.slug: shown_paths[m.slug] for m in mentors},
    )


def display_path(path: Path, root: Path) -> str:
    """The path as the user types it: relative to the repository root, with forward slashes."""
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        try:
            return path.resolve().relative_to(Path.cwd()).as_posix()
        except ValueError:
            return path.as_posix()


def _load_one(
    path: Path, shown: str, context: dict[str, Any]
) -> tuple[list[Problem], Mentor | None, ParsedProfile | None]:
    problems: list[Problem] = []
    slug = path.stem
    if has_control(path.name):
        # Shown quoted by Problem; the file cannot be a slug, so nothing else is worth saying.
        message = (
            "the file name contains a line break or control character; rename the file to "
            f"lowercase words joined by hyphens, like 'ana-lima{PROFILE_SUFFIX}'"
        )
        return [Problem(shown, 0, 0, message)], None, None
    if path.is_symlink():
        message = "the file is a symbolic link; commit the profile itself, a plain file in mentors/"
        return [Problem(shown, 0, 0, message)], None, None
    if path.suffix != PROFILE_SUFFIX:
        problems.append(
            Problem(
                shown,
                0,
                0,
                f"a profile file must end in {PROFILE_SUFFIX}; rename it to {slug}{PROFILE_SUFFIX}",
            )
        )
    if not SLUG_RE.match(slug):
        problems.append(
            Problem(
                shown,
                0,
                0,
                f"the file name {path.name!r} is not a valid slug; use lowercase letters, digits and "
                f"single hyphens, like 'ana-lima{PROFILE_SUFFIX}'",
            )
        )
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            # Refused unread: a huge file is a mistake, and parsing it would only waste time.
            problems.append(
                Problem(
                    shown,
                    0,
                    0,
                    f"the file is {size:,} bytes; a profile may be at most {MAX_FILE_BYTES:,} bytes. "
                    "Check that you saved the right file (a profile is plain text, not a photo).",
                )
            )
            return problems, None, None
        raw = path.read_bytes()
    except IsADirectoryError:
        return [Problem(shown, 0, 0, "this is a folder, not a profile file")], None, None
    except OSError as exc:
        return [Problem(shown, 0, 0, f"cannot read the file: {exc.strerror or exc}")], None, None
    parsed = parse_profile(raw)
    problems.extend(Problem(shown, line, col, msg) for line, col, msg in parsed.problems)
    data = parsed.data
    if data is None:
        return problems, None, parsed
    if "slug" in data:
        line, col = parsed.key_marks[("slug",)]
        problems.append(
            Problem(shown, line, col, "slug: remove this line; the slug is the file name")
        )
        data = {k: v for k, v in data.items() if k != "slug"}
    if "email" in data:
        line, col = parsed.key_marks[("email",)]
        problems.append(Problem(shown, line, col, EMAIL_MOVED))
        data = {k: v for k, v in data.items() if k != "email"}
    # An empty optional field (`pronouns:`) means "not given", not "null".
    data = {
        k: v
        for k, v in data.items()
        if not (
            v is None and k in Profile.model_fields and not Profile.model_fields[k].is_required()
        )
    }
    mentor = None
    try:
        mentor = Mentor.model_validate({**data, "slug": slug}, context=context)
    except ValidationError as exc:
        problems.extend(_explain(shown, parsed, err) for err in exc.errors(include_url=False))
    problems.extend(_extra_checks(shown, parsed, data, mentor))
    return problems, (mentor if not problems else None), parsed


# --- Turning pydantic's errors into sentences ----------------------------------------------------


def _explain(shown: str, parsed: ParsedProfile, err: Any) -> Problem:
    loc: Loc = tuple(p for p in err["loc"] if p != "slug")
    kind = err["type"]
    where = describe_loc(loc)
    value = err.get("input")
    if kind == "missing":
        parent, name = loc[:-1], loc[-1]
        line, col = parsed.mark(parent)
        hint = _FIELD_HINTS.get(str(name), "")
        return Problem(
            shown, line, col, f"{where}: this field is missing; add a line `{name}: ...`{hint}"
        )
    if kind == "extra_forbidden":
        name = str(loc[-1])
        line, col = parsed.key_marks.get(loc, parsed.mark(loc))
        allowed = FIELDS if len(loc) == 1 else _nested_fields(loc)
        close = difflib.get_close_matches(name.lower(), allowed, n=1, cutoff=0.6)
        advice = f"did you mean {close[0]!r}?" if close else f"the fields are: {', '.join(allowed)}"
        return Problem(shown, line, col, f"{where}: there is no such field; {advice}")
    line, col = parsed.mark(loc)
    return Problem(shown, line, col, f"{where}: {_sentence(kind, err, value, loc)}")


def _nested_fields(loc: Loc) -> tuple[str, ...]:
    if loc and loc[0] == "availability":
        return tuple(Window.model_fields)
    if loc and loc[0] == "links":
        return ("label", "url")
    return FIELDS


_FIELD_HINTS = {
    "name": " (your name as students should see it)",
    "confirmed": " with today's date, like 2026-01-31",
    "timezone": ", like 'Europe/Lisbon'",
    "accepting": " with true or false",
    "capacity": " with how many mentees you can take at once, like 2",
}


def _sentence(kind: str, err: Any, value: Any, loc: Loc) -> str:
    ctx = err.get("ctx") or {}
    if kind == "profile":
        return str(err["msg"])
    if value is None and kind.endswith("_type"):
        return "is empty; write a value after the ':'"
    last = loc[-1] if loc else ""
    if kind == "string_too_long":
        limit = ctx.get("max_length")
        count = len(value.strip()) if isinstance(value, str) else 0
        if loc == ("bio",):
            return f"the bio is {count:,} characters long; the limit is {limit:,} ({count - BIO_MAX_CHARS:,} too many). Shorten it."
        return f"is {count:,} characters long; the limit is {limit:,}. Shorten it."
    if kind == "string_too_short":
        return "is empty; write a value after the ':'"
    if kind == "too_short":
        return "needs at least one item; write each on its own line starting with '- '"
    if kind == "string_type":
        if isinstance(value, (dict, list)):
            return f"should be a single piece of text on the same line, not {_show(value)}"
        return f'{_show(value)} should be text; put it in quotes, like "{_plain(value)}"'
    if kind == "list_type":
        return f"should be a list: write each item on its own line starting with '- ' (found {_show(value)})"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        example = _MAP_EXAMPLES.get(str(loc[0]) if loc else "", "`field: value` lines")
        return f"should be a set of fields ({example}), not {_show(value)}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{_show(value)} should be a whole number, like 2"
    if kind in ("bool_parsing", "bool_type"):
        return f"{_show(value)} should be true or false"
    if kind.startswith(("date_", "datetime_")):
        return f"{_show(value)} should be a date written YYYY-MM-DD, like 2026-01-31"
    if kind == "enum":
        options = _enum_options(loc)
        close = difflib.get_close_matches(str(value).lower(), options, n=1, cutoff=0.5)
        advice = f"did you mean {close[0]!r}? " if close else ""
        return f"{_show(value)} is not allowed; {advice}use one of: {', '.join(options)}"
    if kind == "string_pattern_mismatch":
        if last in ("start", "end"):
            return f'{_show(value)} should be a 24-hour time in quotes, like "18:30"'
        return f"{_show(value)} is not in the expected form"
    if kind in ("greater_than_equal", "greater_than"):
        return f"{_show(value)} is too small; the minimum is {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"{_show(value)} is too large; the maximum is {ctx.get('le', ctx.get('lt'))}"
    return str(err["msg"])


_MAP_EXAMPLES = {
    "availability": '`day: tuesday`, `start: "18:00"` and `end: "20:00"`, each on its own line',
    "links": "`label: LinkedIn` and `url: https://...`, each on its own line",
}


def _enum_options(loc: Loc) -> list[str]:
    if loc and loc[0] == "availability":
        return [d.value for d in Weekday]
    return [f.value for f in MeetingFormat]


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a set of fields"
    if isinstance(value, list):
        return "a list"
    return repr(value if not isinstance(value, str) or len(value) <= 60 else value[:57] + "...")


def _plain(value: Any) -> str:
    return str(value) if not isinstance(value, (dict, list)) else "..."


# --- Checks pydantic cannot express per field ----------------------------------------------------


def _extra_checks(
    shown: str, parsed: ParsedProfile, data: dict[str, Any], mentor: Mentor | None
) -> Iterable[Problem]:
    for loc, text in strings(data):
        codes = hidden_characters(text)
        if codes:
            line, col = parsed.mark(loc)
            yield Problem(
                shown,
                line,
                col,
                f"{describe_loc(loc) if loc else 'profile'}: contains invisible control or "
                f"format character(s) {', '.join(codes)} (bidi overrides, zero-width spaces); "
                "retype the text without them",
            )
    for name in ("topics", "languages"):
        items = data.get(name)
        if isinstance(items, list):
            seen: dict[str, int] = {}
            for i, item in enumerate(items):
                if isinstance(item, str):
                    key = item.strip().casefold()
                    if key in seen:
                        line, col = parsed.mark((name, i))
                        yield Problem(
                            shown,
                            line,
                            col,
                            f"{name} item {i + 1}: {item.strip()!r} is already listed as item {seen[key] + 1}; delete one",
                        )
                    else:
                        seen[key] = i
    if mentor is not None:
        yield from _overlaps(shown, parsed, list(enumerate(mentor.availability)))
    elif isinstance(data.get("availability"), list):
        # The profile failed elsewhere; still check the windows that are valid on their own.
        valid: list[tuple[int, Window]] = []
        for i, item in enumerate(data["availability"]):
            try:
                valid.append((i, Window.model_validate(item)))
            except ValidationError:
                continue  # reported by the main validation
        yield from _overlaps(shown, parsed, valid)


def _overlaps(
    shown: str, parsed: ParsedProfile, valid: list[tuple[int, Window]]
) -> Iterable[Problem]:
    for n, (j, later) in enumerate(valid):
        for i, earlier in valid[:n]:
            if (
                earlier.day == later.day
                and earlier.start_minutes < later.end_minutes
                and later.start_minutes < earlier.end_minutes
            ):
                line, col = parsed.mark(("availability", j))
                yield Problem(
                    shown,
                    line,
                    col,
                    f"availability item {j + 1}: {later.day.value} {later.start}-{later.end} overlaps "
                    f"item {i + 1} ({earlier.day.value} {earlier.start}-{earlier.end}); "
                    "merge them into one window or make them not overlap",
                )
                break


def _duplicates(
    files: Sequence[Path], shown_all: list[str], parsed_files: list[tuple[str, ParsedProfile]]
) -> Iterable[Problem]:
    by_slug: dict[str, list[str]] = {}
    for path, shown in zip(files, shown_all, strict=True):
        by_slug.setdefault(path.stem.casefold(), []).append(shown)
    for shown_list in by_slug.values():
        unique = sorted(set(shown_list))
        for shown in unique if len(unique) > 1 else ():
            others = ", ".join(u for u in unique if u != shown)
            yield Problem(
                shown,
                0,
                0,
                f"the file name clashes with {others} (slugs must differ in more than letter case); "
                "rename one of them",
            )
    by_name: dict[str, list[tuple[str, ParsedProfile]]] = {}
    for shown, parsed in sorted(parsed_files, key=lambda sp: sp[0]):
        name = (parsed.data or {}).get("name")
        if isinstance(name, str) and name_key(name):
            by_name.setdefault(name_key(name), []).append((shown, parsed))
    for owners in by_name.values():
        for shown, parsed in owners if len(owners) > 1 else ():
            others = ", ".join(o for o, _ in owners if o != shown)
            line, col = parsed.mark(("name",))
            yield Problem(
                shown,
                line,
                col,
                f"name: {others} has the same name (compared ignoring letter case, spacing and "
                "invisible characters); students could not tell you apart, so add a middle "
                "initial or another distinguishing part",
            )
