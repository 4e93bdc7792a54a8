"""Amounts of money and whole numbers as a Dutch reader expects them, in every writer: a budget typed as
"40000" is "€ 40.000" in Word and on the printed page and the number 40000 in euro format in Excel, with a
total; "63,0" is "63"."""

from __future__ import annotations

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from ivp_core.report.blocks import TableBlock
from ivp_core.report.tables import Sheet
from ivp_core.report.writers.cells import euro_amount, money_text, whole_numbers
from ivp_core.report.writers.docx import render_blocks_docx
from ivp_core.report.writers.html import render_blocks_html
from ivp_core.report.writers.xlsx import EURO, render_sheets_xlsx
from tests.report.writers.documents import html_table_cells

BUDGETS = (
    ("1.3 Woninginbraak", "Buurtpreventie-app", "40000"),
    ("1.3 Woninginbraak", "Inbraakpreventie-scan", "€ 25.000"),
    ("4.1 Ondermijning", "Barrièremodel", "€ 12.500,-"),
    ("4.1 Ondermijning", "Integrale controles", "n.t.b."),
)


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("40000", "€\u00a040.000"),
        ("€ 25.000", "€\u00a025.000"),
        ("€25.000,-", "€\u00a025.000"),
        ("1.250,50 euro", "€\u00a01.250,50"),
        ("EUR 3 000", "€\u00a03.000"),
        ("25k", "€\u00a025.000"),
        ("n.t.b.", "n.t.b."),
        ("binnen het bestaande budget", "binnen het bestaande budget"),
    ],
)
def test_budget_cells(typed: str, shown: str) -> None:
    assert money_text(typed) == shown


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("63,0 (2024)", "63 (2024)"),
        ("0,0\u00a0%", "0\u00a0%"),
        ("1,000", "1"),
        ("1.250,00", "1.250"),
        ("6,5", "6,5"),
        ("0,853", "0,853"),
        ("2021–2024", "2021–2024"),
        ("versie 2,0 van de nota", "versie 2,0 van de nota"),
    ],
)
def test_whole_numbers(text: str, shown: str) -> None:
    assert whole_numbers(text) == shown


def _budget_table() -> TableBlock:
    return TableBlock(("Prioriteit", "Actie", "Budget"), BUDGETS, (3, 5, 2), money=(2,))


def test_money_in_word_and_html() -> None:
    data = render_blocks_docx([_budget_table()], "Uitvoeringsplan", "Uitvoeringsplan · Testdorp")
    table = Document(io.BytesIO(data)).tables[0]
    assert [row.cells[2].text for row in table.rows] == [
        "Budget",
        "€\u00a040.000",
        "€\u00a025.000",
        "€\u00a012.500",
        "n.t.b.",
    ]
    assert table.rows[1].cells[2].paragraphs[0].alignment == 2  # right, as numbers are
    html = render_blocks_html([_budget_table()], "Uitvoeringsplan").encode("utf-8")
    assert [c for c in html_table_cells(html) if c.startswith("€") or c == "n.t.b."] == [
        "€\u00a040.000",
        "€\u00a025.000",
        "€\u00a012.500",
        "n.t.b.",
    ]


def test_money_in_excel_is_a_number_in_euros_with_a_total() -> None:
    sheet = Sheet("Uitvoeringsplan", ("Prioriteit", "Actie", "Budget"), BUDGETS, money=(2,))
    ws = load_workbook(io.BytesIO(render_sheets_xlsx([sheet])))["Uitvoeringsplan"]
    budget = [(c.value, c.number_format) for (c,) in ws.iter_rows(min_row=2, min_col=3, max_col=3)]
    assert budget == [(40000, EURO), (25000, EURO), (12500, EURO), ("n.t.b.", "General"), (77500, EURO)]
    assert ws.cell(row=6, column=1).value == "Totaal" and ws.cell(row=6, column=3).font.b
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:C5"
    assert euro_amount("€ 77.500") == 77500
