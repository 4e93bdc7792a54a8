"""Issue 29, "Done when": a generated whole-country 47013NED file and population files (58 municipalities in
every CBS size class, `.` for unknown values) imported with `import FILE --trajectory N --comparison`; every
rate `compare` prints is checked against a computation here from the files themselves (plain csv, no app code).
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from ivp_core.analysis.importers.mapping import read_proposal
from ivp_core.cli import main
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import ComparisonCount, ComparisonPopulation, Figure
from tests.analysis.comparison.country import (
    OWN,
    YEARS,
    write_crime_file,
    write_kwb_file,
    write_population_file,
)

BOUNDS = (0, 5_000, 10_000, 20_000, 50_000, 100_000, 150_000, 250_000)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return [{k: v.strip() for k, v in row.items()} for row in csv.DictReader(handle, delimiter=";")]


def _number(cell: str) -> float | None:
    return None if cell == "." else float(cell)


def theme_counts(path: Path) -> dict[tuple[str, str, int], float | None]:
    """(region, theme, year) → count: a year's row, else twelve known months; a theme is unknown when any of
    its crime types is; municipalities and NL01 only."""
    theme_of = {row.crime_type_code: row.theme_code for row in read_proposal() if row.theme_code}
    yearly: dict[tuple[str, str, int], float | None] = {}
    months: dict[tuple[str, str, int], list[float | None]] = defaultdict(list)
    for row in _rows(path):
        region, crime, period = row["RegioS"], row["SoortMisdrijf"], row["Perioden"]
        if not (re.fullmatch(r"GM\d{4}", region) or region == "NL01") or crime not in theme_of:
            continue
        value = _number(row["GeregistreerdeMisdrijven_1"])
        key = (region, crime, int(period[:4]))
        if period[4:6] == "JJ":
            yearly[key] = value
        else:
            months[key].append(value)
    for key, values in months.items():
        yearly.setdefault(
            key, sum(v for v in values if v is not None) if len(values) == 12 and None not in values else None
        )  # type: ignore[misc]
    themes: dict[tuple[str, str, int], list[float | None]] = defaultdict(list)
    for (region, crime, year), value in yearly.items():
        themes[(region, theme_of[crime], year)].append(value)
    return {key: None if None in values else sum(values) for key, values in themes.items()}  # type: ignore[misc]


def inhabitants(path: Path) -> dict[tuple[str, int], float]:
    """Totals of every classification only (T001038, 10000, T001019); `.` left out."""
    result = {}
    for row in _rows(path):
        if (row["Geslacht"], row["Leeftijd"], row["BurgerlijkeStaat"]) != ("T001038", "10000", "T001019"):
            continue
        if row["BevolkingOp1Januari_1"] != ".":
            result[(row["RegioS"], int(row["Perioden"][:4]))] = float(row["BevolkingOp1Januari_1"])
    return result


def size_class(n: float) -> int:
    return max(i for i, bound in enumerate(BOUNDS) if n >= bound)


def near(people: dict[tuple[str, int], float], region: str, year: int) -> float | None:
    """The stated tolerance: inhabitants of the year, else of the year before, else of the year after."""
    return next((people[(region, y)] for y in (year, year - 1, year + 1) if people.get((region, y))), None)


def expected_rows(
    counts: dict[tuple[str, str, int], float | None],
    people: dict[tuple[str, int], float],
    year: int,
    members: list[str],
) -> dict[str, tuple[float | None, float | None, int, float | None]]:
    def rate(region: str, theme: str) -> float | None:
        count, n = counts.get((region, theme, year)), near(people, region, year)
        return None if count is None or not n else count / n * 1000

    result = {}
    for theme in sorted({t for _, t, y in counts if y == year}):
        known = [m for m in members if counts.get((m, theme, year)) is not None and near(people, m, year)]
        total_people = sum(near(people, m, year) or 0 for m in known)
        group = sum(counts[(m, theme, year)] or 0 for m in known) / total_people * 1000 if known else None
        result[theme] = (rate(OWN, theme), group, len(known), rate("NL01", theme))
    return result


def check(
    out: str, expected: dict[str, tuple[float | None, float | None, int, float | None]], group_name: str
) -> None:
    printed = list(csv.DictReader(out.splitlines()))
    assert list(printed[0]) == [
        "theme_code", "year", "own_per_1000", "group_per_1000", "group_name", "group_size", "national_per_1000",
    ]  # fmt: skip
    assert {row["theme_code"] for row in printed} == set(expected)
    for row in printed:
        own, group, size, national = expected[row["theme_code"]]
        for column, value in (
            ("own_per_1000", own),
            ("group_per_1000", group),
            ("national_per_1000", national),
        ):
            if value is None:
                assert row[column] == "", (row, column)
            else:
                assert float(row[column]) == pytest.approx(value, abs=6e-5), (row, column)
        assert int(row["group_size"]) == size, row
        assert row["group_name"] == group_name


def test_whole_country_files_give_the_rates_the_files_hold(
    engine: Engine,
    database_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("IVP_NO_DEMO", "1")
    crime, population, kwb = (
        tmp_path / "47013NED_alle_gemeenten.csv",
        tmp_path / "03759ned.csv",
        tmp_path / "kwb-2023.csv",
    )
    rows = write_crime_file(crime)
    write_population_file(population)
    write_kwb_file(kwb)
    code, out, err = run(
        capsys, "trajectory", "create", "--title", "IVP Dalfsen", "--period", "2027-2030",
        "--municipality", f"{OWN}=Dalfsen",
    )  # fmt: skip
    assert code == 0, err
    tid = out.strip()

    code, out, err = run(capsys, "compare", "--trajectory", tid, "--format", "csv")
    assert (code, out) == (2, "")
    assert "nog geen vergelijkingsgegevens" in err

    code, out, err = run(capsys, "import", str(crime), "--trajectory", tid, "--comparison")
    assert code == 0, err
    assert f"uit {rows} regels" in err
    code, out, err = run(capsys, "compare", "--trajectory", tid)
    assert code == 2 and "inwonersaantallen" in err, err
    code, out, err = run(capsys, "import", str(population), "--trajectory", tid, "--comparison")
    assert code == 0, err

    counts, people = theme_counts(crime), inhabitants(population)
    assert None in counts.values()  # the file's '.' made some theme-years unknown
    with session_scope(engine) as db:
        # what the comparison needs: one count per region, theme and year, not the file's rows
        assert db.scalar(select(func.count()).select_from(ComparisonCount)) == len(counts) < rows / 10
        assert db.scalar(select(func.count()).select_from(Figure)) == 0  # the own figures are untouched
    own_class = size_class(people[(OWN, 2023)])
    for year in (2023, 2021):
        regions = {r for r, _ in people if r.startswith("GM")}
        members = sorted(r for r in regions if (n := near(people, r, year)) and size_class(n) == own_class)
        assert len(members) >= 15
        code, out, err = run(
            capsys,
            "compare",
            "--trajectory",
            tid,
            "--year",
            str(year),
            "--group",
            "grootte",
            "--format",
            "csv",
        )
        assert code == 0, err
        check(out, expected_rows(counts, people, year, members), "gemeenten met 20.000 tot 50.000 inwoners")

    # urbanisation: refused until a file with MateVanStedelijkheid is imported, then the same check
    code, out, err = run(capsys, "compare", "--trajectory", tid, "--group", "stedelijkheid")
    assert code == 2 and "stedelijkheid" in err and out == ""
    code, out, err = run(capsys, "import", str(kwb), "--trajectory", tid, "--comparison")
    assert code == 0, err
    levels = {
        r["WijkenEnBuurten"]: r["MateVanStedelijkheid_104"]
        for r in _rows(kwb)
        if r["SoortRegio_2"] == "Gemeente"
    }
    people_kwb = {**people, **{(r["WijkenEnBuurten"].replace("NL00", "NL01"), 2023): float(r["AantalInwoners_5"]) for r in _rows(kwb)
                               if r["SoortRegio_2"] in {"Gemeente", "Land"} and r["AantalInwoners_5"] != "."}}  # fmt: skip
    members = sorted(c for c, level in levels.items() if level == levels[OWN])
    code, out, err = run(capsys, "compare", "--trajectory", tid, "--group", "stedelijkheid")
    assert code == 0, err
    check(
        out, expected_rows(counts, people_kwb, 2023, members), "weinig stedelijke gemeenten (stedelijkheid 4)"
    )
    with session_scope(engine) as db:  # the KWB file gave urbanisation; Bevolking's other years kept theirs
        assert (
            db.scalar(
                select(func.count())
                .select_from(ComparisonPopulation)
                .where(ComparisonPopulation.year == 2022)
            )
            > 50
        )

    # the coordinator's own list (with one municipality whose inhabitants are unknown): a small group, warned
    code, out, err = run(capsys, "compare", "--trajectory", tid, "--group", "eigen")
    assert code == 2 and "eigen lijst" in err
    code, _, err = run(capsys, "compare-list", "--trajectory", tid, "GM0001", "GM0032", "GM0063")
    assert code == 0, err
    code, out, err = run(capsys, "compare", "--trajectory", tid, "--group", "eigen")
    assert code == 0, err
    check(
        out,
        expected_rows(counts, people_kwb, 2023, ["GM0001", "GM0032", "GM0063", OWN]),
        "eigen lijst van gemeenten",
    )
    assert "minder dan 5" in err

    code, out, err = run(capsys, "compare", "--trajectory", tid, "--year", "2019")
    assert (code, out) == (2, "") and "Wel over: 2021, 2022, 2023" in err


def test_a_bad_cell_refuses_the_whole_file_in_dutch(
    engine: Engine, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    crime = tmp_path / "47013NED.csv"
    write_crime_file(crime, monthly_years=())
    lines = crime.read_text(encoding="utf-8").splitlines()
    lines[40] = lines[40].rsplit(";", 3)[0] + ";  1.296;     5;     ."  # a thousands separator in a count
    lines[41] = lines[41].replace("JJ00", "XX00")
    crime.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run(
        capsys,
        "trajectory",
        "create",
        "--title",
        "IVP",
        "--period",
        "2027-2030",
        "--municipality",
        f"{OWN}=Dalfsen",
    )
    assert code == 0, err
    code, out, err = run(capsys, "import", str(crime), "--trajectory", out.strip(), "--comparison")
    assert code == 2 and out == ""
    assert "er is niets opgeslagen" in err and "regel 41" in err and "'1.296' is geen aantal" in err
    assert "regel 42" in err and "'2022XX00' is geen periode" in err
    with session_scope(engine) as db:
        assert db.scalar(select(func.count()).select_from(ComparisonCount)) == 0

    commas = tmp_path / "47013NED_excel.csv"  # saved again by an English Excel: commas between the columns
    commas.write_text(crime.read_text(encoding="utf-8").replace(";", ","), encoding="utf-8")
    code, out, err = run(capsys, "import", str(commas), "--trajectory", "1", "--comparison")
    assert code == 2 and "puntkomma" in err and "Traceback" not in err

    unknown = tmp_path / "leeg.csv"
    unknown.write_text("a;b;c\n1;2;3\n", encoding="utf-8")
    code, out, err = run(capsys, "import", str(unknown), "--trajectory", "1", "--comparison")
    assert code == 2 and "geen misdrijven- en geen bevolkingsbestand" in err


def test_years_tolerance_and_the_rule_are_said_once() -> None:
    from ivp_core.analysis.comparison.groups import RULE, size_class_name, verdict

    assert "gepoold" in RULE and "de gemeente zelf telt mee" in RULE
    assert size_class_name(0) == "gemeenten met minder dan 5.000 inwoners"
    assert size_class_name(7) == "gemeenten met 250.000 of meer inwoners"
    assert (verdict(11.1, 10.0), verdict(10.9, 10.0), verdict(8.9, 10.0), verdict(None, 1.0)) == (
        "hoger", "gelijk", "lager", None,
    )  # fmt: skip
    assert YEARS == (2021, 2022, 2023)
