"""A user-made trajectory (no demo) with one closed council session and a handful of ballots: the smallest
world in which an advice exists and a decision can be recorded."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from ivp_core.consultation import sessions
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Municipality
from ivp_core.trajectory.trajectories import create_trajectory
from tests.opinion_helpers import open_session, vote

#: Points (budget 10) of five council members; 1.3 > 4.1 > 1.1 > 2.1 on the ballot of 1.1, 1.3, 2.1, 4.1.
BALLOTS = (
    {"1.3": 5, "4.1": 3, "1.1": 2},
    {"1.3": 4, "4.1": 4, "2.1": 2},
    {"1.3": 6, "1.1": 3, "2.1": 1},
    {"4.1": 5, "1.3": 3, "1.1": 2},
    {"1.3": 4, "4.1": 3, "1.1": 2, "2.1": 1},
)


@dataclass(frozen=True)
class World:
    trajectory_id: int
    municipality_id: int
    session_id: int


def build_world(engine: Engine, *, name: str = "Dalfsen", cbs: str = "GM0148", extra: bool = False) -> World:
    """``extra`` adds a second municipality, so the command must be told which one."""
    with session_scope(engine) as db:
        town = Municipality(name=name, cbs_code=cbs, inhabitants=29000)
        members = [town]
        if extra:
            members.append(Municipality(name="Ommen", cbs_code="GM0175", inhabitants=18000))
        db.add_all(members)
        db.flush()
        trajectory = create_trajectory(db, f"IVP {name}", 2027, 2030, members)
        tid, mid = trajectory.id, town.id
    session = open_session(engine, tid)
    for values in BALLOTS:
        vote(engine, session.id, values)
    with session_scope(engine) as db:
        sessions.close_session(db, session.id)
    return World(tid, mid, session.id)
