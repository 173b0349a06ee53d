"""Cell values: what RAW and USER_ENTERED store, and how each render option reads them back.

A stored cell is None (empty), a str, a bool, an int/float, or a `Formula`. RAW stores
strings as strings, so `=1+1` written RAW reads back as the text `=1+1`; USER_ENTERED parses
the text as if typed into the Sheets UI: numbers, booleans and formulas.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Cell = None | str | bool | int | float


@dataclass(frozen=True)
class Formula:
    """A formula as entered, e.g. `=1+1`."""

    text: str


_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([eE][+-]?\d+)?$")


def parse_number(text: str) -> int | float | None:
    """The number an en_US user means by `text` ("0042", "1,000", "-3.5"), else None."""
    s = text.strip()
    if not s or not _NUMBER.match(s) or not any(ch.isdigit() for ch in s):
        return None
    value = float(s.replace(",", ""))
    if value.is_integer() and "e" not in s.lower() and abs(value) < 2**53:
        return int(value)
    return value


def store(value: Any, input_option: str) -> Cell | Formula:
    """The cell stored for one input value (never called for null, which skips the cell)."""
    if value == "" or value is None:
        return None
    if isinstance(value, bool | int | float):
        return value
    text = str(value)
    if input_option == "RAW":
        return text
    # USER_ENTERED: as if typed into the UI.
    if text.startswith("'"):
        return text[1:] or None
    if text.startswith("="):
        return Formula(text)
    upper = text.strip().upper()
    if upper in {"TRUE", "FALSE"}:
        return upper == "TRUE"
    number = parse_number(text)
    if number is not None:
        return number
    if text.startswith(("+", "-")) and len(text) > 1:
        # The UI reads a leading + or - as the start of a formula.
        return Formula("=" + text)
    return text


_OPS: dict[type, Callable[..., Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}


def _evaluate(node: ast.AST) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_evaluate(node.left), _evaluate(node.right))
    if isinstance(node, ast.UnaryOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_evaluate(node.operand))
    raise ValueError("unsupported formula")


def evaluate(formula: Formula) -> int | float | str:
    """The value of a formula: arithmetic on numbers is computed; anything else is #NAME?."""
    body = formula.text[1:].replace("^", "**")
    try:
        value = _evaluate(ast.parse(body, mode="eval").body)
    except ZeroDivisionError:
        return "#DIV/0!"
    except (SyntaxError, ValueError, TypeError, OverflowError):
        return "#NAME?"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def format_number(value: int | float) -> str:
    """A number as the default (automatic) format shows it: 42, 42.01, 0.4."""
    if isinstance(value, int):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}"


def render(cell: Cell | Formula, option: str) -> Any:
    """The cell as `valueRenderOption` asks: FORMATTED_VALUE, UNFORMATTED_VALUE or FORMULA."""
    if isinstance(cell, Formula):
        if option == "FORMULA":
            return cell.text
        cell = evaluate(cell)
    if option == "FORMATTED_VALUE":
        if isinstance(cell, bool):
            return "TRUE" if cell else "FALSE"
        if isinstance(cell, int | float):
            return format_number(cell)
        return cell
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    return cell
