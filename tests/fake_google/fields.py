"""Google's partial-response `fields` parameter: `id,name`, `sheets/properties/title`,
`items(id,status),nextPageToken`, `*`."""

from __future__ import annotations

from typing import Any

Tree = dict[str, "Tree | None"]


class FieldsError(ValueError):
    """The selector is not valid partial-response syntax."""


def parse(text: str) -> Tree:
    """Parse a selector into a tree: name -> subtree (None selects the whole value)."""
    tree, pos = _parse_list(text.replace(" ", ""), 0)
    if pos != len(text.replace(" ", "")):
        raise FieldsError(text)
    return tree


def _merge(into: Tree, name: str, sub: Tree | None) -> None:
    if name in into and into[name] is not None and sub is not None:
        existing = into[name]
        assert existing is not None
        for key, value in sub.items():
            _merge(existing, key, value)
    elif name in into and (into[name] is None or sub is None):
        into[name] = None
    else:
        into[name] = sub


def _parse_list(text: str, pos: int) -> tuple[Tree, int]:
    tree: Tree = {}
    while pos < len(text):
        start = pos
        while pos < len(text) and text[pos] not in ",()":
            pos += 1
        path = text[start:pos]
        if not path:
            raise FieldsError(text)
        sub: Tree | None = None
        if pos < len(text) and text[pos] == "(":
            sub, pos = _parse_list(text, pos + 1)
            if pos >= len(text) or text[pos] != ")":
                raise FieldsError(text)
            pos += 1
        names = path.split("/")
        for name in reversed(names[1:]):
            sub = {name: sub}
        _merge(tree, names[0], sub)
        if pos < len(text) and text[pos] == ",":
            pos += 1
            continue
        break
    return tree, pos


def select(value: Any, tree: Tree | None) -> Any:
    """Keep only the selected parts of a JSON value."""
    if tree is None:
        return value
    if isinstance(value, list):
        return [select(v, tree) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for name, sub in tree.items():
        if name == "*":
            for key, item in value.items():
                out[key] = select(item, sub)
        elif name in value:
            out[name] = select(value[name], sub)
    return out
