"""`indicator add|measure|list` in-process (fast): stored values, the verdict in the list, and every refusal
in Dutch with exit code 2 and nothing stored."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from ivp_core.cli import main
from ivp_core.dutch import local_today
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import EffectIndicator, IndicatorMeasurement
from tests.own_municipality import CODE, NAME, write_statline_file

THIS_YEAR = local_today().year
#: A plan that began two years ago: 2023 is the nulmeting year of the imported police figures.
PERIOD = f"{THIS_YEAR - 2}-{THIS_YEAR + 1}"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def listing(capsys: pytest.CaptureFixture[str], trajectory_id: int) -> list[dict[str, str]]:
    code, out, err = run(capsys, "indicator", "list", "--trajectory", str(trajectory_id))
    assert code == 0, err
    return list(csv.DictReader(io.StringIO(out)))


@pytest.fixture
def trajectory_id(engine: Engine, capsys: pytest.CaptureFixture[str]) -> int:
    code, out, err = run(
        capsys, "trajectory", "create", "--title", "IVP Dalfsen", "--period", PERIOD,
        "--municipality", f"{CODE}={NAME}", "--inhabitants", f"{CODE}:2023=28900",
    )  # fmt: skip
    assert code == 0, err
    return int(out)


def _stored(engine: Engine) -> tuple[int, int]:
    with session_scope(engine, readonly=True) as db:
        return (
            db.scalar(select(func.count(EffectIndicator.id))) or 0,
            db.scalar(select(func.count(IndicatorMeasurement.id))) or 0,
        )


def test_add_measure_and_list_with_the_verdict(
    engine: Engine, trajectory_id: int, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "indicator", "add", "--trajectory", str(trajectory_id), "--theme", "1.3",
        "--name", "Woninginbraken", "--source", "Politie", "--baseline", f"{THIS_YEAR - 3}=12.5",
        "--target", f"{THIS_YEAR + 1}=8.5", "--unit", "per 1.000 inwoners",
    )  # fmt: skip
    assert code == 0, err
    indicator_id = int(out)
    assert listing(capsys, trajectory_id)[0] == {
        "id": str(indicator_id),
        "theme_code": "1.3",
        "name": "Woninginbraken",
        "baseline_year": str(THIS_YEAR - 3),
        "baseline_value": "12.5",
        "target_year": str(THIS_YEAR + 1),
        "target_value": "8.5",
        "latest_year": "",
        "latest_value": "",
        "verdict": "nog geen nieuwe meting",
    }
    # 12.5 → 8.5 over 4 years: 1 a year; the line is at 9.5 in this year. The same year measured again
    # replaces the value (with its own source).
    for value, source, verdict in (
        ("11,8", [], "achter op schema"),
        ("9.2", ["--source", "eigen telling"], "op koers"),
    ):
        measure = ("--indicator", str(indicator_id), "--year", str(THIS_YEAR), "--value", value, *source)
        code, _, err = run(capsys, "indicator", "measure", *measure)
        assert code == 0, err
        row = listing(capsys, trajectory_id)[0]
        assert (row["latest_year"], row["latest_value"], row["verdict"]) == (
            str(THIS_YEAR),
            value.replace(",", "."),
            verdict,
        )
    assert _stored(engine) == (1, 1)  # the same year replaced, not added


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--baseline", "2023=twaalf", "--target", "{end}=9"), "geen getal"),
        (("--baseline", "2023=12.5", "--target", "2040=9"), "binnen de looptijd"),
        (("--baseline", "{end}=12.5", "--target", "{start}=9"), "vóór de nulmeting"),
        (("--baseline", "2023", "--target", "{end}=9"), "jaar=waarde"),
        (("--baseline", "2023=12.5", "--target", "{end}=9", "--theme", "9.9"), "Onbekend thema"),
        (("--baseline", "2023=-1", "--target", "{end}=9"), "negatief"),
        # a year that is not one: the example shows the whole form (it said "--baseline 2026")
        (("--baseline", "=12.5", "--target", "{end}=9"), "jaar=waarde, bijvoorbeeld --baseline 2024=12.5."),
        (("--baseline", "2023=12.5", "--target", "30=9"), "jaar=waarde, bijvoorbeeld --target 2030=9.0."),
    ],
)
def test_add_refuses_in_dutch_and_stores_nothing(
    engine: Engine, trajectory_id: int, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], words: str
) -> None:
    start, end = PERIOD.split("-")
    filled = [a.format(start=start, end=end) for a in args]
    theme = ["--theme", "1.3"] if "--theme" not in filled else []
    code, out, err = run(
        capsys, "indicator", "add", "--trajectory", str(trajectory_id), *theme, "--name", "Woninginbraken",
        "--source", "Politie", *filled,
    )  # fmt: skip
    assert (code, out) == (2, "")
    assert err.startswith("Fout: ") and words in err, err
    assert _stored(engine) == (0, 0)


def test_measure_refuses_in_dutch_and_stores_nothing(
    engine: Engine, trajectory_id: int, capsys: pytest.CaptureFixture[str]
) -> None:
    start, end = PERIOD.split("-")
    code, out, _ = run(
        capsys, "indicator", "add", "--theme", "1.3", "--name", "Woninginbraken", "--source", "Politie",
        "--baseline", f"{int(start) - 1}=12.5", "--target", f"{end}=9",
    )  # fmt: skip
    assert code == 0
    ind = out.strip()
    cases = [
        (("--indicator", ind, "--year", str(int(end) + 3), "--value", "11"), "buiten de looptijd"),
        (("--indicator", ind, "--year", end, "--value", "11"), "moet nog komen"),
        (("--indicator", ind, "--year", str(THIS_YEAR), "--value", "elf"), "geen getal"),
        (("--indicator", ind, "--year", "volgend jaar", "--value", "11"), "geen jaartal"),
        (("--indicator", "999", "--year", str(THIS_YEAR), "--value", "11"), "Indicator 999 bestaat niet"),
        (("--indicator", "abc", "--year", str(THIS_YEAR), "--value", "11"), "geen nummer"),
    ]
    for args, words in cases:
        code, out, err = run(capsys, "indicator", "measure", *args)
        assert (code, out) == (2, ""), args
        assert words in err, (args, err)
    assert _stored(engine) == (1, 0)


def test_an_import_of_next_year_fills_the_realised_value(
    engine: Engine, trajectory_id: int, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The police sum of theme 1.3 (60 burglaries in 2023 on 28.900 inhabitants: 2,08 per 1.000) is the
    indicator; next year's download with 36 burglaries (1,25 per 1.000) fills in its realised value."""
    assert (
        run(capsys, "import", str(write_statline_file(tmp_path)), "--trajectory", str(trajectory_id))[0] == 0
    )
    code, _, err = run(
        capsys, "indicator", "add", "--theme", "1.3", "--name", "Geregistreerde misdrijven",
        "--source", "CBS/Politie (47013NED)", "--baseline", "2023=2.08", "--target", f"{PERIOD[-4:]}=1.5",
    )  # fmt: skip
    assert code == 0, err
    assert listing(capsys, trajectory_id)[0]["verdict"] == "nog geen nieuwe meting"
    next_year = write_statline_file(tmp_path, 2024, {(CODE, "1.1.1"): 3, (CODE, "0.0.0"): 30})
    code, _, err = run(capsys, "import", str(next_year), "--trajectory", str(trajectory_id))
    assert code == 0, err
    row = listing(capsys, trajectory_id)[0]
    assert (row["latest_year"], row["verdict"]) == ("2024", "op koers")
    assert float(row["latest_value"]) == pytest.approx(36 / 28.9, abs=0.001)
    assert _stored(engine) == (1, 0)  # read from the figures, nothing copied


def test_a_plan_still_to_come_is_measured_from_the_year_after_its_nulmeting(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's own example on a plan that starts next year: nulmeting two years ago, this year measured
    by hand (before the plan's first year, after the nulmeting: it was refused as "buiten de looptijd", so a
    plan still to come could not be measured at all). A year that has not begun, a year after the plan, a
    nulmeting in the future and a target in the nulmeting's own year stay refused."""
    start, end = THIS_YEAR + 1, THIS_YEAR + 4
    code, out, err = run(
        capsys, "trajectory", "create", "--title", "IVP Dalfsen", "--period", f"{start}-{end}",
        "--municipality", f"{CODE}={NAME}",
    )  # fmt: skip
    assert code == 0, err
    tid = out.strip()
    code, out, err = run(
        capsys, "indicator", "add", "--trajectory", tid, "--theme", "1.3", "--name", "Woninginbraken",
        "--source", "Politie", "--baseline", f"{THIS_YEAR - 2}=12.5", "--target", f"{end}=9.0",
        "--unit", "per 1.000 inwoners",
    )  # fmt: skip
    assert code == 0, err
    ind = out.strip()
    assert ind.isdigit()
    for year, value in ((THIS_YEAR - 1, "12,1"), (THIS_YEAR, "11.8")):
        code, out, err = run(
            capsys, "indicator", "measure", "--indicator", ind, "--year", str(year), "--value", value
        )  # fmt: skip
        assert (code, out) == (0, ""), err
    row = listing(capsys, tid)[0]
    # every number with a decimal point, as it was given (the list wrote "9" for --target 2030=9.0)
    assert (row["baseline_value"], row["target_value"]) == ("12.5", "9.0")
    # the line from 12,5 to 9 over 6 years is at 12,5 − 3,5 × 2 / 6 ≈ 11,33 this year; 11,8 lies above it
    assert (row["latest_year"], row["latest_value"], row["verdict"]) == (
        str(THIS_YEAR),
        "11.8",
        "achter op schema",
    )
    refusals = [
        (("measure", "--indicator", ind, "--year", str(start), "--value", "11"), "moet nog komen"),
        (("measure", "--indicator", ind, "--year", str(THIS_YEAR - 2), "--value", "11"), "niet na de nulmeting"),
        (("measure", "--indicator", ind, "--year", str(end + 1), "--value", "11"), "buiten de looptijd"),
        (("measure", "--indicator", ind, "--year", str(THIS_YEAR), "--value", "12 5"), "geen getal"),
        (
            ("add", "--trajectory", tid, "--theme", "1.3", "--name", "Later", "--source", "Politie",
             "--baseline", f"{start}=3", "--target", f"{end}=2"),
            "in de toekomst",
        ),
        (
            ("add", "--trajectory", tid, "--theme", "1.3", "--name", "Gelijk", "--source", "Politie",
             "--baseline", f"{THIS_YEAR}=3", "--target", f"{THIS_YEAR}=2"),
            "hetzelfde jaar",
        ),
    ]  # fmt: skip
    for args, words in refusals:
        before = _stored(engine)
        code, out, err = run(capsys, "indicator", *args)
        assert (code, out) == (2, ""), args
        assert err.startswith("Fout: ") and words in err, (args, err)
        assert _stored(engine) == before


def test_a_dutch_thousands_separator_is_read_and_a_stray_space_refused() -> None:
    from ivp_core.plan.measurements import MeasurementError, parse_value

    assert parse_value("1.234,5") == 1234.5
    assert parse_value("1 234") == 1234.0
    assert parse_value("11,8") == 11.8
    with pytest.raises(MeasurementError, match="geen getal"):
        parse_value("12 5")  # was read as 125


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("indicator", "measure", "--indicator", "1", "--year", "2026"), "Dit ontbreekt nog: --value."),
        (("indicator", "list", "--trajectory", "abc"), "Bij --trajectory is 'abc' geen geheel getal."),
        (("indicator", "add", "--theme", "1.3", "--kind", "raar"), "Bij --kind kan 'raar' niet. Kies uit:"),
        (("indicator", "list", "--trajectory", "1", "--csv"), "Onbekend: --csv."),
        (("indicator", "weg"), "Onbekende opdracht 'weg'. Kies uit: 'add', 'measure', 'list'."),
    ],
)
def test_a_mistyped_command_is_refused_in_dutch(
    engine: Engine, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], words: str
) -> None:
    """argparse's own refusals (a missing option, a word where a number belongs) were English."""
    code, out, err = run(capsys, *args)
    assert (code, out) == (2, "")
    assert err.startswith(f"Fout: {words}") and "--help" in err, err
    assert _stored(engine) == (0, 0)


def test_an_out_folder_that_is_a_file_is_refused_in_dutch(
    engine: Engine, trajectory_id: int, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`progress --out` and `report --out` naming a file ended in 'Fout: FileExistsError: …', exit code 1."""
    taken = tmp_path / "voortgang"
    taken.write_text("al in gebruik")
    for args in (
        ("progress", "--trajectory", str(trajectory_id), "--out", str(taken)),
        ("report", "--trajectory", str(trajectory_id), "--kind", "jaarplan", "--out", str(taken)),
        ("report", "--trajectory", str(trajectory_id), "--kind", "jaarplan", "--out", str(taken / "sub")),
    ):
        code, out, err = run(capsys, *args)
        assert (code, out) == (2, ""), (args, err)
        assert err.startswith("Fout: ") and "Error" not in err and str(taken) in err, err
    assert taken.read_text() == "al in gebruik"


def test_an_indicator_named_after_one_crime_type_follows_that_type(
    engine: Engine, trajectory_id: int, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A data team copies a name from what `import` prints ("Geregistreerde misdrijven: 1.1.1 Diefstal/inbraak
    woning") or writes the crime type alone: next year's download filled in nothing. Now the type's own
    count is followed, per 1.000 inwoners, or as a count for an indicator in "aantal"."""
    end = PERIOD[-4:]
    assert (
        run(capsys, "import", str(write_statline_file(tmp_path)), "--trajectory", str(trajectory_id))[0] == 0
    )
    named = {
        "Geregistreerde misdrijven: 1.1.1 Diefstal/inbraak woning": (
            "1.3",
            "2.08",
            "1.5",
            "per 1.000 inwoners",
        ),
        "Ongevallen (weg)": ("4.1", "120", "100", "aantal"),
    }
    ids = {}
    for name, (theme, baseline, target, unit) in named.items():
        code, out, err = run(
            capsys, "indicator", "add", "--theme", theme, "--name", name, "--source", "CBS/Politie (47013NED)",
            "--baseline", f"2023={baseline}", "--target", f"{end}={target}", "--unit", unit,
        )  # fmt: skip
        assert code == 0, err
        ids[name] = out.strip()
    next_year = write_statline_file(
        tmp_path, 2024, {(CODE, "1.1.1"): 3, (CODE, "1.3.1"): 9, (CODE, "0.0.0"): 30}
    )
    assert run(capsys, "import", str(next_year), "--trajectory", str(trajectory_id))[0] == 0
    rows = {r["id"]: r for r in listing(capsys, trajectory_id)}
    burglary = rows[ids["Geregistreerde misdrijven: 1.1.1 Diefstal/inbraak woning"]]
    assert burglary["latest_year"] == "2024" and float(burglary["latest_value"]) == pytest.approx(
        36 / 28.9, abs=1e-3
    )
    # 9 a month: 108 in 2024; the line from 120 (2023) to 100 ({end}) is above it that year: op koers
    accidents = rows[ids["Ongevallen (weg)"]]
    assert (accidents["latest_year"], accidents["latest_value"], accidents["verdict"]) == (
        "2024",
        "108.0",
        "op koers",
    )
    assert _stored(engine) == (2, 0)  # read from the figures, nothing copied


def test_the_yearly_uitvoeringsplan_of_a_chosen_year(
    trajectory_id: int, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A data team writes the uitvoeringsplan of the year it asks for (only the next year could be made)."""
    year = str(THIS_YEAR + 1)
    code, out, err = run(
        capsys, "report", "--trajectory", str(trajectory_id), "--kind", "jaarplan", "--year", year,
        "--out", str(tmp_path),
    )  # fmt: skip
    assert code == 0, err
    assert sorted(Path(line).name for line in out.split()) == [
        f"uitvoeringsplan-{year}-dalfsen.docx",
        f"uitvoeringsplan-{year}-dalfsen.html",
    ]
    code, out, err = run(
        capsys, "report", "--trajectory", str(trajectory_id), "--kind", "verslag,jaarplan", "--year", year,
        "--out", str(tmp_path / "x"),
    )  # fmt: skip
    assert (code, out) == (2, "") and "--year geldt alleen voor voortgang en jaarplan" in err
    assert not (tmp_path / "x").exists()
