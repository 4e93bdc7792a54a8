"""The evidence beside each theme on the ballot comes from the analysis and the imported figures."""

from __future__ import annotations

from sqlalchemy import Engine, select

from ivp_core.analysis import signals
from ivp_core.analysis.figures import all_theme_series, benchmark_of, region_of
from ivp_core.consultation import sessions
from ivp_core.consultation.ballot_evidence import ballot_evidence
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import ThemeAnalysis, Trajectory


def test_evidence_is_the_analysis_text_and_the_signals_of_the_first_series(demo_engine: Engine) -> None:
    with session_scope(demo_engine) as db:
        trajectory = db.scalars(select(Trajectory)).one()
        municipality = trajectory.municipalities[0]
        info = sessions.create_session(
            db,
            trajectory_id=trajectory.id,
            municipality_id=municipality.id,
            kind="raadscommissie",
            title="Commissie",
            method="points",
            themes=["1.1", "1.3"],
        )
        evidence = ballot_evidence(db, info)
        analysis = db.scalars(
            select(ThemeAnalysis).where(
                ThemeAnalysis.trajectory_id == trajectory.id, ThemeAnalysis.theme_code == "1.3"
            )
        ).one()
        region = region_of(db, municipality.id)
        assert region is not None
        pairs = all_theme_series(db, region, benchmark_of(db, trajectory.id))["1.3"]
    assert set(evidence) == {"1.1", "1.3"}
    item = evidence["1.3"]
    assert item.summary == analysis.summary and item.summary
    assert item.figures and len(item.figures) <= 3
    assert item.figures[0] == signals.series_signal(pairs[0])
    assert item.benchmark_label == "Nederland"


def test_a_session_without_municipality_gets_empty_evidence(demo_engine: Engine) -> None:
    with session_scope(demo_engine) as db:
        trajectory = db.scalars(select(Trajectory)).one()
        info = sessions.create_session(
            db, trajectory_id=trajectory.id, kind="overig", title="Los", method="rating", themes=["2.1"]
        )
        assert ballot_evidence(db, info)["2.1"].empty
