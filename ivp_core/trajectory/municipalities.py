"""The municipalities of a trajectory: CBS codes, names and wijken/kernen, checked before anything is stored.

A municipality row is shared by every trajectory it takes part in (its name is unique in the installation),
so a new trajectory reuses the row with the same CBS code instead of making a second "Dalfsen".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ivp_core.errors import UserError
from ivp_core.storage.models import Municipality, trajectory_municipality

CBS_CODE = re.compile(r"GM\d{4}")
MAX_NAME = 120
MAX_WIJK = 80
MAX_INHABITANTS = 5_000_000
FIRST_POPULATION_YEAR = 1990


class TrajectoryError(UserError):
    """A trajectory request that cannot be honoured; `message_nl` is shown to the user as is."""


@dataclass(frozen=True)
class MunicipalityInput:
    """What a coordinator types for one municipality; checked by :func:`clean_municipalities`."""

    cbs_code: str
    name: str
    wijken: tuple[str, ...] | None = None  # None keeps what the municipality already has
    inhabitants: dict[int, int] = field(default_factory=dict)  # year -> inhabitants on 1 January


def clean_cbs_code(raw: str) -> str:
    """`gm148`, ` GM0148 ` and `0148` all mean GM0148; anything else is refused with the expected form."""
    code = (raw or "").strip().upper().replace(" ", "")
    if code.isdigit() and len(code) <= 4:
        code = f"GM{int(code):04d}"
    elif code.startswith("GM") and code[2:].isdigit() and len(code) <= 6:
        code = f"GM{int(code[2:]):04d}"
    if not CBS_CODE.fullmatch(code):
        raise TrajectoryError(
            f"'{(raw or '').strip()}' is geen CBS-gemeentecode. Een gemeentecode is GM met vier cijfers, "
            "bijvoorbeeld GM0148 voor Dalfsen."
        )
    return code


def clean_name(raw: str, code: str) -> str:
    name = " ".join((raw or "").split())
    if not name:
        raise TrajectoryError(f"Geef de naam van de gemeente met code {code}.")
    if len(name) > MAX_NAME:
        raise TrajectoryError(f"De naam van gemeente {code} mag hoogstens {MAX_NAME} tekens lang zijn.")
    return name


def parse_wijken(raw: str | Iterable[str]) -> tuple[str, ...]:
    """Wijken/kernen from a list or from text split on commas, semicolons or new lines; doubles refused."""
    parts = re.split(r"[,;\n]", raw) if isinstance(raw, str) else list(raw)
    wijken = tuple(" ".join(str(p).split()) for p in parts if str(p).strip())
    seen: set[str] = set()
    for wijk in wijken:
        if len(wijk) > MAX_WIJK:
            raise TrajectoryError(f"De naam van wijk of kern '{wijk[:30]}…' is langer dan {MAX_WIJK} tekens.")
        if wijk.casefold() in seen:
            raise TrajectoryError(f"De wijk of kern '{wijk}' staat twee keer in de lijst.")
        seen.add(wijk.casefold())
    return wijken


def clean_inhabitants(code: str, raw: dict[int, int], this_year: int) -> dict[int, int]:
    """Inhabitants per year: whole, positive, below five million, for a year that has begun."""
    out: dict[int, int] = {}
    for year, count in raw.items():
        if not isinstance(year, int) or not FIRST_POPULATION_YEAR <= year <= this_year:
            raise TrajectoryError(
                f"Het jaar {year} bij de inwoners van {code} kan niet: kies een jaar van "
                f"{FIRST_POPULATION_YEAR} tot en met {this_year}."
            )
        if isinstance(count, bool) or not isinstance(count, int) or not 0 < count <= MAX_INHABITANTS:
            raise TrajectoryError(
                f"Het aantal inwoners van {code} in {year} moet een heel getal tussen 1 en "
                f"{MAX_INHABITANTS:,} zijn.".replace(",", ".")
            )
        out[year] = count
    return out


def parse_inhabitant_count(raw: str, code: str, year: int) -> int:
    """`29.000`, `29 000` and `29000` are the same count; a decimal or a word is refused."""
    text = (raw or "").strip().replace(" ", "").replace("\u00a0", "")
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
        text = text.replace(".", "")
    if not text.isdigit():
        raise TrajectoryError(
            f"'{raw}' is geen aantal inwoners (bij {code}, {year}). Schrijf een heel getal."
        )
    return int(text)


def clean_municipalities(items: Sequence[MunicipalityInput], this_year: int) -> list[MunicipalityInput]:
    """Every municipality checked, and none twice (by code or by name)."""
    if not items:
        raise TrajectoryError("Kies ten minste één gemeente (CBS-code en naam).")
    cleaned: list[MunicipalityInput] = []
    codes: set[str] = set()
    names: set[str] = set()
    for item in items:
        code = clean_cbs_code(item.cbs_code)
        name = clean_name(item.name, code)
        if code in codes:
            raise TrajectoryError(f"Gemeente {code} staat twee keer in het traject.")
        if name.casefold() in names:
            raise TrajectoryError(f"De naam '{name}' staat twee keer in het traject.")
        codes.add(code)
        names.add(name.casefold())
        cleaned.append(
            MunicipalityInput(
                code,
                name,
                None if item.wijken is None else parse_wijken(item.wijken),
                clean_inhabitants(code, dict(item.inhabitants), this_year),
            )
        )
    return cleaned


def _linked_elsewhere(db: Session, municipality_id: int, trajectory_id: int | None) -> bool:
    query = (
        select(func.count())
        .select_from(trajectory_municipality)
        .where(trajectory_municipality.c.municipality_id == municipality_id)
    )
    if trajectory_id is not None:
        query = query.where(trajectory_municipality.c.trajectory_id != trajectory_id)
    return bool(db.scalar(query))


def resolve_municipality(db: Session, item: MunicipalityInput, trajectory_id: int | None) -> Municipality:
    """The row for this CBS code: reused when it exists, renamed only when no other trajectory uses it.

    A name that belongs to another code, or a fictitious demo municipality, is refused rather than merged.
    """
    by_code = db.scalars(select(Municipality).where(Municipality.cbs_code == item.cbs_code)).all()
    real = [m for m in by_code if not m.fictitious]
    if by_code and not real:
        raise TrajectoryError(
            f"Code {item.cbs_code} hoort bij een fictieve voorbeeldgemeente; gebruik de code van een echte gemeente."
        )
    by_name = db.scalars(
        select(Municipality).where(func.lower(Municipality.name) == item.name.lower())
    ).first()
    if by_name is not None and by_name.cbs_code != item.cbs_code:
        raise TrajectoryError(
            f"De naam '{item.name}' hoort in deze installatie al bij gemeentecode {by_name.cbs_code or '(geen)'}, "
            f"niet bij {item.cbs_code}. Controleer de code of de naam."
        )
    municipality = real[0] if real else None
    if municipality is None:
        municipality = Municipality(cbs_code=item.cbs_code, name=item.name, fictitious=False, wijken=[])
        db.add(municipality)
    elif municipality.name != item.name:
        if _linked_elsewhere(db, municipality.id, trajectory_id):
            raise TrajectoryError(
                f"Gemeentecode {item.cbs_code} staat in een ander traject als '{municipality.name}', niet als "
                f"'{item.name}'. Gebruik dezelfde naam, of pas de naam in dat traject aan."
            )
        municipality.name = item.name
    if item.wijken is not None:
        municipality.wijken = list(item.wijken)
    db.flush()
    return municipality


def _cell(value: object) -> str:
    """A table cell as text: empty for None and NaN (an empty cell in an edited table), whole floats bare."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def inputs_from_rows(
    municipality_rows: Sequence[Mapping[str, object]], inhabitant_rows: Sequence[Mapping[str, object]]
) -> tuple[MunicipalityInput, ...]:
    """The two tables of the Trajecten page (municipalities; inhabitants per year) as inputs.

    Municipality rows have ``cbs_code``, ``name`` and ``wijken`` (text, one per line or comma-separated);
    inhabitant rows ``cbs_code``, ``year`` and ``inhabitants``. Empty rows are skipped.
    """
    items: list[tuple[str, str, tuple[str, ...]]] = []
    for row in municipality_rows:
        code_raw, name, wijken = _cell(row.get("cbs_code")), _cell(row.get("name")), _cell(row.get("wijken"))
        if not (code_raw or name or wijken):
            continue
        items.append((clean_cbs_code(code_raw), name, parse_wijken(wijken)))
    counts: dict[str, dict[int, int]] = {code: {} for code, _, _ in items}
    for row in inhabitant_rows:
        code_raw, year_raw, count_raw = (_cell(row.get(k)) for k in ("cbs_code", "year", "inhabitants"))
        if not (code_raw or year_raw or count_raw):
            continue
        code = clean_cbs_code(code_raw)
        if code not in counts:
            raise TrajectoryError(
                f"Bij de inwoners staat {code}, maar die gemeente hoort niet bij het traject."
            )
        if not year_raw.isdigit():
            raise TrajectoryError(f"Vul bij de inwoners van {code} een jaartal in (bijvoorbeeld 2024).")
        if not count_raw:
            raise TrajectoryError(f"Vul het aantal inwoners van {code} in {year_raw} in.")
        year = int(year_raw)
        if year in counts[code]:
            raise TrajectoryError(f"De inwoners van {code} in {year} staan twee keer in de tabel.")
        counts[code][year] = parse_inhabitant_count(count_raw, code, year)
    # An empty wijken cell keeps what a shared municipality already has (another trajectory may use it).
    return tuple(MunicipalityInput(code, name, wijken or None, counts[code]) for code, name, wijken in items)
