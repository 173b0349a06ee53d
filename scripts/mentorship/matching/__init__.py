"""Matching: turn waiting requests into optimal, explainable student–mentor matches.

`solve` is the exact solver of the contract in docs/architecture.md; `score_pairs` builds its score matrix
from requests and mentor profiles; `run_match` is the `match` stage over the ledger and
returns a `MatchReport` (with its `DemandReport`) for the command and the nightly summary.
"""

from .demand import DemandReport, IndustryDemand, MentorLoad, TopicDemand, demand_report
from .explain import match_reasons, waiting_reason
from .scoring import MatchRequest, PairScores, score_pairs
from .solver import solve
from .stage import MatchMade, MatchReport, StillWaiting, run_match

__all__ = [
    "DemandReport",
    "IndustryDemand",
    "MatchMade",
    "MatchReport",
    "MatchRequest",
    "MentorLoad",
    "PairScores",
    "StillWaiting",
    "TopicDemand",
    "demand_report",
    "match_reasons",
    "run_match",
    "score_pairs",
    "solve",
    "waiting_reason",
]
