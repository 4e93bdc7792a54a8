"""Ten (and more) kinds of malformed file: each refused with a Dutch message naming file, line and column,
and the database left exactly as it was (also when most rows of the file were fine)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from ivp_core.analysis.importers import ImportRejected, import_file
from ivp_core.storage.db import session_scope
from tests.analysis.importers.conftest import db_state

GOOD = "theme_code,indicator,year,value,unit,source\n4.2,Woningbranden,2023,12,aantal,Brandweer\n"
LONG_HEAD = "theme_code,indicator,year,value,unit,source\n"
STAT_HEAD = "ID;SoortMisdrijf;RegioS;Perioden;GeregistreerdeMisdrijven_1\n"
VM_HEAD = "ID;Marges;RegioS;Perioden;TeHardRijden_41\n"

# (name, file name, bytes, expected line, expected column, words the message must contain)
CASES = [
    ("leeg bestand", "leeg.csv", b"", None, None, "leeg"),
    ("geen tekst", "foto.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", None, None, "geen tekstbestand"),
    ("onbekend soort bestand", "lijst.csv", b"naam,adres\nPiet,Dorpsstraat 1\n", 1, None, "niet herkend"),
    (
        "verplichte kolom ontbreekt",
        "zonder_waarde.csv",
        b"theme_code,indicator,year,unit,source\n4.2,Woningbranden,2023,aantal,Brandweer\n",
        1,
        None,
        "'value' ontbreekt",
    ),
    (
        "waarde geen getal",
        "tekst.csv",
        (
            LONG_HEAD
            + "4.2,Woningbranden,2022,12,aantal,Brandweer\n4.2,Woningbranden,2023,twaalf,aantal,Brandweer\n"
        ).encode(),
        3,
        "value",
        "geen getal",
    ),
    (
        "onbekende themacode",
        "thema.csv",
        (LONG_HEAD + "6.1,Iets,2023,5,aantal,Gemeente\n").encode(),
        2,
        "theme_code",
        "geen themacode",
    ),
    (
        "jaar onleesbaar",
        "jaar.csv",
        (LONG_HEAD + "4.2,Woningbranden,vorig jaar,5,aantal,Brandweer\n").encode(),
        2,
        "year",
        "geen jaartal",
    ),
    (
        "dubbele regel",
        "dubbel.csv",
        (
            LONG_HEAD
            + "4.2,Woningbranden,2023,5,aantal,Brandweer\n4.2,Woningbranden,2023,6,aantal,Brandweer\n"
        ).encode(),
        3,
        None,
        "ook op regel 2",
    ),
    (
        "StatLine periode onleesbaar",
        "47013NED.csv",
        (STAT_HEAD + "1;1.1.1 ;GM0148    ;2024Q1;  40\n").encode(),
        2,
        "Perioden",
        "geen periode",
    ),
    (
        "StatLine regel met te weinig velden",
        "47013NED.csv",
        (STAT_HEAD + "1;1.1.1 ;GM0148    ;2023JJ00;  40\n2;1.1.1 ;GM0148    ;2024JJ00\n").encode(),
        3,
        None,
        "velden",
    ),
    (
        "StatLine regiocode onleesbaar",
        "47013NED.csv",
        (STAT_HEAD + "1;1.1.1 ;Dalfsen;2024JJ00;  40\n").encode(),
        2,
        "RegioS",
        "geen regiocode",
    ),
    (
        "Veiligheidsmonitor onbekende marge",
        "85146NED.csv",
        (VM_HEAD + "1;MW00000;GM0148;2023JJ00;61.0\n2;XX00000;GM0148;2023JJ00;60.0\n").encode(),
        3,
        "Marges",
        "geen bekende marge",
    ),
    ("kapot Excel-bestand", "cijfers.xlsx", b"PK\x03\x04 dit is geen werkmap", None, None, "Excel"),
    ("oud Excel-formaat", "cijfers.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", None, None, ".xls"),
    (
        "duizendtallen met punt en komma",
        "komma.csv",
        (LONG_HEAD + '4.2,Woningbranden,2023,"1.234,5",aantal,Brandweer\n').encode(),
        2,
        "value",
        "geen getal",
    ),
    (
        "bron ontbreekt",
        "bron.csv",
        (LONG_HEAD + "4.2,Woningbranden,2023,5,aantal,\n").encode(),
        2,
        "source",
        "bron",
    ),
]


@pytest.mark.parametrize(
    ("name", "filename", "data", "line", "column", "words"), CASES, ids=[c[0] for c in CASES]
)
def test_malformed_file_is_refused_and_changes_nothing(
    engine: Engine,
    municipality_id: int,
    name: str,
    filename: str,
    data: bytes,
    line: int | None,
    column: str | None,
    words: str,
) -> None:
    with session_scope(engine) as session:
        import_file(session, "goed.csv", GOOD.encode(), municipality_id)
    before = db_state(engine)
    with pytest.raises(ImportRejected) as caught, session_scope(engine) as session:
        import_file(session, filename, data, municipality_id, "tester")
    assert db_state(engine) == before, f"{name}: the database changed"
    problems = caught.value.problems
    assert problems and all(p.is_error for p in problems)
    first = problems[0]
    assert first.file == filename
    assert words.lower() in (first.message + " " + first.action).lower(), str(first)
    assert first.line == line, str(first)
    assert first.column == column, str(first)
    assert first.action  # every error says what to do
    assert filename in str(caught.value)


def test_one_bad_row_among_good_rows_writes_nothing(engine: Engine, municipality_id: int) -> None:
    rows = "".join(f"4.2,Woningbranden,{year},{year - 2000},aantal,Brandweer\n" for year in range(2010, 2024))
    data = (LONG_HEAD + rows + "4.2,Woningbranden,2024,veel,aantal,Brandweer\n").encode()
    before = db_state(engine)
    with pytest.raises(ImportRejected), session_scope(engine) as session:
        import_file(session, "bijna_goed.csv", data, municipality_id)
    assert db_state(engine) == before
