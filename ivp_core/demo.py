"""The fictitious "Voorbeeldgemeente": a complete trajectory that loads into an empty database.

Everything comes from files in `data/demo/` and goes through the same code paths as real use (importers
for figures, the session and ballot functions for votes), so the demo also proves those paths work.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from ivp_core.catalogue import load_catalogue
from ivp_core.config import DATA_DIR
from ivp_core.storage.db import get_engine, session_scope
from ivp_core.storage.models import FieldAnalysis, Municipality, PopulationShare, ThemeAnalysis
from ivp_core.trajectories import create_trajectory

DEMO_DIR = DATA_DIR / "demo" / "voorbeeldgemeente"


def _read_yaml(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: verwacht een YAML-structuur")
    return data


def _add_analysis(session: Session, trajectory_id: int, municipality_id: int, analysis: dict[str, Any]) -> None:
    catalogue = load_catalogue()
    themes = analysis.get("themes") or {}
    missing = [code for code in catalogue.theme_codes if code not in themes]
    if missing:
        raise ValueError(f"analysis.yaml mist thema's: {', '.join(missing)}")
    for code in catalogue.theme_codes:
        item = themes[code]
        session.add(
            ThemeAnalysis(
                trajectory_id=trajectory_id,
                municipality_id=municipality_id,
                theme_code=code,
                summary=str(item.get("summary", "")).strip(),
                problem_text=str(item.get("problem", "")).strip(),
                approach_text=str(item.get("approach", "")).strip(),
                extra_text=str(item.get("extra", "")).strip(),
                candidate=bool(item.get("candidate", False)),
                candidate_reason=str(item.get("candidate_reason", "")).strip(),
            )
        )
    for field in catalogue.fields:
        item = (analysis.get("fields") or {}).get(field.code) or {}
        session.add(
            FieldAnalysis(
                trajectory_id=trajectory_id,
                municipality_id=municipality_id,
                field_code=field.code,
                priorities_text=str(item.get("priorities", "")).strip(),
                aspects={str(k): str(v).strip() for k, v in (item.get("aspects") or {}).items()},
            )
        )


def _add_population(session: Session, trajectory_id: int, municipality_id: int, info: dict[str, Any]) -> None:
    dimensions = {"wijk": "wijk", "leeftijd": "leeftijd"}
    for key, dimension in dimensions.items():
        for category, population in ((info.get("population") or {}).get(key) or {}).items():
            session.add(
                PopulationShare(
                    trajectory_id=trajectory_id,
                    municipality_id=municipality_id,
                    dimension=dimension,
                    category=str(category),
                    population=int(population),
                )
            )


def load_demo(engine: Engine | None = None, demo_dir: Path = DEMO_DIR) -> int:
    """Load the demo municipality in one transaction and return the new trajectory's id."""
    engine = engine or get_engine()
    info = _read_yaml(demo_dir / "municipality.yaml")
    analysis = _read_yaml(demo_dir / "analysis.yaml")
    with session_scope(engine) as session:
        municipality = Municipality(
            name=str(info["name"]),
            cbs_code=str(info["cbs_code"]),
            inhabitants=int(info["inhabitants"]),
            fictitious=bool(info.get("fictitious", True)),
        )
        session.add(municipality)
        session.flush()
        spec = info["trajectory"]
        trajectory = create_trajectory(
            session,
            name=f"{spec['name']} {municipality.name}",
            period_start=int(spec["period_start"]),
            period_end=int(spec["period_end"]),
            municipalities=[municipality],
            fictitious=municipality.fictitious,
        )
        _add_analysis(session, trajectory.id, municipality.id, analysis)
        _add_population(session, trajectory.id, municipality.id, info)
        return trajectory.id
