"""From ballots to numbers: per-rater scores in [0, 1], group statistics and their combination.

Each rater's ballot is first put on a common [0, 1] scale for its method, so that a group score can
be a plain (survey-weighted) mean over the group's raters and group size cancels out:

- rating: (rating - scale_min) / (scale_max - scale_min)
- points: points for the theme / points the rater spent
- ranking (top k): Borda points with the unranked themes tied at the bottom, / (themes - 1)
- criteria: weighted mean of (score - min) / (max - min) over the criteria the rater scored

Missing ("geen mening", a theme not on the session's ballot) stays NaN all the way and is left out
of every mean, never counted as zero.

A *group statistic* is what the combination needs from one group: the mean score per theme for the
score rules, or the normalised pairwise margins for Schulze. Both are computed from summed per-rater
feature rows, so the bootstrap only has to replace "sum over raters" by "sum with resampled counts".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ivp_core.advice.aggregate.condorcet import (
    BoolArray,
    FloatArray,
    IntArray,
    borda_transform,
    margins_from_sums,
    pair_features,
    schulze_ranks,
    tier_scores,
)
from ivp_core.advice.aggregate.model import (
    ANALYSIS_GROUP,
    AggregationError,
    BallotTable,
    RankingRule,
    SessionBallots,
)
from ivp_core.consultation.ballots import BallotError, normalise_settings, parse_criteria

#: Above this many float64 cells, feature rows are rebuilt per chunk instead of kept in memory.
_MAX_CACHED_FEATURE_CELLS = 8_000_000
_CHUNK_ROWS = 8192


def theme_sort_key(code: str) -> tuple[tuple[int, int | str], ...]:
    """Natural order of theme codes: 1.2 before 1.10, codes that are not numbers after numbers."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"[.\s]", code))


def sorted_themes(codes: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(codes), key=theme_sort_key))


# ------------------------------------------------------------------------------------- rater scores


def _raw_matrix(session: SessionBallots, index: Mapping[str, int], m: int, fill: float) -> FloatArray:
    """Ballot values as (raters, m): ``fill`` for on-ballot themes without a value, NaN off-ballot."""
    cols = [index[t] for t in session.themes]
    x = np.full((len(session.ballots), m), np.nan)
    if not session.ballots:
        return x
    if isinstance(session.ballots, BallotTable):
        rows = _table_rows(session.ballots, session.themes)
    else:
        try:
            rows = np.array([list(map(b.values.get, session.themes)) for b in session.ballots], dtype=float)
        except (TypeError, ValueError) as exc:
            raise AggregationError(f"Sessie '{session.session_id}': een stemwaarde is geen getal.") from exc
    x[:, cols] = np.where(np.isnan(rows), fill, rows).reshape(len(session.ballots), len(cols))
    return x


def _table_rows(table: BallotTable, themes: Sequence[str]) -> FloatArray:
    """The table's values in the order of ``themes``; a theme the table lacks is missing (NaN)."""
    if table.themes == tuple(themes):
        return table.values
    column = {t: j for j, t in enumerate(table.themes)}
    rows = np.full((len(table), len(themes)), np.nan)
    for j, t in enumerate(themes):
        if t in column:
            rows[:, j] = table.values[:, column[t]]
    return rows


def _fail(session: SessionBallots, row: int, what: str) -> AggregationError:
    who = session.ballots[row].participant
    return AggregationError(f"Sessie '{session.session_id}', deelnemer '{who}': {what}")


def _first_bad_row(bad: BoolArray) -> int:
    return int(np.flatnonzero(bad.any(axis=1))[0])


def _rating_scores(session: SessionBallots, index: Mapping[str, int], m: int) -> FloatArray:
    s = normalise_settings("rating", session.settings, len(session.themes))
    lo, hi = s["scale_min"], s["scale_max"]
    x = _raw_matrix(session, index, m, np.nan)
    bad = ~np.isnan(x) & ((x < lo) | (x > hi))
    if bad.any():
        raise _fail(
            session, _first_bad_row(bad), f"een waardering valt buiten de schaal {lo} tot en met {hi}."
        )
    return (x - lo) / (hi - lo)


def _points_scores(session: SessionBallots, index: Mapping[str, int], m: int) -> FloatArray:
    x = _raw_matrix(session, index, m, 0.0)
    bad = x < 0
    if bad.any():
        raise _fail(session, _first_bad_row(bad), "een negatief aantal punten kan niet.")
    spent = np.nansum(x, axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(spent > 0, x / spent, np.nan)


def _ranking_scores(session: SessionBallots, index: Mapping[str, int], m: int) -> FloatArray:
    k = normalise_settings("ranking", session.settings, len(session.themes))["k"]
    ranks = _raw_matrix(session, index, m, 0.0)  # 0 = on the ballot but not ranked
    bad = (ranks != 0) & ~np.isnan(ranks) & ((ranks < 1) | (ranks > k) | (ranks != np.round(ranks)))
    if bad.any():
        raise _fail(session, _first_bad_row(bad), f"een plaats valt buiten 1 tot en met {k}.")
    ordered = np.sort(np.where(ranks > 0, ranks, np.nan), axis=1)
    dup = np.diff(ordered, axis=1) == 0
    if dup.any():
        raise _fail(session, _first_bad_row(dup), "dezelfde plaats is twee keer gegeven.")
    preference = np.where(ranks > 0, k + 1 - ranks, ranks)  # higher = better, unranked = 0, NaN stays
    return borda_transform(preference)


def _criteria_scores(session: SessionBallots, index: Mapping[str, int], m: int) -> FloatArray:
    try:
        criteria = parse_criteria(session.settings)
    except BallotError as exc:
        raise AggregationError(f"Sessie '{session.session_id}': {exc.message_nl}") from exc
    num = np.zeros((len(session.ballots), m))
    den = np.zeros((len(session.ballots), m))
    cols = np.array([index[t] for t in session.themes], dtype=np.int64)
    for crit in criteria:
        raw = np.array(
            [[b.criteria.get((t, crit.key)) for t in session.themes] for b in session.ballots], dtype=float
        ).reshape(len(session.ballots), len(cols))
        bad = ~np.isnan(raw) & ((raw < crit.min) | (raw > crit.max))
        if bad.any():
            raise _fail(
                session, _first_bad_row(bad), f"een score voor '{crit.label}' valt buiten het bereik."
            )
        z = (raw - crit.min) / (crit.max - crit.min)
        present = ~np.isnan(z)
        num[:, cols] += np.where(present, crit.weight * z, 0.0)
        den[:, cols] += np.where(present, crit.weight, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, np.nan)


_SCORERS = {
    "rating": _rating_scores,
    "points": _points_scores,
    "ranking": _ranking_scores,
    "criteria": _criteria_scores,
}


def rater_scores(session: SessionBallots, themes: Sequence[str], rule: RankingRule) -> FloatArray:
    """Per-rater scores (raters x themes) on [0, 1]; NaN = missing.

    With the Borda rule every method is reduced to the rater's order, which makes groups that used
    different methods comparable at the price of ignoring how strongly a rater prefers.
    """
    index = {t: i for i, t in enumerate(themes)}
    unknown = [t for t in session.themes if t not in index]
    if unknown:
        raise AggregationError(f"Sessie '{session.session_id}': onbekend thema '{unknown[0]}'.")
    scorer = _SCORERS.get(session.method)
    if scorer is None:
        raise AggregationError(f"Sessie '{session.session_id}': onbekende stemmethode '{session.method}'.")
    try:
        x = scorer(session, index, len(themes))
    except BallotError as exc:
        raise AggregationError(f"Sessie '{session.session_id}': {exc.message_nl}") from exc
    if rule == "borda" and session.method != "ranking":
        x = borda_transform(x)
    return x


# ------------------------------------------------------------------------------------------- groups


@dataclass(frozen=True, eq=False)
class GroupData:
    """All raters of one group as matrices, in a canonical order (so participant order is irrelevant).

    ``fixed`` marks the analysis pseudo-group: one fixed row that is never resampled.
    """

    name: str
    scores: FloatArray
    weights: FloatArray
    methods: tuple[str, ...]
    sessions: tuple[str, ...]
    fixed: bool = False

    @property
    def n(self) -> int:
        return int(self.scores.shape[0])

    @property
    def has_missing(self) -> bool:
        return bool(np.isnan(self.scores).any())

    def scored_counts(self) -> IntArray:
        counts: IntArray = (~np.isnan(self.scores)).sum(axis=0).astype(np.int64)
        return counts


def build_groups(
    sessions: Sequence[SessionBallots],
    themes: Sequence[str],
    rule: RankingRule,
    data_scores: Mapping[str, float] | None,
) -> tuple[GroupData, ...]:
    """Group the sessions' raters, sorted by group name; the analysis becomes a fixed pseudo-group."""
    by_group: dict[str, list[SessionBallots]] = {}
    for s in sessions:
        if s.group == ANALYSIS_GROUP:
            raise AggregationError(f"De groepsnaam '{ANALYSIS_GROUP}' is gereserveerd voor de data-analyse.")
        if not s.group:
            raise AggregationError(f"Sessie '{s.session_id}' hoort bij geen enkele groep.")
        by_group.setdefault(s.group, []).append(s)
    groups = []
    for name in sorted(by_group):
        members = by_group[name]
        mats = [rater_scores(s, themes, rule) for s in members]
        scores = np.concatenate(mats, axis=0) if mats else np.empty((0, len(themes)))
        weights = np.concatenate([np.zeros(0), *map(_ballot_weights, members)])
        if weights.size and (not np.all(np.isfinite(weights)) or (weights < 0).any()):
            raise AggregationError(f"Groep '{name}': een gewicht per deelnemer is negatief of geen getal.")
        participants = [p for s in members for p in _participants(s)]
        session_ids = [s.session_id for s in members for _ in range(len(s.ballots))]
        order = _canonical_order(participants, session_ids, scores)
        groups.append(
            GroupData(
                name=name,
                scores=scores[order],
                weights=weights[order],
                methods=tuple(sorted({s.method for s in members})),
                sessions=tuple(s.session_id for s in members),
            )
        )
    if data_scores is not None:
        groups.append(_analysis_group(data_scores, themes, rule))
        groups.sort(key=lambda g: g.name)
    return tuple(groups)


def _ballot_weights(session: SessionBallots) -> FloatArray:
    if isinstance(session.ballots, BallotTable):
        return np.ones(len(session.ballots))
    return np.array([b.weight for b in session.ballots], dtype=float)


def _participants(session: SessionBallots) -> Sequence[str]:
    if isinstance(session.ballots, BallotTable):
        return session.ballots.participants
    return [b.participant for b in session.ballots]


def _canonical_order(participants: Sequence[str], sessions: Sequence[str], scores: FloatArray) -> IntArray:
    """Sort raters by participant, session and then ballot content: resampling depends on the order."""
    if not participants:
        return np.zeros(0, dtype=np.int64)
    names = np.array(participants, dtype=str)
    if len(set(sessions)) == 1:
        # One session whose participants have one ballot each (the usual case): the names fix the order.
        order = np.argsort(names, kind="stable")
        ordered = names[order]
        if (ordered[1:] != ordered[:-1]).all():
            return order.astype(np.int64)
    _, part = np.unique(names, return_inverse=True)
    _, sess = np.unique(np.array(sessions, dtype=str), return_inverse=True)
    columns = [scores[:, j] for j in range(scores.shape[1] - 1, -1, -1)]
    order_of_rows: IntArray = np.lexsort([*columns, sess.reshape(-1), part.reshape(-1)]).astype(np.int64)
    return order_of_rows


def _analysis_group(data_scores: Mapping[str, float], themes: Sequence[str], rule: RankingRule) -> GroupData:
    index = {t: i for i, t in enumerate(themes)}
    row = np.full((1, len(themes)), np.nan)
    for theme, value in data_scores.items():
        if theme not in index:
            raise AggregationError(f"De analyse noemt een onbekend thema '{theme}'.")
        if value is None:
            continue
        v = float(value)
        if not (np.isfinite(v) and 0.0 <= v <= 1.0):
            raise AggregationError(
                f"De analysescore van thema {theme} moet tussen 0 en 1 liggen, niet {value}."
            )
        row[0, index[theme]] = v
    if rule == "borda":
        row = borda_transform(row)
    return GroupData(ANALYSIS_GROUP, row, np.ones(1), ("analyse",), (), fixed=True)


# ------------------------------------------------------------------------------- group statistics


def feature_width(group: GroupData, rule: RankingRule) -> int:
    m = int(group.scores.shape[1])
    if rule == "schulze":
        pairs = m * (m - 1) // 2
        return pairs + (pairs if group.has_missing else 1)
    return 2 * m


def feature_chunks(group: GroupData, rule: RankingRule) -> Iterator[tuple[slice, FloatArray]]:
    """Per-rater feature rows whose weighted sums give the group statistic, in row chunks.

    Score rules: [score with NaN -> 0, presence]; Schulze: :func:`pair_features`.
    """
    n = group.n
    with_presence = group.has_missing
    for start in range(0, max(n, 1), _CHUNK_ROWS):
        rows = slice(start, min(n, start + _CHUNK_ROWS))
        x = group.scores[rows]
        if rule == "schulze":
            yield rows, pair_features(x, with_presence)
        else:
            present = ~np.isnan(x)
            yield rows, np.concatenate([np.where(present, x, 0.0), present.astype(np.float64)], axis=1)


def cached_features(group: GroupData, rule: RankingRule) -> FloatArray | None:
    """All feature rows at once when they fit comfortably in memory (the common case)."""
    if group.n * feature_width(group, rule) > _MAX_CACHED_FEATURE_CELLS:
        return None
    parts = [f for _, f in feature_chunks(group, rule)]
    return np.concatenate(parts, axis=0) if parts else np.zeros((0, feature_width(group, rule)))


def weighted_sums(group: GroupData, rule: RankingRule, counts: FloatArray | None = None) -> FloatArray:
    """Σ_i counts_i · weight_i · features_i; counts (batch, n) or None for the plain sum (batch 1)."""
    c = np.ones((1, group.n)) if counts is None else counts
    cw = c * group.weights[None, :]
    out = np.zeros((c.shape[0], feature_width(group, rule)))
    for rows, feats in feature_chunks(group, rule):
        out += cw[:, rows] @ feats
    return out


def statistic_from_sums(sums: FloatArray, rule: RankingRule, m: int) -> FloatArray:
    """Group statistic from summed features: mean scores (batch, m) or margins (batch, m, m)."""
    if rule == "schulze":
        return margins_from_sums(sums, m)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(sums[..., m:] > 0, sums[..., :m] / sums[..., m:], np.nan)


def group_statistic(group: GroupData, rule: RankingRule) -> FloatArray:
    """The group's statistic on all its raters, without a batch axis."""
    m = int(group.scores.shape[1])
    statistic: FloatArray = statistic_from_sums(weighted_sums(group, rule), rule, m)[0]
    return statistic


# ------------------------------------------------------------------------------------- combination


def combine_statistics(stats: FloatArray, weights: FloatArray) -> FloatArray:
    """Weighted mean over the groups that have a value, per cell.

    ``stats`` (..., G, *cell) with NaN for "this group did not score this"; ``weights`` (..., G). A
    theme scored by only some groups is compared on the groups that scored it, with their weights
    renormalised; NaN if no group with weight > 0 scored it.
    """
    cell_dims = stats.ndim - weights.ndim
    w = weights.reshape(weights.shape + (1,) * cell_dims)
    present = ~np.isnan(stats) & (w > 0)
    num = np.where(present, w * np.nan_to_num(stats), 0.0).sum(axis=weights.ndim - 1)
    den = np.where(present, w, 0.0).sum(axis=weights.ndim - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, np.nan)


def tolerance_ranks(scores: FloatArray, tolerance: float = 0.0) -> IntArray:
    """1 + number of themes scoring more than ``tolerance`` higher (last axis); NaN themes last, tied.

    Raising a theme's own score can only lower the count above it, so this rank is monotone. With
    tolerance 0 the ranks form a weak order, which :func:`topk_shares` relies on.
    """
    missing = np.isnan(scores)
    s = np.where(missing, -np.inf, scores)
    above = (s[..., None, :] > s[..., :, None] + tolerance).sum(axis=-1)
    n_valid = (~missing).sum(axis=-1, keepdims=True)
    return np.where(missing, n_valid + 1, 1 + above).astype(np.int64)


def ranks_and_scores(
    combined: FloatArray, rule: RankingRule, tolerance: float = 0.0
) -> tuple[IntArray, FloatArray]:
    """Ranks and printable scores from a combined statistic (batch axes allowed).

    The tolerance applies to the score rules only: Schulze tiers are already exact ties.
    """
    if rule == "schulze":
        m = combined.shape[-1]
        valid = ~np.all(np.isnan(combined) | np.eye(m, dtype=bool), axis=-1)
        # Equal margins reached along different sums may differ in the last bit; that is no preference.
        ranks = schulze_ranks(np.round(combined, 12), valid)
        return ranks, tier_scores(ranks, valid)
    return tolerance_ranks(combined, tolerance), combined


def topk_shares(ranks: IntArray, valid: BoolArray, k: int) -> FloatArray:
    """Share of the top-k places each theme holds; tied themes across the boundary split the rest.

    With ranks forming a weak order (1 + number strictly better) every row sums to exactly
    min(k, number of valid themes). A theme nobody scored never holds a place.
    """
    tie = (ranks[..., :, None] == ranks[..., None, :]).sum(axis=-1)
    free = np.clip(k - (ranks - 1), 0, tie)
    return np.where(valid, free / tie, 0.0)
