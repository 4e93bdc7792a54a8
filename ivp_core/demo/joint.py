"""The fictitious joint trajectory "Rivierenland-Oost": three fictitious municipalities, one IVP (Stap 3a).

Each member has its own folder in `data/demo/` with the same files as the single demo (municipality.yaml,
analysis.yaml, sessions.yaml with ballot CSVs, figures/), loaded through the single demo's helpers so
that the joint demo goes through exactly the same code paths. A municipality that already exists (the
Voorbeeldgemeente after the single demo was loaded) is reused, and its figures are not imported twice.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ivp_core.analysis.importers import import_directory
from ivp_core.config import DATA_DIR
from ivp_core.demo.municipality import add_analysis, add_population, add_sessions, add_stap1_facts, read_yaml
from ivp_core.storage.db import get_engine, session_scope
from ivp_core.storage.models import Municipality, Trajectory
from ivp_core.trajectory.trajectories import create_trajectory

JOINT_DIR = DATA_DIR / "demo" / "rivierenland"


def _member(session: Session, folder: Path) -> tuple[Municipality, dict[str, Any], dict[str, Any]]:
    """The member municipality (added with its figures unless it exists) and its two YAML files as read."""
    info = read_yaml(folder / "municipality.yaml")
    analysis = read_yaml(folder / "analysis.yaml")
    municipality = session.scalar(select(Municipality).where(Municipality.name == str(info["name"])))
    if municipality is None:
        municipality = Municipality(
            name=str(info["name"]),
            cbs_code=str(info["cbs_code"]),
            inhabitants=int(info["inhabitants"]),
            fictitious=bool(info.get("fictitious", True)),
        )
        session.add(municipality)
        session.flush()
        import_directory(session, folder / "figures", municipality.id, imported_by="demo")
    return municipality, info, analysis


def load_joint_demo(engine: Engine | None = None, joint_dir: Path = JOINT_DIR) -> int:
    """Load the joint trajectory in one transaction and return its id; loading it twice is refused."""
    engine = engine or get_engine()
    spec = read_yaml(joint_dir / "trajectory.yaml")
    with session_scope(engine) as session:
        if session.scalar(select(Trajectory.id).where(Trajectory.name == str(spec["name"]))) is not None:
            raise ValueError(f"Het voorbeeldtraject '{spec['name']}' bestaat al.")
        folders = [joint_dir.parent / str(member) for member in spec["members"]]
        members = [_member(session, folder) for folder in folders]
        trajectory = create_trajectory(
            session,
            name=str(spec["name"]),
            period_start=int(spec["period_start"]),
            period_end=int(spec["period_end"]),
            municipalities=[m for m, _info, _analysis in members],
            fictitious=True,
        )
        for folder, (municipality, info, analysis) in zip(folders, members, strict=True):
            add_analysis(session, trajectory.id, municipality.id, analysis)
            add_population(session, trajectory.id, municipality.id, info)
            add_stap1_facts(session, trajectory.id, municipality, info)
            add_sessions(session, trajectory.id, municipality.id, info, analysis, folder)
        return trajectory.id
