"""Aggregation of ballots into 3-4 recommended priorities, with robustness, consensus and reasons.

Public entry points: :func:`aggregate` (ballots + settings -> :class:`AggregationResult`),
:func:`consensus`, :func:`explain_priorities` and the representativeness helpers. The exact
definitions are in ``docs/aggregatie.md``.
"""

from ivp_core.aggregate.combine import aggregate, resolve_weights
from ivp_core.aggregate.model import (
    ANALYSIS_GROUP,
    AggregationError,
    AggregationResult,
    AggregationSettings,
    CloseCall,
    GroupInfo,
    RankingRule,
    RaterBallot,
    Robustness,
    SessionBallots,
    ThemeResult,
    ThemeRobustness,
    WeightRange,
)

__all__ = [
    "ANALYSIS_GROUP",
    "AggregationError",
    "AggregationResult",
    "AggregationSettings",
    "CloseCall",
    "GroupInfo",
    "RankingRule",
    "RaterBallot",
    "Robustness",
    "SessionBallots",
    "ThemeResult",
    "ThemeRobustness",
    "WeightRange",
    "aggregate",
    "resolve_weights",
]
