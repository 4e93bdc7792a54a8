"""Commands about trajectories, and the one rule every command uses to pick the trajectory it works on."""

from __future__ import annotations

import argparse

from sqlalchemy import select

from ivp_core.commands import CliError
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Trajectory


def resolve_trajectory_id(requested: int | None) -> int:
    """The trajectory a command means: the one asked for, or the only one there is; else a Dutch refusal."""
    with session_scope() as db:
        ids = list(db.scalars(select(Trajectory.id).order_by(Trajectory.id)))
    if requested is not None:
        if requested not in ids:
            raise CliError(
                f"Traject {requested} bestaat niet. Bestaande trajecten: {', '.join(map(str, ids)) or 'geen'}."
            )
        return requested
    if len(ids) != 1:
        raise CliError(
            "Geef met --trajectory aan welk traject u bedoelt"
            + (f" ({', '.join(map(str, ids))})." if ids else "; er is nog geen traject.")
        )
    return ids[0]


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """No trajectory commands yet beyond the shared resolver; the own-trajectory work adds them here."""
