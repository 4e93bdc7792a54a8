"""The mapping from police crime types (47013NED `SoortMisdrijf`) to Kernbeleid themes.

No public copy of the VNG-INP mapping exists, so the project ships its own proposal in
`data/crime_type_mapping.csv`. It is copied into the database once; the coordinator can change it there.
A change re-labels the figures already imported for that crime type, so charts never mix two mappings.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivp_core.catalogue import load_catalogue
from ivp_core.config import DATA_DIR
from ivp_core.storage.models import CrimeTypeMapping, Figure

PROPOSAL_FILE = DATA_DIR / "crime_type_mapping.csv"
PROPOSAL_NOTE = (
    "Deze koppeling van misdrijfsoorten aan thema's is een voorstel van dit project, geen officiële "
    "VNG-indeling. Pas haar aan als uw gemeente een andere indeling gebruikt."
)
# Keys of the table's total row: kept as a figure (national comparison) but never counted in a theme.
TOTAL_KEYS = {"0.0.0": "Totaal misdrijven", "T001161": "Totaal misdrijven"}
_CRIME_IN_INDICATOR = re.compile(r": (\d+(?:\.\d+)+|T\d+) ")


@dataclass(frozen=True)
class MappingRow:
    crime_type_code: str
    crime_type_name: str
    theme_code: str | None
    note: str


def read_proposal() -> list[MappingRow]:
    with PROPOSAL_FILE.open(encoding="utf-8-sig", newline="") as handle:
        return [
            MappingRow(
                crime_type_code=row["crime_type_code"].strip(),
                crime_type_name=row["crime_type_name"].strip(),
                theme_code=(row.get("theme_code") or "").strip() or None,
                note=(row.get("note") or "").strip(),
            )
            for row in csv.DictReader(handle)
        ]


def ensure_mapping(session: Session) -> None:
    """Copy the proposal into the database the first time; later edits by the coordinator are kept."""
    if session.scalar(select(CrimeTypeMapping.crime_type_code).limit(1)) is not None:
        return
    for row in read_proposal():
        session.add(
            CrimeTypeMapping(
                crime_type_code=row.crime_type_code,
                crime_type_name=row.crime_type_name,
                theme_code=row.theme_code,
                note=row.note,
            )
        )
    session.flush()


def current_mapping(session: Session) -> dict[str, MappingRow]:
    ensure_mapping(session)
    rows = session.scalars(select(CrimeTypeMapping).order_by(CrimeTypeMapping.crime_type_code)).all()
    return {
        r.crime_type_code: MappingRow(r.crime_type_code, r.crime_type_name, r.theme_code, r.note)
        for r in rows
    }


def crime_type_of(indicator: str) -> str | None:
    """The crime type code inside a police figure's indicator ("Geregistreerde misdrijven: 1.1.1 …")."""
    match = _CRIME_IN_INDICATOR.search(indicator + " ")
    return match.group(1) if match else None


def crime_indicator(measure_label: str, code: str, name: str) -> str:
    return f"{measure_label}: {code} {name}".strip()


def update_mapping(
    session: Session, crime_type_code: str, theme_code: str | None, note: str | None = None
) -> int:
    """Point a crime type at another theme (or none); returns how many stored figures were re-labelled."""
    if theme_code is not None and theme_code not in load_catalogue().theme_codes:
        raise ValueError(f"Thema '{theme_code}' bestaat niet. Kies een themacode zoals 1.3.")
    ensure_mapping(session)
    row = session.get(CrimeTypeMapping, crime_type_code)
    if row is None:
        raise ValueError(f"Misdrijfsoort '{crime_type_code}' staat niet in de koppeltabel.")
    row.theme_code = theme_code
    if note is not None:
        row.note = note
    figures = session.scalars(select(Figure).where(Figure.indicator.contains(f": {crime_type_code} "))).all()
    changed = 0
    for figure in figures:
        if crime_type_of(figure.indicator) == crime_type_code and figure.theme_code != theme_code:
            figure.theme_code = theme_code
            changed += 1
    session.flush()
    return changed


def reset_to_proposal(session: Session) -> int:
    """Undo the coordinator's changes: every crime type back to the project's proposal."""
    ensure_mapping(session)
    changed = 0
    for row in read_proposal():
        if session.get(CrimeTypeMapping, row.crime_type_code) is None:
            session.add(
                CrimeTypeMapping(crime_type_code=row.crime_type_code, crime_type_name=row.crime_type_name)
            )
            session.flush()
        changed += update_mapping(session, row.crime_type_code, row.theme_code, row.note)
    return changed
