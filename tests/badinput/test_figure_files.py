"""Door: figure files (the import tab of 'Analyse beheren'). Every malformed file is refused in Dutch, whole."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import Engine, select

from ivp_core.analysis.importers import ImportRejected, import_file, preview_import
from ivp_core.analysis.importers.mapping import ensure_mapping
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Municipality
from tests.badinput.dutch import assert_dutch
from tests.badinput.snapshot import assert_unchanged, take
from tests.opinion_helpers import make_trajectory
from tests.spreadsheets import xlsx_bytes

HEADER = "theme_code,indicator,year,value,unit,source"
GOOD_ROW = "1.3,Woninginbraken,2023,40,aantal,Politie"
STATLINE_HEAD = "ID;SoortMisdrijf;RegioS;Perioden;GeregistreerdeMisdrijven_1"


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def _fifty_megabytes() -> bytes:
    """Just over the 50 MB upload limit, made of plausible rows: size alone must be the reason."""
    row = (GOOD_ROW + "\n").encode()
    return HEADER.encode() + b"\n" + row * (50 * 1024 * 1024 // len(row) + 1)


@dataclass(frozen=True)
class Case:
    id: str
    filename: str
    data: Callable[[], bytes]
    keywords: tuple[str, ...]


CASES = [
    Case("empty", "leeg.csv", lambda: b"", ("leeg",)),
    Case("only-blank-lines", "wit.csv", lambda: b"\n \n\t\n", ("leeg",)),
    Case("header-only", "kop.csv", lambda: _csv(HEADER), ("geen cijfers",)),
    Case(
        "pipe-separator",
        "pijp.csv",
        lambda: _csv(HEADER.replace(",", "|"), GOOD_ROW.replace(",", "|")),
        ("niet herkend",),
    ),
    Case("utf16", "utf16.csv", lambda: _csv(HEADER, GOOD_ROW).decode().encode("utf-16"), ("tekstbestand",)),
    Case(
        "undecodable-bytes",
        "kapot.csv",
        lambda: _csv(HEADER) + b"1.3,Inbraak\x81\x8d,2023,4,aantal,P\n",
        ("tekens",),
    ),
    Case(
        "missing-column",
        "geen-eenheid.csv",
        lambda: _csv("theme_code,indicator,year,value,source", "1.3,Woninginbraken,2023,40,Politie"),
        ("unit", "ontbreekt"),
    ),
    Case("extra-fields", "te-veel.csv", lambda: _csv(HEADER, GOOD_ROW + ",extra,veld"), ("velden",)),
    Case(
        "unknown-theme",
        "thema.csv",
        lambda: _csv(HEADER, "9.9,Woninginbraken,2023,40,aantal,Politie"),
        ("9.9", "themacode"),
    ),
    Case(
        "text-as-value",
        "tekst.csv",
        lambda: _csv(HEADER, "1.3,Woninginbraken,2023,veel,aantal,Politie"),
        ("geen getal",),
    ),
    Case(
        "nan-value",
        "nan.csv",
        lambda: _csv(HEADER, "1.3,Woninginbraken,2023,NaN,aantal,Politie"),
        ("geen getal",),
    ),
    Case(
        "inf-value",
        "inf.csv",
        lambda: _csv(HEADER, "1.3,Woninginbraken,2023,inf,aantal,Politie"),
        ("geen getal",),
    ),
    Case(
        "huge-value",
        "groot.csv",
        lambda: _csv(HEADER, f"1.3,Woninginbraken,2023,{'9' * 400},aantal,Politie"),
        ("getal",),
    ),
    Case(
        "negative-year",
        "jaar.csv",
        lambda: _csv(HEADER, "1.3,Woninginbraken,-2023,40,aantal,Politie"),
        ("jaartal",),
    ),
    Case(
        "year-far-future",
        "jaar2.csv",
        lambda: _csv(HEADER, "1.3,Woninginbraken,99999,40,aantal,Politie"),
        ("jaartal",),
    ),
    Case(
        "formula-as-value",
        "formule.csv",
        lambda: _csv(HEADER, '1.3,Woninginbraken,2023,"=HYPERLINK(""http://x"";1)",aantal,Politie'),
        ("geen getal",),
    ),
    Case(
        "script-as-region",
        "html.csv",
        lambda: _csv(HEADER + ",region_code", "1.3,Woninginbraken,2023,40,aantal,Politie,<script>x</script>"),
        ("regiocode",),
    ),
    Case(
        "long-indicator",
        "lang.csv",
        lambda: _csv(HEADER, f"1.3,{'x' * 300},2023,40,aantal,Politie"),
        ("te lang",),
    ),
    Case(
        "long-unit",
        "eenheid.csv",
        lambda: _csv(HEADER, f"1.3,Woninginbraken,2023,40,{'u' * 100},Politie"),
        ("eenheid", "te lang"),
    ),
    Case(
        "long-source",
        "bron.csv",
        lambda: _csv(HEADER, f"1.3,Woninginbraken,2023,40,aantal,{'b' * 300}"),
        ("bron", "te lang"),
    ),
    Case("duplicate-row", "dubbel.csv", lambda: _csv(HEADER, GOOD_ROW, GOOD_ROW), ("ook op regel",)),
    Case(
        "statline-missing-perioden",
        "83648NED.csv",
        lambda: _csv("ID;SoortMisdrijf;RegioS;Jaar;Totaal_1", "1;0.0.0;GM0148;2023JJ00;4"),
        ("niet herkend",),
    ),
    Case(
        "statline-bad-region",
        "83648NED_regio.csv",
        lambda: _csv(
            "ID;SoortMisdrijf;RegioS;Perioden;TotaalGeregistreerdeMisdrijven_1",
            "1;T001161;<b>GM</b>;2023JJ00;4",
        ),
        ("regiocode",),
    ),
    Case("old-excel", "oud.xls", lambda: b"\xd0\xcf\x11\xe0" + b"\0" * 100, (".xls",)),
    Case("corrupt-xlsx", "kapot.xlsx", lambda: b"PK\x03\x04" + b"niet echt een werkmap", ("Excel",)),
    Case(
        "xlsx-missing-column",
        "blad.xlsx",
        lambda: xlsx_bytes([["theme_code", "indicator", "year", "value"], ["1.3", "Inbraak", 2023, 4]]),
        ("ontbreekt",),
    ),
    Case("fifty-megabytes", "groot-bestand.csv", _fifty_megabytes, ("te groot", "MB")),
    Case(
        "statline-negative-count",
        "min.csv",
        lambda: _csv(STATLINE_HEAD, "1;1.1.1 ;GM9999;2023JJ00;-10"),
        ("negatief", "aantal"),
    ),
    Case(
        "statline-thousands-separator",
        "duizend.csv",
        lambda: _csv(STATLINE_HEAD, "1;0.0.0 ;GM9999;2023JJ00;1.296"),
        ("duizendtallen", "1296"),
    ),
    Case(
        "statline-future-year",
        "toekomst.csv",
        lambda: _csv(STATLINE_HEAD, f"1;0.0.0 ;GM9999;{date.today().year + 1}JJ00;10"),
        ("huidige jaar",),
    ),
    Case(
        "statline-conflicting-duplicate",
        "twee.csv",
        lambda: _csv(STATLINE_HEAD, "1;1.1.1 ;GM9999;2023JJ00;40", "2;1.1.1 ;GM9999;2023JJ00;45"),
        ("ook op regel 2", "andere waarde"),
    ),
    Case(
        "long-thousands-separator",
        "duizend-lang.csv",
        lambda: _csv(HEADER.replace(",", ";"), "1.3;Woninginbraken;2023;1.296;aantal;Politie"),
        ("duizendtallen",),
    ),
    Case(
        "long-negative-count",
        "min-lang.csv",
        lambda: _csv(HEADER, "1.3,Woninginbraken,2023,-4,aantal,Politie"),
        ("negatief",),
    ),
    Case(
        "long-future-year",
        "toekomst-lang.csv",
        lambda: _csv(HEADER, f"1.3,Woninginbraken,{date.today().year + 1},4,aantal,Politie"),
        ("huidige jaar",),
    ),
    Case(
        "excel-date-key",
        "datum.csv",
        lambda: _csv(STATLINE_HEAD, "1;9-9-2009;GM9999;2023JJ00;10"),
        ("datum", "Tekst"),
    ),
]


@pytest.fixture
def municipality_id(engine: Engine) -> int:
    make_trajectory(engine)
    with session_scope(engine) as s:
        ensure_mapping(s)  # seeded at start-up in the app; a preview must not be the first to write it
        found = s.scalar(select(Municipality.id))
        assert found is not None
        return found


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_figure_file_is_refused_in_dutch_and_changes_nothing(
    case: Case, engine: Engine, municipality_id: int
) -> None:
    data = case.data()
    before = take(engine)
    with session_scope(engine) as s:
        preview = preview_import(s, case.filename, data, municipality_id)
    assert not preview.ok
    message = " ".join(f"{p.message} {p.action}" for p in preview.errors)
    assert_dutch(message, case.keywords)
    with pytest.raises(ImportRejected) as refused, session_scope(engine) as s:
        import_file(s, case.filename, data, municipality_id, "test")
    assert_dutch(str(refused.value), case.keywords)
    assert_unchanged(before, engine)
