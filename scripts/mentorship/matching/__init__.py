"""Matching: turn waiting requests into optimal, explainable student–mentor matches.

`solve` is the exact solver of DESIGN.md's contract; `score_pairs` builds its score matrix
from requests and mentor profiles; `run_match` is the `match` stage over the ledger.
"""

from .solver import solve

__all__ = ["solve"]
