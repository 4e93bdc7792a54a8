"""Comparison data in the database: one transaction per import, validated before anything is written.

A new crime file replaces the trajectory's comparison counts of the years it holds; a new population file
replaces the inhabitants of its years and keeps a degree of urbanisation that an earlier file gave when the new
one has none (a "Bevolking op 1 januari" file after "Kerncijfers wijken en buurten").
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ivp_core.access.audit import Permission, act
from ivp_core.analysis.comparison.reader import (
    KIND_CRIME,
    KIND_POPULATION,
    Source,
    header_columns,
    kind_of,
    read_crime_totals,
    read_population,
)
from ivp_core.analysis.importers.errors import ImportProblem, ProblemLog
from ivp_core.analysis.importers.mapping import current_mapping
from ivp_core.errors import UserError
from ivp_core.storage.bulk import bulk_writer
from ivp_core.storage.models import ComparisonCount, ComparisonPopulation, ComparisonSource, Trajectory


class ComparisonRefused(UserError):
    """The file cannot be imported as comparison data; nothing was stored. `problems` lists every error."""

    def __init__(self, filename: str, problems: list[ImportProblem]) -> None:
        lines = "\n".join(f"- {p}" for p in problems if p.is_error)
        super().__init__(
            f"{filename} is niet als vergelijking geïmporteerd; er is niets opgeslagen.\n{lines}"
        )
        self.problems = problems


@dataclass(frozen=True)
class ComparisonImported:
    kind: str
    filename: str
    rows_read: int
    stored: int
    regions: int
    years: tuple[int, ...]
    warnings: tuple[str, ...]

    @property
    def summary_nl(self) -> str:
        what = "thematotalen per jaar" if self.kind == KIND_CRIME else "inwonersaantallen"
        years = f"{self.years[0]}–{self.years[-1]}" if len(self.years) > 1 else str(self.years[0])
        return (
            f"{self.filename}: {self.stored} {what} van {self.regions} regio's ({years}) opgeslagen als "
            f"vergelijking, uit {self.rows_read} regels."
        )


def _sha256(source: Source) -> str:
    digest = hashlib.sha256()
    if isinstance(source, Path):
        with source.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    else:
        digest.update(source)
    return digest.hexdigest()


def mapping_digest(mapping: dict[str, str | None]) -> str:
    """Which crime types counted in which theme: a later change to the mapping makes stored totals stale."""
    text = "\n".join(f"{code}={theme or ''}" for code, theme in sorted(mapping.items()))
    return hashlib.sha256(text.encode()).hexdigest()


def current_digest(session: Session) -> str:
    return mapping_digest({code: row.theme_code for code, row in current_mapping(session).items()})


def import_comparison(
    session: Session,
    trajectory_id: int,
    filename: str,
    source: Source,
    *,
    imported_by: str = "",
    year: int | None = None,
) -> ComparisonImported:
    """Read the whole file first (every error at once), then replace and write in the caller's transaction."""
    if session.get(Trajectory, trajectory_id) is None:
        raise UserError(f"Traject {trajectory_id} bestaat niet.")
    act(session, Permission.IMPORT, trajectory_id, "comparison_import", filename)
    log = ProblemLog(filename)
    columns = header_columns(source, log)
    kind = kind_of(columns) if columns is not None else None
    if columns is not None and kind is None:
        log.error(
            "Dit bestand is geen misdrijven- en geen bevolkingsbestand dat de vergelijking kent.",
            "Gebruik 47013NED (politie, alle gemeenten) of een bevolkingsbestand van het CBS.",
            line=1,
        )
    if kind == KIND_CRIME:
        mapping = {code: row.theme_code for code, row in current_mapping(session).items()}
        totals = read_crime_totals(source, filename, mapping, log)
        if totals is not None:
            years = sorted({y for _, _, y in totals.counts})
            session.execute(
                delete(ComparisonCount).where(
                    ComparisonCount.trajectory_id == trajectory_id, ComparisonCount.year.in_(years)
                )
            )
            with bulk_writer(
                session,
                ComparisonCount.__tablename__,
                ("trajectory_id", "region_code", "theme_code", "year", "count"),
            ) as write:
                write((trajectory_id, r, t, y, v) for (r, t, y), v in sorted(totals.counts.items()))
            counted = (totals.rows, len(totals.counts), len(totals.regions), years)
            return _record(
                session,
                trajectory_id,
                kind,
                filename,
                source,
                imported_by,
                log,
                *counted,
                mapping_digest(mapping),
            )
    elif kind == KIND_POPULATION:
        population = read_population(source, filename, log, year)
        if population is not None:
            years = sorted({y for _, y in population.values})
            earlier = {
                (p.region_code, p.year): p.urbanisation
                for p in session.scalars(
                    select(ComparisonPopulation).where(
                        ComparisonPopulation.trajectory_id == trajectory_id,
                        ComparisonPopulation.year.in_(years),
                    )
                )
            }
            session.execute(
                delete(ComparisonPopulation).where(
                    ComparisonPopulation.trajectory_id == trajectory_id, ComparisonPopulation.year.in_(years)
                )
            )
            rows = [
                (
                    trajectory_id,
                    r,
                    y,
                    inhabitants,
                    level if population.has_urbanisation else earlier.get((r, y)),
                )
                for (r, y), (inhabitants, level) in sorted(population.values.items())
            ]
            with bulk_writer(
                session,
                ComparisonPopulation.__tablename__,
                ("trajectory_id", "region_code", "year", "inhabitants", "urbanisation"),
            ) as write:
                write(rows)
            regions = len({r for r, _ in population.values})
            counted = (population.rows, len(rows), regions, years)
            return _record(session, trajectory_id, kind, filename, source, imported_by, log, *counted)
    raise ComparisonRefused(filename, log.problems)


def _record(
    session: Session,
    trajectory_id: int,
    kind: str,
    filename: str,
    source: Source,
    imported_by: str,
    log: ProblemLog,
    rows_read: int,
    stored: int,
    regions: int,
    years: list[int],
    mapping: str = "",
) -> ComparisonImported:
    session.add(
        ComparisonSource(
            mapping_sha256=mapping,
            trajectory_id=trajectory_id,
            kind=kind,
            filename=filename[:255],
            sha256=_sha256(source),
            row_count=stored,
            regions=regions,
            imported_by=imported_by[:120],
        )
    )
    session.flush()
    return ComparisonImported(
        kind, filename, rows_read, stored, regions, tuple(years), tuple(str(p) for p in log.problems)
    )


@dataclass(frozen=True)
class ComparisonData:
    """A trajectory's comparison data as plain values, read in one go (a few ten thousand numbers)."""

    counts: dict[tuple[str, str, int], float | None]  # (region, theme, year)
    inhabitants: dict[tuple[str, int], float]  # (region, year), known values only
    urbanisation: dict[tuple[str, int], int]  # (region, year), known values only
    sources: tuple[str, ...]  # file names, newest first
    mapping_sha256: str = ""  # of the newest crime file's mapping

    @property
    def empty(self) -> bool:
        return not self.counts

    @property
    def years(self) -> list[int]:
        return sorted({y for _, _, y in self.counts})


def load_comparison(session: Session, trajectory_id: int, year: int | None = None) -> ComparisonData:
    """Counts of one year (all years when None) and every population row of the trajectory."""
    query = select(
        ComparisonCount.region_code, ComparisonCount.theme_code, ComparisonCount.year, ComparisonCount.count
    )
    query = query.where(ComparisonCount.trajectory_id == trajectory_id)
    if year is not None:
        query = query.where(ComparisonCount.year == year)
    counts = {(r, t, y): v for r, t, y, v in session.execute(query)}
    inhabitants: dict[tuple[str, int], float] = {}
    urbanisation: dict[tuple[str, int], int] = {}
    for region, at, value, level in session.execute(
        select(
            ComparisonPopulation.region_code,
            ComparisonPopulation.year,
            ComparisonPopulation.inhabitants,
            ComparisonPopulation.urbanisation,
        ).where(ComparisonPopulation.trajectory_id == trajectory_id)
    ):
        if value:
            inhabitants[(region, at)] = value
        if level is not None:
            urbanisation[(region, at)] = level
    rows = session.execute(
        select(ComparisonSource.filename, ComparisonSource.kind, ComparisonSource.mapping_sha256)
        .where(ComparisonSource.trajectory_id == trajectory_id)
        .order_by(ComparisonSource.id.desc())
    ).all()
    digest = next((sha for _, kind, sha in rows if kind == KIND_CRIME), "")
    return ComparisonData(counts, inhabitants, urbanisation, tuple(name for name, _, _ in rows), digest)


def latest_year(session: Session, trajectory_id: int) -> int | None:
    years = session.scalars(
        select(ComparisonCount.year).where(ComparisonCount.trajectory_id == trajectory_id).distinct()
    ).all()
    return max(years) if years else None
