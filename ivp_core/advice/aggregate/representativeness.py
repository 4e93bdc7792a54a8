"""Is the resident consultation representative, and does that change the outcome?

An online survey is mostly answered by some neighbourhoods and age groups. Here we compare the
respondents per wijk/kern and age band with the population shares the caller supplies, compute
post-stratification weights (raking when more than one dimension is given) and put the reweighted
result beside the raw one. Weights only redistribute influence *within* the group: the group's
weight in the combination stays what people chose.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np

from ivp_core.advice.aggregate.combine import aggregate
from ivp_core.advice.aggregate.explain import number_nl, percent_nl
from ivp_core.advice.aggregate.model import (
    AggregationError,
    AggregationResult,
    AggregationSettings,
    RaterBallot,
    SessionBallots,
    round_or_none,
)

Dimension = Literal["wijk", "age_band"]
DIMENSION_NAMES_NL: Mapping[str, str] = {"wijk": "wijk of kern", "age_band": "leeftijdsgroep"}
#: Below this many respondents a cell's answers are too few to stand for the whole cell.
SMALL_CELL = 5
#: Weights above this make a few answers count very heavily; worth a warning.
LARGE_WEIGHT = 5.0


@dataclass(frozen=True)
class CellShare:
    dimension: str
    cell: str
    respondents: int
    sample_share: float
    population_share: float

    @property
    def ratio(self) -> float:
        """Over- (> 1) or under-representation (< 1); inf for a cell missing from the population."""
        return self.sample_share / self.population_share if self.population_share > 0 else math.inf

    @property
    def small(self) -> bool:
        return self.respondents < SMALL_CELL

    def to_dict(self) -> dict[str, Any]:
        return {
            "dimension": self.dimension,
            "cell": self.cell,
            "respondents": self.respondents,
            "sample_share": round_or_none(self.sample_share, 4),
            "population_share": round_or_none(self.population_share, 4),
            "ratio": round_or_none(self.ratio, 4),
            "small": self.small,
        }


@dataclass(frozen=True)
class RepresentativenessReport:
    cells: tuple[CellShare, ...]
    weights: tuple[float, ...]
    effective_n: float
    warnings: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "cells": [c.to_dict() for c in self.cells],
            "effective_n": round_or_none(self.effective_n, 2),
            "max_weight": round_or_none(max(self.weights, default=1.0), 4),
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class ReweightedComparison:
    raw: AggregationResult
    weighted: AggregationResult
    report: RepresentativenessReport

    @property
    def same_priorities(self) -> bool:
        return set(self.raw.priorities) == set(self.weighted.priorities)

    def rank_changes(self) -> tuple[tuple[str, int, int], ...]:
        """(theme, raw rank, reweighted rank) for every theme whose rank changed."""
        raw = self.raw.ranks
        return tuple((t.theme, raw[t.theme], t.rank) for t in self.weighted.themes if raw[t.theme] != t.rank)


def _cell(ballot: RaterBallot, dimension: str) -> str | None:
    value = getattr(ballot, dimension)
    return None if value in (None, "") else str(value)


def _shares(population: Mapping[str, float], dimension: str) -> dict[str, float]:
    """Population shares (counts are accepted too) normalised to sum 1."""
    values = {str(k): float(v) for k, v in population.items()}
    if any(not math.isfinite(v) or v < 0 for v in values.values()) or sum(values.values()) <= 0:
        raise AggregationError(
            f"De bevolkingsaandelen per {DIMENSION_NAMES_NL.get(dimension, dimension)} moeten getallen van 0 of meer "
            "zijn, samen meer dan 0."
        )
    total = sum(values.values())
    return {k: v / total for k, v in values.items()}


def participation(
    ballots: Sequence[RaterBallot], population: Mapping[str, float], dimension: Dimension
) -> tuple[CellShare, ...]:
    """Respondents per cell against the population shares, population cells first, then unknown ones."""
    shares = _shares(population, dimension)
    cells = [_cell(b, dimension) for b in ballots]
    known = [c for c in cells if c is not None]
    n = len(known)
    out = [
        CellShare(dimension, cell, known.count(cell), known.count(cell) / n if n else 0.0, share)
        for cell, share in shares.items()
    ]
    for cell in sorted(set(known) - set(shares)):
        out.append(CellShare(dimension, cell, known.count(cell), known.count(cell) / n, 0.0))
    return tuple(out)


def poststratification_weights(
    ballots: Sequence[RaterBallot],
    population: Mapping[str, Mapping[str, float]],
    *,
    max_iterations: int = 200,
    tolerance: float = 1e-10,
) -> tuple[float, ...]:
    """One weight per ballot so that the weighted respondents match the population shares.

    With one dimension this is plain post-stratification (weight = population share / sample share
    of the cell); with two (wijk and age band, whose joint distribution is seldom known) it is
    raking: adjust to each dimension in turn until both fit. Respondents whose cell is unknown or
    not in the population table keep weight 1 for that dimension; cells without respondents cannot
    be weighted up and are left out (a warning says so). Weights have mean 1.
    """
    n = len(ballots)
    if n == 0:
        return ()
    w = np.ones(n)
    dims = []
    for dimension, pop in population.items():
        shares = _shares(pop, dimension)
        cells = np.array([_cell(b, dimension) or "" for b in ballots], dtype=object)
        present = [c for c in shares if (cells == c).any() and shares[c] > 0]
        total_share = sum(shares[c] for c in present)
        dims.append([(cells == c, shares[c] / total_share) for c in present])
    for _ in range(max_iterations):
        before = w.copy()
        for dimension_cells in dims:
            known = np.zeros(n, dtype=bool)
            for mask, _ in dimension_cells:
                known |= mask
            total = w[known].sum()
            for mask, share in dimension_cells:
                w[mask] *= share * total / w[mask].sum()
        if np.max(np.abs(w - before)) < tolerance:
            break
    return tuple(float(x) for x in w / w.mean())


def representativeness(
    ballots: Sequence[RaterBallot], population: Mapping[str, Mapping[str, float]]
) -> RepresentativenessReport:
    """Participation per cell, the post-stratification weights and Dutch warnings."""
    cells = [c for dim, pop in population.items() for c in participation(ballots, pop, dim)]
    weights = poststratification_weights(ballots, population)
    warnings = []
    for c in cells:
        where = f"{DIMENSION_NAMES_NL.get(c.dimension, c.dimension)} '{c.cell}'"
        if c.population_share == 0:
            warnings.append(
                f"{c.respondents} deelnemer(s) noemen {where}, die niet in de bevolkingscijfers staat; "
                "zij tellen mee zonder weging."
            )
        elif c.respondents == 0:
            warnings.append(
                f"Uit {where} ({percent_nl(c.population_share)} van de bevolking) deed niemand mee. "
                "Dat deel van de bevolking ontbreekt in de uitkomst, ook na weging."
            )
        elif c.small:
            warnings.append(
                f"Uit {where} deden maar {c.respondents} mensen mee (minder dan {SMALL_CELL}). Hun antwoorden "
                "wegen na weging zwaar; lees de gewogen uitkomst voorzichtig."
            )
    if weights and max(weights) > LARGE_WEIGHT:
        warnings.append(
            f"Het grootste gewicht is {number_nl(max(weights), 1)}: één antwoord telt dan als "
            f"{number_nl(max(weights), 1)} antwoorden."
        )
    arr = np.array(weights)
    effective = float(arr.sum() ** 2 / (arr**2).sum()) if arr.size else 0.0
    return RepresentativenessReport(tuple(cells), weights, effective, tuple(warnings))


def _group_ballots(sessions: Iterable[SessionBallots], groups: Sequence[str]) -> list[RaterBallot]:
    return [b for s in sessions if s.group in groups for b in s.ballots]


def reweight(
    sessions: Sequence[SessionBallots],
    population: Mapping[str, Mapping[str, float]],
    groups: Sequence[str] = ("inwoners",),
) -> tuple[SessionBallots, ...]:
    """The sessions with post-stratification weights set on the ballots of ``groups``."""
    weights = iter(poststratification_weights(_group_ballots(sessions, groups), population))
    out = []
    for s in sessions:
        if s.group in groups:
            s = replace(s, ballots=tuple(replace(b, weight=next(weights)) for b in s.ballots))
        out.append(s)
    return tuple(out)


def compare_reweighted(
    sessions: Sequence[SessionBallots],
    settings: AggregationSettings,
    population: Mapping[str, Mapping[str, float]],
    groups: Sequence[str] = ("inwoners",),
    themes: Sequence[str] | None = None,
) -> ReweightedComparison:
    """Raw and reweighted result side by side, with the representativeness report."""
    ballots = _group_ballots(sessions, groups)
    if not ballots:
        raise AggregationError(f"Er zijn geen stemmen van {', '.join(groups)} om te wegen.")
    raw_sessions = [
        replace(s, ballots=tuple(replace(b, weight=1.0) for b in s.ballots)) if s.group in groups else s
        for s in sessions
    ]
    return ReweightedComparison(
        raw=aggregate(raw_sessions, settings, themes),
        weighted=aggregate(reweight(sessions, population, groups), settings, themes),
        report=representativeness(ballots, population),
    )
