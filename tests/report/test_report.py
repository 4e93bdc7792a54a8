"""The report's exports, opened the way their readers open them: Word, Excel, a CSV reader, a browser."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import Engine, delete, select

from ivp_core.catalogue import load_catalogue
from ivp_core.report.documents.verslag_model import Report, build_report
from ivp_core.report.safety import FORMULA_PREFIXES
from ivp_core.report.tables import SHEET_NAMES
from ivp_core.report.writers.csv import render_csv
from ivp_core.report.writers.docx import render_docx
from ivp_core.report.writers.html import render_html
from ivp_core.report.writers.xlsx import render_xlsx
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import PriorityDecision
from tests.report.factory import FORMULA_COMMENT, FORMULA_REASON, Built, build_trajectory


@pytest.fixture
def built(engine: Engine) -> Built:
    return build_trajectory(engine)


@pytest.fixture
def report(engine: Engine, built: Built) -> Report:
    with session_scope(engine) as db:
        return build_report(db, built.trajectory_id)


def _docx_text(data: bytes) -> tuple[list[tuple[str, str]], list[list[str]], int]:
    document = Document(io.BytesIO(data))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    rows = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    return paragraphs, rows, len(document.inline_shapes)


def test_docx_has_priorities_going_concern_and_participation(report: Report, built: Built) -> None:
    paragraphs, rows, images = _docx_text(render_docx(report))
    headings = [text for style, text in paragraphs if style.startswith("Heading")]
    names = {t.code: t.name for t in load_catalogue().themes}
    # the chosen priorities, each under its own real Word heading, in the chosen order
    priority_headings = [h for h in headings if h.startswith("Thema ")]
    assert priority_headings == [f"Thema {c} – {names[c]}" for c in built.chosen]
    # the IVP's table of contents: chapters 1-7, priorities in 4, going concern in 5
    chapters = [h for h in headings if h.startswith("IVP-hoofdstuk ")]
    assert [h.split()[1].rstrip(":") for h in chapters] == [str(n) for n in range(1, 8)]
    # chapters 4 and 5 list their themes clustered per field, without chapter numbers that clash with codes
    texts = [text for _, text in paragraphs]
    start = texts.index(next(h for h in texts if h.startswith("IVP-hoofdstuk 4")))
    end = texts.index(next(h for h in texts if h.startswith("IVP-hoofdstuk 6")))
    split = texts.index(next(h for h in texts if h.startswith("IVP-hoofdstuk 5")))
    code = re.compile(r"(?:: |; )(\d\.\d) ")
    chapter4 = [c for t in texts[start:split] if t.startswith("Veld ") for c in code.findall(t)]
    # chapter 5: the going concern themes in the sets of the kanteling, each set with its reason
    chapter5 = [c for t in texts[split + 2 : end] for c in code.findall(t)]
    assert sorted(chapter4) == sorted(built.chosen)
    going = [c for c in load_catalogue().theme_codes if c not in built.chosen]
    assert sorted(chapter5) == going
    assert all(" Loopt via " in t for t in texts[split + 2 : end])
    # going concern table: every other theme once, grouped in sets with the approach that carries them
    table = [r for r in rows if len(r) == 4 and r[1][:4] in {f"{c} " for c in names}]
    assert sorted(r[1].split()[0] for r in table) == going
    assert table[0][0] and table[0][3].startswith("Loopt via ")
    # participation per session: the counted ballots, dates and group weights
    session_rows = {r[0]: r for r in rows if len(r) == 6 and r[0] in built.n_ballots}
    assert {title: int(r[4]) for title, r in session_rows.items()} == built.n_ballots
    assert session_rows["Online raadpleging"][1] == "1 oktober 2026"
    assert session_rows["Raadscommissie Bestuur"][5] == "11"  # a show of hands of 3 counts as 3
    weights = [r for r in rows if len(r) == 4 and r[0] == "Raadscommissie"]  # the gremium that met
    assert weights and weights[0][1] == "33,3\u00a0%"
    assert images == 3
    assert any("Geadviseerd maar niet gekozen" in t for _, t in paragraphs)
    # agreement in plain Dutch in the text, the measures with their numbers in the appendix
    assert any(t.startswith("Inwoners: de deelnemers waren het ") for _, t in paragraphs)
    assert any(t.startswith("De volgordes van ") for _, t in paragraphs)
    assert not any("Kendall" in t or "Spearman" in t for _, t in paragraphs)
    measures = [r for r in rows if r[0].startswith(("Kendall's W", "Spearman"))]
    assert measures and all(r[2].startswith(("0,", "-", "−", "1")) for r in measures)


def test_xlsx_sheets_and_content(report: Report, built: Built) -> None:
    workbook = load_workbook(io.BytesIO(render_xlsx(report)))
    assert tuple(workbook.sheetnames) == SHEET_NAMES
    result = list(workbook["Resultaat"].iter_rows(values_only=True))
    header, body = result[0], result[1:]
    code, chosen, chapter = header.index("Thema"), header.index("Gekozen"), header.index("Hoofdstuk IVP")
    assert sorted(r[code] for r in body if r[chosen] == "ja") == sorted(built.chosen)
    assert {r[code] for r in body if r[chapter].startswith("5")} == set(load_catalogue().theme_codes) - set(
        built.chosen
    )
    sessions = list(workbook["Per sessie"].iter_rows(values_only=True))
    ballots = sessions[0].index("Stemformulieren")
    assert {r[0]: r[ballots] for r in sessions[1:]} == built.n_ballots
    groups = {r[0]: r for r in workbook["Per groep"].iter_rows(min_row=2, values_only=True)}
    assert groups["Inwoners"][2] == 25 and groups["Raadscommissie"][1] == pytest.approx(1 / 3, abs=1e-4)
    votes = list(workbook["Stemmen"].iter_rows(values_only=True))
    assert len(votes) - 1 == len(report.ballots) > 500
    assert votes[0] == (
        "Sessie",
        "Groep",
        "Methode",
        "Deelnemer",
        "Invoer",
        "Gewicht",
        "Thema",
        "Criterium",
        "Waarde",
    )
    settings = dict(workbook["Instellingen"].iter_rows(values_only=True))
    assert settings["Motivering keuze"] == "'-Winkeldiefstal weegt zwaar in het centrum."


def _csv_cells(files: dict[str, bytes]) -> list[str]:
    cells = []
    for data in files.values():
        assert data.startswith("\ufeff".encode())
        cells += [c for row in csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";") for c in row]
    return cells


def test_formula_cells_are_neutralised_everywhere(engine: Engine, report: Report) -> None:
    # put the dangerous texts where exports show them: a reason, a theme summary, the ballot labels
    workbook = load_workbook(io.BytesIO(render_xlsx(report)))
    texts = [c.value for ws in workbook for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    formulas = [c for ws in workbook for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    assert not [t for t in texts if t.startswith(FORMULA_PREFIXES)]
    assert "'-Winkeldiefstal weegt zwaar in het centrum." in texts
    cells = _csv_cells(render_csv(report))
    assert not [c for c in cells if c.startswith(FORMULA_PREFIXES)]
    assert "'-Winkeldiefstal weegt zwaar in het centrum." in cells


def test_html_escapes_user_text(report: Report) -> None:
    page = render_html(report)
    assert "<b>vet</b>" not in page and "&lt;b&gt;vet&lt;/b&gt; &amp; zo" in page
    assert FORMULA_REASON.replace('"', "&quot;") in page  # shown as text, harmless in HTML
    assert "@media print" in page and page.count("data:image/png;base64,") == 3


def test_no_token_or_hash_in_any_export(report: Report, built: Built) -> None:
    blobs = [render_html(report).encode(), *render_csv(report).values()]
    for packed in (render_docx(report), render_xlsx(report)):
        with zipfile.ZipFile(io.BytesIO(packed)) as archive:
            blobs += [archive.read(n) for n in archive.namelist()]
    joined = b"\n".join(blobs)
    for secret in (*built.token_hashes, *built.code_hashes):
        assert secret.encode() not in joined
    # an approved remark is quoted in the documents (as text), never in a spreadsheet cell
    assert FORMULA_COMMENT.encode() not in b"\n".join(render_csv(report).values())
    paragraphs, _rows, _images = _docx_text(render_docx(report))
    assert f"“{FORMULA_COMMENT}”" in [t for _, t in paragraphs]
    labels = {b.participant for b in report.ballots}
    assert labels and all(label[0] in "PD" and label[1:].isdigit() for label in labels)


def test_report_without_decision_shows_participation_only(engine: Engine, built: Built) -> None:
    with session_scope(engine) as db:
        db.execute(delete(PriorityDecision))
    with session_scope(engine) as db:
        report = build_report(db, built.trajectory_id)
    # before a choice is recorded the report presents the advice the results page shows, as a proposal
    assert report.has_result and report.status == "" and report.total_ballots == 40
    assert report.chosen and [t.code for t in report.chosen] == [t.code for t in report.advised]
    paragraphs, rows, images = _docx_text(render_docx(report))
    texts = [t for _, t in paragraphs]
    assert any(t.startswith("Er is nog geen keuze vastgelegd.") for t in texts)
    assert not any("vastgesteld" in t and "nog niet vastgesteld" not in t for t in texts)
    assert images == 3
    weights = [
        r for r in rows if len(r) == 4 and r[0] in ("Raadscommissie", "Inwoners", "Ambtelijke werkgroep")
    ]
    assert len(weights) == 3 and all(r[1].endswith("\u00a0%") for r in weights)
    settings = [r for r in rows if len(r) == 2]
    assert ["Aantal prioriteiten", "4"] in settings
    workbook = load_workbook(io.BytesIO(render_xlsx(report)))
    assert workbook["Resultaat"].max_row == 23


@pytest.mark.parametrize(
    ("status", "gremium", "meeting", "expected", "forbidden"),
    [
        (
            "advies",
            "raadscommissie",
            date(2026, 10, 14),
            "Advies van de raadscommissie van 14 oktober 2026",
            "Vastgesteld",
        ),
        (
            "vastgesteld",
            "raad",
            date(2026, 11, 5),
            "Vastgesteld door de gemeenteraad op 5 november 2026",
            "Advies van",
        ),
        ("advies", "", None, ", als advies", "Vastgesteld door"),  # an older record
    ],
)
def test_wording_follows_the_recorded_decision(
    engine: Engine,
    built: Built,
    status: str,
    gremium: str,
    meeting: date | None,
    expected: str,
    forbidden: str,
) -> None:
    with session_scope(engine) as db:
        decision = db.scalars(select(PriorityDecision)).one()
        decision.status, decision.gremium, decision.meeting_date = status, gremium, meeting
        decision.focus = {built.chosen[0]: "woninginbraken"}
    with session_scope(engine) as db:
        report = build_report(db, built.trajectory_id)
    paragraphs, _rows, _images = _docx_text(render_docx(report))
    lead = next(t for _, t in paragraphs if "prioriteiten voor het Integraal Veiligheidsplan" in t)
    assert lead.startswith(expected) or expected in lead
    assert forbidden not in lead
    assert not any(forbidden in t for _, t in paragraphs if "Samenvatting" not in t)
    if status == "advies":
        assert any(
            t.startswith("Dit is een advies. Het besluit over de prioriteiten neemt de gemeenteraad")
            for _, t in paragraphs
        )
    assert any(t == "Focus binnen het thema: woninginbraken" for _, t in paragraphs)
