"""Aggregation of ballots into 3-4 recommended priorities, with robustness, consensus and reasons.

Public entry points: :func:`aggregate` (ballots + settings -> :class:`AggregationResult`),
:func:`consensus`, :func:`explain_priorities` and the representativeness helpers. The exact
definitions are in ``docs/aggregatie.md``.
"""

from ivp_core.advice.aggregate.combine import aggregate, resolve_weights
from ivp_core.advice.aggregate.consensus import Consensus, consensus, kendalls_w, leik_dispersion
from ivp_core.advice.aggregate.explain import describe_method, explain_priorities, explain_theme
from ivp_core.advice.aggregate.model import (
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
from ivp_core.advice.aggregate.representativeness import (
    RepresentativenessReport,
    ReweightedComparison,
    compare_reweighted,
    participation,
    poststratification_weights,
    representativeness,
    reweight,
)

__all__ = [
    "ANALYSIS_GROUP",
    "AggregationError",
    "AggregationResult",
    "AggregationSettings",
    "CloseCall",
    "Consensus",
    "GroupInfo",
    "RankingRule",
    "RaterBallot",
    "RepresentativenessReport",
    "ReweightedComparison",
    "Robustness",
    "SessionBallots",
    "ThemeResult",
    "ThemeRobustness",
    "WeightRange",
    "aggregate",
    "compare_reweighted",
    "consensus",
    "describe_method",
    "explain_priorities",
    "explain_theme",
    "kendalls_w",
    "leik_dispersion",
    "participation",
    "poststratification_weights",
    "representativeness",
    "resolve_weights",
    "reweight",
]
