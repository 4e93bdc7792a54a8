"""StatLine/politie raw CSV: padded keys, `.` for unknown, BOM, cp1252, monthly periods, mapping to themes."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from ivp_core.analysis.importers import import_file, preview_import
from ivp_core.analysis.importers.mapping import update_mapping
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Figure, ImportBatch

RAW = (
    "ID;SoortMisdrijf;RegioS;Perioden;GeregistreerdeMisdrijven_1;Aangiften_2;GeregistreerdeMisdrijvenPer1000Inw_3\n"
    "1;1.1.1 ;GM0148    ;2023JJ00;      40;      35;     1.4\n"
    "2;1.1.1 ;GM0148    ;2024JJ00;       .;      30;       .\n"
    "3;2.5.2 ;GM0148    ;2024JJ00;     125;     110;     4.4\n"
    "4;0.0.0 ;NL01      ;2024JJ00;  807000;  600000;    45.0\n"
)


def _figures(engine: Engine) -> dict[tuple[str, str, int], Figure]:
    with session_scope(engine) as session:
        return {(f.region_code, f.indicator, f.year): f for f in session.scalars(select(Figure))}


def test_raw_csv_with_padded_keys_and_unknowns(engine: Engine, municipality_id: int) -> None:
    with session_scope(engine) as session:
        preview = preview_import(session, "47013NED_TypedDataSet.csv", RAW.encode(), municipality_id)
        assert preview.ok, preview.problems
        assert preview.file_format == "statline"
        assert any("afgeleid" in p.message for p in preview.warnings)  # the per-1000 column is skipped
        frame = preview.frame()
        assert len(frame) == 8  # 4 rows × 2 measures
        import_file(session, "47013NED_TypedDataSet.csv", RAW.encode(), municipality_id, "tester")
    figures = _figures(engine)
    burglary = figures[("GM0148", "Geregistreerde misdrijven: 1.1.1 Diefstal/inbraak woning", 2023)]
    assert burglary.value == 40
    assert burglary.theme_code == "1.3"
    assert burglary.source == "CBS/Politie (47013NED)"
    assert figures[("GM0148", "Geregistreerde misdrijven: 1.1.1 Diefstal/inbraak woning", 2024)].value is None
    assert figures[("GM0148", "Geregistreerde misdrijven: 2.5.2 Winkeldiefstal", 2024)].theme_code == "2.1"
    total = figures[("NL01", "Geregistreerde misdrijven: 0.0.0 Totaal misdrijven", 2024)]
    assert total.value == 807000 and total.theme_code is None
    with session_scope(engine) as session:
        batch = session.scalars(select(ImportBatch)).one()
        assert batch.row_count == 8 and batch.imported_by == "tester" and len(batch.sha256) == 64


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp1252"])
def test_encodings(engine: Engine, municipality_id: int, encoding: str) -> None:
    data = RAW.encode(encoding)
    with session_scope(engine) as session:
        preview = preview_import(session, "misdrijven.csv", data, municipality_id)
    assert preview.ok, preview.problems
    assert preview.rows[0].region_code == "GM0148"  # BOM not glued to the first column name
    assert preview.warnings[0].column == "GeregistreerdeMisdrijvenPer1000Inw_3"


def test_cp1252_text_survives(engine: Engine, municipality_id: int) -> None:
    text = "theme_code;indicator;year;value;unit;source\n1.2;Meldingen zwerfvuil café;2024;12,5;aantal;Gemeente\n"
    with session_scope(engine) as session:
        preview = preview_import(session, "eigen.csv", text.encode("cp1252"), municipality_id)
    assert preview.ok, preview.problems
    assert preview.rows[0].indicator == "Meldingen zwerfvuil café"
    assert preview.rows[0].value == 12.5
    assert any("Windows-1252" in p.message for p in preview.warnings)


def _monthly(months: range, year: int = 2024) -> str:
    lines = ["ID;SoortMisdrijf;RegioS;Perioden;GeregistreerdeMisdrijven_1"]
    lines += [f"{m};2.2.1 ;GM0148    ;{year}MM{m:02d};  10" for m in months]
    return "\n".join(lines) + "\n"


def test_months_are_summed_only_when_all_twelve_are_known(engine: Engine, municipality_id: int) -> None:
    with session_scope(engine) as session:
        full = preview_import(session, "m.csv", _monthly(range(1, 13)).encode(), municipality_id)
        partial = preview_import(session, "m.csv", _monthly(range(1, 8)).encode(), municipality_id)
    assert [(r.year, r.value) for r in full.rows] == [(2024, 120.0)]
    assert partial.rows == [] and not partial.ok
    assert any("2024: voor 1 reeks is niet alle 12 maanden bekend" in p.message for p in partial.warnings)


def test_yearly_row_wins_over_months(engine: Engine, municipality_id: int) -> None:
    text = _monthly(range(1, 13)) + "99;2.2.1 ;GM0148    ;2024JJ00;  125\n"
    with session_scope(engine) as session:
        preview = preview_import(session, "m.csv", text.encode(), municipality_id)
    assert [(r.year, r.value) for r in preview.rows] == [(2024, 125.0)]


def test_reimport_replaces_and_mapping_change_relabels(engine: Engine, municipality_id: int) -> None:
    with session_scope(engine) as session:
        import_file(session, "47013NED.csv", RAW.encode(), municipality_id)
    changed = RAW.replace("      40;", "      45;")
    with session_scope(engine) as session:
        preview = preview_import(session, "47013NED.csv", changed.encode(), municipality_id)
        assert preview.replaces == 8
        import_file(session, "47013NED.csv", changed.encode(), municipality_id)
    figures = _figures(engine)
    assert len(figures) == 8
    assert figures[("GM0148", "Geregistreerde misdrijven: 1.1.1 Diefstal/inbraak woning", 2023)].value == 45
    with session_scope(engine) as session:
        assert update_mapping(session, "2.5.2", "2.2") == 2
    assert figures_theme(engine, "Geregistreerde misdrijven: 2.5.2 Winkeldiefstal") == {"2.2"}


def figures_theme(engine: Engine, indicator: str) -> set[str | None]:
    with session_scope(engine) as session:
        return set(session.scalars(select(Figure.theme_code).where(Figure.indicator == indicator)))
