"""Read a figure file into a preview: the rows that would be written and every problem, nothing stored yet.

The format is recognised from the file itself (an Excel workbook, a Veiligheidsmonitor table with
`Marges`, a StatLine table with `RegioS`/`Perioden`, or the long format), so the coordinator never has to
say which kind of file it is.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from ivp_core.analysis.importers import labels, long_format, statline, veiligheidsmonitor, xlsx
from ivp_core.analysis.importers.common import FigureRow, source_from_filename
from ivp_core.analysis.importers.errors import ImportProblem, ProblemLog
from ivp_core.analysis.importers.mapping import current_mapping
from ivp_core.analysis.importers.regions import RegionChoice, municipality_of
from ivp_core.analysis.importers.sources import open_source, sniff_delimiter
from ivp_core.analysis.importers.table import Table, read_table, table_from_rows
from ivp_core.storage.models import Figure, Municipality, Trajectory

#: The largest figure file; scripts that import from disk are held to it too, so a huge file is refused at
#: once. The uploader accepts a little more (UPLOAD_LIMIT_MB) so that a file just over this limit gets our
#: Dutch refusal instead of Streamlit's English "File must be … or smaller".
MAX_FILE_MB = 50
MAX_FILE_BYTES = MAX_FILE_MB * 1024 * 1024
UPLOAD_LIMIT_MB = 60
TOO_LARGE_ACTION = "Download alleen de gemeente, regio's en jaren die u nodig hebt, of splits het bestand."


def too_large_message(size: int) -> str:
    megabytes = f"{size / 1024 / 1024:.1f}".replace(".", ",")
    return f"Het bestand is te groot ({megabytes} MB; hoogstens {MAX_FILE_MB} MB)."


PREVIEW_COLUMNS = [
    "Regio",
    "Thema",
    "Indicator",
    "Jaar",
    "Waarde",
    "Eenheid",
    "Bron",
    "Soort",
    "Marge",
    "Regel",
]


@dataclass
class ImportPreview:
    filename: str
    file_format: str
    sha256: str
    municipality_id: int | None
    rows: list[FigureRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    replaces: int = 0  # figures already stored that this import would overwrite
    trajectory_id: int | None = None
    available: dict[str, int] = field(default_factory=dict)  # municipality code -> rows in the file
    chosen: list[str] | None = None  # the municipalities imported (None: every region in the file)

    @property
    def errors(self) -> list[ImportProblem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[ImportProblem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    def frame(self) -> pd.DataFrame:
        """The rows as the coordinator sees them before deciding to import."""
        return pd.DataFrame(
            [
                {
                    "Regio": r.region_code,
                    "Thema": r.theme_code or "",
                    "Indicator": r.indicator,
                    "Jaar": r.year,
                    "Waarde": r.value,
                    "Eenheid": r.unit,
                    "Bron": r.source,
                    "Soort": r.kind,
                    "Marge": (
                        f"{r.margin_low:g}–{r.margin_high:g}"
                        if r.margin_low is not None and r.margin_high is not None
                        else ""
                    ),
                    "Regel": r.line,
                }
                for r in self.rows
            ],
            columns=PREVIEW_COLUMNS,
        )

    def problems_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "Soort": p.severity,
                    "Bestand": p.file,
                    # A problem of the whole file has no line: an empty cell, not the table's grey "None".
                    "Regel": "" if p.line is None else str(p.line),
                    "Kolom": p.column or "",
                    "Wat is er mis": p.message,
                    "Wat kunt u doen": p.action,
                }
                for p in self.problems
            ],
            columns=["Soort", "Bestand", "Regel", "Kolom", "Wat is er mis", "Wat kunt u doen"],
        )


def _check_duplicates(rows: list[FigureRow], log: ProblemLog) -> None:
    seen: dict[tuple[str, str, int, str], int | None] = {}
    for row in rows:
        if row.key in seen:
            log.error(
                f"Dit cijfer ({row.indicator}, {row.region_code}, {row.year}) staat ook op regel {seen[row.key]}.",
                "Haal een van de twee regels weg.",
                line=row.line,
            )
        else:
            seen[row.key] = row.line


def stored_ids(session: Session, rows: list[FigureRow]) -> list[int]:
    """Figures already stored under the same (region, indicator, year, source) as a row: the ones an import
    of `rows` replaces. One query per source, not one per row."""
    keys = {row.key for row in rows}
    by_source: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        by_source[row.source].add(row.region_code)
    found: list[int] = []
    for source, regions in by_source.items():
        stored = session.execute(
            select(Figure.id, Figure.region_code, Figure.indicator, Figure.year, Figure.source).where(
                Figure.source == source, Figure.region_code.in_(regions)
            )
        ).all()
        found.extend(figure_id for figure_id, *key in stored if tuple(key) in keys)
    return found


def default_municipalities(session: Session, trajectory_id: int) -> set[str]:
    """The trajectory's own municipalities by CBS code, plus its benchmark when that is a municipality."""
    trajectory = session.get(Trajectory, trajectory_id)
    if trajectory is None:
        return set()
    codes = {m.cbs_code for m in trajectory.municipalities if m.cbs_code}
    benchmark = str((trajectory.settings or {}).get("benchmark_region") or "")
    if municipality_of(benchmark):
        codes.add(municipality_of(benchmark) or "")
    return codes


def _region_names(session: Session, trajectory_id: int | None) -> dict[str, str]:
    """Municipality name → CBS code for the labels download; the trajectory's own names win."""
    names = {m.name: m.cbs_code for m in session.scalars(select(Municipality)) if m.cbs_code}
    trajectory = session.get(Trajectory, trajectory_id) if trajectory_id is not None else None
    for m in trajectory.municipalities if trajectory else []:
        if m.cbs_code:
            names[m.name] = m.cbs_code
    return names


def _statline(
    session: Session,
    table: Table | None,
    log: ProblemLog,
    label: str,
    choice: RegionChoice,
    names: bool,
    trajectory_id: int | None,
) -> list[FigureRow]:
    if table is None:
        return []
    mapping = current_mapping(session)
    if names:
        table = labels.labels_to_keys(table, log, mapping, _region_names(session, trajectory_id))
        if table is None:
            return []
    return statline.parse_statline_table(table, log, label, mapping, choice)


def _is_statline_header(cells: list[str]) -> bool:
    return {"RegioS", "Perioden"} <= set(cells)


def preview_import(
    session: Session,
    filename: str,
    data: bytes,
    municipality_id: int | None,
    source: str | None = None,
    *,
    trajectory_id: int | None = None,
    municipalities: set[str] | list[str] | None = None,
    sha256: str | None = None,
) -> ImportPreview:
    """Parse `data` (the uploaded bytes) without writing anything. `source` overrides the source label of
    StatLine and Veiligheidsmonitor tables (default: derived from the table id in the file name).

    `municipalities` (CBS codes) says which municipalities of a file holding several are imported; by default
    the trajectory's own. Without a trajectory every row is kept (scripts, the demo). `sha256` is the file's
    hash when the caller already has it (the page keys its cache by it; hashing 50 MB twice is waste)."""
    log = ProblemLog(filename)
    if municipalities is not None:
        choice = RegionChoice({m.strip().upper() for m in municipalities})
    elif trajectory_id is not None:
        choice = RegionChoice(default_municipalities(session, trajectory_id))
    else:
        choice = RegionChoice(None)
    municipality = session.get(Municipality, municipality_id) if municipality_id is not None else None
    default_region = municipality.cbs_code if municipality else None
    preview = ImportPreview(
        filename,
        "onbekend",
        sha256 or hashlib.sha256(data).hexdigest(),
        municipality_id,
        trajectory_id=trajectory_id,
    )
    lower = filename.lower()
    rows: list[FigureRow] = []
    filtered_here = False  # the StatLine parser applies the choice itself, on the whole column at once
    if len(data) > MAX_FILE_BYTES:
        log.error(too_large_message(len(data)), TOO_LARGE_ACTION)
    elif lower.endswith(".xls"):
        log.error(
            "Dit is het oude Excel-formaat (.xls).",
            "Open het in Excel en sla het op als 'Excel-werkmap (.xlsx)' of als 'CSV UTF-8'.",
        )
    elif lower.endswith(".xlsx") or data[:2] == b"PK":
        preview.file_format = xlsx.FORMAT
        values = xlsx.read_rows(data, log)
        if values is not None:
            texts = xlsx.as_text(values, dates_as_year=False)
            at = xlsx.find_header(texts, lambda c: _is_statline_header(c) or labels.is_label_header(c))
            if at is not None and not (values and long_format.is_long_header(texts[0][1])):
                names = labels.is_label_header(texts[at][1])
                preview.file_format = "statline (xlsx)"
                rows = _statline(
                    session,
                    table_from_rows(texts[at:]),
                    log,
                    source or source_from_filename(filename, "CBS/Politie"),
                    choice,
                    names,
                    trajectory_id,
                )
                filtered_here = True
            else:
                rows = long_format.parse_long_rows(
                    xlsx.as_text(values, dates_as_year=True), log, default_region, decimal_comma=True
                )
    else:
        text_file = open_source(data, log)
        if text_file is not None:
            header_line, header_text = text_file.first_line()
            delimiter = sniff_delimiter(header_text)
            header_cells = [c.strip().strip('"').strip() for c in header_text.split(delimiter)]
            columns = set(header_cells)
            if {"Marges", "RegioS"} <= columns:
                preview.file_format = veiligheidsmonitor.FORMAT
                label = source or source_from_filename(filename, "Veiligheidsmonitor")
                rows = veiligheidsmonitor.parse_veiligheidsmonitor(text_file.text, delimiter, log, label)
            elif {"RegioS", "Perioden"} <= columns or labels.is_label_header(header_cells):
                names = labels.is_label_header(header_cells)
                preview.file_format = labels.FORMAT if names else statline.FORMAT
                label = source or source_from_filename(filename, "CBS/Politie")
                table = read_table(
                    text_file,
                    delimiter,
                    log,
                    None if names else statline.needed_columns,
                    None if names else statline.region_filter(choice),
                )
                rows = _statline(session, table, log, label, choice, names, trajectory_id)
                filtered_here = True
            elif long_format.is_long_header(header_text.split(delimiter)):
                preview.file_format = long_format.FORMAT
                rows = long_format.parse_long_csv(text_file.text, delimiter, log, default_region)
            else:
                log.error(
                    "Het soort bestand is niet herkend.",
                    "Gebruik een onbewerkte StatLine-download (met RegioS en Perioden), een "
                    "Veiligheidsmonitor-tabel (met Marges) of het lange formaat met de kolommen "
                    f"{', '.join(long_format.REQUIRED)}.",
                    line=header_line,
                )
    if not filtered_here and rows:
        choice.observe(pd.Series([r.region_code for r in rows], dtype=object))
        rows = [r for r in rows if choice.keeps(r.region_code)]
    if not log.has_errors and not filtered_here:
        _check_duplicates(rows, log)
    preview.available = dict(sorted(choice.seen.items()))
    preview.chosen = sorted(choice.municipalities) if choice.municipalities is not None else None
    if (
        not log.has_errors
        and choice.municipalities is not None
        and choice.seen
        and not (set(choice.seen) & choice.municipalities)
    ):
        wanted = sorted(choice.municipalities)
        present = ", ".join(list(preview.available)[:10]) + (" …" if len(preview.available) > 10 else "")
        asked = (
            "Er is geen gemeente gekozen"
            if not wanted
            else f"Het bestand heeft geen regels voor {'de gekozen gemeente' if len(wanted) == 1 else 'de gekozen gemeenten'} ({', '.join(wanted)})"
        )
        log.error(
            f"{asked}; het bestand heeft regels voor {present}.",
            "Kies hieronder welke gemeenten u wilt importeren, of download de tabel opnieuw met de gemeenten "
            "van dit traject. Cijfers van andere gemeenten verschijnen nergens in de analyse.",
        )
    if not log.has_errors and not rows:
        log.error("Er staan geen cijfers in het bestand.", "Controleer of u het goede bestand hebt gekozen.")
    preview.problems = list(log.problems)
    if not log.has_errors:
        preview.rows = rows
        preview.replaces = len(stored_ids(session, rows))
    return preview
