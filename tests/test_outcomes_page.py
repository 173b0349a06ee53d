"""The numbers page and the summary chart read the figures file as untrusted text."""

from __future__ import annotations

from mentorship.outcomes.page import numbers_html
from mentorship.outcomes.render import mermaid_chart


def test_a_tampered_figures_file_cannot_inject_markup():
    hostile = {
        "version": 1,
        "term": {"label": "<img src=x onerror=alert(1)>"},
        "requests": "<b>bold</b>",
        "matched": 12,
        "ratings": {"students": "not a mapping"},
        "demand_by_industry": {"<script>alert(1)</script>": {"waiting": 7, "open_places": "x"}},
    }
    html = numbers_html(hostile)
    assert "<script>" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Requests: n/a;" in html and "Matched: 12;" in html


def test_the_summary_chart_plots_counts_and_names_the_hidden_ones():
    chart = mermaid_chart(
        {"term": {"label": "all time"}, "requests": 9, "matched": "fewer than 5", "waiting": 0}
    )
    assert '    x-axis ["Requests", "Still waiting"]\n    y-axis "People"\n    bar [9, 0]' in chart
    assert "Fewer than 5 (not charted): Valid requests, Matched" not in chart
    assert "Fewer than 5 (not charted): Matched." in chart
