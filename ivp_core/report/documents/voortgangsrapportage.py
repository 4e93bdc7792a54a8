"""The voortgangsrapportage for the raad (Stap 6): where the IVP stands after a year, sized for the
planning-en-controlcyclus: one paragraph a griffier can paste into the bestuursrapportage, then per priority
its effect indicators (nulmeting, the year's value, the expected value on the line, streefwaarde, verdict) and
its actions (state, budget, spent), and an annex with every indicator and every measured year.

The verdicts come from `ivp_core.plan.verdict` (docs/voortgang.md), so the raad reads the same word as the
Voortgang page and `indicator list`. Also `python -m ivp_core progress --trajectory N --year 2027 --out DIR`.
"""

from __future__ import annotations

import argparse
import io
from collections.abc import Sequence
from typing import Final

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session

from ivp_core.commands import CliError, write_files
from ivp_core.dutch import file_slug, local_today, long_date
from ivp_core.plan.actions import euro
from ivp_core.plan.measurements import IndicatorProgress, margin_text, value_text
from ivp_core.plan.progress import ActionProgress, ProgressOverview, progress_overview
from ivp_core.plan.verdict import BEHIND, NO_MEASUREMENT, NO_TARGET, ON_COURSE
from ivp_core.report.blocks import Block, BlocksDocument, Heading, Paragraph, TableBlock, TitleBlock, renumber
from ivp_core.report.safety import neutralise_row
from ivp_core.storage.models import Trajectory

STATE_LABELS: Final[dict[str, str]] = {
    "gepland": "Gepland",
    "loopt": "Loopt",
    "afgerond": "Afgerond",
    "vervallen": "Vervallen",
}
VERDICT_LABELS: Final[dict[str, str]] = {
    ON_COURSE: "Op koers",
    BEHIND: "Achter op schema",
    NO_MEASUREMENT: "Nog geen nieuwe meting",
    NO_TARGET: "Nog geen streefwaarde",
}
INDICATOR_HEADER: Final = ("Indicator", "Nulmeting", "Gemeten", "Verwacht", "Streefwaarde", "Oordeel")
ACTION_HEADER: Final = ("Actie", "Trekker", "Jaar", "Stand", "Budget", "Besteed")
ANNEX_HEADER: Final = ("Thema", "Indicator en bron", "Nulmeting", "Metingen", "Streefwaarde", "Oordeel")


def _year_value(year: int | None, value: float | None) -> str:
    return "–" if value is None else f"{value_text(value)} ({year})" if year else value_text(value)


def _label(indicator: IndicatorProgress) -> str:
    return (
        f"{indicator.name} ({indicator.unit})"
        if indicator.unit and indicator.unit not in indicator.name
        else indicator.name
    )


def indicator_table(indicators: Sequence[IndicatorProgress]) -> TableBlock:
    rows = []
    for item in indicators:
        latest = item.latest
        expected = item.expected_in(latest.year) if latest else None
        margin = margin_text(latest)
        rows.append(
            (
                _label(item),
                _year_value(item.baseline_year, item.baseline_value),
                (_year_value(latest.year, latest.value) + margin) if latest else "–",
                value_text(expected) if expected is not None else "–",
                _year_value(item.target_year, item.target_value),
                VERDICT_LABELS[item.verdict],
            )
        )
    return TableBlock(INDICATOR_HEADER, tuple(rows), (4.0, 1.9, 2.2, 1.5, 1.9, 2.6), numeric=(1, 2, 3, 4))


def action_table(actions: Sequence[ActionProgress]) -> TableBlock:
    rows = tuple(
        (
            a.action,
            a.trekker or "–",
            str(a.year) if a.year else "hele periode",
            STATE_LABELS.get(a.state, a.state),
            euro(a.budget_amount) if a.budget_amount is not None else "–",
            euro(a.spent_amount) if a.spent_amount is not None else "–",
        )
        for a in actions
    )
    return TableBlock(ACTION_HEADER, rows, (5, 2.2, 1.6, 1.6, 1.7, 1.7), numeric=(4, 5))


def _count_words(counts: dict[str, int], labels: dict[str, str]) -> str:
    parts = [f"{n} {labels[key].lower()}" for key, n in counts.items() if n]
    if not parts:
        return "geen"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " en " + parts[-1]


def _counted(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def summary_paragraph(overview: ProgressOverview) -> str:
    """The bestuursrapportage paragraph: the plan year, the verdicts counted, the actions' states and money.

    Written to be pasted unedited: "1 prioriteit", not "1 prioriteiten"; past tense only for a year that has
    begun (a plan that starts next year is reported on in the present tense, not as if it were done)."""
    year_no = overview.year - overview.period_start + 1
    total = len(overview.indicators)
    actions = [a for p in overview.priorities for a in p.actions]
    budget = sum(p.budget for p in overview.priorities)
    spent = sum(p.spent for p in overview.priorities)
    plan = f"het Integraal Veiligheidsplan {overview.period_start}–{overview.period_end}"
    # only the chosen priorities: a theme listed because it has an indicator is "(geen prioriteit)"
    chosen = sum(1 for p in overview.priorities if p.priority)
    priorities = _counted(chosen, "prioriteit", "prioriteiten")
    if 1 <= year_no <= overview.period_end - overview.period_start + 1:
        past = overview.year <= local_today().year
        works = (
            f"{'werkte' if past else 'werkt'} {overview.municipality_name} aan {priorities}"
            if chosen
            else f"{'waren' if past else 'zijn'} voor {overview.municipality_name} nog geen prioriteiten gekozen"
        )
        text = f"In {overview.year}, het {year_no}e jaar van {plan}, {works}. "
    else:
        text = (
            f"{overview.year} valt buiten de looptijd van {plan}; {overview.municipality_name} heeft daarin "
            f"{priorities}. "
        )
    if total:
        what = "de effectindicator" if total == 1 else f"de {total} effectindicatoren"
        text += f"Stand van {what}: {_count_words(overview.verdict_counts(), VERDICT_LABELS)}. "
    else:
        text += "Er zijn nog geen effectindicatoren vastgelegd. "
    if actions:
        what = "de actie" if len(actions) == 1 else f"de {len(actions)} acties"
        text += f"Stand van {what}: {_count_words(overview.state_counts(), STATE_LABELS)}"
        text += f"; van het budget van {euro(budget)} is {euro(spent)} besteed." if budget else "."
    else:
        text += "Er zijn nog geen acties in het uitvoeringsplan vastgelegd."
    return text


def annex_table(overview: ProgressOverview) -> TableBlock:
    rows = tuple(
        (
            item.theme_code,
            f"{_label(item)}; bron: {item.source or '–'}",
            _year_value(item.baseline_year, item.baseline_value),
            "; ".join(f"{m.year}: {value_text(m.value)}" for m in item.measurements) or "–",
            _year_value(item.target_year, item.target_value),
            VERDICT_LABELS[item.verdict],
        )
        for item in overview.indicators
    )
    return TableBlock(ANNEX_HEADER, rows, (1.1, 4.4, 1.9, 3.0, 1.9, 2.6), numeric=(2, 4))


def build_progress_document(
    db: Session, trajectory_id: int, municipality_id: int | None, year: int | None = None
) -> BlocksDocument:
    """The voortgangsrapportage of one municipality over ``year`` (default: this year within the plan)."""
    overview = progress_overview(db, trajectory_id, municipality_id, year)
    trajectory = db.get(Trajectory, trajectory_id)
    assert trajectory is not None  # progress_overview refused a missing one
    period = f"{overview.period_start}–{overview.period_end}"
    today = local_today()
    meta = [
        f"Stand over {overview.year}, opgesteld op {long_date(today)}."
        if overview.year <= today.year
        else f"Opgesteld op {long_date(today)}; {overview.year} is nog niet begonnen: dit is de stand vooraf.",
        "Ter informatie aan de gemeenteraad, bij de bestuursrapportage of de jaarrekening.",
    ]
    if trajectory.fictitious:
        meta.append("Fictief voorbeeld: alle namen en cijfers zijn verzonnen.")
    blocks: list[Block] = [
        TitleBlock(
            f"Voortgangsrapportage {overview.year}",
            f"{overview.municipality_name} · IVP {period}",
            tuple(meta),
        ),
        Heading(1, "1 Samenvatting voor de bestuursrapportage"),
        Paragraph(summary_paragraph(overview)),
        Paragraph(
            "Het oordeel per indicator volgt één vaste regel: de verwachte waarde ligt op een rechte lijn van de "
            "nulmeting naar de streefwaarde. Ligt de laatste meting op die lijn of aan de goede kant ervan, dan is "
            "de indicator op koers; anders achter op schema. Bij een enquêtecijfer met een foutmarge telt een "
            "verschil binnen de marge als op koers.",
            style="note",
        ),
        Heading(1, "2 Voortgang per prioriteit"),
    ]
    if not overview.priorities:
        blocks.append(Paragraph("Er zijn nog geen prioriteiten met indicatoren of acties vastgelegd."))
    for item in overview.priorities:
        title = f"{item.theme_code} {item.theme_name}" + ("" if item.priority else " (geen prioriteit)")
        blocks.append(Heading(2, title))
        if item.indicators:
            blocks.append(indicator_table(item.indicators))
        else:
            blocks.append(Paragraph("Voor deze prioriteit zijn geen effectindicatoren vastgelegd."))
        if item.actions:
            blocks.append(action_table(item.actions))
        else:
            blocks.append(Paragraph("Voor deze prioriteit zijn geen acties vastgelegd."))
    blocks.append(Heading(1, "3 Bijlage: alle effectindicatoren"))
    # an annex of headers only reads as a table that failed to print
    blocks.append(
        annex_table(overview)
        if overview.indicators
        else Paragraph("Er zijn nog geen effectindicatoren vastgelegd.")
    )
    who = overview.municipality_name
    return BlocksDocument(
        f"Voortgangsrapportage {overview.year}",
        f"Voortgangsrapportage {overview.year} · {who} · IVP {period}",
        f"voortgangsrapportage-{file_slug(who, 'gemeente')}-{overview.year}",
        tuple(renumber(blocks)),
    )


def progress_xlsx(
    db: Session, trajectory_id: int, municipality_id: int | None, year: int | None = None
) -> bytes:
    """Every indicator and measured year as numbers (one row per indicator and year), and the actions."""
    overview = progress_overview(db, trajectory_id, municipality_id, year)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Indicatoren"
    sheet.append(
        [
            "Thema",
            "Indicator",
            "Bron",
            "Eenheid",
            "Jaar",
            "Waarde",
            "Soort waarde",
            "Verwacht",
            "Oordeel",
            "Marge van",  # a survey value's 95% interval: the verdict counts the line inside it as op koers
            "Marge tot",
        ]
    )
    for item in overview.indicators:
        texts = neutralise_row([item.theme_code, item.name, item.source, item.unit])
        if item.baseline_year is not None:
            sheet.append([*texts, item.baseline_year, item.baseline_value, "nulmeting", None, None])
        for m in item.measurements:
            sheet.append(
                [
                    *texts,
                    m.year,
                    m.value,
                    "import" if m.imported else "met de hand",
                    item.expected_in(m.year),
                    None,
                    m.low,
                    m.high,
                ]
            )
        if item.target_year is not None:
            sheet.append(
                [
                    *texts,
                    item.target_year,
                    item.target_value,
                    "streefwaarde",
                    None,
                    VERDICT_LABELS[item.verdict],
                ]
            )
    actions = workbook.create_sheet("Acties")
    actions.append(["Thema", "Actie", "Trekker", "Jaar", "Stand", "Budget (€)", "Besteed (€)"])
    for priority in overview.priorities:
        for a in priority.actions:
            actions.append(
                [
                    *neutralise_row([priority.theme_code, a.action, a.trekker]),
                    a.year,
                    STATE_LABELS[a.state],
                    a.budget_amount,
                    a.spent_amount,
                ]
            )
    fill = PatternFill("solid", fgColor="1F4E79")
    for ws, widths in (
        (sheet, (8, 46, 28, 18, 8, 10, 14, 10, 20, 10, 10)),
        (actions, (8, 50, 22, 8, 12, 12, 12)),
    ):
        for cell in ws[1]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = fill
        for index, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A2"
    for row in actions.iter_rows(min_row=2):
        row[5].number_format = row[6].number_format = '"€" #,##0'
    # an imported rate is stored at full precision (1,245674740484429): shown as the document rounds it
    for row in sheet.iter_rows(min_row=2):
        for cell in (row[5], row[7], row[9], row[10]):
            if isinstance(cell.value, float) and not cell.value.is_integer():
                cell.number_format = "#,##0.00"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ------------------------------------------------------------------------------------------ command line


def _progress(args: argparse.Namespace) -> int:
    from ivp_core.report.files import cycle_files
    from ivp_core.storage.db import session_scope
    from ivp_core.trajectory.cli import resolve_trajectory_id

    trajectory_id = resolve_trajectory_id(args.trajectory)
    text = str(args.year or "").strip()
    if text and not (text.isdigit() and len(text) == 4):
        raise CliError(f"'{args.year}' bij --year is geen jaartal. Schrijf bijvoorbeeld --year 2027.")
    year = int(text) if text else None
    with session_scope(readonly=True) as db:
        trajectory = db.get(Trajectory, trajectory_id)
        assert trajectory is not None
        if year is not None and not trajectory.period_start <= year <= trajectory.period_end:
            raise CliError(
                f"Het jaar {year} ligt buiten de looptijd van het IVP ({trajectory.period_start}–"
                f"{trajectory.period_end})."
            )
        files = cycle_files(db, trajectory_id, "voortgang", year)
    for path in write_files(args.out, files):
        print(path)
    return 0


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    command = subparsers.add_parser(
        "progress", help="de voortgangsrapportage (Stap 6) als DOCX, XLSX en HTML"
    )
    command.add_argument("--trajectory", type=int, help="id van het traject (niet nodig als er één is)")
    command.add_argument("--year", help="het jaar waarover gerapporteerd wordt (standaard dit jaar)")
    command.add_argument("--out", required=True, help="map voor de bestanden")
    command.set_defaults(func=_progress)
