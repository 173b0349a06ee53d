"""Reading one profile file: bytes to plain data, remembering where each value sits.

PyYAML's composer gives nodes with line/column marks; we build the data from the nodes
ourselves so every value keeps its position (for `file:line:col` messages), duplicate keys are
reported instead of silently keeping the last, and aliases cannot blow up memory.

Plain scalars stay strings (only `null`/`~`/empty become None): pydantic converts them to the
field's type, which avoids YAML 1.1 surprises such as `18:00` read as the number 1080.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

_NULL_TAG = "tag:yaml.org,2002:null"
_STR_TAG = "tag:yaml.org,2002:str"
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})


if TYPE_CHECKING:
    _SafeLoader = yaml.SafeLoader
else:  # libyaml's C loader when PyYAML was built with it
    _SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeLoader):
    """The fastest safe composer, resolving plain scalars only as null or text.

    We never use YAML's own typing (pydantic types each field), so skipping PyYAML's regex
    resolver per scalar is free speed.
    """

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            return _NULL_TAG if implicit[0] and value in _NULLS else _STR_TAG
        # PyYAML's stubs leave resolve untyped; it returns the tag, a str.
        parent: Callable[[type, Any, Any], str] = super().resolve
        return parent(kind, value, implicit)


MAX_FILE_BYTES = 100_000
"""A profile is a page of text; anything bigger is a mistake and is refused before parsing."""

MAX_DEPTH = 8
"""The deepest a profile nests is three (availability, item, field)."""

Loc = tuple[str | int, ...]


@dataclass
class ParsedProfile:
    """A profile file as data: `data` is None when the file could not be read as a map."""

    data: dict[str, Any] | None
    # loc -> (line, column) of the value at loc, 1-based; keys of maps under ("key",) + loc.
    marks: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    problems: list[tuple[int, int, str]] = field(default_factory=list)

    def mark(self, loc: Loc) -> tuple[int, int]:
        """Where the value at `loc` (or its nearest enclosing value) starts."""
        for n in range(len(loc), -1, -1):
            found = self.marks.get(loc[:n])
            if found:
                return found
        return (1, 1)


def parse_profile(raw: bytes) -> ParsedProfile:
    """Turn a profile file's bytes into data with positions; problems instead of exceptions."""
    if len(raw) > MAX_FILE_BYTES:
        return _fail(
            0,
            0,
            f"the file is {len(raw):,} bytes; a profile may be at most {MAX_FILE_BYTES:,} bytes. "
            "Check that you saved the right file (a profile is plain text, not a photo).",
        )
    if b"\x00" in raw:
        return _fail(
            0, 0, "this is not a text file (it contains binary data); a profile is YAML text."
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return _fail(
            line,
            col,
            "the file is not UTF-8 text; save it as UTF-8 (the editor's encoding setting).",
        )
    text = text.removeprefix("\ufeff")
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        what = ", ".join(part for part in (exc.context, exc.problem) if part) or "invalid YAML"
        return _fail(line, col, f"YAML syntax error: {what}. {_YAML_HINT}")
    except yaml.YAMLError as exc:
        return _fail(0, 0, f"YAML syntax error: {exc}. {_YAML_HINT}")
    if node is None:  # empty, or only comments
        return _fail(
            1,
            1,
            "the file is empty; start from `mentorship new <your-slug>` or copy a sample profile.",
        )
    parsed = ParsedProfile(data=None)
    if not isinstance(node, yaml.MappingNode):
        kind = "a list" if isinstance(node, yaml.SequenceNode) else "a single value"
        parsed.problems.append(
            (
                node.start_mark.line + 1,
                node.start_mark.column + 1,
                f"the profile must be a set of fields like `name: Ana Lima`, one per line, but this file is {kind}.",
            )
        )
        return parsed
    builder = _Builder(parsed)
    data = builder.build(node, ())
    parsed.data = data
    return parsed


_YAML_HINT = (
    "Check the indentation and quotes around this line (text containing ': ' or '#' needs quotes)."
)


def _fail(line: int, col: int, message: str) -> ParsedProfile:
    return ParsedProfile(data=None, problems=[(line, col, message)])


_ALIAS_MESSAGE = "anchors and aliases (& and *) are not allowed in a profile; write the value out."


class _Builder:
    """Builds plain data from nodes, recording marks and reporting duplicates and aliases.

    Written for speed (the site loads thousands of profiles): scalars, most of the nodes,
    are handled inline rather than through a recursive call each.
    """

    def __init__(self, parsed: ParsedProfile) -> None:
        self.parsed = parsed
        self.seen: set[int] = set()

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        marks = self.parsed.marks
        mark = (node.start_mark.line + 1, node.start_mark.column + 1)
        marks[loc] = mark
        if id(node) in self.seen:
            return self._alias(node, loc, mark)
        self.seen.add(id(node))
        if len(loc) > MAX_DEPTH:
            # No field nests this deep; stopping here also keeps recursion bounded.
            self.parsed.problems.append(
                (
                    *mark,
                    "values are nested far deeper than any profile field; check the indentation.",
                )
            )
            return None
        if type(node) is yaml.ScalarNode:
            return None if node.tag == _NULL_TAG and not node.style else node.value
        if type(node) is yaml.SequenceNode:
            return [self._child(item, (*loc, i), marks) for i, item in enumerate(node.value)]
        result: dict[str, Any] = {}
        key_marks = self.parsed.key_marks
        for key_node, value_node in node.value:
            key_mark = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if type(key_node) is not yaml.ScalarNode or not key_node.value:
                self.parsed.problems.append((*key_mark, "expected a field name before the ':'."))
                continue
            key = key_node.value
            if key == "<<":
                self.parsed.problems.append(
                    (
                        *key_mark,
                        "merge keys (<<) are not allowed in a profile; write the fields out.",
                    )
                )
                continue
            child_loc = (*loc, key)
            if key in result:
                first = key_marks[child_loc]
                self.parsed.problems.append(
                    (
                        *key_mark,
                        f"{describe_loc(child_loc)}: this field appears twice (first on line "
                        f"{first[0]}); keep one and delete the other.",
                    )
                )
                continue
            key_marks[child_loc] = key_mark
            result[key] = self._child(value_node, child_loc, marks)
        return result

    def _child(self, node: yaml.Node, loc: Loc, marks: dict[Loc, tuple[int, int]]) -> Any:
        if type(node) is not yaml.ScalarNode or id(node) in self.seen:
            return self.build(node, loc)
        self.seen.add(id(node))
        marks[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
        return None if node.tag == _NULL_TAG and not node.style else node.value

    def _alias(self, node: yaml.Node, loc: Loc, mark: tuple[int, int]) -> Any:
        # The composer returns the very same node for an alias (*name). Refusing them keeps
        # "a billion laughs" out; a scalar's value is still used so one mistake stays one.
        line, col = self.parsed.key_marks.get(loc, mark)
        self.parsed.problems.append((line, col, _ALIAS_MESSAGE))
        return node.value if isinstance(node, yaml.ScalarNode) else None


def describe_loc(loc: Loc) -> str:
    """A field's location in words a non-programmer reads: `availability item 2, end`."""
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            if parts:
                parts[-1] = f"{parts[-1]} item {part + 1}"
            else:
                parts.append(f"item {part + 1}")
        else:
            parts.append(str(part))
    return ", ".join(parts)
