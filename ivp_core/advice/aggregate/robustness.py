"""How firm is the recommendation? Bootstrap of participants, variation of weights, close calls.

- Participants: within each group the raters are resampled with replacement (the group keeps its
  size and its weight). Only the sampling of people varies, so this answers "would another
  evening with other residents have given the same top k?".
- Weights: the group weights are drawn from a Dirichlet distribution centred on the chosen weights,
  answering "does the outcome hinge on the exact weights?".
- Both together give P(top k) per theme and the rank intervals.

Everything is drawn from ``numpy.random.SeedSequence(seed)``, one child stream per group (in group
name order) and one for the weights, so the same data and seed give the same figures. The bootstrap
is vectorised: per block of resamples a matrix of multinomial counts (resamples x raters) is
multiplied by the raters' feature rows, which is the group statistic for all resamples at once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from ivp_core.advice.aggregate.condorcet import BoolArray, FloatArray, IntArray
from ivp_core.advice.aggregate.model import (
    AggregationSettings,
    CloseCall,
    RankingRule,
    Robustness,
    ThemeRobustness,
    WeightRange,
)
from ivp_core.advice.aggregate.scoring import (
    GroupData,
    cached_features,
    combine_statistics,
    feature_chunks,
    feature_width,
    ranks_and_scores,
    statistic_from_sums,
    topk_shares,
)

#: Resample counts are generated in blocks of about this many cells to bound memory.
_BLOCK_CELLS = 4_000_000
#: Grid step for the weight ranges (half a percentage point).
WEIGHT_GRID_STEP = 0.005


def _count_blocks(rng: np.random.Generator, n: int, resamples: int) -> Iterator[tuple[slice, FloatArray]]:
    """Multinomial(n, 1/n) counts per resample, in blocks of resamples (same draws for any caller)."""
    block = max(1, min(resamples, _BLOCK_CELLS // n))
    for start in range(0, resamples, block):
        b = min(block, resamples - start)
        idx = rng.integers(0, n, size=(b, n))
        counts = np.empty((b, n))
        for i in range(b):  # per-row bincount stays in cache; one big bincount does not
            counts[i] = np.bincount(idx[i], minlength=n)
        yield slice(start, start + b), counts


def bootstrap_statistic(
    group: GroupData, rule: RankingRule, resamples: int, rng: np.random.Generator, point: FloatArray
) -> FloatArray:
    """The group statistic for ``resamples`` bootstrap samples of its raters: (resamples, *stat).

    When the feature rows fit in memory they are kept and each block of counts is multiplied at
    once. Otherwise (Schulze on very large groups) the counts are kept instead, as bytes, and the
    feature rows are built once per chunk of raters.
    """
    if group.fixed or group.n == 0:
        return np.broadcast_to(point, (resamples, *point.shape)).copy()
    n = group.n
    m = group.scores.shape[1]
    feats = cached_features(group, rule)
    sums = np.zeros((resamples, feature_width(group, rule)))
    if feats is not None:
        for rows, counts in _count_blocks(rng, n, resamples):
            sums[rows] = (counts * group.weights[None, :]) @ feats
        return statistic_from_sums(sums, rule, m)
    all_counts = np.empty((resamples, n), dtype=np.uint8)
    for rows, counts in _count_blocks(rng, n, resamples):
        if counts.max() > np.iinfo(np.uint8).max:  # needs n < 256, and small n takes the path above
            raise RuntimeError("bootstrap count does not fit in a byte")
        all_counts[rows] = counts
    for cols, chunk in feature_chunks(group, rule):
        sums += (all_counts[:, cols] * group.weights[None, cols]) @ chunk
    return statistic_from_sums(sums, rule, m)


def dirichlet_weights(
    rng: np.random.Generator, weights: FloatArray, concentration: float, resamples: int
) -> FloatArray:
    """Weights drawn around the chosen ones; a group with weight 0 stays at 0."""
    out = np.broadcast_to(weights, (resamples, len(weights))).copy()
    positive = weights > 0
    if positive.sum() >= 2:
        alpha = concentration * weights[positive] / weights[positive].sum()
        out[:, positive] = rng.dirichlet(alpha, size=resamples)
    return out


def _ranks(stats: FloatArray, weights: FloatArray, rule: RankingRule) -> tuple[IntArray, BoolArray]:
    """Exact ranks and which themes have a score at all, per batch row."""
    ranks, scores = ranks_and_scores(combine_statistics(stats, weights), rule)
    return ranks, ~np.isnan(scores)


def weight_ranges(
    groups: Sequence[GroupData],
    weights: FloatArray,
    stats: FloatArray,
    base_top: np.ndarray,
    rule: RankingRule,
    k: int,
) -> tuple[WeightRange, ...]:
    """Per group: the weight interval (others rescaled proportionally) that keeps the same top k.

    Found on a grid of half a percentage point; with more than one group only.
    """
    g_count = len(groups)
    if g_count < 2:
        return ()
    grid = np.round(np.arange(0.0, 1.0 + 1e-12, WEIGHT_GRID_STEP), 6)
    out = []
    for g in range(g_count):
        w0 = float(weights[g])
        ts = np.union1d(grid, [w0])
        others = np.delete(weights, g)
        share = others / others.sum() if others.sum() > 0 else np.full(len(others), 1.0 / len(others))
        w = np.empty((len(ts), g_count))
        w[:, g] = ts
        w[:, np.arange(g_count) != g] = (1.0 - ts)[:, None] * share[None, :]
        ranks, valid = _ranks(np.broadcast_to(stats, (len(ts), *stats.shape)), w, rule)
        same = np.all(((ranks <= k) & valid) == base_top[None, :], axis=1)
        i0 = int(np.searchsorted(ts, w0))
        if not same[i0]:
            out.append(WeightRange(groups[g].name, w0, w0, w0))
            continue
        lo = i0
        while lo > 0 and same[lo - 1]:
            lo -= 1
        hi = i0
        while hi < len(ts) - 1 and same[hi + 1]:
            hi += 1
        out.append(WeightRange(groups[g].name, w0, float(ts[lo]), float(ts[hi])))
    return tuple(out)


def analyse_robustness(
    groups: Sequence[GroupData],
    weights: FloatArray,
    stats: FloatArray,
    order: Sequence[int],
    point_ranks: IntArray,
    themes: Sequence[str],
    settings: AggregationSettings,
) -> Robustness:
    """P(top k), rank intervals, close calls and weight ranges for the point result.

    ``order`` is the point ranking as theme indices, best first; ``point_ranks`` the ranks shown
    (with the tie tolerance). Inside each resample themes are compared exactly; themes tied across
    the top-k boundary share the remaining places, so P(top k) over all themes sums to k.
    """
    rule = settings.ranking_rule
    r = settings.resamples
    k = settings.top_k
    seeds = np.random.SeedSequence(settings.seed).spawn(len(groups) + 1)
    boot = np.stack(
        [
            bootstrap_statistic(g, rule, r, np.random.default_rng(seeds[i]), stats[i])
            for i, g in enumerate(groups)
        ],
        axis=1,
    )
    fixed_weights = np.broadcast_to(weights, (r, len(groups)))
    varied = dirichlet_weights(np.random.default_rng(seeds[-1]), weights, settings.weight_concentration, r)
    fixed_stats = np.broadcast_to(stats, (r, *stats.shape))

    ranks_joint, valid_joint = _ranks(boot, varied, rule)
    p_top = topk_shares(ranks_joint, valid_joint, k).mean(axis=0)
    p_part = topk_shares(*_ranks(boot, fixed_weights, rule), k=k).mean(axis=0)
    p_w = topk_shares(*_ranks(fixed_stats, varied, rule), k=k).mean(axis=0)
    low = np.quantile(ranks_joint, 0.025, axis=0, method="lower")
    med = np.quantile(ranks_joint, 0.5, axis=0, method="inverted_cdf")
    high = np.quantile(ranks_joint, 0.975, axis=0, method="higher")

    base_ranks, base_valid = _ranks(stats, weights, rule)
    base_top = (base_ranks <= k) & base_valid
    p_same = float(np.all(((ranks_joint <= k) & valid_joint) == base_top[None, :], axis=1).mean())

    close: list[CloseCall] = []
    point_scores = ranks_and_scores(combine_statistics(stats, weights), rule)[1]
    for pos in range(len(order) - 1):
        a, b = order[pos], order[pos + 1]
        if np.isnan(point_scores[a]) or np.isnan(point_scores[b]):
            continue
        p_above = float(
            (ranks_joint[:, a] < ranks_joint[:, b]).mean()
            + 0.5 * (ranks_joint[:, a] == ranks_joint[:, b]).mean()
        )
        tied = point_ranks[a] == point_ranks[b]
        if tied or p_above < settings.close_call_threshold:
            close.append(
                CloseCall(
                    themes[a],
                    themes[b],
                    pos + 1,
                    pos + 2,
                    float(point_scores[a] - point_scores[b]),
                    p_above,
                    at_boundary=pos + 1 == k,
                )
            )

    per_theme = tuple(
        ThemeRobustness(
            theme=themes[j],
            p_top=float(p_top[j]),
            p_top_participants=float(p_part[j]),
            p_top_weights=float(p_w[j]),
            rank_low=int(low[j]),
            rank_median=int(med[j]),
            rank_high=int(high[j]),
        )
        for j in order
    )
    return Robustness(
        resamples=r,
        seed=settings.seed,
        weight_concentration=settings.weight_concentration,
        themes=per_theme,
        close_calls=tuple(close),
        weight_ranges=weight_ranges(groups, weights, stats, base_top, rule, k),
        p_same_top=p_same,
    )
