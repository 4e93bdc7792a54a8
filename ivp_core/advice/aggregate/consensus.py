"""Consensus: how much do people agree, within a group and between groups?

A priority that everybody puts halfway is a different political fact from one that half puts on
top and half at the bottom, even with the same mean. These figures are shown beside the ranking:

- spread per theme within each group: Leik's ordinal dispersion for ratings (0 = everybody gave
  the same rating, 1 = split between the two extremes), otherwise the standard deviation of the
  normalised scores;
- difference between groups per theme (pairs of groups) and the rank correlation of two groups'
  rankings;
- Kendall's W per group: agreement on the whole order (0 = none, 1 = identical orders);
- the impact x beïnvloedbaarheid matrix of the werkgroep's criteria scores.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ivp_core.advice.aggregate.condorcet import FloatArray, borda_transform
from ivp_core.advice.aggregate.model import SessionBallots, round_or_none
from ivp_core.advice.aggregate.scoring import (
    GroupData,
    build_groups,
    group_statistic,
    sorted_themes,
    tolerance_ranks,
)
from ivp_core.consultation.ballots import (
    IMPACT_KEY,
    INFLUENCE_KEY,
    Criterion,
    normalise_settings,
    parse_criteria,
)

_TIE_EPS = 1e-9


def leik_dispersion(counts: npt.ArrayLike) -> float:
    """Leik's (1966) ordinal dispersion of category frequencies, 0..1.

    D = 2 Σ_{i<K} min(F_i, 1 - F_i) / (K - 1) with F_i the cumulative shares. Example:
    30, 40, 210, 130, 530, 50, 10 -> 0.287. NaN for no observations or one category.
    """
    c = np.asarray(counts, dtype=float)
    total = c.sum()
    if total <= 0 or len(c) < 2:
        return float("nan")
    cum = np.cumsum(c)[:-1] / total
    return float(2 * np.minimum(cum, 1 - cum).sum() / (len(c) - 1))


def kendalls_w(scores: FloatArray) -> float:
    """Kendall's coefficient of concordance with the correction for ties, raters x themes.

    Higher score = preferred; rows must be complete. W = 12 S / (n^2 (m^3 - m) - n Σ T_i).
    NaN with fewer than 2 raters or 2 themes, or when every rater ties everything.
    """
    n, m = scores.shape
    if n < 2 or m < 2:
        return float("nan")
    ranks = borda_transform(scores) * (m - 1) + 1  # average ranks 1..m, ties averaged
    equal = (scores[:, :, None] == scores[:, None, :]).sum(axis=2)
    ties = (equal**2 - 1).sum()  # Σ_i Σ_groups (t^3 - t)
    col = ranks.sum(axis=0)
    s = ((col - n * (m + 1) / 2) ** 2).sum()
    denom = n**2 * (m**3 - m) - n * ties
    return float(12 * s / denom) if denom > 0 else float("nan")


@dataclass(frozen=True)
class Dispersion:
    group: str
    theme: str
    measure: str  # "leik" or "std"
    value: float
    n: int


@dataclass(frozen=True)
class GroupDifference:
    theme: str
    group_a: str
    group_b: str
    score_a: float
    score_b: float
    rank_a: int
    rank_b: int

    @property
    def difference(self) -> float:
        return self.score_a - self.score_b


@dataclass(frozen=True)
class GroupAgreement:
    """Spearman's rank correlation of two groups' theme scores over the themes both scored."""

    group_a: str
    group_b: str
    spearman: float
    n_themes: int


@dataclass(frozen=True)
class GroupConcordance:
    group: str
    kendall_w: float
    n_raters: int
    n_themes: int


@dataclass(frozen=True)
class MatrixPoint:
    """Mean impact and beïnvloedbaarheid of one theme, on 0..1 and (if all ranges agree) raw."""

    theme: str
    impact: float | None
    influence: float | None
    impact_raw: float | None
    influence_raw: float | None
    n: int


@dataclass(frozen=True)
class Consensus:
    dispersion: tuple[Dispersion, ...]
    differences: tuple[GroupDifference, ...]
    agreements: tuple[GroupAgreement, ...]
    concordance: tuple[GroupConcordance, ...]
    matrix: tuple[MatrixPoint, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "dispersion": [
                {
                    "group": d.group,
                    "theme": d.theme,
                    "measure": d.measure,
                    "value": round_or_none(d.value, 4),
                    "n": d.n,
                }
                for d in self.dispersion
            ],
            "differences": [
                {
                    "theme": d.theme,
                    "groups": [d.group_a, d.group_b],
                    "scores": [round_or_none(d.score_a), round_or_none(d.score_b)],
                    "ranks": [d.rank_a, d.rank_b],
                    "difference": round_or_none(d.difference),
                }
                for d in self.differences
            ],
            "agreements": [
                {
                    "groups": [a.group_a, a.group_b],
                    "spearman": round_or_none(a.spearman, 4),
                    "n_themes": a.n_themes,
                }
                for a in self.agreements
            ],
            "concordance": [
                {
                    "group": c.group,
                    "kendall_w": round_or_none(c.kendall_w, 4),
                    "n_raters": c.n_raters,
                    "n_themes": c.n_themes,
                }
                for c in self.concordance
            ],
            "matrix": [
                {
                    "theme": p.theme,
                    "impact": round_or_none(p.impact, 4),
                    "influence": round_or_none(p.influence, 4),
                    "impact_raw": round_or_none(p.impact_raw, 4),
                    "influence_raw": round_or_none(p.influence_raw, 4),
                    "n": p.n,
                }
                for p in self.matrix
            ],
        }


# ------------------------------------------------------------------------------------------ pieces


def _rating_scale(members: Sequence[SessionBallots]) -> tuple[int, int] | None:
    """The common rating scale of a group, or None if it is not a pure rating group on one scale."""
    scales = {
        (s["scale_min"], s["scale_max"])
        for s in (
            normalise_settings("rating", m.settings, len(m.themes)) for m in members if m.method == "rating"
        )
    }
    if len(scales) != 1 or any(m.method != "rating" for m in members):
        return None
    return next(iter(scales))


def _weighted_std(x: FloatArray, w: FloatArray) -> float:
    mean = np.average(x, weights=w)
    return float(np.sqrt(np.average((x - mean) ** 2, weights=w)))


def _group_dispersion(
    group: GroupData, members: Sequence[SessionBallots], themes: Sequence[str]
) -> list[Dispersion]:
    out = []
    scale = _rating_scale(members)
    for j, theme in enumerate(themes):
        col = group.scores[:, j]
        present = ~np.isnan(col)
        n = int(present.sum())
        if n == 0 or group.weights[present].sum() <= 0:
            continue
        x, w = col[present], group.weights[present]
        if scale is not None:
            lo, hi = scale
            categories = np.rint(x * (hi - lo)).astype(int)  # back from 0..1 to 0..K-1
            counts = np.bincount(categories, weights=w, minlength=hi - lo + 1)
            out.append(Dispersion(group.name, theme, "leik", leik_dispersion(counts), n))
        else:
            out.append(Dispersion(group.name, theme, "std", _weighted_std(x, w), n))
    return out


def _spearman(a: FloatArray, b: FloatArray) -> float:
    ra = borda_transform(a[None, :])[0]
    rb = borda_transform(b[None, :])[0]
    if np.std(ra) == 0 or np.std(rb) == 0:
        return float("nan")
    return float(np.corrcoef(ra, rb)[0, 1])


def _concordance(
    group: GroupData, members: Sequence[SessionBallots], themes: Sequence[str]
) -> GroupConcordance:
    """W over the themes on every ballot of the group and the raters who scored all of them."""
    common = set(themes)
    for s in members:
        common &= set(s.themes)
    cols = [j for j, t in enumerate(themes) if t in common]
    x = group.scores[:, cols]
    complete = x[~np.isnan(x).any(axis=1)] if x.size else x
    return GroupConcordance(group.name, kendalls_w(complete), int(complete.shape[0]), len(cols))


def _find_criterion(criteria: Sequence[Criterion], key: str, label_hint: str) -> Criterion | None:
    for c in criteria:
        if c.key == key:
            return c
    for c in criteria:
        if label_hint in c.label.lower().replace("ï", "i"):
            return c
    return None


def impact_influence_matrix(
    sessions: Sequence[SessionBallots],
    themes: Sequence[str],
    *,
    group: str | None = None,
    impact_key: str = IMPACT_KEY,
    influence_key: str = INFLUENCE_KEY,
) -> tuple[MatrixPoint, ...]:
    """Per theme the mean of the criteria "maatschappelijke impact" and "beïnvloedbaarheid".

    Criteria are found by key, or else by label, so a werkgroep that renamed its criteria still gets
    a matrix. Means are over the raters who scored the criterion; 0..1 uses each session's range.
    """
    sums: dict[str, dict[str, list[float]]] = {t: {"i": [], "f": [], "ir": [], "fr": []} for t in themes}
    ranges: set[tuple[float, float, float, float]] = set()
    for s in sessions:
        if s.method != "criteria" or (group is not None and s.group != group):
            continue
        criteria = parse_criteria(s.settings)
        imp = _find_criterion(criteria, impact_key, "impact")
        inf = _find_criterion(criteria, influence_key, "beinvloedbaar")
        if imp is None or inf is None:
            continue
        ranges.add((imp.min, imp.max, inf.min, inf.max))
        for b in s.ballots:
            for t in s.themes:
                for crit, norm_key, raw_key in ((imp, "i", "ir"), (inf, "f", "fr")):
                    v = b.criteria.get((t, crit.key))
                    if v is not None and t in sums:
                        sums[t][raw_key].append(float(v))
                        sums[t][norm_key].append((float(v) - crit.min) / (crit.max - crit.min))
    one_range = len(ranges) == 1

    def mean(xs: list[float]) -> float | None:
        return float(np.mean(xs)) if xs else None

    return tuple(
        MatrixPoint(
            theme=t,
            impact=mean(v["i"]),
            influence=mean(v["f"]),
            impact_raw=mean(v["ir"]) if one_range else None,
            influence_raw=mean(v["fr"]) if one_range else None,
            n=min(len(v["i"]), len(v["f"])),
        )
        for t, v in sums.items()
        if v["i"] or v["f"]
    )


def consensus(sessions: Sequence[SessionBallots], themes: Sequence[str] | None = None) -> Consensus:
    """All consensus figures for a set of sessions (pure; the analysis group plays no part)."""
    universe = tuple(themes) if themes is not None else sorted_themes(t for s in sessions for t in s.themes)
    groups = build_groups(sessions, universe, "default", None)
    members: Mapping[str, list[SessionBallots]] = {
        g.name: [s for s in sessions if s.group == g.name] for g in groups
    }
    means = {g.name: group_statistic(g, "default") for g in groups}
    ranks = {name: tolerance_ranks(v, _TIE_EPS) for name, v in means.items()}

    dispersion = [d for g in groups for d in _group_dispersion(g, members[g.name], universe)]
    differences = []
    agreements = []
    for a, b in itertools.combinations(sorted(means), 2):
        both = ~np.isnan(means[a]) & ~np.isnan(means[b])
        for j in np.flatnonzero(both):
            differences.append(
                GroupDifference(
                    universe[j],
                    a,
                    b,
                    float(means[a][j]),
                    float(means[b][j]),
                    int(ranks[a][j]),
                    int(ranks[b][j]),
                )
            )
        if both.sum() >= 2:
            agreements.append(
                GroupAgreement(a, b, _spearman(means[a][both], means[b][both]), int(both.sum()))
            )
    return Consensus(
        dispersion=tuple(dispersion),
        differences=tuple(differences),
        agreements=tuple(agreements),
        concordance=tuple(_concordance(g, members[g.name], universe) for g in groups),
        matrix=impact_influence_matrix(sessions, universe),
    )
