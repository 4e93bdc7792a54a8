"""Live tallies of one session for the shared screen, read with ONE query per refresh.

The shared screen refreshes every two seconds and every open viewer asks for the same numbers, so the page
caches `live_tally` for a second: all viewers share one database round trip per interval. Everything shown
is a plain sum over raw `ballot_item` rows (times the ballot's weight, so a show of hands of 8 counts 8),
which is what makes each figure on the screen traceable to the ballots.

For a Delphi round the same query also returns the raw values of this round and the previous one, so the
screen can show the round-1 median and spread and how far opinions converged.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Float, case, cast, func, literal, null, select, union_all
from sqlalchemy.orm import Session

from ivp_core.consultation.ballots import IMPACT_KEY, INFLUENCE_KEY, parse_criteria
from ivp_core.consultation.sessions import SessionInfo
from ivp_core.storage.models import Ballot, BallotItem, Comment, OpinionSession, Participant

CellKey = tuple[str, str]  # (theme, criterion); criterion is "" unless the method is "criteria"


@dataclass(frozen=True)
class Cell:
    """Sums over one theme (and criterion) of one session."""

    n: int  # ballots with a value
    weight: float  # votes those ballots represent (a show of hands of 8 is 8)
    total: float  # sum of value × weight
    no_opinion: float  # weight of ballots that left it empty ("geen mening", not ranked)

    @property
    def mean(self) -> float | None:
        return self.total / self.weight if self.weight else None


@dataclass(frozen=True)
class Spread:
    """Median and interquartile range of one theme (and criterion) in one round."""

    n: int
    median: float
    q1: float
    q3: float

    @property
    def iqr(self) -> float:
        return self.q3 - self.q1


@dataclass(frozen=True)
class LiveTally:
    session_id: int
    participants: int
    ballots: int
    represented: float  # sum of ballot weights
    cells: dict[CellKey, Cell] = field(default_factory=dict)
    #: Only for a Delphi round: session id → spreads; holds this round and the previous one.
    rounds: dict[int, dict[CellKey, Spread]] = field(default_factory=dict)


@dataclass(frozen=True)
class ThemeScore:
    theme: str
    score: float | None  # what the bar shows; None when nobody scored the theme yet
    n: int
    unit: str  # how to read `score`


def _raw_spreads(rows: Sequence[tuple[int, str, str, float, float]]) -> dict[int, dict[CellKey, Spread]]:
    values: dict[int, dict[CellKey, list[float]]] = {}
    for session_id, theme, criterion, value, weight in rows:
        # A show of hands of n counts as n equal values; online ballots have weight 1.
        values.setdefault(session_id, {}).setdefault((theme, criterion), []).extend(
            [value] * max(1, round(weight))
        )
    return {sid: {key: spread(vals) for key, vals in cells.items()} for sid, cells in values.items()}


def spread(values: Sequence[float]) -> Spread:
    data = sorted(values)
    if len(data) == 1:
        return Spread(1, data[0], data[0], data[0])
    q1, median, q3 = statistics.quantiles(data, n=4, method="inclusive")
    return Spread(len(data), median, q1, q3)


def live_tally(db: Session, session: SessionInfo) -> LiveTally:
    """Participants joined, ballots in and sums per theme (and criterion), in one round trip."""
    sid = session.id
    counts = select(
        literal("count").label("kind"),
        literal("").label("theme"),
        literal("").label("criterion"),
        cast(
            select(func.count(Participant.id)).where(Participant.session_id == sid).scalar_subquery(), Float
        ),
        cast(select(func.count(Ballot.id)).where(Ballot.session_id == sid).scalar_subquery(), Float),
        cast(
            select(func.coalesce(func.sum(Ballot.weight), 0.0))
            .where(Ballot.session_id == sid)
            .scalar_subquery(),
            Float,
        ),
        cast(null(), Float),
    )
    has_value = BallotItem.value.is_not(None)
    cells = (
        select(
            literal("cell"),
            BallotItem.theme_code,
            BallotItem.criterion,
            cast(func.count(BallotItem.value), Float),
            cast(func.sum(case((has_value, Ballot.weight), else_=0.0)), Float),
            cast(func.sum(BallotItem.value * Ballot.weight), Float),
            cast(func.sum(case((has_value, 0.0), else_=Ballot.weight)), Float),
        )
        .join(Ballot, Ballot.id == BallotItem.ballot_id)
        .where(Ballot.session_id == sid)
        .group_by(BallotItem.theme_code, BallotItem.criterion)
    )
    parts = [counts, cells]
    if session.previous_round_id is not None:
        parts.append(
            select(
                literal("raw"),
                BallotItem.theme_code,
                BallotItem.criterion,
                cast(Ballot.session_id, Float),
                cast(BallotItem.value, Float),
                cast(Ballot.weight, Float),
                cast(null(), Float),
            )
            .join(Ballot, Ballot.id == BallotItem.ballot_id)
            .where(Ballot.session_id.in_([sid, session.previous_round_id]), has_value)
        )
    rows = db.execute(union_all(*parts)).all()
    participants = ballots = 0
    represented = 0.0
    out_cells: dict[CellKey, Cell] = {}
    raw: list[tuple[int, str, str, float, float]] = []
    for kind, theme, criterion, a, b, c, d in rows:
        if kind == "count":
            participants, ballots, represented = int(a or 0), int(b or 0), float(c or 0.0)
        elif kind == "cell":
            out_cells[(theme, criterion)] = Cell(
                int(a or 0), float(b or 0.0), float(c or 0.0), float(d or 0.0)
            )
        else:
            raw.append((int(a), theme, criterion, float(b), float(c)))
    return LiveTally(sid, participants, ballots, represented, out_cells, _raw_spreads(raw))


def change_marker(db: Session, session_id: int) -> tuple[object, ...] | None:
    """A cheap fingerprint of everything the shared screen shows; None when the session is gone.

    The shared screen polls this twice a second and recomputes the tally only when it changes, so 40 phones
    and a few screens cost one small indexed query per poll, not a full recomputation. It covers new and
    edited ballots (count, latest `updated_at`, total weight), joins, the session's status and visibility,
    its Delphi link and the approved remarks.
    """
    row = db.execute(
        select(
            OpinionSession.status,
            OpinionSession.show_results,
            OpinionSession.title,
            select(func.count(Ballot.id)).where(Ballot.session_id == session_id).scalar_subquery(),
            select(func.max(Ballot.updated_at)).where(Ballot.session_id == session_id).scalar_subquery(),
            select(func.coalesce(func.sum(Ballot.weight), 0.0))
            .where(Ballot.session_id == session_id)
            .scalar_subquery(),
            select(func.count(Participant.id)).where(Participant.session_id == session_id).scalar_subquery(),
            select(func.count(Comment.id))
            .where(Comment.session_id == session_id, Comment.status == "goedgekeurd")
            .scalar_subquery(),
            select(func.coalesce(func.sum(Comment.id), 0))
            .where(Comment.session_id == session_id, Comment.status == "goedgekeurd")
            .scalar_subquery(),
        ).where(OpinionSession.id == session_id)
    ).first()
    return None if row is None else tuple(str(v) for v in row)


def round_spreads(db: Session, session_id: int) -> dict[CellKey, Spread]:
    """Median and spread per theme (and criterion) of a closed round: what a Delphi round-2 member sees."""
    rows = db.execute(
        select(
            Ballot.session_id, BallotItem.theme_code, BallotItem.criterion, BallotItem.value, Ballot.weight
        )
        .join(Ballot, Ballot.id == BallotItem.ballot_id)
        .where(Ballot.session_id == session_id, BallotItem.value.is_not(None))
    ).all()
    # `v is not None` only narrows the type: the query already left NULL values out
    cells = [(sid, t, c, float(v), float(w)) for sid, t, c, v, w in rows if v is not None]
    return _raw_spreads(cells).get(session_id, {})


# ------------------------------------------------------------------------------------ interpretation


def theme_scores(tally: LiveTally, session: SessionInfo) -> list[ThemeScore]:
    """One number per theme in the session's own unit, in ballot order.

    rating: weighted mean score; points: total points; ranking: Borda points (place 1 of a top-k earns k,
    place k earns 1); criteria: the weighted criteria score on 0–100 (each criterion's mean scaled to its
    fixed range, so a theme's score does not depend on the other themes).
    """
    method = session.method
    if method == "criteria":
        return _criteria_scores(tally, session.themes, session.settings)
    out: list[ThemeScore] = []
    for theme in session.themes:
        cell = tally.cells.get((theme, ""))
        if cell is None or cell.n == 0:
            out.append(ThemeScore(theme, None, 0, _UNITS[method]))
            continue
        if method == "rating":
            score = cell.mean
        elif method == "points":
            score = cell.total
        else:
            k = int(session.settings.get("k", len(session.themes)))
            score = (k + 1) * cell.weight - cell.total
        out.append(ThemeScore(theme, score, cell.n, _UNITS[method]))
    return out


_UNITS = {
    "rating": "gemiddelde score",
    "points": "punten",
    "ranking": "Borda-punten",
    "criteria": "criteriascore (0–100)",
}


def _criteria_scores(
    tally: LiveTally, themes: Sequence[str], settings: Mapping[str, Any]
) -> list[ThemeScore]:
    criteria = parse_criteria(settings)
    out: list[ThemeScore] = []
    for theme in themes:
        total = weight_used = 0.0
        n = 0
        for c in criteria:
            cell = tally.cells.get((theme, c.key))
            if cell is None or cell.mean is None:
                continue
            total += c.weight * (cell.mean - c.min) / (c.max - c.min)
            weight_used += c.weight
            n = max(n, cell.n)
        # Renormalise over the criteria that were scored, so one unscored criterion is not read as a zero.
        score = 100 * total / weight_used if weight_used else None
        out.append(ThemeScore(theme, score, n, _UNITS["criteria"]))
    return out


@dataclass(frozen=True)
class MatrixPoint:
    theme: str
    impact: float
    influence: float
    n: int


def impact_influence(tally: LiveTally, themes: Sequence[str]) -> list[MatrixPoint]:
    """Mean 'maatschappelijke impact' and 'beïnvloedbaarheid' per theme for the werkgroep matrix."""
    points = []
    for theme in themes:
        impact = tally.cells.get((theme, IMPACT_KEY))
        influence = tally.cells.get((theme, INFLUENCE_KEY))
        if impact and influence and impact.mean is not None and influence.mean is not None:
            points.append(MatrixPoint(theme, impact.mean, influence.mean, min(impact.n, influence.n)))
    return points


@dataclass(frozen=True)
class Convergence:
    theme: str
    criterion: str
    before: Spread
    after: Spread | None


def convergence(tally: LiveTally, session: SessionInfo) -> list[Convergence]:
    """Per theme (and criterion): the previous round's spread next to this round's, for a Delphi round."""
    if session.previous_round_id is None:
        return []
    before = tally.rounds.get(session.previous_round_id, {})
    after = tally.rounds.get(session.id, {})
    return [Convergence(t, c, s, after.get((t, c))) for (t, c), s in sorted(before.items())]


def mean_iqr(items: Sequence[Convergence]) -> tuple[float | None, float | None]:
    """Average interquartile range before and after: one number that says whether the group converged."""
    before = [c.before.iqr for c in items]
    after = [c.after.iqr for c in items if c.after is not None]
    return (
        statistics.fmean(before) if before else None,
        statistics.fmean(after) if after else None,
    )
