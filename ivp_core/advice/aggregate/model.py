"""Data model of the aggregation: what goes in (ballots per session, settings) and what comes out.

Everything is a frozen dataclass so that a result can be cached, compared and stored with the final
choice without anyone mutating it on the way. ``to_dict`` gives plain JSON-ready structures.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal, get_args, overload

import numpy as np
import numpy.typing as npt

from ivp_core.advice.aggregate.caveats import Caveat, caveat_nl
from ivp_core.consultation.ballots import Method, NormalisedBallot
from ivp_core.errors import UserError
from ivp_core.vocabulary import (
    ANALYSIS_GROUP as ANALYSIS_GROUP,  # defined at the floor; one of aggregate's names
)

RankingRule = Literal["default", "borda", "schulze"]
RANKING_RULES: Final[tuple[RankingRule, ...]] = get_args(RankingRule)

#: Name of the pseudo-group that carries the data-driven analysis score.


class AggregationError(UserError):
    """Input or settings the aggregation cannot work with; ``message_nl`` is shown to the user."""


# ------------------------------------------------------------------------------------------------ input


@dataclass(frozen=True)
class RaterBallot:
    """One participant's ballot as stored; values are raw (rating, points, rank), None = missing.

    ``weight`` is a survey weight (post-stratification); it redistributes influence *within* a group
    and never changes the group's total weight.
    """

    participant: str
    values: Mapping[str, float | None] = field(default_factory=dict)
    criteria: Mapping[tuple[str, str], float | None] = field(default_factory=dict)
    weight: float = 1.0
    wijk: str | None = None
    age_band: str | None = None

    @classmethod
    def from_normalised(
        cls,
        participant: str,
        ballot: NormalisedBallot,
        *,
        weight: float = 1.0,
        wijk: str | None = None,
        age_band: str | None = None,
    ) -> RaterBallot:
        """Bridge from the live-session validation to the aggregation input."""
        return cls(participant, dict(ballot.values), dict(ballot.criteria), weight, wijk, age_band)


class BallotTable(Sequence[RaterBallot]):
    """Many plain ballots of one session as one matrix (participants x the session's themes).

    A CSV of 20,000 residents would otherwise become 20,000 dicts that the scoring turns straight back
    into this matrix; the table hands the matrix to the scoring as is and makes a :class:`RaterBallot`
    only for whoever asks for one. Every ballot has weight 1 and no criteria or background; NaN is a
    missing value (None in the ballot). It compares equal to the tuple of the ballots it stands for.
    """

    __slots__ = ("participants", "themes", "values")

    def __init__(
        self, participants: Sequence[str], themes: Sequence[str], values: npt.NDArray[np.float64]
    ) -> None:
        if values.shape != (len(participants), len(themes)):
            raise ValueError("BallotTable: values must be participants x themes")
        self.participants = tuple(participants)
        self.themes = tuple(themes)
        self.values = values

    def __len__(self) -> int:
        return len(self.participants)

    @overload
    def __getitem__(self, i: int) -> RaterBallot: ...

    @overload
    def __getitem__(self, i: slice) -> tuple[RaterBallot, ...]: ...

    def __getitem__(self, i: int | slice) -> RaterBallot | tuple[RaterBallot, ...]:
        if isinstance(i, slice):
            return tuple(self[j] for j in range(*i.indices(len(self))))
        row = self.values[i].tolist()
        return RaterBallot(
            self.participants[i],
            {t: (None if x != x else x) for t, x in zip(self.themes, row, strict=True)},
        )

    def __iter__(self) -> Iterator[RaterBallot]:
        return (self[i] for i in range(len(self)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, BallotTable | tuple):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # equal to a tuple of ballots, so not hashable (as a list)

    def __repr__(self) -> str:
        return f"BallotTable({len(self)} ballots x {len(self.themes)} themes)"


@dataclass(frozen=True)
class SessionBallots:
    """All ballots of one session; ``themes`` are the themes that were on the ballot.

    A theme not in ``themes`` is missing for every participant of the session, not scored zero.
    ``ballots`` is a tuple of :class:`RaterBallot` or, for many plain ballots, a :class:`BallotTable`.
    """

    session_id: str
    group: str
    method: Method
    themes: tuple[str, ...]
    settings: Mapping[str, Any]
    ballots: Sequence[RaterBallot]


@dataclass(frozen=True)
class AggregationSettings:
    """How to turn ballots into priorities.

    ``group_weights`` None means equal weights for all groups present (the analysis included when
    ``data_scores`` is given). ``data_weight`` overrides the analysis weight. ``weight_concentration``
    is the Dirichlet concentration used to vary the weights (higher = closer to the chosen weights;
    20 gives a standard deviation of about 0.1 around a weight of 0.4).
    """

    group_weights: Mapping[str, float] | None = None
    top_k: int = 4
    ranking_rule: RankingRule = "default"
    data_scores: Mapping[str, float] | None = None
    data_weight: float | None = None
    seed: int = 2024
    resamples: int = 1000
    weight_concentration: float = 20.0
    tie_tolerance: float = 0.005
    close_call_threshold: float = 0.8


# ----------------------------------------------------------------------------------------------- output


def round_or_none(x: float | None, digits: int = 6) -> float | None:
    return None if x is None or not math.isfinite(x) else round(float(x), digits)


@dataclass(frozen=True)
class ThemeRobustness:
    """How stable one theme's place is under resampling participants and varying the weights."""

    theme: str
    p_top: float
    p_top_participants: float
    p_top_weights: float
    rank_low: int
    rank_median: int
    rank_high: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "theme": self.theme,
            "p_top": round_or_none(self.p_top, 4),
            "p_top_participants": round_or_none(self.p_top_participants, 4),
            "p_top_weights": round_or_none(self.p_top_weights, 4),
            "rank_interval": [self.rank_low, self.rank_high],
            "rank_median": self.rank_median,
        }


@dataclass(frozen=True)
class CloseCall:
    """Two neighbours in the ranking that the data cannot separate well.

    ``p_above`` is the share of resamples in which ``theme_a`` (ranked higher) stays above
    ``theme_b``; None when no resampling was done and the pair is only a tie within the tolerance.
    """

    theme_a: str
    theme_b: str
    position_a: int
    position_b: int
    score_gap: float | None
    p_above: float | None
    at_boundary: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "themes": [self.theme_a, self.theme_b],
            "positions": [self.position_a, self.position_b],
            "score_gap": round_or_none(self.score_gap),
            "p_above": round_or_none(self.p_above, 4),
            "at_boundary": self.at_boundary,
        }


@dataclass(frozen=True)
class WeightRange:
    """Interval of one group's weight (others rescaled proportionally) that keeps the same top k."""

    group: str
    weight: float
    low: float
    high: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "weight": round_or_none(self.weight, 4),
            "low": round_or_none(self.low, 4),
            "high": round_or_none(self.high, 4),
        }


@dataclass(frozen=True)
class Robustness:
    resamples: int
    seed: int
    weight_concentration: float
    themes: tuple[ThemeRobustness, ...]
    close_calls: tuple[CloseCall, ...]
    weight_ranges: tuple[WeightRange, ...]
    p_same_top: float

    def theme(self, code: str) -> ThemeRobustness:
        return next(t for t in self.themes if t.theme == code)

    def to_dict(self) -> dict[str, Any]:
        return {
            "resamples": self.resamples,
            "seed": self.seed,
            "weight_concentration": self.weight_concentration,
            "p_same_top": round_or_none(self.p_same_top, 4),
            "themes": [t.to_dict() for t in self.themes],
            "close_calls": [c.to_dict() for c in self.close_calls],
            "weight_ranges": [w.to_dict() for w in self.weight_ranges],
        }


@dataclass(frozen=True)
class ThemeResult:
    """One theme in the combined ranking.

    ``rank`` is 1 + the number of themes that are clearly better (more than the tie tolerance), so
    tied themes share a rank. ``score`` is None when no group with weight scored the theme.
    """

    theme: str
    score: float | None
    rank: int
    tied_with: tuple[str, ...]
    priority: bool
    group_scores: Mapping[str, float | None]
    group_ranks: Mapping[str, int | None]
    n_raters: Mapping[str, int]
    p_top: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "theme": self.theme,
            "score": round_or_none(self.score),
            "rank": self.rank,
            "p_top": round_or_none(self.p_top, 4),
            "priority": self.priority,
            "tied_with": list(self.tied_with),
            "group_scores": {g: round_or_none(s) for g, s in self.group_scores.items()},
            "group_ranks": dict(self.group_ranks),
            "n_raters": dict(self.n_raters),
        }


@dataclass(frozen=True)
class GroupInfo:
    name: str
    weight: float
    n_raters: int
    methods: tuple[str, ...]
    sessions: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "group": self.name,
            "weight": round_or_none(self.weight),
            "n_raters": self.n_raters,
            "methods": list(self.methods),
            "sessions": list(self.sessions),
        }


@dataclass(frozen=True)
class AggregationResult:
    """Everything the UI shows beside a result: ranking, priorities, method, weights, caveats.

    ``themes`` is in ranking order (rank, then score, then code); ``priorities`` are all themes with
    rank <= top_k, which can be more than top_k when themes are tied at the boundary: the tool then
    leaves the choice to people and says so in ``boundary_tie``.
    """

    themes: tuple[ThemeResult, ...]
    priorities: tuple[str, ...]
    going_concern: tuple[str, ...]
    top_k: int
    method: str
    ranking_rule: RankingRule
    groups: tuple[GroupInfo, ...]
    tie_tolerance: float
    boundary_tie: tuple[str, ...]
    caveats: tuple[Caveat, ...]
    robustness: Robustness | None = None
    #: Themes only points groups voted on and nobody gave a single point: never advised, whatever their place.
    unsupported: tuple[str, ...] = ()

    @property
    def warnings(self) -> tuple[str, ...]:
        """The caveats as the results page and the command line say them."""
        return tuple(caveat_nl(c) for c in self.caveats)

    @property
    def group_weights(self) -> dict[str, float]:
        return {g.name: g.weight for g in self.groups}

    def theme(self, code: str) -> ThemeResult:
        return next(t for t in self.themes if t.theme == code)

    @property
    def scores(self) -> dict[str, float | None]:
        return {t.theme: t.score for t in self.themes}

    @property
    def ranks(self) -> dict[str, int]:
        return {t.theme: t.rank for t in self.themes}

    def to_dict(self) -> dict[str, Any]:
        return {
            "ranking": [t.to_dict() for t in self.themes],
            "priorities": list(self.priorities),
            "going_concern": list(self.going_concern),
            "top_k": self.top_k,
            "method": self.method,
            "ranking_rule": self.ranking_rule,
            "group_weights": {g.name: round_or_none(g.weight) for g in self.groups},
            "groups": [g.to_dict() for g in self.groups],
            "tie_tolerance": self.tie_tolerance,
            "boundary_tie": list(self.boundary_tie),
            # the sentences too, for a version before typed caveats that reads this record (a rollback)
            "warnings": list(self.warnings),
            "caveats": [c.to_dict() for c in self.caveats],
            "unsupported": list(self.unsupported),
            "robustness": None if self.robustness is None else self.robustness.to_dict(),
        }
