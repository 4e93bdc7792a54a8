from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select

from ivp_core.storage.db import session_scope
from ivp_core.storage.models import CrimeTypeMapping, Figure, ImportBatch, Municipality


@pytest.fixture
def municipality_id(engine: Engine) -> int:
    with session_scope(engine) as session:
        municipality = Municipality(name="Testgemeente", cbs_code="GM0148", inhabitants=28_000)
        session.add(municipality)
        session.flush()
        return municipality.id


def db_state(engine: Engine) -> tuple[int, int, list[tuple[str, str, int, float | None]]]:
    """Everything an import may touch, to prove a refused import changed nothing."""
    with session_scope(engine) as session:
        figures = session.execute(
            select(Figure.region_code, Figure.indicator, Figure.year, Figure.value).order_by(Figure.id)
        ).all()
        return (
            session.scalar(select(func.count()).select_from(ImportBatch)) or 0,
            session.scalar(select(func.count()).select_from(CrimeTypeMapping)) or 0,
            [tuple(f) for f in figures],
        )
