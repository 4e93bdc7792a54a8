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

from ivp_core.analysis.importers import long_format, statline, veiligheidsmonitor, xlsx
from ivp_core.analysis.importers.common import FigureRow, decode, sniff_delimiter, source_from_filename
from ivp_core.analysis.importers.errors import ImportProblem, ProblemLog
from ivp_core.analysis.importers.mapping import current_mapping
from ivp_core.storage.models import Figure, Municipality

#: The uploader's limit (server.maxUploadSize = 50); scripts that import from disk are held to it too, so a
#: huge file is refused at once instead of producing a preview with a million lines.
MAX_FILE_BYTES = 50 * 1024 * 1024

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
                    "Regel": p.line,
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


def _count_replaced(session: Session, rows: list[FigureRow]) -> int:
    keys = {row.key for row in rows}
    by_source: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        by_source[row.source].add(row.region_code)
    existing = 0
    for source, regions in by_source.items():
        stored = session.execute(
            select(Figure.region_code, Figure.indicator, Figure.year, Figure.source).where(
                Figure.source == source, Figure.region_code.in_(regions)
            )
        ).all()
        existing += sum(1 for key in stored if tuple(key) in keys)
    return existing


def preview_import(
    session: Session, filename: str, data: bytes, municipality_id: int | None, source: str | None = None
) -> ImportPreview:
    """Parse `data` (the uploaded bytes) without writing anything. `source` overrides the source label of
    StatLine and Veiligheidsmonitor tables (default: derived from the table id in the file name)."""
    log = ProblemLog(filename)
    municipality = session.get(Municipality, municipality_id) if municipality_id is not None else None
    default_region = municipality.cbs_code if municipality else None
    preview = ImportPreview(filename, "onbekend", hashlib.sha256(data).hexdigest(), municipality_id)
    lower = filename.lower()
    rows: list[FigureRow] = []
    if len(data) > MAX_FILE_BYTES:
        log.error(
            f"Het bestand is te groot ({len(data) / 1024 / 1024:.1f} MB; hoogstens "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB).".replace(".", ",", 1),
            "Download alleen de gemeente, regio's en jaren die u nodig hebt, of splits het bestand.",
        )
    elif lower.endswith(".xls"):
        log.error(
            "Dit is het oude Excel-formaat (.xls).",
            "Open het in Excel en sla het op als 'Excel-werkmap (.xlsx)' of als 'CSV UTF-8'.",
        )
    elif lower.endswith(".xlsx") or data[:2] == b"PK":
        preview.file_format = xlsx.FORMAT
        rows = xlsx.parse_xlsx(data, log, default_region)
    else:
        text = decode(data, log)
        if text is not None:
            numbered = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
            header_line, header_text = numbered[0] if numbered else (None, "")
            delimiter = sniff_delimiter(header_text)
            columns = {c.strip() for c in header_text.split(delimiter)}
            if {"Marges", "RegioS"} <= columns:
                preview.file_format = veiligheidsmonitor.FORMAT
                label = source or source_from_filename(filename, "Veiligheidsmonitor")
                rows = veiligheidsmonitor.parse_veiligheidsmonitor(text, delimiter, log, label)
            elif {"RegioS", "Perioden"} <= columns:
                preview.file_format = statline.FORMAT
                label = source or source_from_filename(filename, "CBS/Politie")
                rows = statline.parse_statline(text, delimiter, log, label, current_mapping(session))
            elif long_format.is_long_header(header_text.split(delimiter)):
                preview.file_format = long_format.FORMAT
                rows = long_format.parse_long_csv(text, delimiter, log, default_region)
            else:
                log.error(
                    "Het soort bestand is niet herkend.",
                    "Gebruik een onbewerkte StatLine-download (met RegioS en Perioden), een "
                    "Veiligheidsmonitor-tabel (met Marges) of het lange formaat met de kolommen "
                    f"{', '.join(long_format.REQUIRED)}.",
                    line=header_line,
                )
    if not log.has_errors:
        _check_duplicates(rows, log)
    if not log.has_errors and not rows:
        log.error("Er staan geen cijfers in het bestand.", "Controleer of u het goede bestand hebt gekozen.")
    preview.problems = list(log.problems)
    if not log.has_errors:
        preview.rows = rows
        preview.replaces = _count_replaced(session, rows)
    return preview
