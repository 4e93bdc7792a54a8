"""Shared set-up for the opinion-session tests: a trajectory to hang sessions on, and quick voting."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Engine

from ivp_core.consultation import participation, sessions
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Municipality
from ivp_core.trajectory.trajectories import create_trajectory


def make_trajectory(engine: Engine, name: str = "Testgemeente") -> int:
    with session_scope(engine) as s:
        municipality = Municipality(name=name, cbs_code="GM9999", fictitious=True)
        s.add(municipality)
        s.flush()
        return create_trajectory(s, f"IVP {name}", 2027, 2030, [municipality], fictitious=True).id


def open_session(
    engine: Engine,
    trajectory_id: int,
    *,
    method: str = "points",
    themes: Sequence[str] = ("1.1", "1.3", "2.1", "4.1"),
    settings: Mapping[str, Any] | None = None,
    kind: str = "raadscommissie",
) -> sessions.SessionInfo:
    with session_scope(engine) as s:
        created = sessions.create_session(
            s,
            trajectory_id=trajectory_id,
            kind=kind,
            title="Opiniërende bijeenkomst",
            method=method,
            themes=themes,
            settings=settings if settings is not None else {"budget": 10},
        )
        return sessions.open_session(s, created.id)


def vote(engine: Engine, session_id: int, values: Mapping[str, Any], token: str | None = None) -> str:
    """Join with a fresh (or given) token and cast a ballot; returns the token."""
    token = token or participation.new_token()
    with session_scope(engine) as s:
        participation.join(s, session_id, token)
        participation.submit_ballot(s, session_id, token, values)
    return token
