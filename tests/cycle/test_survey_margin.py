"""A joint trajectory made from nothing on the command line, measured by importing next round's
Veiligheidsmonitor: the verdicts follow the documented rule by hand, the survey's margin included, and the
page's caption shows that margin (without it "op koers" above the line cannot be followed)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import Engine

from ivp_core.plan.progress import list_progress
from ivp_core.report.progress_page import indicator_caption
from tests.cycle.seed import cli

YEARS = (2021, 2023)


def _vm(year: int, rows: dict[str, tuple[float, float, float]]) -> str:
    """A Veiligheidsmonitor download (85146NED) of 'te hard rijden' with value, lower and upper bound."""
    lines = ["ID;Marges;RegioS;Perioden;TeHardRijden_41"]
    for code, (value, low, high) in rows.items():
        for marker, number in (("MW00000", value), ("MOG0095", low), ("MBG0095", high)):
            lines.append(f"{len(lines)};{marker};{code:<10};{year}JJ00;{number:8.1f}")
    return "\n".join(lines) + "\n"


def test_an_imported_survey_round_is_judged_with_its_margin(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IVP_NO_DEMO", "1")
    tid = cli(
        "trajectory", "create", "--title", "IVP Dalfsen en Kampen", "--period", "2021-2024",
        "--municipality", "GM0148=Dalfsen", "--municipality", "GM0166=Kampen",
        "--inhabitants", "GM0148:2021=28900", "--inhabitants", "GM0166:2021=54000",
    ).strip()  # fmt: skip
    first = tmp_path / "85146NED-2021.csv"
    first.write_text(_vm(2021, {"GM0148": (61.0, 58.2, 63.8), "GM0166": (50.0, 47.0, 53.0)}))
    cli("import", str(first), "--trajectory", tid)
    ids = {}
    for code, baseline, target in (("GM0148", "61.0", "50.0"), ("GM0166", "50.0", "45.0")):
        ids[code] = int(
            cli(
                "indicator", "add", "--trajectory", tid, "--theme", "4.1", "--municipality", code,
                "--name", "Vindt dat te hard rijden vaak voorkomt", "--source", "Veiligheidsmonitor",
                "--baseline", f"2021={baseline}", "--target", f"2024={target}", "--unit", "%",
            )
        )  # fmt: skip
    second = tmp_path / "85146NED-2023.csv"
    second.write_text(_vm(2023, {"GM0148": (55.0, 52.5, 57.5), "GM0166": (49.0, 48.0, 50.0)}))
    cli("import", str(second), "--trajectory", tid)

    rows = {
        int(r["id"]): r for r in csv.DictReader(io.StringIO(cli("indicator", "list", "--trajectory", tid)))
    }
    # Dalfsen: the line 61 → 50 stands at 61 − 11 × 2/3 = 53,67 in 2023. 55 lies above it (the wrong side),
    # but 53,67 lies inside the margin 52,5–57,5: not to be told from chance, so op koers.
    # Kampen: the line 50 → 45 stands at 46,67; the margin 48–50 does not hold it and 49 lies above: achter.
    assert 52.5 <= 61 - 11 * 2 / 3 <= 57.5 and not 48 <= 50 - 5 * 2 / 3 <= 50
    assert (rows[ids["GM0148"]]["latest_year"], rows[ids["GM0148"]]["latest_value"]) == ("2023", "55.0")
    assert rows[ids["GM0148"]]["verdict"] == "op koers"
    assert (rows[ids["GM0166"]]["latest_value"], rows[ids["GM0166"]]["verdict"]) == (
        "49.0",
        "achter op schema",
    )

    (dalfsen,) = [i for i in list_progress(int(tid)) if i.id == ids["GM0148"]]
    assert indicator_caption(dalfsen) == (
        "Nulmeting 61 (2021) · gemeten 55 (2023) (marge 52,5–57,5) · verwacht volgens de lijn 53,67 · "
        "streefwaarde 50 (2024) · bron: Veiligheidsmonitor"
    )

    # the XLSX annex gives the margin beside the value, as numbers
    from openpyxl import load_workbook

    from ivp_core.report.documents.voortgangsrapportage import progress_xlsx
    from ivp_core.storage.db import session_scope

    with session_scope(engine, readonly=True) as db:
        data = progress_xlsx(db, int(tid), dalfsen.municipality_id, 2024)
    rows = list(load_workbook(io.BytesIO(data))["Indicatoren"].iter_rows(values_only=True))
    assert rows[0][9:] == ("Marge van", "Marge tot")
    assert [r[4:11] for r in rows if r[6] == "import"] == [
        (2023, 55, "import", pytest.approx(53.667, abs=1e-3), None, 52.5, 57.5)
    ]


def test_the_list_of_one_member_of_a_joint_trajectory(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two members with an indicator of the same name: `--municipality` lists one member's; a code that is
    not a member is refused with nothing on stdout (not even the header)."""
    from ivp_core.cli import main

    monkeypatch.setenv("IVP_NO_DEMO", "1")
    tid = cli(
        "trajectory", "create", "--title", "IVP Dalfsen en Kampen", "--period", "2021-2024",
        "--municipality", "GM0148=Dalfsen", "--municipality", "GM0166=Kampen",
    ).strip()  # fmt: skip
    ids = {
        code: cli(
            "indicator", "add", "--trajectory", tid, "--theme", "4.1", "--municipality", code,
            "--name", "Verkeersongevallen", "--source", "Gemeente", "--baseline", "2021=40", "--target", "2024=30",
        ).strip()
        for code in ("GM0148", "GM0166")
    }  # fmt: skip
    listed = list(
        csv.DictReader(io.StringIO(cli("indicator", "list", "--trajectory", tid, "--municipality", "GM0166")))
    )
    assert [r["id"] for r in listed] == [ids["GM0166"]]
    assert main(["indicator", "list", "--trajectory", tid, "--municipality", "GM0999"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "Gemeente GM0999 hoort niet bij traject" in err
