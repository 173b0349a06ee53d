"""The figures as people read them: a plain-text table (`mentorship report`) and the job
summary's Mermaid chart. Both work from the figures' plain data (`Figures.to_dict` or the
figures file), so what they show is exactly what is published.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .figures import FEWER

# The headline counts, charted in the job summary and on the site, in this order.
HEADLINE: tuple[tuple[str, str], ...] = (
    ("requests", "Requests"),
    ("valid_requests", "Valid requests"),
    ("matched", "Matched"),
    ("first_sessions_held", "First sessions held"),
    ("completed_matches", "Completed"),
    ("closed_matches", "Closed"),
    ("mentors_active", "Mentors active"),
    ("waiting", "Still waiting"),
)
SIDES = (("students", "Students"), ("mentors", "Mentors"))
QUESTIONS = (("useful", "usefulness"), ("progress", "goal progress"))


def value_text(value: Any, *, percent: bool = False, unit: str = "") -> str:
    """One published value as text: 'fewer than 5' stays, numbers get their unit."""
    if value is None:
        return "n/a (needs a term with a start and an end)"
    if value == FEWER or isinstance(value, str):
        return str(value)
    if percent:
        return f"{value * 100:.0f}%"
    if isinstance(value, float):
        value = f"{value:.1f}"
    return f"{value}{unit}"


def _rows(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    rows = [(label, value_text(data.get(key))) for key, label in HEADLINE[:3]]
    rows += [
        ("Matched share of valid requests", value_text(data.get("matched_share"), percent=True)),
        (
            "Median days from request to first session",
            value_text(data.get("median_days_to_first_session"), unit=" days"),
        ),
        ("First sessions held", value_text(data.get("first_sessions_held"))),
        ("Sessions held per match", value_text(data.get("sessions_per_match"))),
        ("Completed matches", value_text(data.get("completed_matches"))),
        ("Closed matches", value_text(data.get("closed_matches"))),
        ("Alumni mentors active", value_text(data.get("mentors_active"))),
        ("... returning from last term", value_text(data.get("mentors_returning"))),
    ]
    ratings = data.get("ratings", {})
    for side, side_label in SIDES:
        for question, question_label in QUESTIONS:
            entry = ratings.get(side, {}).get(question, {})
            spread = entry.get("distribution", {})
            parts = ", ".join(f"{k}: {value_text(spread.get(k))}" for k in "12345")
            label = f"{side_label}' {question_label} (1-5), mean"
            if entry.get("people", FEWER) == FEWER:
                rows.append((label, f"{FEWER} answered"))
                continue
            rows.append(
                (
                    label,
                    f"{value_text(entry.get('mean'))} from {entry['people']} "
                    f"(answers by score: {parts})",
                )
            )
    rows += [
        ("Students still waiting", value_text(data.get("waiting"))),
        ("Open places now", value_text(data.get("open_places"))),
    ]
    return rows


def _breakdown(title: str, demand: Mapping[str, Mapping[str, Any]]) -> list[str]:
    if not demand:
        return []
    width = max(len(title), *(len(k) for k in demand))
    lines = ["", f"{title:<{width}}  {'Waiting':>12}  {'Open places':>11}"]
    for name, entry in demand.items():
        waiting = value_text(entry.get("waiting"))
        lines.append(f"{name:<{width}}  {waiting:>12}  {entry.get('open_places', 0):>11}")
    return lines


def figures_text(data: Mapping[str, Any]) -> str:
    """The figures as a readable table, then demand by industry and by language."""
    term = data.get("term", {}).get("label", "all time")
    rows = _rows(data)
    width = max(len(label) for label, _ in rows)
    lines = [f"Programme figures, {term}", ""]
    lines += [f"{label:<{width}}  {value}" for label, value in rows]
    lines += _breakdown("Industry", data.get("demand_by_industry", {}))
    lines += _breakdown("Language", data.get("demand_by_language", {}))
    lines += [
        "",
        f"A figure about fewer than {data.get('min_people', 5)} people shows as "
        f"'{FEWER}'. Nothing here names or identifies a student.",
    ]
    return "\n".join(lines) + "\n"


def mermaid_chart(data: Mapping[str, Any]) -> str:
    """The headline counts as a Mermaid bar chart in Markdown (GitHub renders it).

    Counts shown as 'fewer than 5' are not plotted (a bar would give them away); they are
    named under the chart instead.
    """
    term = data.get("term", {}).get("label", "all time")
    plotted = [(label, data.get(key)) for key, label in HEADLINE]
    bars = [(label, v) for label, v in plotted if isinstance(v, int) and not isinstance(v, bool)]
    hidden = [label for label, v in plotted if v == FEWER]
    lines = [f"### Programme in numbers ({term})", ""]
    if bars:
        labels = ", ".join(f'"{label}"' for label, _ in bars)
        values = ", ".join(str(v) for _, v in bars)
        lines += [
            "```mermaid",
            "xychart-beta",
            f'    title "Headline figures, {term}"',
            f"    x-axis [{labels}]",
            '    y-axis "People"',
            f"    bar [{values}]",
            "```",
            "",
        ]
    if hidden:
        lines.append(f"Fewer than 5 (not charted): {', '.join(hidden)}.")
    elif not bars:
        lines.append("No figures yet.")
    return "\n".join(lines).rstrip() + "\n"
