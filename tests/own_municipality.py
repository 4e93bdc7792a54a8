"""What a real municipality brings on day one, shared by the browser flow and the command-line flow (issue 13,
"Done when"): the police's 47013NED raw-data download of three municipalities and the national benchmark, and
the council's points for three themes. Nothing here comes from the demo."""

from __future__ import annotations

from pathlib import Path

CODE, NAME = "GM0148", "Dalfsen"
#: Monthly registered crimes per (region, crime key) in 2023; Dalfsen plus two others (Hardenberg, Zwolle)
#: and the national benchmark.
_MONTHLY: dict[tuple[str, str], int] = {
    ("GM0148", "0.0.0"): 35,
    ("GM0148", "1.1.1"): 5,
    ("GM0148", "1.3.1"): 10,
    ("GM0160", "0.0.0"): 80,
    ("GM0160", "1.1.1"): 10,
    ("GM0193", "0.0.0"): 900,
    ("GM0193", "1.1.1"): 60,
    ("NL01", "0.0.0"): 67000,
}


def statline_47013(year: int = 2023, monthly: dict[tuple[str, str], int] | None = None) -> str:
    """The police's 47013NED raw-data download as it comes: semicolons, keys padded with spaces, one row per
    month (the importer adds twelve known months up to a year), '.' where a figure is unknown. Another year
    or other counts make "next year's download" (issue 28)."""
    lines = ["ID;SoortMisdrijf;RegioS;Perioden;GeregistreerdeMisdrijven_1;Aangiften_2;Internetaangiften_3"]
    for (region, crime), count in (monthly or _MONTHLY).items():
        for month in range(1, 13):
            lines.append(
                f"{len(lines)};{crime:<6};{region:<10};{year}MM{month:02d};{count:>6};{count:>6};{'.':>6}"
            )
    return "\n".join(lines) + "\n"


STATLINE_47013 = statline_47013()
OTHERS = ("GM0160", "GM0193")
BENCHMARK = "NL01"
#: Points (budget 10) of three council members: 1.3 > 4.1 > 3.1.
COUNCIL_BALLOTS: tuple[dict[str, int], ...] = (
    {"1.3": 5, "4.1": 3, "3.1": 2},
    {"1.3": 4, "4.1": 4, "3.1": 2},
    {"1.3": 6, "4.1": 2, "3.1": 2},
)
ADVICE_WORDS = "Advies van de raadscommissie van 14 oktober 2026"


def write_statline_file(
    folder: Path, year: int = 2023, monthly: dict[tuple[str, str], int] | None = None
) -> Path:
    path = folder / ("47013NED_TypedDataSet.csv" if year == 2023 else f"47013NED_{year}.csv")
    path.write_text(statline_47013(year, monthly), encoding="utf-8")
    return path


def docx_text(path: Path) -> str:
    """All paragraph and table text of a Word file, to check what a reader of the report sees."""
    from docx import Document

    document = Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)
