"""An open voting session to put load on, made through ivp_core exactly as a facilitator's page would.

Shared by the load script and the concurrency, crash and multi-server tests so they all vote on the same
kind of ballot: a council-room rating of a handful of themes.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import Engine, func, select

from ivp_core.consultation import participation, sessions
from ivp_core.storage import db
from ivp_core.storage.models import Ballot, BallotItem, Participant, Trajectory
from ivp_core.trajectory.trajectories import create_trajectory

#: Six themes across the five fields: a realistic council-room ballot, small enough to fill quickly.
LOAD_THEMES: Final = ("1.1", "1.3", "2.1", "3.2", "4.1", "5.1")
SCALE: Final = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class LoadSession:
    session_id: int
    code: str
    themes: tuple[str, ...]


def open_load_session(
    engine: Engine, *, kind: str = "raadscommissie", themes: Sequence[str] = LOAD_THEMES
) -> LoadSession:
    """A new, open rating session in the first trajectory (a fictitious one is made on an empty database)."""
    db.migrate(engine)
    with db.session_scope(engine) as s:
        trajectory_id = s.scalar(select(Trajectory.id).order_by(Trajectory.id).limit(1))
        if trajectory_id is None:
            trajectory_id = create_trajectory(s, "Belastingproef", 2027, 2030, [], fictitious=True).id
        created = sessions.create_session(
            s,
            trajectory_id=trajectory_id,
            kind=kind,
            title="Belastingproef raadscommissie",
            method="rating",
            themes=list(themes),
            settings={"scale_min": SCALE[0], "scale_max": SCALE[-1]},
        )
        opened = sessions.open_session(s, created.id)
    return LoadSession(opened.id, opened.code, opened.themes)


def random_ballot(themes: Sequence[str], rng: random.Random) -> dict[str, int]:
    return {theme: rng.choice(SCALE) for theme in themes}


def stored_ballots(engine: Engine, session_id: int) -> dict[str, dict[str, Any]]:
    """Participant token hash → stored {theme: value}: what the tally will count, straight from the tables."""
    out: dict[str, dict[str, Any]] = {}
    with db.session_scope(engine) as s:
        rows = s.execute(
            select(Participant.token_hash, BallotItem.theme_code, BallotItem.value)
            .join(Ballot, Ballot.participant_id == Participant.id)
            .join(BallotItem, BallotItem.ballot_id == Ballot.id)
            .where(Ballot.session_id == session_id)
        ).all()
    for token_hash, theme, value in rows:
        out.setdefault(token_hash, {})[theme] = None if value is None else int(value)
    return out


def ballot_count(engine: Engine, session_id: int) -> int:
    with db.session_scope(engine) as s:
        return int(s.scalar(select(func.count(Ballot.id)).where(Ballot.session_id == session_id)) or 0)


def token_key(session_id: int, token: str) -> str:
    """The key `stored_ballots` uses for a participant, so a client can look up its own ballot."""
    return participation.hash_token(session_id, token)
