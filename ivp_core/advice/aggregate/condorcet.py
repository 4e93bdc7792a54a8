"""Rank-based rules: within-rater Borda points and the Schulze (beat path) method.

Both work on per-rater score matrices (raters x themes, NaN = missing) so that every ballot type
(ratings, points, rankings, criteria) can be read as a weak order of the themes the rater scored.
Everything is vectorised over a leading batch axis so the robustness analysis can run the same code
on a thousand resamples at once.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_CHUNK_ROWS = 4096
#: Margins smaller than this are treated as exact ties: survey weights make sums like 0.1+0.2-0.3.
MARGIN_EPS = 1e-12
#: Strengths closer than this are one strength. A combined margin carries the rounding of every group's
#: weight (12 decimals each), so an exact tie can come out as -7e-13 and be read as a defeat; no real
#: difference between two margins (shares of raters) is this small.
STRENGTH_EPS = 1e-9


def _row_chunks(n: int, size: int = _CHUNK_ROWS) -> Iterator[slice]:
    for start in range(0, n, size):
        yield slice(start, min(n, start + size))


def borda_transform(x: FloatArray) -> FloatArray:
    """Within-rater Borda points scaled to [0, 1]: (themes below + half the ties) / (scored - 1).

    Only the rater's order counts, so raters who use the whole scale and raters who rate everything
    high get the same voice. A rater who scored fewer than two themes expresses no order: missing.
    """
    out = np.full(x.shape, np.nan)
    for rows in _row_chunks(x.shape[0]):
        block = x[rows]
        present = ~np.isnan(block)
        below = (block[:, :, None] > block[:, None, :]).sum(axis=2)
        ties = (block[:, :, None] == block[:, None, :]).sum(axis=2) - 1
        scored = present.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            pts = (below + 0.5 * ties) / (scored - 1)
        out[rows] = np.where(present & (scored >= 2), pts, np.nan)
    return out


def upper_pairs(m: int) -> tuple[IntArray, IntArray]:
    """Index pairs (a, b) with a < b: the margin matrix is antisymmetric, so half of it suffices."""
    a, b = np.triu_indices(m, k=1)
    return a.astype(np.int64), b.astype(np.int64)


def pair_features(x: FloatArray, with_presence: bool) -> FloatArray:
    """Per rater: sign(x_a - x_b) for every pair a < b (0 if either is missing), then presence.

    Summing these rows with rater weights gives the pairwise margins; presence (both themes scored)
    gives the weight that can speak about the pair. Without missing values presence is one column.
    """
    a, b = upper_pairs(x.shape[1])
    xa, xb = x[:, a], x[:, b]
    signs = np.sign(np.nan_to_num(xa - xb, nan=0.0))
    pres = (~np.isnan(xa) & ~np.isnan(xb)).astype(np.float64) if with_presence else np.ones((x.shape[0], 1))
    return np.concatenate([signs, pres], axis=1)


def margins_from_sums(sums: FloatArray, m: int) -> FloatArray:
    """Normalised margin matrices from summed :func:`pair_features` rows (batch, m, m).

    The margin of a over b is the weighted share preferring a minus the share preferring b among
    raters who scored both; NaN when nobody scored the pair.
    """
    a, b = upper_pairs(m)
    p = len(a)
    signs, pres = sums[..., :p], sums[..., p:]
    with np.errstate(invalid="ignore", divide="ignore"):
        upper = np.where(pres > 0, signs / pres, np.nan)
    upper = np.where(np.abs(upper) < MARGIN_EPS, 0.0, upper)
    out = np.full((*sums.shape[:-1], m, m), np.nan)
    out[..., a, b] = upper
    out[..., b, a] = -upper
    diag = np.arange(m)
    out[..., diag, diag] = 0.0
    return out


def _dense_ranks(values: FloatArray) -> IntArray:
    """Replace the values of each m x m matrix by their dense rank (0 = smallest), as small ints.

    Strongest paths only take minima and maxima, so any order-preserving recoding gives the same
    comparisons; 16-bit integers make the Floyd-Warshall passes about four times faster. Values
    within :data:`STRENGTH_EPS` of the next smaller one share its rank (a margin that close to 0
    is no edge).
    """
    batch_shape, mm = values.shape[:-2], values.shape[-2:]
    flat = values.reshape(-1, mm[0] * mm[1])
    order = np.argsort(flat, axis=1, kind="stable")
    ordered = np.take_along_axis(flat, order, axis=1)
    steps = np.concatenate([np.zeros((flat.shape[0], 1)), np.diff(ordered, axis=1) > STRENGTH_EPS], axis=1)
    dtype = np.int16 if flat.shape[1] < np.iinfo(np.int16).max else np.int32
    dense = np.empty(flat.shape, dtype=dtype)
    np.put_along_axis(dense, order, np.cumsum(steps, axis=1).astype(dtype), axis=1)
    return dense.reshape(*batch_shape, *mm)


def _strongest_paths(edges: npt.NDArray[np.integer]) -> npt.NDArray[np.integer]:
    """Widest-path closure (Floyd-Warshall variant) over the last two axes."""
    d = edges.copy()
    tmp = np.empty_like(d)
    for k in range(d.shape[-1]):
        np.minimum(d[..., :, k : k + 1], d[..., k : k + 1, :], out=tmp)
        np.maximum(d, tmp, out=d)
    return d


def schulze_ranks(margins: FloatArray, valid: BoolArray) -> IntArray:
    """Schulze ranking as tiers: the beat-path winners first, then the winners of the rest, ...

    This is the same full ranking as ``pref_voting``'s ``swf_from_vm(beat_path)``. Tied themes share
    the better rank (1 + themes in better tiers). Invalid themes (nobody scored them) come last,
    tied. ``margins`` has shape (..., m, m) with NaN for unscored pairs; ``valid`` (..., m).
    """
    # Only edges with a positive margin exist; rank 0 (the value 0) means "no edge".
    edges = _dense_ranks(np.maximum(np.nan_to_num(margins, nan=0.0), 0.0))
    batch_shape = edges.shape[:-2]
    m = edges.shape[-1]
    remaining = valid.copy()
    ranks = np.zeros((*batch_shape, m), dtype=np.int64)
    placed = np.zeros(batch_shape, dtype=np.int64)
    while remaining.any():
        both = remaining[..., :, None] & remaining[..., None, :]
        strength = _strongest_paths(np.where(both, edges, 0).astype(edges.dtype))
        beaten = ((np.swapaxes(strength, -1, -2) > strength) & both).any(axis=-1)
        winners = remaining & ~beaten
        # A winner always exists in exact arithmetic; guard against an endless loop anyway.
        # an array also without a batch axis (a 0-d one), so it can be given an axis below
        stuck: BoolArray = np.asarray(remaining.any(axis=-1) & ~winners.any(axis=-1))
        winners |= remaining & stuck[..., None]
        ranks = np.where(winners, (placed + 1)[..., None], ranks)
        placed = placed + winners.sum(axis=-1)
        remaining = remaining & ~winners
    return np.where(valid, ranks, (placed + 1)[..., None])


def tier_scores(ranks: IntArray, valid: BoolArray) -> FloatArray:
    """A [0, 1] score from tier ranks: 1 - (mean position in the tier - 1) / (themes - 1).

    Schulze yields an order, not a size of preference; this score only makes the order printable
    next to the other rules. Themes in one tier get the same score.
    """
    n_valid = valid.sum(axis=-1, keepdims=True)
    tie_size = (ranks[..., :, None] == ranks[..., None, :]).sum(axis=-1)
    mean_pos = ranks + (tie_size - 1) / 2.0
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(n_valid > 1, 1.0 - (mean_pos - 1) / (n_valid - 1), 1.0)
    return np.where(valid, score, np.nan)
