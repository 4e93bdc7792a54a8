"""The verslag of Stap 3 as one neutral model, built once and rendered by every exporter.

Every figure in the model comes either from raw rows (participation, ballots) or from the stored advice
(``AggregationResult.to_dict()``, kept with the final choice in ``PriorityDecision``), never from a
renderer's own arithmetic: DOCX, XLSX, CSV and HTML therefore always tell the same story.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlalchemy.orm import Session

from ivp_core.advice.aggregate.consensus import Consensus
from ivp_core.advice.aggregate.model import AggregationError, AggregationResult, AggregationSettings
from ivp_core.advice.decision import describe_decision, later_than_standing, standing_decision
from ivp_core.advice.results import AUTO_RULE, compute_advice
from ivp_core.advice.stored import StoredAdvice, StoredConsensus, advice_of
from ivp_core.catalogue import load_catalogue
from ivp_core.dutch import AMSTERDAM, long_date
from ivp_core.plan.joint import (
    BASIS_LABELS,
    AgreedSets,
    MemberDecision,
    agreed_sets,
    joint_view,
    member_decisions,
    police_priorities,
    theme_list,
    too_many_warnings,
)
from ivp_core.report.documents.verslag_advice import (
    consensus_lines,
    deviation_notes,
    measure_rows,
    robustness_lines,
    setting_rows,
    warning_lines,
)
from ivp_core.report.facts import (
    BallotRow,
    GroupRow,
    IndicatorRow,
    SessionRow,
    ThemeLine,
    analysis_texts,
    ballot_rows,
    group_names,
    group_rows,
    indicator_rows,
    opinion_sessions,
    remarks_per_theme,
    session_rows,
    theme_line,
)
from ivp_core.report.labels import CHAPTERS, ReportError, group_label
from ivp_core.report.ranks import shared_places
from ivp_core.storage.models import PriorityDecision, Trajectory

__all__ = ["CHAPTERS", "Report", "ReportError", "ThemeLine", "build_report"]


@dataclass(frozen=True)
class Chapter:
    number: int
    title: str
    description: str
    themes: tuple[ThemeLine, ...] = ()


@dataclass(frozen=True)
class RankingRow:
    rank: int
    code: str
    name: str
    score: float | None
    p_top: float | None
    advised: bool
    chosen: bool
    tied_with: tuple[str, ...]
    group_scores: Mapping[str, float | None]
    group_ranks: Mapping[str, int | None]


@dataclass(frozen=True)
class JointPart:
    """Stap 3a of a joint IVP: the proposed shared and local-specific priorities (see `ivp_core.plan.joint`)."""

    rule: str
    shared: tuple[str, ...]  # theme labels
    local: tuple[tuple[str, str, tuple[str, ...]], ...]  # (municipality, basis of its result, theme labels)
    municipalities: tuple[str, ...]
    ranks: tuple[tuple[str, str, tuple[int | None, ...]], ...]  # (theme label, status, rank per municipality)
    shared_places: tuple[
        frozenset[int], ...
    ] = ()  # per municipality: places more than one of its themes hold
    shared_codes: tuple[str, ...] = ()
    agreed_on: datetime | None = None  # set when the municipalities recorded their agreed sets
    local_codes: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    police: tuple[str, ...] = ()  # the police unit's priorities, shown beside the proposal
    members: tuple[MemberDecision, ...] = ()  # each member's own decision beside the agreement
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    title: str
    municipalities: tuple[str, ...]
    trajectory: str
    period: str
    fictitious: bool
    generated_on: date
    decided_at: datetime | None
    #: The record in words ("Advies van de raadscommissie van …"): an advice must not read as adopted.
    decision_words: str
    reason: str
    chosen: tuple[ThemeLine, ...]
    advised: tuple[ThemeLine, ...]
    deviations: tuple[str, ...]
    going_concern: tuple[ThemeLine, ...]
    chapters: tuple[Chapter, ...]
    sessions: tuple[SessionRow, ...]
    groups: tuple[GroupRow, ...]
    ranking: tuple[RankingRow, ...]
    top_k: int | None
    robustness: tuple[str, ...]
    consensus: tuple[str, ...]
    warnings: tuple[str, ...]
    settings: tuple[tuple[str, str], ...]
    ballots: tuple[BallotRow, ...]
    effect_indicators: tuple[IndicatorRow, ...] = ()
    joint: JointPart | None = None
    municipality: str = ""  # the municipality this report is about (several in a joint trajectory)
    status: str = ""  # "" (no choice recorded), advies or vastgesteld
    gremium: str = ""
    meeting_date: date | None = None
    decided_by: str = ""
    deciding_gremium: str = "raad"
    group_names: Mapping[str, str] = field(default_factory=dict)
    municipality_id: int | None = None
    measures: tuple[tuple[str, str, str, str], ...] = ()  # appendix: measure, group(s), value, meaning
    member: MemberDecision | None = None  # in a joint IVP: this member's own decision beside the agreement
    without_app_advice: bool = False  # the choice was recorded without an advice from the sessions
    #: Later advices that do not replace the standing vaststelling, in words with their themes, newest first.
    later_records: tuple[str, ...] = ()

    @property
    def has_result(self) -> bool:
        return bool(self.ranking)

    def group(self, key: str) -> str:
        return group_label(key, self.group_names)

    @property
    def decision_line(self) -> str:
        """Who decided what, when (the decision record's own words): never "vastgesteld" for an advice."""
        return (
            self.decision_words or "Nog geen keuze vastgelegd: dit is het actuele advies uit de prioritering"
        )

    @property
    def total_ballots(self) -> int:
        return sum(s.n_ballots for s in self.sessions)

    @property
    def shared_places(self) -> frozenset[int]:
        """Places in the advice held by more than one theme, printed as "14 (gedeeld)"."""
        return shared_places(r.rank for r in self.ranking)


def _latest_decision(
    db: Session, trajectory_id: int, municipality_id: int | None, joint: bool
) -> PriorityDecision | None:
    """The municipality's standing choice (see ``standing_decision``); in a single-municipality trajectory also
    one stored without a municipality (older records), never another municipality's choice in a joint one."""
    return standing_decision(db, trajectory_id, municipality_id, joint=joint)


def _joint_part(db: Session, trajectory_id: int) -> JointPart | None:
    joint = joint_view(db, trajectory_id)
    if len(joint.municipalities) < 2:
        return None
    names = {t.code: t.name for t in load_catalogue().themes}

    def label(code: str) -> str:
        return f"{code} {names.get(code, code)}"

    n = len(joint.municipalities)
    agreed = agreed_sets(db, trajectory_id)
    shared = agreed.shared if agreed is not None else joint.shared
    local = agreed.local if agreed is not None else joint.local
    member_names = {m.municipality_id: m.name for m in joint.municipalities}
    rule = (
        f"Het voorstel volgt een vaste rekenregel: gezamenlijk is een thema dat prioriteit is in minstens {joint.quorum} van "
        f"de {n} gemeenten, of dat elke gemeente plaatste met een gemiddelde plaats van {joint.top_k} of beter. "
        "Lokaal: prioriteit in een gemeente, maar niet gezamenlijk. Elke gemeente telt met haar vastgelegde "
        "keuze, of anders met het advies uit haar eigen sessies."
    )
    if agreed is not None:
        rule = f"De gemeenten legden hun afspraak vast op {long_date(agreed.recorded_at)}. " + rule
    return JointPart(
        rule=rule,
        shared=tuple(label(c) for c in shared),
        shared_codes=tuple(shared),
        local=tuple(
            (
                m.name,
                "afspraak tussen de gemeenten" if agreed is not None else BASIS_LABELS[m.basis],
                tuple(label(c) for c in local.get(m.municipality_id, ())),
            )
            for m in joint.municipalities
        ),
        agreed_on=agreed.recorded_at if agreed is not None else None,
        local_codes={mid: tuple(codes) for mid, codes in local.items()},
        police=tuple(
            f"{label(code)}: {text}" if code and text else label(code) if code else text
            for code, text in police_priorities(db, trajectory_id)
        ),
        warnings=tuple(too_many_warnings(AgreedSets(tuple(shared), local, None), member_names)),
        municipalities=tuple(m.name for m in joint.municipalities),
        ranks=tuple(
            (label(t.theme), t.status, tuple(t.ranks.get(m.municipality_id) for m in joint.municipalities))
            for t in joint.themes
            if t.status != "overig"
        ),
        shared_places=tuple(shared_places(m.ranks.values()) for m in joint.municipalities),
        members=member_decisions(db, trajectory_id),
    )


def current_advice(db: Session, trajectory_id: int, municipality_id: int) -> StoredAdvice:
    """The advice the results page shows with its default settings, for a report before a choice is recorded.

    Without it the report would say "no outcome yet" while the app shows a full advice. A trajectory just
    made (no votes, no analysis) has no advice at all: the documents are still written, with what is missing."""
    try:
        advice = compute_advice(
            db,
            trajectory_id,
            municipality_id,
            AggregationSettings(ranking_rule=AUTO_RULE),  # type: ignore[arg-type]  # compute_advice resolves "auto"
        )
    except AggregationError:
        return StoredAdvice()
    if not any(t.score is not None for t in advice.result.themes):
        return StoredAdvice()
    return StoredAdvice.of(advice.result, advice.consensus)


def build_report(
    db: Session,
    trajectory_id: int,
    *,
    municipality_id: int | None = None,
    result: AggregationResult | None = None,
    consensus: Consensus | None = None,
    today: date | None = None,
) -> Report:
    """The report of Stap 3 for one trajectory and one of its municipalities (the first when not given).

    The advice comes from ``result`` when given (the results page's live result), otherwise from the
    municipality's latest recorded choice (its `StoredAdvice`), otherwise it is computed as the results page
    shows it; the chosen priorities come from the recorded choice (without one, the advised priorities are
    shown as a proposal).
    """
    trajectory = db.get(Trajectory, trajectory_id)
    if trajectory is None:
        raise ReportError(f"Traject {trajectory_id} bestaat niet.")
    members = list(trajectory.municipalities)
    if municipality_id is None:
        municipality_id = members[0].id if members else None
    elif municipality_id not in {m.id for m in members}:
        raise ReportError(f"Gemeente {municipality_id} hoort niet bij traject {trajectory_id}.")
    municipality = next((m for m in members if m.id == municipality_id), None)
    decision = _latest_decision(db, trajectory_id, municipality_id, len(members) > 1)
    if result is not None:
        advice = StoredAdvice.of(result)
    elif decision is not None:
        advice = advice_of(decision)
    elif municipality_id is not None:
        advice = current_advice(db, trajectory_id, municipality_id)
    else:
        advice = StoredAdvice()
    if consensus is not None:
        advice = replace(advice, consensus=StoredConsensus.from_dict(consensus.to_dict()))
    joint = _joint_part(db, trajectory_id) if len(members) > 1 else None
    shared = joint.shared_codes if joint is not None else ()
    member = next((m for m in joint.members if m.municipality_id == municipality_id), None) if joint else None
    if decision is not None:
        # a member's own record is what it chose; the agreement of Stap 3a stands beside it, never over it
        chosen_codes = [str(c) for c in decision.chosen]
    elif member is not None and member.agreed:
        chosen_codes = list(member.agreed)  # nothing recorded yet: the agreement is the proposal
    else:
        chosen_codes = list(advice.priorities)
    without_app_advice = decision is not None and not advice_of(decision) and result is None
    analysis = analysis_texts(db, trajectory_id, municipality_id)
    catalogue = load_catalogue()
    sessions = opinion_sessions(db, trajectory_id, municipality_id if len(members) > 1 else None)
    labels = group_names(sessions)
    remarks = remarks_per_theme(db, sessions, labels)
    focus = decision.focus if decision is not None else {}

    def line(code: str) -> ThemeLine:
        return theme_line(code, advice, analysis, chosen_codes, focus, remarks, shared)

    chosen = tuple(line(c) for c in chosen_codes)
    advised = tuple(line(c) for c in advice.priorities)
    going = tuple(line(c) for c in catalogue.theme_codes if c not in chosen_codes) if chosen_codes else ()
    chapters = tuple(
        Chapter(n, title, text, chosen if n == 4 else going if n == 5 else ()) for n, title, text in CHAPTERS
    )
    rows = session_rows(db, sessions)
    groups = group_rows(rows, advice, labels)
    names = {t.code: t.name for t in catalogue.themes}
    ranking = tuple(
        RankingRow(
            rank=r.rank,
            code=r.theme,
            name=names.get(r.theme, r.theme),
            score=r.score,
            p_top=r.p_top,
            advised=r.priority,
            chosen=r.theme in chosen_codes,
            tied_with=r.tied_with,
            group_scores=dict(r.group_scores),
            group_ranks=dict(r.group_ranks),
        )
        for r in advice.ranking
    )
    return Report(
        title="Verslag prioritering Integraal Veiligheidsplan",
        municipalities=tuple(m.name for m in members),
        trajectory=trajectory.name,
        period=f"{trajectory.period_start}–{trajectory.period_end}",
        fictitious=trajectory.fictitious,
        generated_on=today or datetime.now(AMSTERDAM).date(),
        decided_at=decision.decided_at if decision is not None else None,
        decision_words=describe_decision(decision) if decision is not None else "",
        reason=decision.reason if decision is not None else "",
        chosen=chosen,
        advised=advised,
        deviations=(
            tuple(deviation_notes(chosen, advised, advice.top_k))
            if decision is not None and not without_app_advice
            else ()
        ),
        going_concern=going,
        chapters=chapters,
        sessions=tuple(rows),
        groups=tuple(groups),
        ranking=ranking,
        top_k=advice.top_k,
        robustness=tuple(robustness_lines(advice, names, chosen_codes, labels)) if advice else (),
        consensus=tuple(consensus_lines(advice, chosen, groups, labels)) if advice else (),
        warnings=tuple(warning_lines(advice, labels)),
        settings=tuple(setting_rows(decision, advice, labels)),
        ballots=tuple(ballot_rows(db, sessions, labels)),
        effect_indicators=tuple(indicator_rows(db, trajectory_id, municipality_id if joint else None)),
        joint=joint,
        municipality=municipality.name if municipality is not None else "",
        status=(decision.status or "advies") if decision is not None else "",
        gremium=decision.gremium if decision is not None else "",
        meeting_date=decision.meeting_date if decision is not None else None,
        decided_by=decision.decided_by if decision is not None else "",
        deciding_gremium=trajectory.deciding_gremium or "raad",
        group_names=labels,
        municipality_id=municipality_id,
        measures=tuple(measure_rows(advice, groups, labels)),
        member=member,
        without_app_advice=without_app_advice,
        later_records=tuple(
            f"{describe_decision(d)}: {theme_list([str(c) for c in d.chosen])}"
            for d in later_than_standing(db, trajectory_id, municipality_id, joint=len(members) > 1)
            if d.chosen
        ),
    )
