"""Combining groups into one ranking: group weights, the combined score, ties, priorities.

The combined score of a theme is S = Σ_g w_g · s_g over the groups g that scored the theme, with
the weights of those groups renormalised to sum 1. A group's weight is set by people, never by its
size: a hundred residents and twenty council members each count as the weight they were given.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from ivp_core.advice.aggregate.caveats import Caveat
from ivp_core.advice.aggregate.condorcet import BoolArray, FloatArray
from ivp_core.advice.aggregate.model import (
    ANALYSIS_GROUP,
    RANKING_RULES,
    AggregationError,
    AggregationResult,
    AggregationSettings,
    GroupInfo,
    SessionBallots,
    ThemeResult,
)
from ivp_core.advice.aggregate.robustness import analyse_robustness
from ivp_core.advice.aggregate.scoring import (
    GroupData,
    build_groups,
    combine_statistics,
    group_statistic,
    ranks_and_scores,
    sorted_themes,
    theme_sort_key,
)

SMALL_GROUP = 5


def check_settings(settings: AggregationSettings) -> None:
    if settings.ranking_rule not in RANKING_RULES:
        raise AggregationError(
            f"Onbekende rekenregel '{settings.ranking_rule}'. Kies uit: {', '.join(RANKING_RULES)}."
        )
    if settings.top_k < 1:
        raise AggregationError("Het aantal prioriteiten moet minstens 1 zijn.")
    if not (settings.tie_tolerance >= 0 and math.isfinite(settings.tie_tolerance)):
        raise AggregationError("De tolerantie voor gelijke scores kan niet negatief zijn.")
    if settings.resamples < 0:
        raise AggregationError("Het aantal herberekeningen kan niet negatief zijn.")
    if not settings.weight_concentration > 0:
        raise AggregationError("De spreiding van de gewichten (concentratie) moet positief zijn.")
    if settings.data_weight is not None and not 0 <= settings.data_weight < 1:
        raise AggregationError("Het gewicht van de analyse moet tussen 0 en 1 liggen (bijvoorbeeld 0,25).")


def resolve_weights(group_names: Sequence[str], settings: AggregationSettings) -> dict[str, float]:
    """Group weights normalised to sum 1, for exactly the groups present.

    Every group present needs a weight when weights are given, and a weight for a group that is not
    in the data is refused: both are almost always a typing error that would silently change the
    result. ``data_weight`` is the analysis's share of the total; the groups share the rest.
    """
    names = list(group_names)
    ballot_groups = [g for g in names if g != ANALYSIS_GROUP]
    has_analysis = ANALYSIS_GROUP in names
    given = dict(settings.group_weights) if settings.group_weights is not None else None
    if given is None:
        raw = dict.fromkeys(ballot_groups, 1.0)
        if has_analysis and settings.data_weight is None:
            raw[ANALYSIS_GROUP] = 1.0
    else:
        unknown = sorted(set(given) - set(names))
        if unknown:
            raise AggregationError(
                f"Er is een gewicht opgegeven voor groep '{unknown[0]}', maar die groep komt niet voor in de "
                f"gegevens. Groepen: {', '.join(names) or '(geen)'}."
            )
        if has_analysis and settings.data_weight is not None and ANALYSIS_GROUP in given:
            raise AggregationError("Het gewicht van de analyse is twee keer opgegeven.")
        needed = [g for g in names if not (g == ANALYSIS_GROUP and settings.data_weight is not None)]
        missing = [g for g in needed if g not in given]
        if missing:
            raise AggregationError(f"Er is geen gewicht opgegeven voor groep '{missing[0]}'.")
        raw = {g: float(given[g]) for g in needed}
    for g, w in raw.items():
        if not (math.isfinite(w) and w >= 0):
            raise AggregationError(f"Het gewicht van groep '{g}' moet een getal van 0 of meer zijn.")
    total = sum(raw.values())
    if total <= 0:
        raise AggregationError("Alle gewichten zijn 0: geef minstens één groep een gewicht.")
    # Rounded so that weights given as 0.4/0.3/0.3 or 40/30/30 give bit-identical shares: the robustness
    # draws depend on them, and a last-bit difference must not move a theme across a near-tie.
    weights = {g: round(w / total, 12) for g, w in raw.items()}
    if has_analysis and settings.data_weight is not None:
        weights = {g: w * (1 - settings.data_weight) for g, w in weights.items()}
        weights[ANALYSIS_GROUP] = settings.data_weight
    return {g: weights.get(g, 0.0) for g in names}


def theme_universe(
    sessions: Sequence[SessionBallots], settings: AggregationSettings, themes: Sequence[str] | None
) -> tuple[str, ...]:
    if themes is not None:
        if len(set(themes)) != len(themes):
            raise AggregationError("De lijst met thema's bevat dubbele codes.")
        return tuple(themes)
    codes = {t for s in sessions for t in s.themes} | set(settings.data_scores or {})
    return sorted_themes(codes)


def _caveats(
    groups: Sequence[GroupData],
    weights: Mapping[str, float],
    themes: Sequence[str],
    stats: FloatArray,
    settings: AggregationSettings,
) -> list[Caveat]:
    out: list[Caveat] = []
    ballot_groups = [g for g in groups if not g.fixed]
    methods = {m for g in ballot_groups if weights[g.name] > 0 for m in g.methods}
    if len(methods) > 1 and settings.ranking_rule == "default":
        out.append(Caveat("mixed_methods", methods=tuple(sorted(methods))))
    for g in ballot_groups:
        if 0 < g.n < SMALL_GROUP:
            out.append(Caveat("small_group", groups=(g.name,), count=g.n))
        if g.n == 0:
            out.append(Caveat("empty_group", groups=(g.name,)))
    weighted = [i for i, g in enumerate(groups) if weights[g.name] > 0]
    # One caveat per set of absent groups: a shortlist ballot would otherwise give fifteen identical lines.
    unscored_by: dict[tuple[str, ...], list[str]] = {}
    nobody: list[str] = []
    for j, theme in enumerate(themes):
        scored = [groups[i].name for i in weighted if _scored(stats[i], j)]
        absent = [groups[i].name for i in weighted if not _scored(stats[i], j)]
        if not scored:
            nobody.append(theme)
        elif absent:
            unscored_by.setdefault(tuple(absent), []).append(theme)
    if nobody:
        out.append(Caveat("unscored_by_all", themes=tuple(nobody)))
    for unscoring, codes in unscored_by.items():
        out.append(Caveat("unscored_by", themes=tuple(codes), groups=unscoring))
    return out


def _scored(stat: FloatArray, j: int) -> bool:
    """Whether a group statistic says anything about theme j (mean score or any pairwise margin)."""
    if stat.ndim == 1:
        return not np.isnan(stat[j])
    row = np.delete(stat[j], j)
    return bool((~np.isnan(row)).any())


def _unsupported(groups: Sequence[GroupData], w: FloatArray) -> BoolArray:
    """Themes that only points groups voted on and that got no point from anyone.

    Points are a budget: a theme left at 0 by every participant is one nobody asked for. With few voters
    (three council members putting all their points on two themes) the other themes all tie, and as a tie
    at the boundary they would all be "advised". Other methods always express a preference, so a theme
    they scored counts as supported, as does the analysis.
    """
    m = groups[0].scores.shape[1]
    scored = np.zeros(m, dtype=bool)
    supported = np.zeros(m, dtype=bool)
    for g, weight in zip(groups, w, strict=True):
        if weight <= 0:
            continue
        present = ~np.isnan(g.scores)
        scored |= present.any(axis=0)
        if g.fixed or set(g.methods) != {"points"}:
            supported |= present.any(axis=0)
        else:
            supported |= (np.where(present, g.scores, 0.0) > 0).any(axis=0)
    unsupported: BoolArray = scored & ~supported
    return unsupported


def _tied_with(ranks: np.ndarray, scores: FloatArray, j: int, rule: str, tol: float) -> list[int]:
    """Themes that cannot be told apart from theme j: same Schulze tier, or scores within ``tol``."""
    if np.isnan(scores[j]):
        return []
    if rule == "schulze":
        return [i for i in range(len(ranks)) if i != j and ranks[i] == ranks[j]]
    return [i for i in range(len(scores)) if i != j and abs(scores[i] - scores[j]) <= tol]


def _value(x: float) -> float | None:
    return None if np.isnan(x) else float(x)


def aggregate(
    sessions: Sequence[SessionBallots],
    settings: AggregationSettings | None = None,
    themes: Sequence[str] | None = None,
) -> AggregationResult:
    """Recommended priorities from all sessions' ballots: pure and deterministic.

    ``themes`` is the full theme list (e.g. the catalogue's 22 codes) so that themes nobody scored
    still appear, at the bottom; without it the themes on the ballots (and in the analysis) are used.
    Robustness figures are added when ``settings.resamples`` > 0.
    """
    settings = settings or AggregationSettings()
    check_settings(settings)
    universe = theme_universe(sessions, settings, themes)
    if not universe:
        raise AggregationError("Er zijn geen thema's om te rangschikken.")
    rule = settings.ranking_rule
    groups = build_groups(sessions, universe, rule, settings.data_scores)
    if not groups:
        raise AggregationError("Er zijn nog geen stemmen en geen analyse om samen te voegen.")
    weights = resolve_weights([g.name for g in groups], settings)
    w = np.array([weights[g.name] for g in groups])
    stats = np.stack([group_statistic(g, rule) for g in groups])
    combined = combine_statistics(stats, w)
    tol = settings.tie_tolerance + 1e-9  # floating point noise is never a real difference
    ranks, scores = ranks_and_scores(combined, rule, tol)
    group_rank_score = [ranks_and_scores(stats[i], rule, tol) for i in range(len(groups))]

    k = settings.top_k
    order = sorted(
        range(len(universe)),
        key=lambda j: (
            ranks[j],
            -(scores[j] if not np.isnan(scores[j]) else -np.inf),
            theme_sort_key(universe[j]),
        ),
    )
    unsupported = _unsupported(groups, w)
    priority = {j for j in order if ranks[j] <= k and not np.isnan(scores[j]) and not unsupported[j]}
    counts = [g.scored_counts() for g in groups]
    rows = []
    for j in order:
        rows.append(
            ThemeResult(
                theme=universe[j],
                score=_value(scores[j]),
                rank=int(ranks[j]),
                tied_with=tuple(universe[i] for i in _tied_with(ranks, scores, j, rule, tol)),
                priority=j in priority,
                group_scores={
                    g.name: (_value(group_rank_score[i][1][j]) if _scored(stats[i], j) else None)
                    for i, g in enumerate(groups)
                },
                group_ranks={
                    g.name: (int(group_rank_score[i][0][j]) if _scored(stats[i], j) else None)
                    for i, g in enumerate(groups)
                },
                n_raters={g.name: int(counts[i][j]) for i, g in enumerate(groups) if not g.fixed},
            )
        )
    priorities = tuple(universe[j] for j in order if j in priority)
    boundary: tuple[str, ...] = ()
    if len(priorities) > k:
        last = max(ranks[j] for j in priority)
        boundary = tuple(universe[j] for j in order if j in priority and ranks[j] == last)
    caveats = _caveats(groups, weights, universe, stats, settings)
    left_out = [universe[j] for j in order if unsupported[j] and ranks[j] <= k]
    if left_out:
        caveats.append(Caveat("no_point", themes=tuple(left_out), count=len(priority)))
    if boundary:
        caveats.append(Caveat("boundary_tie", themes=boundary, count=k))

    robustness = None
    if settings.resamples > 0:
        # One BLAS thread: the bootstrap is many small matrix products, and in a multi-threaded app server
        # extra BLAS threads only fight each other for the two cores (measured 4-8x slower under load).
        from threadpoolctl import threadpool_limits  # here: a command without resamples never needs it

        with threadpool_limits(limits=1):
            robustness = analyse_robustness(groups, w, stats, order, ranks, universe, settings)
        p_top = {t.theme: t.p_top for t in robustness.themes}
        rows = [replace(r, p_top=p_top[r.theme]) for r in rows]

    all_methods = sorted({m for g in groups if not g.fixed for m in g.methods})
    return AggregationResult(
        themes=tuple(rows),
        priorities=priorities,
        going_concern=tuple(universe[j] for j in order if j not in priority),
        top_k=k,
        method=all_methods[0] if len(all_methods) == 1 else ("mixed" if all_methods else "analyse"),
        ranking_rule=rule,
        groups=tuple(
            GroupInfo(g.name, weights[g.name], 0 if g.fixed else g.n, g.methods, g.sessions) for g in groups
        ),
        tie_tolerance=settings.tie_tolerance,
        boundary_tie=boundary,
        caveats=tuple(caveats),
        robustness=robustness,
        unsupported=tuple(universe[j] for j in order if unsupported[j]),
    )
