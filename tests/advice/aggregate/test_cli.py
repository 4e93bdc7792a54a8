"""The `aggregate` command: output shapes, and every kind of bad input -> exit 2, Dutch, empty stdout."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ivp_core.advice.aggregate.cli import main

ROOT = Path(__file__).resolve().parents[3]

GOOD = """group,participant,theme,value
raad,r1,1.1,5
raad,r1,1.3,4
raad,r1,2.1,
raad,r2,1.1,3
raad,r2,1.3,5
inwoners,i1,1.1,2
inwoners,i1,3.1,5
inwoners,i2,3.1,4
inwoners,i2,1.3,5
"""

RANKS = """group,participant,theme,value
raad,r1,1.1,1
raad,r1,1.3,2
raad,r2,1.3,1
raad,r2,5.5,2
werkgroep,w1,5.5,1
werkgroep,w1,1.1,2
"""


def write(tmp_path: Path, text: str, name: str = "stemmen.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def call(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["aggregate", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_output_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = call(
        capsys, write(tmp_path, GOOD), "--method", "rating", "--resamples", "50", "--top", "2"
    )
    assert code == 0 and err == ""
    data = json.loads(out)
    assert len(data["ranking"]) == 22
    assert {"theme", "score", "rank", "p_top"} <= set(data["ranking"][0])
    assert data["priorities"] == ["1.3", "3.1"]
    assert len(data["going_concern"]) == 20
    assert data["group_weights"] == {"inwoners": 0.5, "raad": 0.5}
    assert sum(r["p_top"] for r in data["ranking"]) == pytest.approx(2)


def test_csv_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(
        capsys, write(tmp_path, RANKS), "--method", "schulze", "--format", "csv", "--resamples", "20",
        "--weights", "raad=0.4,werkgroep=0.6", "--top", "2",
    )  # fmt: skip
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 22
    assert list(rows[0]) == [
        "theme",
        "score",
        "rank",
        "p_top",
        "rank_low",
        "rank_high",
        "priority",
        "tied_with",
    ]
    # pairwise: 5.5 beats 1.1 by .6 and 1.3 by .2; 1.1 beats 1.3 by .6 (unranked = bottom)
    assert [r["theme"] for r in rows[:3]] == ["5.5", "1.1", "1.3"]
    assert {r["theme"] for r in rows if r["priority"] == "true"} == {"5.5", "1.1"}


@pytest.mark.parametrize("method", ["points", "ranking", "borda"])
def test_other_methods_run(tmp_path: Path, capsys: pytest.CaptureFixture[str], method: str) -> None:
    text = RANKS if method != "points" else GOOD.replace(",\n", ",0\n")
    code, out, err = call(capsys, write(tmp_path, text), "--method", method, "--resamples", "0")
    assert code == 0, err
    assert json.loads(out)["ranking"][0]["p_top"] is None


def test_semicolons_and_bom_are_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(("\ufeff" + GOOD.replace(",", ";")).encode("utf-8"))
    code, out, _ = call(capsys, str(path), "--resamples", "0")
    assert code == 0 and json.loads(out)["priorities"]


BAD = [
    ("unknown theme", GOOD + "raad,r3,9.9,3\n", [], "Regel 11, kolom 'theme': onbekend thema '9.9'"),
    ("rating out of range", GOOD + "raad,r3,1.1,7\n", [], "Regel 11, kolom 'value'"),
    ("non-numeric", GOOD + "raad,r3,1.1,hoog\n", [], "Regel 11, kolom 'value': 'hoog' is geen getal"),
    ("rank twice", RANKS + "raad,r3,1.1,1\nraad,r3,1.2,1\n", ["--method", "ranking"], "Regel 9, kolom 'value'"),
    ("rank out of range", RANKS + "raad,r3,1.1,23\n", ["--method", "borda"], "1 tot en met 22"),
    ("negative points", GOOD.replace(",\n", ",0\n") + "raad,r3,1.1,-2\n", ["--method", "points"], "negatief"),
    ("over budget", "group,participant,theme,value\nraad,r1,1.1,8\nraad,r1,1.2,4\n",
     ["--method", "points", "--budget", "10"], "U heeft 12 punten verdeeld, maar er zijn er maar 10."),
    ("theme twice", GOOD + "raad,r1,1.1,2\n", [], "Regel 11: deelnemer 'r1' (groep raad) heeft thema 1.1 al op regel 2"),
    ("unknown group in weights", GOOD, ["--weights", "raad=0.5,jongeren=0.5"], "groep 'jongeren'"),
    ("group without weight", GOOD, ["--weights", "raad=1"], "geen gewicht opgegeven voor groep 'inwoners'"),
    ("weight not a number", GOOD, ["--weights", "raad=veel,inwoners=1"], "geen getal"),
    ("missing column", "group,participant,theme\nraad,r1,1.1\n", [], "Regel 1: de kolom 'value' ontbreekt"),
    ("extra column", "group,participant,theme,value,wijk\nraad,r1,1.1,3,Noord\n", [], "onbekende kolom 'wijk'"),
    ("short row", GOOD + "raad,r3,1.1\n", [], "Regel 11: 3 kolommen, verwacht 4"),
    ("empty participant", GOOD + "raad,,1.1,3\n", [], "Regel 11, kolom 'participant'"),
    ("header only", "group,participant,theme,value\n", [], "geen stemmen"),
    ("empty file", "", [], "Het bestand is leeg"),
    ("unknown method", GOOD, ["--method", "kemeny"], "onbekende methode 'kemeny'"),
    ("bad top", GOOD, ["--top", "vier"], "--top verwacht een geheel getal"),
    ("bad format", GOOD, ["--format", "xml"], "kies json of csv"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "text", "extra", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_exit_2_dutch_message_empty_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str, text: str, extra: list[str], message: str
) -> None:
    code, out, err = call(capsys, write(tmp_path, text), "--resamples", "5", *extra)
    assert code == 2, case
    assert out == ""
    assert err.startswith("Fout: ")
    assert message in err


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = call(capsys, str(tmp_path / "bestaat-niet.csv"))
    assert (code, out) == (2, "")
    assert "kan niet worden gelezen" in err


def test_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("group,participant,theme,value\nraad,Jos\xe9,1.1,3\n".encode("latin-1"))
    code, out, err = call(capsys, str(path))
    assert (code, out) == (2, "") and "UTF-8" in err


def test_module_entry_point(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "ivp_core.advice.aggregate.cli", "aggregate", write(tmp_path, GOOD), "--resamples", "10"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["priorities"]
    bad = subprocess.run(
        [sys.executable, "-m", "ivp_core.advice.aggregate.cli", "aggregate", write(tmp_path, GOOD + "x,y,0.0,1\n", "b.csv")],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert (bad.returncode, bad.stdout) == (2, "")
    assert "onbekend thema '0.0'" in bad.stderr
