"""An installation that upgrades keeps every row: the migrations since 0009 rebuild tables such as `trajectory`
on SQLite, and with foreign keys on that rebuild deleted every row referring to them (sessions, ballots,
analysis texts, decisions). Tested by going back to 0009 with the demo loaded and forward again."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, func, select, table, text

from ivp_core.storage import db

#: Tables of the 0009 schema that hang under a trajectory: each must keep all its rows.
KEPT = (
    "trajectory",
    "municipality",
    "trajectory_municipality",
    "opinion_session",
    "participant",
    "ballot",
    "ballot_item",
    "theme_analysis",
    "figure",
    "priority_decision",
    "effect_indicator",
    "plan_action",
    "previous_priority",
    "milestone",
)


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            name: int(conn.execute(select(func.count()).select_from(table(name))).scalar_one())
            for name in KEPT
        }


def _to(engine: Engine, revision: str) -> None:
    cfg = db.alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.connect() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)
        connection.commit()


def test_going_back_to_0009_and_upgrading_keeps_every_row(demo_engine: Engine) -> None:
    before = _counts(demo_engine)
    assert before["ballot"] > 0 and before["trajectory_municipality"] > 0
    _to(demo_engine, "0009")
    assert _counts(demo_engine) == before
    db.migrate(demo_engine)
    assert _counts(demo_engine) == before
    if demo_engine.dialect.name == "sqlite":
        with demo_engine.connect() as conn:  # the pooled connections have their foreign keys on again
            assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
