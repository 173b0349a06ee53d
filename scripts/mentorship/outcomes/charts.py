"""SVG bar charts drawn at build time, as strings: no JavaScript, no chart library.

Each chart is an accessible image (`role="img"`, a `<title>` and a `<desc>` that says what it
shows) and every page that draws one also prints the same numbers as a table. Bars and text
use `currentColor`, so they take the page's text colour and keep its contrast in the light
and the dark scheme alike; the second series of a paired chart is an outline, not another
colour, so it reads without colour vision too. A value published as "fewer than 5" gets no
bar (its length would give it away), only those words.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from .figures import FEWER

WIDTH = 640
ROW = 30
LABEL_WIDTH = 230
BAR_WIDTH = 300
TOP = 12
Value = int | float | str | None


def _number(value: Value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _text(value: Value, unit: str = "") -> str:
    number = _number(value)
    if number is None:
        return FEWER if value == FEWER else "n/a"
    shown = f"{number:.1f}" if isinstance(value, float) else f"{int(number)}"
    return f"{shown}{unit}"


def _open(chart_id: str, title: str, description: str, height: int) -> list[str]:
    ids = f"{chart_id}-title {chart_id}-desc"
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="mentorship-chart" role="img" '
        f'aria-labelledby="{ids}" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'style="max-width:{WIDTH}px;height:auto" font-size="14" font-family="inherit">',
        f'<title id="{chart_id}-title">{html.escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{html.escape(description)}</desc>',
    ]


def _bar(x: float, y: float, length: float, height: float, *, outline: bool = False) -> str:
    if outline:
        return (
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(length, 1):.1f}" height="{height:.1f}" '
            'fill="none" stroke="currentColor" stroke-width="2"/>'
        )
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(length, 1):.1f}" height="{height:.1f}" '
        'fill="currentColor" fill-opacity="0.8"/>'
    )


def _label(x: float, y: float, text: str, *, anchor: str = "start", italic: bool = False) -> str:
    style = ' font-style="italic"' if italic else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" dominant-baseline="middle" '
        f'fill="currentColor"{style}>{html.escape(text)}</text>'
    )


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[tuple[str, Value]],
    *,
    scale: float | None = None,
    unit: str = "",
) -> str:
    """Horizontal bars, one per (label, value); `scale` is the value of a full bar."""
    numbers = [n for _, v in bars if (n := _number(v)) is not None]
    top = scale or max(numbers, default=0) or 1
    height = TOP * 2 + ROW * len(bars)
    out = _open(chart_id, title, description, height)
    for i, (label, value) in enumerate(bars):
        middle = TOP + ROW * i + ROW / 2
        out.append(_label(LABEL_WIDTH - 10, middle, label, anchor="end"))
        number = _number(value)
        length = 0.0 if number is None else BAR_WIDTH * number / top
        if number:
            out.append(_bar(LABEL_WIDTH, middle - 9, length, 18))
        out.append(
            _label(LABEL_WIDTH + length + 8, middle, _text(value, unit), italic=number is None)
        )
    out.append("</svg>")
    return "\n".join(out)


def paired_chart(
    chart_id: str,
    title: str,
    description: str,
    rows: Sequence[tuple[str, Value, Value]],
    names: tuple[str, str],
) -> str:
    """Two bars per row: the first series filled, the second outlined; a legend on top."""
    numbers = [n for _, a, b in rows for v in (a, b) if (n := _number(v)) is not None]
    top = max(numbers, default=0) or 1
    pair = ROW + 14
    legend = 28
    height = TOP * 2 + legend + pair * len(rows)
    out = _open(chart_id, title, description, height)
    out.append(_bar(LABEL_WIDTH, TOP, 14, 12))
    out.append(_label(LABEL_WIDTH + 20, TOP + 6, names[0]))
    out.append(_bar(LABEL_WIDTH + 150, TOP, 14, 12, outline=True))
    out.append(_label(LABEL_WIDTH + 170, TOP + 6, names[1]))
    for i, (label, first, second) in enumerate(rows):
        y = TOP + legend + pair * i
        out.append(_label(LABEL_WIDTH - 10, y + pair / 2 - 2, label, anchor="end"))
        for j, value in enumerate((first, second)):
            middle = y + 10 + j * 17
            number = _number(value)
            length = 0.0 if number is None else BAR_WIDTH * number / top
            if number:
                out.append(_bar(LABEL_WIDTH, middle - 7, length, 14, outline=j == 1))
            text = f"{names[j]}: {_text(value)}"
            out.append(_label(LABEL_WIDTH + length + 8, middle, text, italic=number is None))
    out.append("</svg>")
    return "\n".join(out)
