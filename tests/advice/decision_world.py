"""A user-made trajectory (no demo) with one closed council session and a handful of ballots: the smallest
world in which an advice exists and a decision can be recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Engine

from ivp_core.consultation import sessions
from ivp_core.dutch import local_today
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Municipality, OpinionSession
from ivp_core.trajectory.stap1 import MilestoneInput, save_milestones
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


def plan_ahead(engine: Engine, trajectory_id: int) -> tuple[date, date]:
    """Stap 1's planning with the opinion session and the raad's decision still to come (the normal case while
    a trajectory runs); returns their dates."""
    today = local_today()
    opinion, raad = today + timedelta(days=30), today + timedelta(days=93)
    with session_scope(engine) as db:
        save_milestones(
            db,
            trajectory_id,
            [MilestoneInput("opiniesessie", due_on=opinion), MilestoneInput("raadsbesluit", due_on=raad)],
        )
    return opinion, raad


def build_world_without_votes(engine: Engine, *, name: str = "Hardenberg", cbs: str = "GM0160") -> World:
    """A trajectory whose sessions were held on paper: nothing voted in the app, so no advice."""
    with session_scope(engine) as db:
        town = Municipality(name=name, cbs_code=cbs, inhabitants=61000)
        db.add(town)
        db.flush()
        trajectory = create_trajectory(db, f"IVP {name}", 2027, 2030, [town])
        return World(trajectory.id, town.id, 0)


def held_days_ago(engine: Engine, world: World, days: int) -> date:
    """Date the world's session as held ``days`` ago (a session's date bounds the vaststelling); that date."""
    held = local_today() - timedelta(days=days)
    with session_scope(engine) as db:
        row = db.get(OpinionSession, world.session_id)
        assert row is not None
        row.held_on = held
    return held
