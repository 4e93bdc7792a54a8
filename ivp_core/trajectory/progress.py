"""How far a trajectory is along the method's steps, for the start page's status line."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ivp_core.storage.models import Ballot, Figure, OpinionSession, PriorityDecision, ThemeAnalysis


@dataclass(frozen=True)
class Progress:
    themes_with_analysis: int
    themes_with_figures: int
    candidates: int
    sessions: int
    open_sessions: int
    ballots: int
    decided: bool


def trajectory_progress(session: Session, trajectory_id: int, region_codes: list[str]) -> Progress:
    analysed = session.scalar(
        select(func.count(ThemeAnalysis.id)).where(
            ThemeAnalysis.trajectory_id == trajectory_id, ThemeAnalysis.problem_text != ""
        )
    )
    candidates = session.scalar(
        select(func.count(ThemeAnalysis.id)).where(
            ThemeAnalysis.trajectory_id == trajectory_id, ThemeAnalysis.candidate.is_(True)
        )
    )
    with_figures = session.scalar(
        select(func.count(func.distinct(Figure.theme_code))).where(
            Figure.region_code.in_(region_codes), Figure.theme_code.is_not(None)
        )
    )
    session_rows = session.execute(
        select(OpinionSession.status, func.count(OpinionSession.id))
        .where(OpinionSession.trajectory_id == trajectory_id)
        .group_by(OpinionSession.status)
    ).all()
    ballots = session.scalar(
        select(func.count(Ballot.id))
        .join(OpinionSession, OpinionSession.id == Ballot.session_id)
        .where(OpinionSession.trajectory_id == trajectory_id)
    )
    decided = session.scalar(
        select(func.count(PriorityDecision.id)).where(PriorityDecision.trajectory_id == trajectory_id)
    )
    by_status = dict(session_rows)
    return Progress(
        themes_with_analysis=analysed or 0,
        themes_with_figures=with_figures or 0,
        candidates=candidates or 0,
        sessions=sum(by_status.values()),
        open_sessions=by_status.get("open", 0),
        ballots=ballots or 0,
        decided=bool(decided),
    )
