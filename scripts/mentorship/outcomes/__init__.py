"""The programme's outcomes: PII-free figures about a term, for staff, the public and the site.

`figures.programme_figures` computes them from the Requests, Matches and Sessions tabs (pure);
`figures_file` reads and writes the figures file the nightly publishes; `charts` draws the
site's SVG charts and `summary` the job summary's Mermaid chart, both from the figures only.
"""

from .figures import FEWER, MIN_PEOPLE, Figures, Term, programme_figures, shown

__all__ = ["FEWER", "MIN_PEOPLE", "Figures", "Term", "programme_figures", "shown"]
