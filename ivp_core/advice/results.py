"""From the database to the advice: the stored ballots, the analysis and the population, fed to the pure
aggregation in `ivp_core.advice.aggregate`, which `ivp_core.advice.decision` stores
beside the final choice it answered.

The aggregation itself knows no database; this module is the only bridge, so what a results page shows and
what `python -m ivp_core aggregate` computes from an exported ballot file come from the same function.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Final, TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivp_core.advice.aggregate import (
    AggregationResult,
    AggregationSettings,
    RankingRule,
    RaterBallot,
    ReweightedComparison,
    SessionBallots,
    aggregate,
    compare_reweighted,
)
from ivp_core.advice.aggregate.consensus import Consensus, consensus  # the function, not the package's module
from ivp_core.analysis.signals import all_signals, data_score
from ivp_core.catalogue import load_catalogue
from ivp_core.storage.models import (
    Ballot,
    BallotItem,
    OpinionSession,
    Participant,
    PopulationShare,
    Trajectory,
)
from ivp_core.vocabulary import AUTO_RULE as AUTO_RULE  # re-exported: the advice's default rule

RESIDENT_GROUP = "inwoners"


def resolve_rule(rule: str, inputs: list[SessionBallots]) -> RankingRule:
    """Scores from different methods sit on different natural scales (a share of 10 points spreads far less
    than a 1-5 rating), so a plain weighted mean would let the method decide; rank-based Borda puts every
    group on the same footing. With one method throughout, the default keeps the intensity of the scores."""
    if rule != AUTO_RULE:
        return rule
    return "borda" if len({s.method for s in inputs}) > 1 else "default"


@dataclass(frozen=True)
class SessionSummary:
    id: int
    title: str
    group: str
    kind: str
    method: str
    status: str
    held_on: str | None
    ballots: int


#: Why a session of the trajectory does not count, in words for the results page.
NOT_COUNTED_NL: Final[dict[str, str]] = {
    "open": "nog open",
    "concept": "nog niet geopend",
    "superseded": "vervangen door een volgende ronde",
}


@dataclass(frozen=True)
class SessionPartition:
    counted: list[OpinionSession]
    #: (session, reason code from NOT_COUNTED_NL) for each session that is left out.
    left_out: list[tuple[OpinionSession, str]]


def partition_sessions(
    db: Session, trajectory_id: int, municipality_id: int | None = None, include_open: bool = False
) -> SessionPartition:
    """Which sessions count and, for the page to say so beside the numbers, which do not and why."""
    query = select(OpinionSession).where(OpinionSession.trajectory_id == trajectory_id)
    if municipality_id is not None:
        query = query.where(
            (OpinionSession.municipality_id == municipality_id) | OpinionSession.municipality_id.is_(None)
        )
    rows = list(db.scalars(query.order_by(OpinionSession.id)))
    superseded = {r.previous_round_id for r in rows if r.previous_round_id is not None}
    allowed = {"gesloten", "open"} if include_open else {"gesloten"}
    counted: list[OpinionSession] = []
    left_out: list[tuple[OpinionSession, str]] = []
    for row in rows:
        if row.id in superseded:
            left_out.append((row, "superseded"))
        elif row.status in allowed:
            counted.append(row)
        else:
            left_out.append((row, row.status if row.status in NOT_COUNTED_NL else "concept"))
    return SessionPartition(counted, left_out)


def counted_sessions(
    db: Session, trajectory_id: int, municipality_id: int | None = None, include_open: bool = False
) -> list[OpinionSession]:
    """Sessions whose ballots count: closed ones (open ones on request), and of a Delphi series only the
    latest round, because a werkgroep that scores twice must not count twice."""
    return partition_sessions(db, trajectory_id, municipality_id, include_open).counted


def load_session_ballots(db: Session, sessions: list[OpinionSession]) -> list[SessionBallots]:
    """Every ballot of the given sessions as aggregation input, straight from the stored rows."""
    if not sessions:
        return []
    ids = [s.id for s in sessions]
    rows = db.execute(
        select(
            Ballot.session_id,
            Ballot.id,
            Ballot.weight,
            Participant.label,
            Participant.wijk,
            Participant.age_band,
            BallotItem.theme_code,
            BallotItem.criterion,
            BallotItem.value,
        )
        .join(Participant, Participant.id == Ballot.participant_id)
        .join(BallotItem, BallotItem.ballot_id == Ballot.id)
        .where(Ballot.session_id.in_(ids))
        .order_by(Ballot.session_id, Ballot.id, BallotItem.id)
    ).all()
    per_ballot: dict[tuple[int, int], dict[str, Any]] = {}
    for session_id, ballot_id, weight, label, wijk, age_band, theme, criterion, value in rows:
        entry = per_ballot.setdefault(
            (session_id, ballot_id),
            {
                "label": label or f"B{ballot_id}",
                "weight": weight,
                "wijk": wijk,
                "age_band": age_band,
                "values": {},
                "criteria": {},
            },
        )
        if criterion:
            entry["criteria"][(theme, criterion)] = value
        else:
            entry["values"][theme] = value
    by_session: dict[int, list[RaterBallot]] = defaultdict(list)
    for (session_id, _), entry in per_ballot.items():
        by_session[session_id].append(
            RaterBallot(
                participant=entry["label"],
                values=entry["values"],
                criteria=entry["criteria"],
                weight=float(entry["weight"] or 1.0),
                wijk=entry["wijk"],
                age_band=entry["age_band"],
            )
        )
    return [
        SessionBallots(
            session_id=str(s.id),
            group=s.group,
            method=s.method,
            themes=tuple(s.themes),
            settings=dict(s.settings or {}),
            ballots=tuple(by_session.get(s.id, ())),
        )
        for s in sessions
        if by_session.get(s.id)
    ]


def analysis_scores(db: Session, trajectory_id: int, municipality_id: int) -> dict[str, float]:
    """The analysis as a group: one data score per theme from its signals (see `ivp_core.analysis.signals`)."""
    signals = all_signals(db, trajectory_id, municipality_id, load_catalogue().theme_codes)
    return {code: data_score(s) for code, s in signals.items()}


def population(db: Session, trajectory_id: int, municipality_id: int | None) -> dict[str, dict[str, float]]:
    rows = db.scalars(
        select(PopulationShare).where(
            PopulationShare.trajectory_id == trajectory_id, PopulationShare.municipality_id == municipality_id
        )
    )
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for row in rows:
        out[row.dimension][row.category] = float(row.population)
    return dict(out)


class DecisionSettings(TypedDict):
    """The settings a recorded choice keeps beside its advice (``PriorityDecision.settings``)."""

    group_weights: dict[str, float]
    top_k: int
    ranking_rule: str
    data_weight: float | None
    with_analysis: bool
    reweighted_residents: bool
    seed: int
    resamples: int
    tie_tolerance: float
    sessions: list[int]


@dataclass(frozen=True)
class Advice:
    """Everything the results page and the report need, computed once from one consistent read."""

    result: AggregationResult
    consensus: Consensus
    sessions: tuple[SessionSummary, ...]
    reweighted: ReweightedComparison | None
    data_scores: dict[str, float] | None
    settings: AggregationSettings
    #: True only when ``result`` is the reweighted one; a comparison alone does not reweight anything.
    residents_reweighted: bool = False

    def settings_dict(self) -> DecisionSettings:
        s = self.settings
        return {
            "group_weights": dict(self.result.group_weights),
            "top_k": s.top_k,
            "ranking_rule": s.ranking_rule,
            "data_weight": s.data_weight,
            "with_analysis": self.data_scores is not None,
            "reweighted_residents": self.residents_reweighted,
            "seed": s.seed,
            "resamples": s.resamples,
            "tie_tolerance": s.tie_tolerance,
            "sessions": [summary.id for summary in self.sessions],
        }


def compute_advice(
    db: Session,
    trajectory_id: int,
    municipality_id: int,
    settings: AggregationSettings,
    *,
    with_analysis: bool = False,
    reweight_residents: bool = False,
    include_open: bool = False,
) -> Advice:
    """The advice for one municipality of a trajectory under the given settings (pure given the data)."""
    sessions = counted_sessions(db, trajectory_id, municipality_id, include_open)
    inputs = load_session_ballots(db, sessions)
    scores = analysis_scores(db, trajectory_id, municipality_id) if with_analysis else None
    settings = replace(settings, data_scores=scores, ranking_rule=resolve_rule(settings.ranking_rule, inputs))
    themes = load_catalogue().theme_codes
    pop = population(db, trajectory_id, municipality_id)
    comparison = None
    if any(s.group == RESIDENT_GROUP for s in inputs) and pop:
        comparison = compare_reweighted(inputs, settings, pop, (RESIDENT_GROUP,), themes)
    reweighted = bool(reweight_residents and comparison)
    result = comparison.weighted if (reweighted and comparison) else aggregate(inputs, settings, themes)
    counts = {s.session_id: len(s.ballots) for s in inputs}
    summaries = tuple(
        SessionSummary(
            id=s.id,
            title=s.title,
            group=s.group,
            kind=s.kind,
            method=s.method,
            status=s.status,
            held_on=s.held_on.isoformat() if s.held_on else None,
            ballots=counts.get(str(s.id), 0),
        )
        for s in sessions
    )
    return Advice(
        result=result,
        consensus=consensus(inputs, themes),
        sessions=summaries,
        reweighted=comparison,
        data_scores=scores,
        settings=settings,
        residents_reweighted=reweighted,
    )


def follows_advice(result: AggregationResult, chosen: list[str]) -> bool:
    """True for the advice itself, or a pick among themes tied at the boundary (the method leaves that to
    the council); anything else is a different choice that must be explained."""
    advised, tied = set(result.priorities), set(result.boundary_tie)
    return set(chosen) <= advised and (advised - tied) <= set(chosen)


@dataclass(frozen=True)
class AdviceOptions:
    """The results page's choices besides the group weights. Kept with the trajectory when a decision is
    recorded, so the command line computes the advice that decision answered, not a differently set one."""

    top_k: int = 4
    ranking_rule: str = AUTO_RULE
    with_analysis: bool = False
    reweight_residents: bool = False
    include_open: bool = False

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None) -> AdviceOptions:
        """Read leniently: a value of the wrong type (an old or hand-edited setting) falls back to the default."""
        stored = (settings or {}).get("advice")
        if not isinstance(stored, Mapping):
            return cls()
        base = cls()
        top_k = stored.get("top_k")
        rule = stored.get("ranking_rule")
        flags = {
            name: stored[name] if isinstance(stored.get(name), bool) else getattr(base, name)
            for name in ("with_analysis", "reweight_residents", "include_open")
        }
        return cls(
            top_k=top_k if top_k in (3, 4) else base.top_k,
            ranking_rule=rule if rule in (AUTO_RULE, "default", "borda", "schulze") else base.ranking_rule,
            **flags,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "top_k": self.top_k,
            "ranking_rule": self.ranking_rule,
            "with_analysis": self.with_analysis,
            "reweight_residents": self.reweight_residents,
            "include_open": self.include_open,
        }


def stored_options(db: Session, trajectory_id: int) -> AdviceOptions:
    trajectory = db.get(Trajectory, trajectory_id)
    return AdviceOptions.from_settings(trajectory.settings if trajectory else None)


def remember_options(db: Session, trajectory_id: int, options: AdviceOptions) -> None:
    trajectory = db.get(Trajectory, trajectory_id)
    if trajectory is not None:
        # A new dict, so the JSON column sees the change.
        trajectory.settings = {**(trajectory.settings or {}), "advice": options.to_dict()}


def compute_advice_with(
    db: Session,
    trajectory_id: int,
    municipality_id: int,
    options: AdviceOptions,
    group_weights: Mapping[str, float] | None = None,
    resamples: int = AggregationSettings.resamples,
) -> Advice:
    settings = AggregationSettings(
        group_weights=group_weights,
        top_k=options.top_k,
        ranking_rule=options.ranking_rule,
        resamples=resamples,
    )
    return compute_advice(
        db,
        trajectory_id,
        municipality_id,
        settings,
        with_analysis=options.with_analysis,
        reweight_residents=options.reweight_residents,
        include_open=options.include_open,
    )
