"""The files a coordinator really has (issue 13 item 3): several municipalities in one file, StatLine's
labels download and Excel copies, keys Excel turned into dates, refusals that change nothing, undo, the CLI."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, update

from ivp_core.analysis.importers import (
    ImportRejected,
    UndoRefused,
    import_file,
    preview_import,
    recent_batches,
    undo_batch,
)
from ivp_core.analysis.importers.mapping import ensure_mapping
from ivp_core.analysis.importers.preview import ImportPreview
from ivp_core.cli import main
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Figure, ImportBatch, Municipality
from ivp_core.trajectory.trajectories import create_trajectory
from tests.badinput.dutch import assert_dutch
from tests.badinput.snapshot import assert_unchanged, take
from tests.spreadsheets import xlsx_bytes

HEAD = "ID;SoortMisdrijf;RegioS;Perioden;GeregistreerdeMisdrijven_1\n"
THREE = (
    HEAD
    + "1;0.0.0 ;GM0148    ;2023JJ00;   395\n"
    + "2;1.1.1 ;GM0148    ;2023JJ00;    40\n"
    + "3;0.0.0 ;GM0361    ;2023JJ00;  5480\n"
    + "4;0.0.0 ;GM0363    ;2023JJ00; 61000\n"
    + "5;0.0.0 ;NL01      ;2023JJ00;807000\n"
)
NEXT_YEAR = date.today().year + 1


@pytest.fixture
def trajectory_id(engine: Engine) -> int:
    with session_scope(engine) as s:
        ensure_mapping(s)
        dalfsen = Municipality(name="Dalfsen", cbs_code="GM0148")
        s.add(dalfsen)
        s.flush()
        return create_trajectory(s, "IVP Dalfsen", 2027, 2030, [dalfsen]).id


def _preview(engine: Engine, trajectory_id: int, name: str, data: bytes, **kwargs: Any) -> ImportPreview:
    with session_scope(engine) as s:
        return preview_import(s, name, data, None, trajectory_id=trajectory_id, **kwargs)


def _import(engine: Engine, trajectory_id: int, name: str, data: bytes, **kwargs: Any) -> int:
    with session_scope(engine) as s:
        return import_file(s, name, data, None, "test", trajectory_id=trajectory_id, **kwargs).id


def _regions(engine: Engine) -> set[str]:
    with session_scope(engine) as s:
        return set(s.scalars(select(Figure.region_code)))


def test_multi_municipality_file_keeps_the_trajectorys_own_and_the_benchmark(
    engine: Engine, trajectory_id: int
) -> None:
    preview = _preview(engine, trajectory_id, "83648NED.csv", THREE.encode())
    assert preview.ok
    assert preview.available == {"GM0148": 2, "GM0361": 1, "GM0363": 1}
    assert preview.chosen == ["GM0148"]
    _import(engine, trajectory_id, "83648NED.csv", THREE.encode())
    assert _regions(engine) == {"GM0148", "NL01"}


def test_the_user_may_choose_other_municipalities(engine: Engine, trajectory_id: int) -> None:
    _import(engine, trajectory_id, "83648NED.csv", THREE.encode(), municipalities=["GM0148", "GM0361"])
    assert _regions(engine) == {"GM0148", "GM0361", "NL01"}


def test_file_without_the_trajectorys_municipalities_is_refused(engine: Engine, trajectory_id: int) -> None:
    other = HEAD + "1;0.0.0 ;GM0361    ;2023JJ00;5480\n2;0.0.0 ;NL01      ;2023JJ00;807000\n"
    before = take(engine)
    preview = _preview(engine, trajectory_id, "buren.csv", other.encode())
    assert not preview.ok
    assert_dutch(str(preview.errors[0]), ("geen regels", "GM0148", "GM0361", "kies"))
    assert "gekozen gemeente (GM0148)" in str(preview.errors[0])  # not "gemeente(n)"
    with pytest.raises(ImportRejected):
        _import(engine, trajectory_id, "buren.csv", other.encode())
    assert_unchanged(before, engine)


def test_a_file_with_no_municipality_chosen_says_so(engine: Engine, trajectory_id: int) -> None:
    """With every municipality taken out of the choice the message read 'de gekozen gemeente(n) (geen)'."""
    preview = _preview(engine, trajectory_id, "83648NED.csv", THREE.encode(), municipalities=[])
    assert not preview.ok
    assert preview.errors[0].message.startswith(
        "Er is geen gemeente gekozen; het bestand heeft regels voor GM0148"
    )


REFUSALS = [
    (
        "negative-count",
        "min.csv",
        HEAD + "1;1.1.1 ;GM0148;2023JJ00;-5\n",
        2,
        "GeregistreerdeMisdrijven_1",
        ("negatief", "aantal"),
    ),
    (
        "thousands-separator",
        "punt.csv",
        HEAD + "1;0.0.0 ;GM0148;2023JJ00;1.296\n",
        2,
        "GeregistreerdeMisdrijven_1",
        ("1.296", "duizendtallen", "1296"),
    ),
    (
        "future-year",
        "toekomst.csv",
        HEAD + f"1;0.0.0 ;GM0148;{NEXT_YEAR}JJ00;5\n",
        2,
        "Perioden",
        (str(NEXT_YEAR), "huidige jaar"),
    ),
    (
        "conflicting-duplicate",
        "dubbel.csv",
        HEAD + "1;1.1.1 ;GM0148;2023JJ00;40\n2;1.1.1 ;GM0148;2023JJ00;45\n",
        3,
        None,
        ("ook op regel 2", "andere waarde", "40", "45"),
    ),
    (
        "long-negative",
        "lang.csv",
        "theme_code,indicator,year,value,unit,source\n4.2,Branden,2023,-3,aantal,Brandweer\n",
        2,
        "value",
        ("negatief",),
    ),
    (
        "long-thousands",
        "lang.csv",
        "theme_code;indicator;year;value;unit;source\n4.2;Branden;2023;1.296;aantal;Brandweer\n",
        2,
        "value",
        ("duizendtallen",),
    ),
    (
        "long-future-year",
        "lang.csv",
        f"theme_code,indicator,year,value,unit,source\n4.2,Branden,{NEXT_YEAR},3,aantal,Brandweer\n",
        2,
        "year",
        ("huidige jaar",),
    ),
]


@pytest.mark.parametrize(
    ("case", "name", "text", "line", "column", "words"), REFUSALS, ids=[r[0] for r in REFUSALS]
)
def test_refusals_name_file_line_column_and_change_nothing(
    engine: Engine,
    trajectory_id: int,
    case: str,
    name: str,
    text: str,
    line: int,
    column: str | None,
    words: tuple[str, ...],
) -> None:
    _import(engine, trajectory_id, "eerder.csv", (HEAD + "1;0.0.0 ;GM0148;2022JJ00;390\n").encode())
    before = take(engine)
    preview = _preview(engine, trajectory_id, name, text.encode())
    assert not preview.ok
    first = preview.errors[0]
    assert (first.file, first.line, first.column) == (name, line, column), str(first)
    assert_dutch(f"{first.message} {first.action}", words)
    with pytest.raises(ImportRejected) as refused:
        _import(engine, trajectory_id, name, text.encode())
    assert name in str(refused.value)
    assert_unchanged(before, engine)


def test_identical_duplicate_rows_are_kept_once(engine: Engine, trajectory_id: int) -> None:
    text = HEAD + "1;1.1.1 ;GM0148;2023JJ00;40\n2;1.1.1 ;GM0148;2023JJ00;40\n"
    preview = _preview(engine, trajectory_id, "twee.csv", text.encode())
    assert preview.ok and [r.value for r in preview.rows] == [40.0]


LABELS = (
    '"Soort misdrijf";"Regio\'s";"Perioden";"Geregistreerde misdrijven (aantal)";'
    '"Geregistreerde misdrijven per 1000 inwoners (per 1 000 inwoners)"\n'
    '"Totaal misdrijven";"Dalfsen";"2023";"395";"14.1"\n'
    '"1.1.1 Diefstal/inbraak woning";"Dalfsen";"2023";"40";"1.4"\n'
    '"Winkeldiefstal";"Dalfsen";"2024*";"12";"0.4"\n'
    '"Totaal misdrijven";"Nederland";"2023";"807000";"45"\n'
    '"Totaal misdrijven";"Zwolle";"2023";"9000";"70"\n'
)


def _police(rows: list[Figure]) -> set[tuple[str, str | None, str, int, float | None]]:
    return {(f.region_code, f.theme_code, f.indicator, f.year, f.value) for f in rows}


def test_statline_csv_with_labels(engine: Engine, trajectory_id: int) -> None:
    preview = _preview(engine, trajectory_id, "83648NED_labels.csv", LABELS.encode())
    assert preview.ok, preview.problems
    assert {(r.region_code, r.theme_code, r.indicator, r.year, r.value) for r in preview.rows} == {
        ("GM0148", None, "Geregistreerde misdrijven: T001161 Totaal misdrijven", 2023, 395.0),
        ("GM0148", "1.3", "Geregistreerde misdrijven: 1.1.1 Diefstal/inbraak woning", 2023, 40.0),
        ("GM0148", "2.1", "Geregistreerde misdrijven: 2.5.2 Winkeldiefstal", 2024, 12.0),
        ("NL01", None, "Geregistreerde misdrijven: T001161 Totaal misdrijven", 2023, 807000.0),
    }
    warnings = " ".join(p.message for p in preview.warnings)
    assert "Zwolle" in warnings and "afgeleid" in warnings


def test_statline_table_saved_as_xlsx_with_title_rows(engine: Engine, trajectory_id: int) -> None:
    data = xlsx_bytes(
        [
            ["Geregistreerde criminaliteit; soort misdrijf, regio"],
            [],
            ["ID", "SoortMisdrijf", "RegioS", "Perioden", "GeregistreerdeMisdrijven_1"],
            [1, "1.1.1", "GM0148", "2023JJ00", 40],
            [2, datetime(2002, 5, 2), "GM0148", "2023JJ00", 12],  # Excel made 2.5.2 a date
            [3, "0.0.0", "NL01", "2023JJ00", 807000],
        ]
    )
    preview = _preview(engine, trajectory_id, "83648NED.xlsx", data)
    assert preview.ok, preview.problems
    assert {(r.region_code, r.theme_code, r.value, r.line) for r in preview.rows} == {
        ("GM0148", "1.3", 40.0, 4),
        ("GM0148", "2.1", 12.0, 5),
        ("NL01", None, 807000.0, 6),
    }
    assert any("datums" in w.message and "2-5-2002 → 2.5.2" in w.message for w in preview.warnings)


def test_labels_saved_asxlsx_bytes(engine: Engine, trajectory_id: int) -> None:
    data = xlsx_bytes(
        [
            ["Soort misdrijf", "Regio's", "Perioden", "Geregistreerde misdrijven (aantal)"],
            ["Totaal misdrijven", "Dalfsen", 2023, 395],
        ]
    )
    preview = _preview(engine, trajectory_id, "labels.xlsx", data)
    assert preview.ok, preview.problems
    assert [(r.region_code, r.year, r.value) for r in preview.rows] == [("GM0148", 2023, 395.0)]


def test_excel_date_keys_in_csv_are_put_back(engine: Engine, trajectory_id: int) -> None:
    text = HEAD + "1;1-1-2001;GM0148;2023JJ00;40\n2;1-4-2005;GM0148;2023JJ00;70\n"
    preview = _preview(engine, trajectory_id, "excel.csv", text.encode())
    assert preview.ok, preview.problems
    assert {r.indicator for r in preview.rows} == {
        "Geregistreerde misdrijven: 1.1.1 Diefstal/inbraak woning",
        "Geregistreerde misdrijven: 1.4.5 Mishandeling",
    }


def test_excel_date_key_that_fits_no_crime_type_says_how_to_fix(engine: Engine, trajectory_id: int) -> None:
    text = HEAD + "1;9-9-2009;GM0148;2023JJ00;40\n"
    before = take(engine)
    preview = _preview(engine, trajectory_id, "excel.csv", text.encode())
    assert not preview.ok
    error = preview.errors[0]
    assert (error.line, error.column) == (2, "SoortMisdrijf")
    assert_dutch(f"{error.message} {error.action}", ("datum", "9.9.9", "Uit tekst/CSV", "Tekst"))
    assert_unchanged(before, engine)


def test_undo_removes_the_figures_and_keeps_the_batch_marked(engine: Engine, trajectory_id: int) -> None:
    first = _import(
        engine,
        trajectory_id,
        "2023.csv",
        (HEAD + "1;0.0.0;GM0148;2023JJ00;395\n2;1.1.1;GM0148;2023JJ00;40\n").encode(),
    )
    second = _import(engine, trajectory_id, "nieuw.csv", (HEAD + "1;1.1.1;GM0148;2023JJ00;45\n").encode())
    with session_scope(engine) as s:
        stored = {b.batch.id: b.stored for b in recent_batches(s, None, trajectory_id=trajectory_id)}
        assert stored == {first: 1, second: 1}  # the newer file replaced one figure of the first
        assert s.get(ImportBatch, second).trajectory_id == trajectory_id  # type: ignore[union-attr]  # the batch was just stored
    with session_scope(engine) as s:
        assert undo_batch(s, second) == 1
    with session_scope(engine) as s:
        batch = s.get(ImportBatch, second)
        assert batch is not None and batch.undone_at is not None and batch.row_count == 1
        assert {b.batch.id: b.stored for b in recent_batches(s, None, trajectory_id=trajectory_id)} == {
            first: 1,
            second: 0,
        }
        assert list(s.scalars(select(Figure.value))) == [395.0]
        s.execute(
            update(ImportBatch)
            .where(ImportBatch.id == second)
            .values(undone_at=datetime(2026, 12, 6, 23, 30))
        )
    before = take(engine)
    with pytest.raises(UndoRefused) as refused, session_scope(engine) as s:
        undo_batch(s, second)
    assert_dutch(str(refused.value), ("al ongedaan",))
    # a defect fixed: the moment was shown in UTC (23:30 the day before); it is Dutch time now
    assert "07-12-2026 00:30" in str(refused.value)
    assert_unchanged(before, engine)


def test_cli_dry_run_stores_nothing_then_import_and_undo(
    engine: Engine, trajectory_id: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "83648NED.csv"
    path.write_text(THREE)
    before = take(engine)
    assert main(["import", str(path), "--trajectory", str(trajectory_id), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("Regio,Thema,Indicator,Jaar,Waarde")
    assert "GM0148" in out and "NL01" in out and "GM0361" not in out
    assert_unchanged(before, engine)
    assert main(["import", str(path), "--trajectory", str(trajectory_id), "--municipality", "GM0999"]) == 2
    assert "geen regels" in capsys.readouterr().err
    assert_unchanged(before, engine)
    assert main(["import", str(path), "--trajectory", str(trajectory_id)]) == 0
    assert _regions(engine) == {"GM0148", "NL01"}
    with session_scope(engine) as s:
        batch_id = s.scalar(select(ImportBatch.id))
    capsys.readouterr()
    assert main(["import-undo", str(batch_id)]) == 0
    assert _regions(engine) == set()
    assert main(["import-undo", str(batch_id)]) == 2
    assert "al ongedaan" in capsys.readouterr().err


def test_cli_refuses_bad_file_with_exit_2_and_nothing_on_stdout(
    engine: Engine, trajectory_id: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "min.csv"
    path.write_text(HEAD + "1;1.1.1;GM0148;2023JJ00;-5\n")
    before = take(engine)
    assert main(["import", str(path), "--trajectory", str(trajectory_id)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert_dutch(captured.err, ("min.csv", "regel 2", "negatief", "niets opgeslagen"))
    assert main(["import", str(path), "--municipality", "Dalfsen"]) == 2
    assert "GM0148" in capsys.readouterr().err
    assert_unchanged(before, engine)


def test_the_police_monthly_download_sums_known_years_and_shows_file_level_warnings_without_a_line(
    engine: Engine, trajectory_id: int
) -> None:
    from tests.own_municipality import STATLINE_47013

    preview = _preview(engine, trajectory_id, "47013NED_TypedDataSet.csv", STATLINE_47013.encode())
    assert preview.ok, preview.problems
    assert {
        (r.region_code, r.indicator, r.value)
        for r in preview.rows
        if r.indicator.startswith("Geregistreerde")
    } == {
        ("GM0148", "Geregistreerde misdrijven: 0.0.0 Totaal misdrijven", 420.0),
        ("GM0148", "Geregistreerde misdrijven: 1.1.1 Diefstal/inbraak woning", 60.0),
        ("GM0148", "Geregistreerde misdrijven: 1.3.1 Ongevallen (weg)", 120.0),
        ("NL01", "Geregistreerde misdrijven: 0.0.0 Totaal misdrijven", 804000.0),
    }
    # Internetaangiften are unknown ('.') every month: that year is not added up, and the warning is about
    # the whole file, so its line cell is empty rather than Streamlit's grey "None".
    frame = preview.problems_frame()
    assert list(frame["Regel"]) == [""] and "niet alle 12 maanden" in frame["Wat is er mis"].iloc[0]
