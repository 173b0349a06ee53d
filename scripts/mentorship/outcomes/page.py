"""The site's "Programme in numbers" page, as HTML, from the figures file only.

The file is PII-free by construction (see `figures`), but it is read as untrusted text: every
label is escaped, and a value that is neither a number nor "fewer than 5" shows as "n/a".
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from .charts import bar_chart, paired_chart
from .figures import FEWER, MIN_PEOPLE
from .render import HEADLINE, QUESTIONS, SIDES

TITLE = "Programme in numbers"
# The longest breakdowns are cut here on the page (largest first); the table says how many.
MAX_ROWS = 15
NOT_PUBLISHED = (
    "The programme’s figures are not published yet. They appear here after the nightly run "
    "has written them and the site has been built again."
)


def _value(value: Any, *, percent: bool = False, unit: str = "") -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return FEWER if value == FEWER else "n/a"
    if percent:
        return f"{value * 100:.0f}%"
    return (f"{value:.1f}" if isinstance(value, float) else str(value)) + unit


def _mapping(value: Any) -> Mapping[str, Any]:
    """`value` when the file holds a mapping there, else an empty one."""
    return value if isinstance(value, dict) else {}


def _table(caption: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in header)
    body = "".join(
        "<tr>"
        + f'<th scope="row">{html.escape(row[0])}</th>'
        + "".join(f"<td>{html.escape(c)}</td>" for c in row[1:])
        + "</tr>"
        for row in rows
    )
    return (
        f"<details><summary>{html.escape(caption)}: the numbers as a table</summary>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></details>"
    )


def _words(rows: Sequence[tuple[str, str]]) -> str:
    return "; ".join(f"{label}: {text}" for label, text in rows) + "."


def _headline(data: Mapping[str, Any]) -> str:
    bars = [(label, data.get(key)) for key, label in HEADLINE]
    rows = [(label, _value(v)) for label, v in bars]
    chart = bar_chart("numbers-headline", "Headline figures", _words(rows), bars)
    return chart + _table("Headline figures", ("Figure", "Count"), rows)


def _key_figures(data: Mapping[str, Any]) -> str:
    rows = [
        ("Matched share of valid requests", _value(data.get("matched_share"), percent=True)),
        (
            "Median days from request to first session",
            _value(data.get("median_days_to_first_session"), unit=" days"),
        ),
        ("Sessions held per match", _value(data.get("sessions_per_match"))),
        ("Alumni mentors returning from last term", _value(data.get("mentors_returning"))),
        ("Places open to new students now", _value(data.get("open_places"))),
    ]
    items = "".join(f"<dt>{html.escape(a)}</dt><dd>{html.escape(b)}</dd>" for a, b in rows)
    return f"<dl>{items}</dl>"


def _ratings(data: Mapping[str, Any]) -> str:
    ratings = _mapping(data.get("ratings"))
    bars: list[tuple[str, Any]] = []
    rows: list[list[str]] = []
    for side, side_label in SIDES:
        for question, question_label in QUESTIONS:
            entry = _mapping(_mapping(ratings.get(side)).get(question))
            label = f"{side_label}: {question_label}"
            bars.append((label, entry.get("mean")))
            spread = _mapping(entry.get("distribution"))
            rows.append(
                [label, _value(entry.get("mean")), _value(entry.get("people"))]
                + [_value(spread.get(k)) for k in "12345"]
            )
    words = _words([(r[0], f"mean {r[1]} from {r[2]} people") for r in rows])
    chart = bar_chart(
        "numbers-ratings",
        "Average ratings, 1 (low) to 5 (high)",
        f"How useful the sessions were and progress on the student's goals. {words}",
        bars,
        scale=5,
    )
    header = ("Rating", "Mean", "People", "1", "2", "3", "4", "5")
    return chart + _table("Ratings, with the answers for each score", header, rows)


def _demand(data: Mapping[str, Any], key: str, what: str, chart_id: str) -> str:
    demand = data.get(key)
    if not isinstance(demand, dict) or not demand:
        return f"<p>No {html.escape(what)} to show.</p>"
    entries = [
        (str(name), entry.get("waiting"), entry.get("open_places"))
        for name, entry in demand.items()
        if isinstance(entry, dict)
    ]
    shown = entries[:MAX_ROWS]
    rows = [(name, _value(w), _value(p)) for name, w, p in entries]
    words = _words([(n, f"{w} waiting, {p} open places") for n, w, p in rows[:MAX_ROWS]])
    chart = paired_chart(
        chart_id,
        f"Students waiting and open places, by {what}",
        words,
        shown,
        ("Waiting", "Open places"),
    )
    note = ""
    if len(entries) > MAX_ROWS:
        note = f"<p>The chart shows the first {MAX_ROWS} of {len(entries)}; the table has all.</p>"
    header = (what.capitalize(), "Students waiting", "Open places")
    return chart + note + _table(f"Waiting by {what}", header, rows)


def numbers_html(data: Mapping[str, Any] | None) -> str:
    """The page's body: charts with their tables, or the not-published-yet notice."""
    rule = (
        f"<p>Every figure about fewer than {MIN_PEOPLE} people shows as “{FEWER}”, and "
        "nothing here names a student or says who mentors whom.</p>"
    )
    if data is None:
        return f'<div class="mentorship-numbers"><p>{html.escape(NOT_PUBLISHED)}</p>{rule}</div>'
    term = _mapping(data.get("term"))
    label = str(term.get("label") or "all time")
    parts = [
        '<div class="mentorship-numbers">',
        f"<p>How the mentoring programme is going: {html.escape(label)}.</p>",
        rule,
        "<h2>Students and matches</h2>",
        _headline(data),
        _key_figures(data),
        "<h2>How the sessions went</h2>",
        _ratings(data),
        "<h2>Demand against open places</h2>",
        _demand(data, "demand_by_industry", "industry", "numbers-industry"),
        _demand(data, "demand_by_language", "language", "numbers-language"),
        "</div>",
    ]
    return "\n".join(parts)
