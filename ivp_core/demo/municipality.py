"""The fictitious "Voorbeeldgemeente": a complete trajectory that loads into an empty database.

Everything comes from files in `data/demo/` and goes through the same code paths as real use (importers
for figures, the session and ballot functions for votes), so the demo also proves those paths work.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from ivp_core.analysis.importers import import_demo_figures
from ivp_core.catalogue import load_catalogue
from ivp_core.config import DATA_DIR
from ivp_core.consultation import comments, participation, sessions
from ivp_core.storage.db import get_engine, session_scope
from ivp_core.storage.models import (
    FieldAnalysis,
    Municipality,
    PopulationShare,
    PreviousPriority,
    ThemeAnalysis,
)
from ivp_core.trajectory.trajectories import create_trajectory

DEMO_DIR = DATA_DIR / "demo" / "voorbeeldgemeente"


def read_yaml(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: verwacht een YAML-structuur")
    return data


def add_analysis(
    session: Session, trajectory_id: int, municipality_id: int, analysis: dict[str, Any]
) -> None:
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


def add_population(session: Session, trajectory_id: int, municipality_id: int, info: dict[str, Any]) -> None:
    dimensions = {"wijk": "wijk", "leeftijd": "age_band"}  # yaml key -> RaterBallot attribute
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


def _ballot_values(method: str, rows: list[dict[str, str]]) -> tuple[dict[str, Any], str | None, str | None]:
    """One participant's CSV rows in the shape `ivp_core.consultation.ballots.validate_ballot` takes."""
    values: dict[str, Any] = {}
    for row in rows:
        value = float(row["value"]) if row["value"].strip() else None
        if method == "criteria":
            values.setdefault(row["theme"], {})[row["criterion"]] = value
        elif value is not None or method == "rating":
            values[row["theme"]] = value
    first = rows[0]
    return values, first.get("wijk") or None, first.get("age_band") or None


def add_stap1_facts(
    session: Session, trajectory_id: int, municipality: Municipality, info: dict[str, Any]
) -> None:
    """The municipality's wijken and its previous IVP's priorities where Stap 1 keeps them, so the startnotitie,
    the consultation and the veiligheidsanalyse all read the same facts."""
    if not municipality.wijken:
        municipality.wijken = [str(w) for w in info.get("wijken") or []]
    for code, wording in (info.get("previous_priorities") or {}).items():
        session.add(
            PreviousPriority(
                trajectory_id=trajectory_id,
                municipality_id=municipality.id,
                theme_code=str(code),
                wording=str(wording),
            )
        )
    session.flush()


def _session_themes(spec: Any, analysis: dict[str, Any]) -> list[str]:
    if spec == "all":
        return list(load_catalogue().theme_codes)
    if spec == "candidates":
        return [code for code, item in analysis["themes"].items() if item.get("candidate")]
    return [str(code) for code in spec]


def add_remarks(session: Session, session_id: int, tokens: dict[str, str], path: Path) -> None:
    """The participants' remarks as they typed them, then the facilitator's moderation, as the pages do it."""
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            comment_id = comments.save_comment(
                session, session_id, tokens[row["participant"]], row["theme"], row["text"]
            )
            if comment_id is not None and row["status"] != "nieuw":
                comments.set_status(session, comment_id, row["status"])


def add_sessions(
    session: Session,
    trajectory_id: int,
    municipality_id: int,
    info: dict[str, Any],
    analysis: dict[str, Any],
    demo_dir: Path,
) -> None:
    """Run each example session as it happened: open it, let every participant join and vote, close it."""
    for spec in read_yaml(demo_dir / "sessions.yaml")["sessions"]:
        settings = dict(spec.get("settings") or {})
        if spec["kind"] == "inwonersconsultatie":
            # The demo's residents arrive all at once; the live limit guards real sessions, not this replay.
            settings.update(wijken=list(info.get("wijken") or []), max_ballots_per_minute=10_000)
        created = sessions.create_session(
            session,
            trajectory_id=trajectory_id,
            municipality_id=municipality_id,
            kind=spec["kind"],
            group=spec["group"],
            title=spec["title"],
            held_on=spec.get("held_on"),
            method=spec["method"],
            settings=settings,
            themes=_session_themes(spec["themes"], analysis),
        )
        sessions.open_session(session, created.id)
        by_participant: dict[str, list[dict[str, str]]] = defaultdict(list)
        with (demo_dir / spec["ballots"]).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                by_participant[row["participant"]].append(row)
        tokens: dict[str, str] = {}
        for key, rows in by_participant.items():
            values, wijk, age_band = _ballot_values(spec["method"], rows)
            tokens[key] = participation.new_token()
            participation.join(session, created.id, tokens[key], wijk=wijk, age_band=age_band)
            participation.submit_ballot(session, created.id, tokens[key], values)
        if spec.get("remarks"):
            add_remarks(session, created.id, tokens, demo_dir / spec["remarks"])
        if spec.get("status", "gesloten") == "gesloten":
            sessions.close_session(session, created.id)


def load_demo(engine: Engine | None = None, demo_dir: Path = DEMO_DIR) -> int:
    """Load the demo municipality in one transaction and return the new trajectory's id."""
    engine = engine or get_engine()
    info = read_yaml(demo_dir / "municipality.yaml")
    analysis = read_yaml(demo_dir / "analysis.yaml")
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
        add_analysis(session, trajectory.id, municipality.id, analysis)
        add_population(session, trajectory.id, municipality.id, info)
        add_stap1_facts(session, trajectory.id, municipality, info)
        import_demo_figures(session, municipality.id)
        add_sessions(session, trajectory.id, municipality.id, info, analysis, demo_dir)
        return trajectory.id
