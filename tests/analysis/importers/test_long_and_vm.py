"""The long format (CSV and an XLSX made here with openpyxl) and a Veiligheidsmonitor table with margins."""

from __future__ import annotations

from sqlalchemy import Engine, select

from ivp_core.analysis.importers import import_file, preview_import
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Figure
from tests.spreadsheets import xlsx_bytes

HEADER = ["theme_code", "indicator", "year", "value", "unit", "source"]


def test_xlsx_long_format_imports(engine: Engine, municipality_id: int) -> None:
    data = xlsx_bytes(
        [
            [*HEADER, "region_code", "kind"],
            ["4.2", "Woningbranden", 2022, 13, "aantal", "Brandweer", None, None],
            ["4.2", "Woningbranden", 2023, 12, "aantal", "Brandweer", "", ""],
            ["5.4", "BIO op orde", 2023, 88.5, "%", "ENSIA", "GM0148", "objectief"],
            ["1.4", "Eigen enquête: voelt zich veilig", 2023, 81.2, "%", "Enquête", "GM0148", "subjectief"],
            [None, "Inwoners", 2023, 28000, "inwoners", "CBS", "GM0148", None],
        ]
    )
    with session_scope(engine) as session:
        preview = preview_import(session, "eigen_cijfers.xlsx", data, municipality_id)
        assert preview.ok, preview.problems
        assert preview.file_format == "lang (xlsx)"
        import_file(session, "eigen_cijfers.xlsx", data, municipality_id)
    with session_scope(engine) as session:
        rows = {(f.indicator, f.year): f for f in session.scalars(select(Figure))}
    assert rows[("Woningbranden", 2022)].value == 13 and rows[("Woningbranden", 2022)].region_code == "GM0148"
    assert rows[("BIO op orde", 2023)].value == 88.5
    assert rows[("Eigen enquête: voelt zich veilig", 2023)].kind == "subjectief"
    assert rows[("Inwoners", 2023)].theme_code is None


def test_long_csv_with_dutch_headers_and_semicolons(engine: Engine, municipality_id: int) -> None:
    text = "thema;indicator;jaar;waarde;eenheid;bron\n3.2;Verwijzingen Halt;2024;37;aantal;Halt\n3.3;Alcohol;2023;33,5;%;GGD\n"
    with session_scope(engine) as session:
        preview = preview_import(session, "halt.csv", text.encode(), municipality_id)
    assert preview.ok, preview.problems
    assert [(r.theme_code, r.value) for r in preview.rows] == [("3.2", 37.0), ("3.3", 33.5)]


VM = (
    "ID;Marges;RegioS;Perioden;TeHardRijden_41;RapportcijferVeiligheidInBuurt_3;NieuweIndicator_9\n"
    "1;MW00000;GM0148    ;2023JJ00;    61.0;     7.4;     1.0\n"
    "2;MOG0095;GM0148    ;2023JJ00;    58.2;     7.3;     0.5\n"
    "3;MBG0095;GM0148    ;2023JJ00;    63.8;       .;     1.5\n"
    "4;MW00000;NL01      ;2023JJ00;    45.0;     7.3;     1.0\n"
)


def test_veiligheidsmonitor_values_margins_and_prefix_match(engine: Engine, municipality_id: int) -> None:
    with session_scope(engine) as session:
        preview = preview_import(session, "85146NED.csv", VM.encode(), municipality_id)
        assert preview.ok, preview.problems
        assert preview.file_format == "veiligheidsmonitor"
        assert any("NieuweIndicator_9" in p.message for p in preview.warnings)
        import_file(session, "85146NED.csv", VM.encode(), municipality_id)
    with session_scope(engine) as session:
        rows = {(f.region_code, f.indicator): f for f in session.scalars(select(Figure))}
    speeding = rows[("GM0148", "Vindt dat te hard rijden vaak voorkomt")]
    assert (speeding.value, speeding.margin_low, speeding.margin_high) == (61.0, 58.2, 63.8)
    assert speeding.theme_code == "4.1" and speeding.kind == "subjectief"
    assert speeding.source == "Veiligheidsmonitor (85146NED)"
    safety = rows[("GM0148", "Rapportcijfer veiligheid woonbuurt")]
    assert safety.margin_high is None and safety.theme_code == "1.4"
    assert rows[("NL01", "Vindt dat te hard rijden vaak voorkomt")].margin_low is None
