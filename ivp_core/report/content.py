"""The report of Stap 3 as one neutral model, built once and rendered by every exporter.

Every figure in the model comes either from raw rows (participation, ballots) or from the stored advice
(``AggregationResult.to_dict()``, kept with the final choice in ``PriorityDecision``), never from a
renderer's own arithmetic: DOCX, XLSX, CSV and HTML therefore always tell the same story.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ivp_core.advice.aggregate.consensus import Consensus
from ivp_core.advice.aggregate.model import (
    ANALYSIS_GROUP,
    AggregationError,
    AggregationResult,
    AggregationSettings,
)
from ivp_core.advice.decision import describe_decision, standing_decision
from ivp_core.advice.results import AUTO_RULE, compute_advice
from ivp_core.catalogue import load_catalogue
from ivp_core.consultation.participation import ENTRY_KINDS
from ivp_core.consultation.pseudonyms import fill_pseudonyms
from ivp_core.consultation.sessions import KINDS, METHOD_LABELS, STATUS_LABELS
from ivp_core.dutch import AMSTERDAM, long_date, nl_number, nl_percent
from ivp_core.errors import UserError
from ivp_core.plan.joint import (
    BASIS_LABELS,
    AgreedSets,
    agreed_sets,
    joint_view,
    police_priorities,
    too_many_warnings,
)
from ivp_core.report.ranks import shared_places
from ivp_core.storage.models import (
    Ballot,
    BallotItem,
    Comment,
    EffectIndicator,
    Municipality,
    OpinionSession,
    Participant,
    PriorityDecision,
    ThemeAnalysis,
    Trajectory,
)

GROUP_LABELS: Final[dict[str, str]] = {
    "raad": "Gemeenteraad",
    "werkgroep": "Ambtelijke werkgroep",
    "inwoners": "Inwoners",
    "partners": "Partners (driehoek)",
    "overig": "Overig",
    ANALYSIS_GROUP: "Veiligheidsanalyse (cijfers)",
}
RULE_LABELS: Final[dict[str, str]] = {
    "default": "standaard (gemiddelde genormaliseerde score)",
    "borda": "Borda (rangorde)",
    "schulze": "Schulze (paarsgewijze vergelijking)",
}

#: Settings of the final choice in words; those the advice already reports are not repeated.
DECISION_SETTING_LABELS: Final[dict[str, str]] = {
    "data_weight": "Gewicht veiligheidsanalyse (cijfers)",
    "close_call_threshold": "Drempel voor een nipt verschil",
    "group_weights": "Gekozen groepsgewichten",
    "top_k": "Aantal prioriteiten (top k)",
    "ranking_rule": "Rekenregel",
    "resamples": "Herberekeningen (gevoeligheid)",
    "tie_tolerance": "Tolerantie voor gelijke scores",
    "with_analysis": "Veiligheidsanalyse telt mee als groep",
}
_SHOWN_WITH_ADVICE: Final = frozenset(
    {"top_k", "ranking_rule", "resamples", "tie_tolerance", "group_weights"}
)
#: Technical settings a reader cannot judge (or, for ``reweighted_residents``, that the record does not hold
#: reliably: it is set whenever a comparison was computed), and the session ids the report lists anyway.
_NOT_REPORTED: Final = frozenset({"seed", "weight_concentration", "reweighted_residents", "sessions"})
#: Who an opinion or a decision comes from, as a sentence names it.
GREMIUM_LABELS: Final[dict[str, str]] = {
    "raadscommissie": "de raadscommissie",
    "raad": "de gemeenteraad",
    "gemeenteraad": "de gemeenteraad",
    "college": "het college van B&W",
    "driehoek": "de lokale driehoek",
}

#: The IVP's chapters as Kernbeleid Veiligheid 2021 (Stap 4) describes them.
CHAPTERS: Final[tuple[tuple[int, str, str], ...]] = (
    (
        1,
        "Uitgangssituatie",
        "Korte schets van de veiligheidssituatie en de lopende aanpak op de vijf veiligheidsvelden: "
        "een samenvatting van de veiligheidsanalyse (stap 2).",
    ),
    (
        2,
        "Strategische doelstelling",
        "De algemene doelstelling voor het eindjaar van het IVP: waar wil de gemeente staan met de "
        "veiligheid? Met een kwalitatief deel (visie) en een kwantitatief deel (streefwaarden op "
        "overstijgende indicatoren zoals het totaal aantal misdrijven en het veiligheidsgevoel).",
    ),
    (
        3,
        "Strategische uitgangspunten",
        "De hoofdlijnen van het 'hoe': rode draden in de aanpak, zoals burgerparticipatie, de verbinding "
        "tussen veiligheid en het sociaal domein, wijkgericht werken en informatiegestuurd werken.",
    ),
    (
        4,
        "Prioriteiten",
        "Per prioriteit: waarom het thema prioritair is, de hoofdlijnen van de aanpak, flankerend beleid en "
        "de doelstelling met effectindicatoren en streefwaarden.",
    ),
    (
        5,
        "Overige strategische thema's",
        "De going concern-thema's, in hetzelfde format als de prioriteiten maar beknopter: hier wordt niet "
        "of beperkt geïntensiveerd, effectindicatoren zijn niet verplicht.",
    ),
    (
        6,
        "Coördinatie, beleidscyclus",
        "Ambtelijke en bestuurlijke coördinatie, de beleidscyclus, sturing en voortgangsbewaking en de "
        "informatiepositie.",
    ),
    (7, "Begroting", "De financiële onderbouwing van het beleid."),
)


# ------------------------------------------------------------------------------------ formatting


def group_label(group: str, labels: Mapping[str, str] | None = None) -> str:
    """A group's name; ``labels`` (a report's own) names the raad group after the gremium that met."""
    if labels and group in labels:
        return labels[group]
    return GROUP_LABELS.get(group, group)


def gremium_label(gremium: str) -> str:
    return GREMIUM_LABELS.get(gremium.strip().lower(), gremium.strip())


# ---------------------------------------------------------------------------------------- model


@dataclass(frozen=True)
class ThemeLine:
    """One theme as the report names it, with its place in the advice (None when not in the advice)."""

    code: str
    name: str
    field_name: str
    rank: int | None = None
    score: float | None = None
    p_top: float | None = None
    advised: bool = False
    chosen: bool = False
    summary: str = ""
    reason: str = ""
    candidate: bool = False
    group_ranks: Mapping[str, int | None] = field(default_factory=dict)
    focus: str = ""  # the municipality's own wording of the focus within the theme
    remarks: tuple[str, ...] = ()  # approved remarks of participants
    remark_groups: Mapping[str, int] = field(default_factory=dict)  # group label -> number of remarks
    shared: bool = False  # a shared priority of a joint IVP

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def label_with_focus(self) -> str:
        return f"{self.label}, met als focus: {self.focus}" if self.focus else self.label


@dataclass(frozen=True)
class Chapter:
    number: int
    title: str
    description: str
    themes: tuple[ThemeLine, ...] = ()


@dataclass(frozen=True)
class SessionRow:
    """Participation in one session, counted from the stored ballots."""

    title: str
    kind: str
    group: str
    method: str
    method_detail: str
    held_on: date | None
    status: str
    round_no: int
    n_joined: int
    n_ballots: int
    n_counted: float  # sum of ballot weights: a show of hands of 12 counts as 12
    entries: Mapping[str, int]
    municipality: str = ""  # empty: a session of all municipalities of the trajectory


@dataclass(frozen=True)
class GroupRow:
    group: str
    label: str
    weight: float | None
    n_raters: int
    n_ballots: int
    sessions: tuple[str, ...]
    methods: tuple[str, ...]


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
class BallotRow:
    """One value of one ballot, with the participant as a pseudonym only."""

    session: str
    group: str
    method: str
    participant: str
    entry: str
    weight: float
    theme: str
    criterion: str
    value: float | None


@dataclass(frozen=True)
class IndicatorRow:
    """One chosen effect indicator with its baseline and target, as stored by the coordinator."""

    municipality: str
    theme_code: str
    theme_name: str
    indicator: str
    kind: str
    source: str
    baseline_year: int | None
    baseline_value: float | None
    target_year: int | None
    target_value: float | None
    rationale: str


@dataclass(frozen=True)
class JointPart:
    """Stap 3a of a joint IVP: the proposed shared and local-specific priorities (see `ivp_core.plan.joint`)."""

    rule: str
    shared: tuple[str, ...]  # theme labels
    local: tuple[tuple[str, str, tuple[str, ...]], ...]  # (municipality, basis of its result, theme labels)
    municipalities: tuple[str, ...]
    ranks: tuple[tuple[str, str, tuple[int | None, ...]], ...]  # (theme label, status, rank per municipality)
    shared_places: tuple[frozenset[int], ...] = ()  # per municipality: places more than one of its themes hold
    shared_codes: tuple[str, ...] = ()
    agreed_on: datetime | None = None  # set when the municipalities recorded their agreed sets
    local_codes: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    police: tuple[str, ...] = ()  # the police unit's priorities, shown beside the proposal
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

    @property
    def has_result(self) -> bool:
        return bool(self.ranking)

    def group(self, key: str) -> str:
        return group_label(key, self.group_names)

    @property
    def decision_line(self) -> str:
        """Who decided what, when (the decision record's own words): never "vastgesteld" for an advice."""
        return self.decision_words or "Nog geen keuze vastgelegd: dit is het actuele advies uit de prioritering"

    @property
    def total_ballots(self) -> int:
        return sum(s.n_ballots for s in self.sessions)

    @property
    def shared_places(self) -> frozenset[int]:
        """Places in the advice held by more than one theme, printed as "14 (gedeeld)"."""
        return shared_places(r.rank for r in self.ranking)


class ReportError(UserError):
    """A refusal shown to the user as is."""


# ------------------------------------------------------------------------------------ building


def method_detail(method: str, settings: Mapping[str, Any]) -> str:
    """The session's method settings in words, so a reader can judge what a score means."""
    if method == "rating":
        return f"schaal {settings.get('scale_min', 1)}–{settings.get('scale_max', 5)}, 'geen mening' mogelijk"
    if method == "points":
        return f"{settings.get('budget', '?')} punten te verdelen"
    if method == "ranking":
        return f"top {settings.get('k', '?')} in volgorde"
    if method == "criteria":
        parts = [
            f"{c.get('label', c.get('key'))} ({nl_percent(float(c.get('weight', 0)))})"
            for c in settings.get("criteria") or []
        ]
        return "criteria: " + "; ".join(parts)
    return ""


def _latest_decision(
    db: Session, trajectory_id: int, municipality_id: int | None, joint: bool
) -> PriorityDecision | None:
    """The municipality's standing choice (see ``standing_decision``); in a single-municipality trajectory also
    one stored without a municipality (older records), never another municipality's choice in a joint one."""
    return standing_decision(db, trajectory_id, municipality_id, joint=joint)


def _sessions(db: Session, trajectory_id: int, municipality_id: int | None) -> list[OpinionSession]:
    """The trajectory's sessions; for one municipality of a joint IVP its own and the shared ones."""
    query = select(OpinionSession).where(OpinionSession.trajectory_id == trajectory_id)
    if municipality_id is not None:
        query = query.where(
            (OpinionSession.municipality_id == municipality_id) | OpinionSession.municipality_id.is_(None)
        )
    return list(db.scalars(query.order_by(OpinionSession.held_on, OpinionSession.id)))


def _group_names(sessions: Sequence[OpinionSession]) -> dict[str, str]:
    """The raad group named after the gremium that met: a raadscommissie is not the gemeenteraad."""
    kinds: dict[str, set[str]] = {}
    for s in sessions:
        kinds.setdefault(s.group, set()).add(s.kind)
    names = {}
    for group, found in kinds.items():
        if len(found) == 1:
            (kind,) = found
            if kind == "raadscommissie":
                names[group] = "Raadscommissie"
            elif kind == "driehoek":
                names[group] = "Driehoek en partners"
    return names


def _session_rows(db: Session, sessions: Sequence[OpinionSession]) -> list[SessionRow]:
    names = {m.id: m.name for m in db.scalars(select(Municipality))}
    rows = []
    for s in sessions:
        joined = db.scalar(
            select(func.count()).select_from(Participant).where(Participant.session_id == s.id)
        )
        ballots = db.execute(select(Ballot.entry, Ballot.weight).where(Ballot.session_id == s.id)).all()
        entries = Counter(ENTRY_KINDS.get(entry, entry) for entry, _ in ballots)
        rows.append(
            SessionRow(
                title=s.title,
                kind=KINDS.get(s.kind, ("", s.kind))[1],
                group=s.group,
                method=METHOD_LABELS.get(s.method, s.method),
                method_detail=method_detail(s.method, s.settings or {}),
                held_on=s.held_on,
                status=STATUS_LABELS.get(s.status, s.status),
                round_no=s.round_no,
                n_joined=joined or 0,
                n_ballots=len(ballots),
                n_counted=float(sum(w for _, w in ballots)),
                entries=dict(entries),
                municipality=names.get(s.municipality_id, "") if s.municipality_id else "",
            )
        )
    return rows


def _group_rows(
    sessions: Sequence[SessionRow], advice: Mapping[str, Any], labels: Mapping[str, str]
) -> list[GroupRow]:
    advice_groups = {g["group"]: g for g in advice.get("groups") or []}
    names = list(dict.fromkeys([*(s.group for s in sessions), *advice_groups]))
    rows = []
    for name in names:
        own = [s for s in sessions if s.group == name]
        info = advice_groups.get(name, {})
        rows.append(
            GroupRow(
                group=name,
                label=group_label(name, labels),
                weight=info.get("weight", (advice.get("group_weights") or {}).get(name)),
                n_raters=int(info.get("n_raters", sum(s.n_ballots for s in own))),
                n_ballots=sum(s.n_ballots for s in own),
                sessions=tuple(s.title for s in own),
                methods=tuple(dict.fromkeys(s.method for s in own)),
            )
        )
    return rows


def _criterion_labels(session: OpinionSession) -> dict[str, str]:
    return {
        str(c.get("key")): str(c.get("label") or c.get("key"))
        for c in (session.settings or {}).get("criteria") or []
        if isinstance(c, Mapping)
    }


def _ballot_rows(
    db: Session, sessions: Sequence[OpinionSession], labels: Mapping[str, str]
) -> list[BallotRow]:
    by_id = {s.id: s for s in sessions}
    criteria = {s.id: _criterion_labels(s) for s in sessions}
    if not by_id:
        return []
    participants = [
        {"id": p_id, "session_id": s_id, "label": label}
        for p_id, s_id, label in db.execute(
            select(Participant.id, Participant.session_id, Participant.label)
            .where(Participant.session_id.in_(list(by_id)))
            .order_by(Participant.id)
        )
    ]
    fill_pseudonyms(participants)
    pseudonyms = {p["id"]: p["label"] for p in participants}
    result = db.execute(
        select(Ballot.session_id, Ballot.participant_id, Ballot.entry, Ballot.weight, BallotItem)
        .join(BallotItem, BallotItem.ballot_id == Ballot.id)
        .where(Ballot.session_id.in_(list(by_id)))
        .order_by(Ballot.session_id, Ballot.id, BallotItem.id)
    )
    rows = []
    for session_id, participant_id, entry, weight, item in result:
        s = by_id[session_id]
        rows.append(
            BallotRow(
                session=s.title,
                group=group_label(s.group, labels),
                method=METHOD_LABELS.get(s.method, s.method),
                participant=pseudonyms[participant_id],
                entry=ENTRY_KINDS.get(entry, entry),
                weight=float(weight),
                theme=item.theme_code,
                criterion=criteria[session_id].get(item.criterion, item.criterion),
                value=item.value,
            )
        )
    return rows


def _analysis(db: Session, trajectory_id: int, municipality_id: int | None) -> dict[str, ThemeAnalysis]:
    query = select(ThemeAnalysis).where(ThemeAnalysis.trajectory_id == trajectory_id)
    if municipality_id is not None:
        query = query.where(ThemeAnalysis.municipality_id == municipality_id)
    found: dict[str, ThemeAnalysis] = {}
    for row in db.scalars(query.order_by(ThemeAnalysis.id)):
        found.setdefault(row.theme_code, row)
    return found


@dataclass(frozen=True)
class _Remarks:
    texts: tuple[str, ...]
    groups: Mapping[str, int]


def _remarks(
    db: Session, sessions: Sequence[OpinionSession], labels: Mapping[str, str]
) -> dict[str, _Remarks]:
    """Approved remarks per theme: only what the facilitator let through reaches the raad."""
    by_id = {s.id: s for s in sessions}
    if not by_id:
        return {}
    found: dict[str, list[tuple[str, str]]] = {}
    for theme, text, session_id in db.execute(
        select(Comment.theme_code, Comment.text, Comment.session_id)
        .where(Comment.session_id.in_(list(by_id)), Comment.status == "goedgekeurd")
        .order_by(Comment.id)
    ):
        found.setdefault(theme, []).append((text.strip(), group_label(by_id[session_id].group, labels)))
    return {
        theme: _Remarks(tuple(t for t, _ in items if t), dict(Counter(g for _, g in items)))
        for theme, items in found.items()
    }


def _theme_line(
    code: str,
    ranking: Mapping[str, Mapping[str, Any]],
    analysis: Mapping[str, ThemeAnalysis],
    chosen: Sequence[str],
    focus: Mapping[str, Any] | None = None,
    remarks: Mapping[str, _Remarks] | None = None,
    shared: Sequence[str] = (),
) -> ThemeLine:
    catalogue = load_catalogue()
    try:
        theme = catalogue.theme(code)
        name, field_name = theme.name, catalogue.field_of(code).name
    except (KeyError, ValueError):
        name, field_name = code, ""
    row = ranking.get(code, {})
    text = analysis.get(code)
    return ThemeLine(
        code=code,
        name=name,
        field_name=field_name,
        rank=row.get("rank"),
        score=row.get("score"),
        p_top=row.get("p_top"),
        advised=bool(row.get("priority")),
        chosen=code in chosen,
        summary=text.summary if text else "",
        reason=text.candidate_reason if text else "",
        candidate=bool(text and text.candidate),
        group_ranks=dict(row.get("group_ranks") or {}),
        focus=str((focus or {}).get(code) or "").strip(),
        remarks=remarks[code].texts if remarks and code in remarks else (),
        remark_groups=remarks[code].groups if remarks and code in remarks else {},
        shared=code in shared,
    )


def _deviations(chosen: Sequence[ThemeLine], advised: Sequence[ThemeLine], top_k: int | None) -> list[str]:
    added = [t for t in chosen if not t.advised]
    dropped = [t for t in advised if not t.chosen]
    notes = []
    for t in added:
        place = f"plaats {t.rank} in het advies" if t.rank else "niet in het advies"
        notes.append(f"Gekozen buiten het advies: {t.label} ({place}).")
    for t in dropped:
        notes.append(f"Geadviseerd maar niet gekozen: {t.label} (plaats {t.rank}).")
    if not added and not dropped and chosen:
        notes.append(f"De keuze volgt het advies van de top {top_k}.")
    return notes


def _robustness(
    advice: Mapping[str, Any], names: Mapping[str, str], chosen: Sequence[str], labels: Mapping[str, str]
) -> list[str]:
    rob = advice.get("robustness")
    if not rob:
        return ["Er is geen gevoeligheidsanalyse berekend."]
    k = advice.get("top_k")
    lines = [
        f"In {nl_percent(rob.get('p_same_top'))} van de {rob.get('resamples')} herberekeningen (deelnemers "
        f"opnieuw getrokken en groepsgewichten gevarieerd) komen precies dezelfde {k} thema's bovenaan."
    ]
    by_theme = {t["theme"]: t for t in rob.get("themes") or []}
    for code in chosen:
        t = by_theme.get(code)
        if t:
            low, high = t.get("rank_interval") or [None, None]
            lines.append(
                f"{code} {names.get(code, '')}: in {nl_percent(t.get('p_top'))} van de herberekeningen in de "
                f"top {k}; plaats tussen {low} en {high}."
            )
    for call in rob.get("close_calls") or []:
        if not (call.get("at_boundary") or min(call["positions"]) <= (k or 0)):
            continue  # neighbours far below the top do not change the choice
        a, b = call["themes"]
        where = f" op de grens van de top {k}" if call.get("at_boundary") else ""
        p_above = call.get("p_above")
        stays = (
            f"; {a} blijft in {nl_percent(p_above)} van de herberekeningen boven {b}"
            if p_above is not None
            else ""
        )
        lines.append(
            f"{a} {names.get(a, '')} en {b} {names.get(b, '')} liggen dicht bij elkaar{where}{stays}."
        )
    for w in rob.get("weight_ranges") or []:
        if (w.get("low") or 0) <= 0 and (w.get("high") or 0) >= 1:
            lines.append(
                f"Het gewicht van {group_label(w['group'], labels).lower()} (nu {nl_percent(w.get('weight'))}) maakt voor "
                f"de top {k} niet uit: elk gewicht tussen 0\u00a0% en 100\u00a0% geeft dezelfde top {k}."
            )
            continue
        lines.append(
            f"Het gewicht van {group_label(w['group'], labels).lower()} (nu {nl_percent(w.get('weight'))}) kan liggen "
            f"tussen {nl_percent(w.get('low'))} en {nl_percent(w.get('high'))} zonder dat de top {k} verandert."
        )
    return lines


def _consensus(
    advice: Mapping[str, Any],
    chosen: Sequence[ThemeLine],
    groups: Sequence[GroupRow],
    labels: Mapping[str, str],
) -> list[str]:
    """Agreement between groups, read from each group's own ranking in the advice."""
    k = advice.get("top_k")
    voting = [g.group for g in groups if g.group != ANALYSIS_GROUP]
    lines = []
    for theme in chosen:
        ranks = {g: theme.group_ranks.get(g) for g in voting}
        inside = [group_label(g, labels).lower() for g, r in ranks.items() if r is not None and k and r <= k]
        if voting and len(inside) == len(voting):
            lines.append(f"{theme.label}: bij alle groepen in de eigen top {k}.")
        elif inside:
            lines.append(f"{theme.label}: in de eigen top {k} bij {', '.join(inside)}.")
        else:
            lines.append(f"{theme.label}: bij geen enkele groep in de eigen top {k}.")
    ballots = {g.group: g.n_ballots for g in groups}
    return lines + _consensus_measures(advice.get("consensus") or {}, ballots, labels)


def _agreement_word(rho: float) -> str:
    return "sterk" if rho >= 0.7 else "matig" if rho >= 0.4 else "weinig"


def _consensus_measures(
    consensus: Mapping[str, Any], ballots: Mapping[str, int], labels: Mapping[str, str]
) -> list[str]:
    """Kendall's W within and Spearman's rho between groups, from ``Consensus.to_dict()`` when stored.

    W needs a ballot that scores every theme, so it says on how many of the group's ballots it rests."""
    lines = []
    for c in consensus.get("concordance") or []:
        if c.get("kendall_w") is not None:
            used, total = c.get("n_raters"), ballots.get(c["group"])
            base = (
                f"berekend over de {used} volledig ingevulde van de {total} stemformulieren"
                if total and used != total
                else f"berekend over {used} stemformulieren"
            )
            lines.append(
                f"Overeenstemming binnen {group_label(c['group'], labels).lower()}: Kendall's W = "
                f"{nl_number(c['kendall_w'], 2)} ({base}; 0 = geen, 1 = volledige overeenstemming)."
            )
    for a in consensus.get("agreements") or []:
        rho = a.get("spearman")
        if rho is not None:
            g1, g2 = (group_label(g, labels).lower() for g in a["groups"])
            lines.append(
                f"De rangordes van {g1} en {g2} lijken {_agreement_word(rho)} op elkaar (Spearman "
                f"{nl_number(rho, 2)} over {a.get('n_themes')} thema's)."
            )
    return lines


_PER_THEME_UNSCORED = re.compile(r"^Thema('s)? .+ (is|zijn) niet beoordeeld door: ")


def _warnings(advice: Mapping[str, Any], labels: Mapping[str, str]) -> list[str]:
    """The advice's caveats, with the per-theme "not scored by" lines folded into one line per group.

    Twenty near-identical lines hide the one caveat that matters; the grouped line is rebuilt from the
    ranking's own group scores (None = the group did not score the theme), not from the message text.
    """
    lines = [str(w) for w in advice.get("warnings") or [] if not _PER_THEME_UNSCORED.match(str(w))]
    ranking = advice.get("ranking") or []
    weights = advice.get("group_weights") or {}
    for group in weights:
        missing = [
            r["theme"]
            for r in ranking
            if r.get("score") is not None and (r.get("group_scores") or {}).get(group, 0) is None
        ]
        if missing and weights.get(group):
            lines.append(
                f"{group_label(group, labels)} beoordeelde {len(missing)} thema's niet ({', '.join(missing)}); hun score "
                "komt alleen van de andere groepen."
            )
    return lines


def _settings(
    decision: PriorityDecision | None, advice: Mapping[str, Any], labels: Mapping[str, str]
) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    if advice:
        rows += [
            ("Aantal prioriteiten (top k)", str(advice.get("top_k"))),
            ("Rekenregel", RULE_LABELS.get(advice.get("ranking_rule", ""), str(advice.get("ranking_rule")))),
            ("Tolerantie voor gelijke scores", nl_number(advice.get("tie_tolerance"), 3)),
        ]
        for g, w in (advice.get("group_weights") or {}).items():
            rows.append((f"Gewicht {group_label(g, labels).lower()}", nl_percent(w, 1)))
        rob = advice.get("robustness") or {}
        if rob:
            rows.append(("Herberekeningen voor de gevoeligheid", str(rob.get("resamples"))))
    if decision is not None:
        rows.append(("Keuze vastgelegd op", long_date(decision.decided_at)))
        if decision.decided_by:
            rows.append(("Vastgelegd door", decision.decided_by))
        for key, value in sorted((decision.settings or {}).items()):
            if key in _NOT_REPORTED or (key in _SHOWN_WITH_ADVICE and advice) or value is None:
                continue
            label = DECISION_SETTING_LABELS.get(key)
            if label is not None:
                rows.append((label, _setting_text(value, labels)))
    return rows


def _setting_text(value: Any, labels: Mapping[str, str]) -> str:
    """A stored setting in words: never a Python literal such as ``True``, ``None`` or ``[1, 2]``."""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if value is None:
        return "–"
    if isinstance(value, float):
        return nl_number(value, 3)
    if isinstance(value, Mapping):
        return "; ".join(
            f"{group_label(str(k), labels)}: {_setting_text(v, labels)}" for k, v in value.items()
        )
    if isinstance(value, list | tuple):
        return ", ".join(_setting_text(v, labels) for v in value)
    return RULE_LABELS.get(str(value), str(value))


def _indicator_rows(db: Session, trajectory_id: int, municipality_id: int | None) -> list[IndicatorRow]:
    """The trajectory's effect indicators; with ``municipality_id`` that municipality's and the shared ones."""
    catalogue = load_catalogue()
    names = {m.id: m.name for m in db.scalars(select(Municipality))}
    query = select(EffectIndicator).where(EffectIndicator.trajectory_id == trajectory_id)
    if municipality_id is not None:
        query = query.where(
            (EffectIndicator.municipality_id == municipality_id) | EffectIndicator.municipality_id.is_(None)
        )
    rows = db.scalars(
        query.order_by(EffectIndicator.municipality_id, EffectIndicator.theme_code, EffectIndicator.id)
    )
    return [
        IndicatorRow(
            municipality=names.get(r.municipality_id, "gezamenlijk") if r.municipality_id else "gezamenlijk",
            theme_code=r.theme_code,
            theme_name=catalogue.theme(r.theme_code).name,
            indicator=r.indicator,
            kind=r.kind,
            source=r.source,
            baseline_year=r.baseline_year,
            baseline_value=r.baseline_value,
            target_year=r.target_year,
            target_value=r.target_value,
            rationale=r.rationale,
        )
        for r in rows
    ]


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
        f"Voorstel van het hulpmiddel: gezamenlijk is een thema dat prioriteit is in minstens {joint.quorum} van "
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
    )


def current_advice(db: Session, trajectory_id: int, municipality_id: int) -> dict[str, Any]:
    """The advice the results page shows with its default settings, for a report before a choice is recorded.

    Without it the report would say "no outcome yet" while the app shows a full advice. A trajectory just
    made (no votes, no analysis) has no advice at all: the documents are still written, with what is missing."""
    try:
        advice = compute_advice(
            db,
            trajectory_id,
            municipality_id,
            AggregationSettings(ranking_rule=AUTO_RULE),  # type: ignore[arg-type]
        )
    except AggregationError:
        return {}
    if not any(t.score is not None for t in advice.result.themes):
        return {}
    return {**advice.result.to_dict(), "consensus": advice.consensus.to_dict()}


def build_report(
    db: Session,
    trajectory_id: int,
    *,
    municipality_id: int | None = None,
    result: AggregationResult | Mapping[str, Any] | None = None,
    consensus: Consensus | Mapping[str, Any] | None = None,
    today: date | None = None,
) -> Report:
    """The report of Stap 3 for one trajectory and one of its municipalities (the first when not given).

    The advice comes from ``result`` when given (the results page's live result), otherwise from the
    municipality's latest recorded choice (``advice`` = ``AggregationResult.to_dict()`` with a
    ``"consensus"`` key), otherwise it is computed as the results page shows it; the chosen priorities come
    from the recorded choice (without one, the advised priorities are shown as a proposal).
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
        advice: Mapping[str, Any] = result.to_dict() if isinstance(result, AggregationResult) else result
    elif decision is not None:
        advice = decision.advice or {}
    elif municipality_id is not None:
        advice = current_advice(db, trajectory_id, municipality_id)
    else:
        advice = {}
    if consensus is not None:
        advice = {
            **advice,
            "consensus": consensus.to_dict() if isinstance(consensus, Consensus) else consensus,
        }
    ranking_raw = {r["theme"]: r for r in advice.get("ranking") or []}
    chosen_codes = [
        str(c) for c in (decision.chosen if decision is not None else advice.get("priorities") or [])
    ]
    joint = _joint_part(db, trajectory_id) if len(members) > 1 else None
    shared = joint.shared_codes if joint is not None else ()
    if joint is not None and joint.agreed_on is not None and municipality_id is not None:
        # the agreed joint sets are this municipality's priorities: the shared part first, then its own
        chosen_codes = [*shared, *joint.local_codes.get(municipality_id, ())]
    analysis = _analysis(db, trajectory_id, municipality_id)
    catalogue = load_catalogue()
    sessions = _sessions(db, trajectory_id, municipality_id if len(members) > 1 else None)
    labels = _group_names(sessions)
    remarks = _remarks(db, sessions, labels)
    focus = decision.focus if decision is not None else {}

    def line(code: str) -> ThemeLine:
        return _theme_line(code, ranking_raw, analysis, chosen_codes, focus, remarks, shared)

    chosen = tuple(line(c) for c in chosen_codes)
    advised = tuple(line(c) for c in advice.get("priorities") or [])
    going = tuple(line(c) for c in catalogue.theme_codes if c not in chosen_codes) if chosen_codes else ()
    chapters = tuple(
        Chapter(n, title, text, chosen if n == 4 else going if n == 5 else ()) for n, title, text in CHAPTERS
    )
    session_rows = _session_rows(db, sessions)
    groups = _group_rows(session_rows, advice, labels)
    names = {t.code: t.name for t in catalogue.themes}
    ranking = tuple(
        RankingRow(
            rank=r["rank"],
            code=r["theme"],
            name=names.get(r["theme"], r["theme"]),
            score=r.get("score"),
            p_top=r.get("p_top"),
            advised=bool(r.get("priority")),
            chosen=r["theme"] in chosen_codes,
            tied_with=tuple(r.get("tied_with") or ()),
            group_scores=dict(r.get("group_scores") or {}),
            group_ranks=dict(r.get("group_ranks") or {}),
        )
        for r in advice.get("ranking") or []
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
        deviations=tuple(_deviations(chosen, advised, advice.get("top_k"))) if decision is not None else (),
        going_concern=going,
        chapters=chapters,
        sessions=tuple(session_rows),
        groups=tuple(groups),
        ranking=ranking,
        top_k=advice.get("top_k"),
        robustness=tuple(_robustness(advice, names, chosen_codes, labels)) if advice else (),
        consensus=tuple(_consensus(advice, chosen, groups, labels)) if advice else (),
        warnings=tuple(_warnings(advice, labels)),
        settings=tuple(_settings(decision, advice, labels)),
        ballots=tuple(_ballot_rows(db, sessions, labels)),
        effect_indicators=tuple(_indicator_rows(db, trajectory_id, municipality_id if joint else None)),
        joint=joint,
        municipality=municipality.name if municipality is not None else "",
        status=(decision.status or "advies") if decision is not None else "",
        gremium=decision.gremium if decision is not None else "",
        meeting_date=decision.meeting_date if decision is not None else None,
        decided_by=decision.decided_by if decision is not None else "",
        deciding_gremium=trajectory.deciding_gremium or "raad",
        group_names=labels,
        municipality_id=municipality_id,
    )
