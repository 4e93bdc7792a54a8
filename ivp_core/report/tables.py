"""The report as plain tables (one per sheet), shared by the XLSX and the CSV export.

Both exports show the same rows in the same order, so a figure in one can be found in the other. Values
stay typed (numbers as numbers) here; each writer neutralises text through ``safety.neutralise``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Final

from ivp_core.dutch import long_date
from ivp_core.report.documents.verslag_model import Report
from ivp_core.report.safety import Cell

INDICATOR_SHEET: Final = "Effectindicatoren"
SHEET_NAMES: Final = ("Resultaat", "Per groep", "Per sessie", "Stemmen", INDICATOR_SHEET, "Instellingen")


@dataclass(frozen=True)
class Sheet:
    name: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    widths: tuple[int, ...] = ()
    percent: tuple[int, ...] = ()  # columns holding a share (0–1), shown as a Dutch percentage
    money: tuple[int, ...] = ()  # columns of amounts in euros: a number in euro format, with a total


def _yes(flag: bool) -> str:
    return "ja" if flag else "nee"


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def result_sheet(report: Report) -> Sheet:
    groups = [g.group for g in report.groups if any(g.group in r.group_scores for r in report.ranking)]
    header = (
        "Plaats",
        "Thema",
        "Naam",
        "Score",
        f"Kans bij de eerste {report.top_k}" if report.top_k else "Kans bij de eersten",
        "Geadviseerd",
        "Gekozen",
        "Hoofdstuk IVP",
        "Gelijk met",
        "Plaats gedeeld",
        *(f"Score {report.group(g).lower()}" for g in groups),
        *(f"Plaats {report.group(g).lower()}" for g in groups),
    )
    rows = tuple(
        (
            r.rank,
            r.code,
            r.name,
            _round(r.score),
            _round(r.p_top),
            _yes(r.advised),
            _yes(r.chosen),
            "4 Prioriteiten" if r.chosen else "5 Overige strategische thema's",
            ", ".join(r.tied_with),
            _yes(r.rank in report.shared_places),
            *(_round(r.group_scores.get(g)) for g in groups),
            *(r.group_ranks.get(g) for g in groups),
        )
        for r in report.ranking
    )
    return Sheet("Resultaat", header, rows, (8, 8, 48, 9, 10, 11, 9, 26, 14, 10), percent=(4,))


def group_sheet(report: Report) -> Sheet:
    header = ("Groep", "Gewicht", "Deelnemers", "Stemformulieren", "Sessies", "Methoden")
    rows = tuple(
        (
            g.label,
            _round(g.weight),
            g.n_raters,
            g.n_ballots,
            "; ".join(g.sessions),
            "; ".join(g.methods),
        )
        for g in report.groups
    )
    return Sheet("Per groep", header, rows, (28, 9, 11, 15, 36, 30), percent=(1,))


def session_sheet(report: Report) -> Sheet:
    header = (
        "Sessie",
        "Gemeente",
        "Soort",
        "Groep",
        "Datum",
        "Methode",
        "Details methode",
        "Ronde",
        "Status",
        "Aangemeld",
        "Stemformulieren",
        "Meegeteld (gewogen)",
        "Per invoerwijze",
    )
    rows = tuple(
        (
            s.title,
            s.municipality or "alle gemeenten",
            s.kind,
            report.group(s.group),
            long_date(s.held_on),
            s.method,
            s.method_detail,
            s.round_no,
            s.status,
            s.n_joined,
            s.n_ballots,
            s.n_counted,
            "; ".join(f"{k}: {v}" for k, v in sorted(s.entries.items())),
        )
        for s in report.sessions
    )
    return Sheet("Per sessie", header, rows, (32, 18, 26, 18, 16, 26, 40, 7, 10, 10, 15, 18, 24))


def ballot_sheet(report: Report) -> Sheet:
    header = ("Sessie", "Groep", "Methode", "Deelnemer", "Invoer", "Gewicht", "Thema", "Criterium", "Waarde")
    rows = tuple(
        (b.session, b.group, b.method, b.participant, b.entry, b.weight, b.theme, b.criterion, b.value)
        for b in report.ballots
    )
    return Sheet("Stemmen", header, rows, (30, 12, 10, 11, 14, 9, 8, 16, 8))


def indicator_sheet(report: Report) -> Sheet:
    header = (
        "Gemeente", "Thema", "Indicator", "Soort", "Bron", "Jaar nulmeting", "Nulmeting", "Streefjaar",
        "Streefwaarde", "Toelichting",
    )  # fmt: skip
    rows = tuple(
        (
            r.municipality,
            r.theme_code,
            r.indicator,
            r.kind,
            r.source,
            r.baseline_year,
            r.baseline_value,
            r.target_year,
            r.target_value,
            r.rationale,
        )
        for r in report.effect_indicators
    )
    return Sheet(INDICATOR_SHEET, header, rows, (18, 8, 50, 11, 24, 10, 10, 10, 10, 50))


def settings_sheet(report: Report) -> Sheet:
    rows: list[tuple[Cell, ...]] = [
        ("Traject", report.trajectory),
        ("Gemeente(n)", ", ".join(report.municipalities)),
        ("Periode", report.period),
        ("Verslag gemaakt op", long_date(report.generated_on)),
        ("Stand van de keuze", report.decision_line),
        ("Prioriteiten", "; ".join(t.label_with_focus for t in report.chosen)),
        ("Motivering keuze", report.reason),
        *report.settings,
    ]
    if report.fictitious:
        rows.insert(0, ("Let op", "Fictief voorbeeld: de gegevens zijn verzonnen."))
    return Sheet("Instellingen", ("Instelling", "Waarde"), tuple(rows), (36, 90))


def _whole(sheet: Sheet) -> Sheet:
    """Whole numbers as integers outside the share columns, so no format prints a count as "63,0"."""

    def cell(i: int, value: Cell) -> Cell:
        if isinstance(value, float) and value.is_integer() and i not in sheet.percent:
            return int(value)
        return value

    rows = tuple(tuple(cell(i, v) for i, v in enumerate(row)) for row in sheet.rows)
    return replace(sheet, rows=rows)


def report_sheets(report: Report) -> tuple[Sheet, ...]:
    return tuple(
        _whole(sheet)
        for sheet in (
            result_sheet(report),
            group_sheet(report),
            session_sheet(report),
            ballot_sheet(report),
            indicator_sheet(report),
            settings_sheet(report),
        )
    )
