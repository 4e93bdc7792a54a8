"""The comparison from the command line on a handful of municipalities whose rates are worked out by hand below:
the size classes at their exact boundaries, each accepted population file (the long format with `Inwoners`, CBS
"Bevolking op 1 januari", "Kerncijfers wijken en buurten" with Nederland as NL00), a joint trajectory, and the
Dutch refusals of wrong options.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from ivp_core.cli import main
from ivp_core.report.documents.veiligheidsanalyse import build_analysis_document
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Municipality

#: Inhabitants on 1 January 2023. GM0148 holds exactly 20.000: the lower bound belongs to 20.000–50.000.
PEOPLE = {
    "GM0148": 20_000,
    "GM0001": 19_999,
    "GM0002": 49_999,
    "GM0003": 50_000,
    "GM0004": 35_000,
    "GM0005": 5_000,
    "GM0006": 4_999,
    "GM0007": 250_000,
    "GM0008": 30_000,
    "GM0009": 10_000,
    "NL01": 17_900_000,
}
CRIMES = ("1.1.1 ", "1.4.5 ", "2.5.2 ", "2.2.1 ")  # themes 1.3, 1.3, 2.1, 1.2 in the shipped mapping
COUNTS = {  # 2023, per crime type above; None is '.' in the file
    "GM0148": (40, 60, 20, 80),
    "GM0001": (10, 10, 10, 10),
    "GM0002": (150, 100, 100, 150),
    "GM0003": (300, 300, 300, 300),
    "GM0004": (70, 105, 35, 105),
    "GM0005": (5, 5, 5, 5),
    "GM0006": (5, 5, 5, 5),
    "GM0007": (2000, 2000, 2000, 2000),
    "GM0008": (45, 90, None, 120),
    "GM0009": (10, 10, 10, 10),
    "NL01": (60_000, 90_000, 35_800, 71_600),
}
URBANISATION = {"GM0148": 4, "GM0001": 4, "GM0002": 2, "GM0003": 4, "GM0004": 4, "GM0008": None}


def _cell(value: int | None, width: int = 6) -> str:
    return f"{'.' if value is None else value:>{width}}"


def _write(folder: Path) -> dict[str, Path]:
    files = {
        "crime": folder / "47013NED.csv",
        "long": folder / "bevolking_lang.csv",
        "bevolking": folder / "03759ned.csv",
        "kwb": folder / "kwb-2023.csv",
    }
    lines = ["ID;SoortMisdrijf;RegioS;Perioden;GeregistreerdeMisdrijven_1;Aangiften_2;Internetaangiften_3"]
    for region, values in COUNTS.items():
        for crime, value in zip(CRIMES, values, strict=True):
            lines.append(f"{len(lines)};{crime};{region:<10};2023JJ00;{_cell(value)};{_cell(value)};     .")
        lines.append(f"{len(lines)};0.0.0 ;{region:<10};2023JJ00;{_cell(99_995)};     5;     .")
    lines.append(f"{len(lines)};1.1.1 ;PV23      ;2023JJ00;   775;     5;     .")
    files["crime"].write_text("\n".join(lines) + "\n", encoding="utf-8")
    files["long"].write_text(
        "theme_code,indicator,year,value,unit,source,region_code\n"
        + "".join(f",Inwoners,2023,{n},inwoners,CBS,{r}\n" for r, n in PEOPLE.items()),
        encoding="utf-8",
    )
    lines = [
        "ID;Geslacht;Leeftijd;BurgerlijkeStaat;RegioS;Perioden;BevolkingOp1Januari_1;GemiddeldeBevolking_2"
    ]
    for region, n in PEOPLE.items():
        for sex, value in (("T001038", n), ("3000   ", n // 2)):
            lines.append(
                f"{len(lines)};{sex};10000  ;T001019;{region:<10};2023JJ00;{_cell(value, 9)};        ."
            )
    files["bevolking"].write_text("\n".join(lines) + "\n", encoding="utf-8")
    lines = [
        "ID;WijkenEnBuurten;Gemeentenaam_1;SoortRegio_2;Codering_3;AantalInwoners_5;MateVanStedelijkheid_122"
    ]
    for region, n in PEOPLE.items():
        code, kind = ("NL00", "Land") if region == "NL01" else (region, "Gemeente")
        level = URBANISATION.get(region, 1 if kind == "Gemeente" else None)
        lines.append(
            f"{len(lines)};{code:<10};Naam {code}  ;{kind:<10};{code:<10};{_cell(n, 8)};{_cell(level, 3)}"
        )
        if kind == "Gemeente":
            lines.append(
                f"{len(lines)};WK{code[2:]}00  ;Naam {code}  ;Wijk      ;WK{code[2:]}00  ;     300;  1"
            )
    files["kwb"].write_text("\n".join(lines) + "\n", encoding="utf-8")
    return files


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _printed(out: str) -> dict[str, tuple[str, ...]]:
    rows = list(csv.reader(out.splitlines()))
    assert rows[0] == [
        "theme_code", "year", "own_per_1000", "group_per_1000", "group_name", "group_size", "national_per_1000",
    ]  # fmt: skip
    return {row[0]: tuple(row[1:]) for row in rows[1:]}


def _new_trajectory(capsys: pytest.CaptureFixture[str], period: str, *municipalities: str) -> str:
    args = [a for m in municipalities for a in ("--municipality", m)]
    code, out, err = _run(
        capsys, "trajectory", "create", "--title", f"IVP {period}", "--period", period, *args
    )
    assert code == 0, err
    return out.strip()


def _imported(capsys: pytest.CaptureFixture[str], folder: Path, population: str, *municipalities: str) -> str:
    """A trajectory made on the command line with the crime file and one population file as comparison."""
    files = _write(folder)
    tid = _new_trajectory(capsys, "2027-2030", *municipalities)
    for name in ("crime", population):
        code, _, err = _run(capsys, "import", str(files[name]), "--trajectory", tid, "--comparison")
        assert code == 0, err
    return tid


SIZE_GROUP = "gemeenten met 20.000 tot 50.000 inwoners"


# By hand: members GM0148 (20.000), GM0002 (49.999), GM0004 (35.000), GM0008 (30.000); not GM0001 (19.999)
# nor GM0003 (50.000). 1.2: 80+150+105+120 = 455 over 134.999; 1.3: 100+250+175+135 = 660 over 134.999;
# 2.1: GM0008 unknown, so 20+100+35 = 155 over 104.999 and three municipalities.
def _expected(group: str, rates: str) -> dict[str, tuple[str, ...]]:
    """Printed rows of 2023 from "theme own group size national; …", all with the same group name."""
    rows = (row.split() for row in rates.split(";"))
    return {theme: ("2023", own, pooled, group, size, nl) for theme, own, pooled, size, nl in rows}


BY_SIZE = _expected(
    SIZE_GROUP, "1.2 4.0000 3.3704 4 4.0000; 1.3 5.0000 4.8889 4 8.3799; 2.1 1.0000 1.4762 3 2.0000"
)


def test_each_population_file_gives_the_hand_computed_rates(
    engine: Engine, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = _write(tmp_path)
    for period, population in (("2027-2030", "long"), ("2019-2022", "bevolking"), ("2028-2031", "kwb")):
        tid = _new_trajectory(capsys, period, "GM0148=Dalfsen")
        for name in ("crime", population):
            code, _, err = _run(capsys, "import", str(files[name]), "--trajectory", tid, "--comparison")
            assert code == 0, err
        code, out, err = _run(capsys, "compare", "--trajectory", tid, "--format", "csv")
        assert code == 0, err
        assert _printed(out) == BY_SIZE, population  # the KWB file's Nederland is NL00
        assert "de groep telt 4 gemeenten (minder dan 5)" in err

    # stedelijkheid 4: GM0148, GM0001, GM0003, GM0004 (GM0008's is unknown): 1.2 is 80+10+300+105 = 495
    # over 124.999, 1.3 is 100+20+600+175 = 895, 2.1 is 20+10+300+35 = 365
    code, out, err = _run(
        capsys, "compare", "--trajectory", tid, "--group", "stedelijkheid", "--format", "csv"
    )
    assert code == 0, err
    rates = "1.2 4.0000 3.9600 4 4.0000; 1.3 5.0000 7.1601 4 8.3799; 2.1 1.0000 2.9200 4 2.0000"
    assert _printed(out) == _expected("weinig stedelijke gemeenten (stedelijkheid 4)", rates)


def test_every_size_class_starts_at_its_lower_bound(
    engine: Engine, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tid = _imported(capsys, tmp_path, "long", "GM0005=Vijfduizend", "GM0006=Kleinst", "GM0009=Tienduizend")
    for region, group in (
        ("GM0005", "gemeenten met 5.000 tot 10.000 inwoners"),
        ("GM0006", "gemeenten met minder dan 5.000 inwoners"),
        ("GM0009", "gemeenten met 10.000 tot 20.000 inwoners"),  # with GM0001 (19.999)
    ):
        code, out, err = _run(capsys, "compare", "--trajectory", tid, "--municipality", region)
        assert code == 0, err
        assert {row[3] for row in _printed(out).values()} == {group}, region
    assert _printed(out)["1.2"][2:5] == (
        "0.6667",
        "gemeenten met 10.000 tot 20.000 inwoners",
        "2",
    )  # 20 / 29.999
    assert "de groep telt 2 gemeenten" in err
    code, out, err = _run(capsys, "compare", "--trajectory", tid)  # several municipalities: say whose rates
    assert code == 0 and "Vergeleken: GM0006. De andere gemeenten van dit traject: GM0009, GM0005" in err
    assert {row[3] for row in _printed(out).values()} == {"gemeenten met minder dan 5.000 inwoners"}
    assert "de groep telt 1 gemeente (minder dan 5)" in err
    with session_scope(engine) as db:  # the document of the municipality that is alone in its size class
        alone = db.scalar(select(Municipality.id).where(Municipality.cbs_code == "GM0006"))
        text = " ".join(str(block) for block in build_analysis_document(db, int(tid), alone).blocks)
    assert "gemeenten met minder dan 5.000 inwoners (1 gemeente) en met Nederland" in text
    assert "(1 gemeenten" not in text and "deze groep telt minder dan 5 gemeenten" in text


def test_a_joint_trajectory_compares_each_partner_with_the_others_by_default(
    engine: Engine, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tid = _imported(capsys, tmp_path, "kwb", "GM0148=Dalfsen", "GM0004=Buurdorp", "GM0001=Klein")
    # partners: 1.2 is 80+105+10 = 195 over 74.999; 1.3 is 100+175+20 = 295; 2.1 is 20+35+10 = 65
    group = "eigen lijst van gemeenten"
    for region, own in (("GM0148", "4.0000"), ("GM0004", "3.0000"), ("GM0001", "0.5000")):
        code, out, err = _run(
            capsys, "compare", "--trajectory", tid, "--municipality", region, "--group", "eigen"
        )
        assert code == 0, err
        printed = _printed(out)
        assert printed["1.2"] == ("2023", own, "2.6000", group, "3", "4.0000")
        assert printed["1.3"][2] == "3.9334" and printed["2.1"][2] == "0.8667"


def test_wrong_options_are_refused_in_dutch(
    engine: Engine, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tid = _imported(capsys, tmp_path, "bevolking", "GM0148=Dalfsen")
    for args, message in (
        (("--group", "buren"), "'buren' is geen vergelijkingsgroep. Kies grootte, stedelijkheid, eigen."),
        (("--year", "twee"), "'twee' is geen jaartal"),
        (("--format", "json"), "'json' is geen uitvoerformaat"),
        (("--year", "2019"), "Er zijn geen vergelijkingscijfers over 2019. Wel over: 2023."),
        (("--group", "eigen"), "Er is nog geen eigen lijst van gemeenten"),
        (("--group", "stedelijkheid"), "Er is geen mate van stedelijkheid geïmporteerd"),
    ):
        code, out, err = _run(capsys, "compare", "--trajectory", tid, *args)
        assert (code, out) == (2, ""), args
        assert err.startswith("Fout: ") and message in err, err
