"""Facts read from the database that more than one document states: sessions, ballots, remarks, effect
indicators and each theme's place in the advice.

Each fact is read here once, so the verslag and the IVP cannot tell two different stories about one session
or one theme.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ivp_core.advice.stored import StoredAdvice
from ivp_core.catalogue import load_catalogue
from ivp_core.consultation.participation import ENTRY_KINDS
from ivp_core.consultation.pseudonyms import fill_pseudonyms
from ivp_core.consultation.sessions import KINDS, STATUS_LABELS
from ivp_core.report.labels import METHOD_NAMES, group_label, method_detail
from ivp_core.storage.models import (
    Ballot,
    BallotItem,
    Comment,
    EffectIndicator,
    FieldAnalysis,
    Municipality,
    OpinionSession,
    Participant,
    ThemeAnalysis,
)


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


def opinion_sessions(db: Session, trajectory_id: int, municipality_id: int | None) -> list[OpinionSession]:
    """The trajectory's sessions; for one municipality of a joint IVP its own and the shared ones."""
    query = select(OpinionSession).where(OpinionSession.trajectory_id == trajectory_id)
    if municipality_id is not None:
        query = query.where(
            (OpinionSession.municipality_id == municipality_id) | OpinionSession.municipality_id.is_(None)
        )
    return list(db.scalars(query.order_by(OpinionSession.held_on, OpinionSession.id)))


def group_names(sessions: Sequence[OpinionSession]) -> dict[str, str]:
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


def session_rows(db: Session, sessions: Sequence[OpinionSession]) -> list[SessionRow]:
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
                method=METHOD_NAMES.get(s.method, s.method),
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


def group_rows(
    sessions: Sequence[SessionRow], advice: StoredAdvice, labels: Mapping[str, str]
) -> list[GroupRow]:
    advice_groups = {g.group: g for g in advice.groups}
    names = list(dict.fromkeys([*(s.group for s in sessions), *advice_groups]))
    rows = []
    for name in names:
        own = [s for s in sessions if s.group == name]
        info = advice_groups.get(name)
        rows.append(
            GroupRow(
                group=name,
                label=group_label(name, labels),
                weight=info.weight if info is not None else advice.group_weights.get(name),
                n_raters=(
                    info.n_raters
                    if info is not None and info.n_raters is not None
                    else sum(s.n_ballots for s in own)
                ),
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


def ballot_rows(
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
    pseudonyms = {p["id"]: str(p["label"]) for p in participants}
    result = db.execute(
        select(
            Ballot.session_id,
            Ballot.participant_id,
            Ballot.entry,
            Ballot.weight,
            BallotItem.theme_code,
            BallotItem.criterion,
            BallotItem.value,
        )
        .join(BallotItem, BallotItem.ballot_id == Ballot.id)
        .where(Ballot.session_id.in_(list(by_id)))
        .order_by(Ballot.session_id, Ballot.id, BallotItem.id)
    )
    rows = []
    for session_id, participant_id, entry, weight, theme, criterion, value in result:
        s = by_id[session_id]
        rows.append(
            BallotRow(
                session=s.title,
                group=group_label(s.group, labels),
                method=METHOD_NAMES.get(s.method, s.method),
                participant=pseudonyms[participant_id],
                entry=ENTRY_KINDS.get(entry, entry),
                weight=float(weight),
                theme=theme,
                criterion=criteria[session_id].get(criterion, criterion),
                value=value,
            )
        )
    return rows


def analysis_texts(db: Session, trajectory_id: int, municipality_id: int | None) -> dict[str, ThemeAnalysis]:
    query = select(ThemeAnalysis).where(ThemeAnalysis.trajectory_id == trajectory_id)
    if municipality_id is not None:
        query = query.where(ThemeAnalysis.municipality_id == municipality_id)
    found: dict[str, ThemeAnalysis] = {}
    for row in db.scalars(query.order_by(ThemeAnalysis.id)):
        found.setdefault(row.theme_code, row)
    return found


@dataclass(frozen=True)
class Remarks:
    texts: tuple[str, ...]
    groups: Mapping[str, int]


def remarks_per_theme(
    db: Session, sessions: Sequence[OpinionSession], labels: Mapping[str, str]
) -> dict[str, Remarks]:
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
        theme: Remarks(tuple(t for t, _ in items if t), dict(Counter(g for _, g in items)))
        for theme, items in found.items()
    }


def theme_line(
    code: str,
    advice: StoredAdvice,
    analysis: Mapping[str, ThemeAnalysis],
    chosen: Sequence[str],
    focus: Mapping[str, Any] | None = None,
    remarks: Mapping[str, Remarks] | None = None,
    shared: Sequence[str] = (),
) -> ThemeLine:
    catalogue = load_catalogue()
    try:
        theme = catalogue.theme(code)
        name, field_name = theme.name, catalogue.field_of(code).name
    except (KeyError, ValueError):
        name, field_name = code, ""
    row = advice.theme(code)
    text = analysis.get(code)
    return ThemeLine(
        code=code,
        name=name,
        field_name=field_name,
        rank=row.rank if row else None,
        score=row.score if row else None,
        p_top=row.p_top if row else None,
        advised=bool(row and row.priority),
        chosen=code in chosen,
        summary=text.summary if text else "",
        reason=text.candidate_reason if text else "",
        candidate=bool(text and text.candidate),
        group_ranks=dict(row.group_ranks) if row else {},
        focus=str((focus or {}).get(code) or "").strip(),
        remarks=remarks[code].texts if remarks and code in remarks else (),
        remark_groups=remarks[code].groups if remarks and code in remarks else {},
        shared=code in shared,
    )


def indicator_rows(db: Session, trajectory_id: int, municipality_id: int | None) -> list[IndicatorRow]:
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


def field_texts(db: Session, trajectory_id: int, municipality_id: int) -> dict[str, FieldAnalysis]:
    """The werkgroep's texts per veiligheidsveld (field 1's aspects, the plausible priorities) of a municipality."""
    query = select(FieldAnalysis).where(
        FieldAnalysis.trajectory_id == trajectory_id, FieldAnalysis.municipality_id == municipality_id
    )
    return {r.field_code: r for r in db.scalars(query)}
