"""Issue 28, "Done when": the whole cycle through the command line on a trajectory made from nothing, every
step a `python -m ivp_core` command as a data team scripts it (through its entry point in this process: a
process per step took minutes on a busy machine; tests/test_own_municipality_cli.py starts real processes).
tests/cycle/seed.py: create → import → decide → indicators with nulmeting and target → next year's import
(measures one indicator) → a value by hand (the other); then here:
`indicator list` with the verdicts of docs/voortgang.md → `progress` writes the voortgangsrapportage, which
names each indicator with its values and verdict and passes the document check → `trajectory create --from`
carries the previous priorities with their results and the last measured values as the new nulmeting."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from ivp_core.cli import main
from ivp_core.plan.previous import load_previous_priorities
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import EffectIndicator, Municipality, Trajectory, WerkgroepMember
from tests.cycle.seed import END, START, seed_cycle
from tests.own_municipality import CODE, docx_text
from tests.report.doccheck import (
    PDFTOTEXT,
    SOFFICE,
    app_pointers,
    broken_words,
    cover_problems,
    decimal_wholes,
    file_problems,
)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_the_cycle_through_the_command_line(
    engine: Engine, tmp_path: Path, cli: Callable[..., tuple[int, str, str]]
) -> None:
    def _ok(*args: str) -> str:
        code, out, err = cli(*args)
        assert code == 0 and "Fout" not in err, (args, err)
        return out

    seeded = seed_cycle(engine, tmp_path)
    tid, burglary, accidents = seeded.trajectory_id, seeded.burglary, seeded.accidents
    refused = cli(
        "indicator", "measure", "--indicator", str(accidents), "--year", str(END + 1), "--value", "3"
    )  # fmt: skip
    assert refused[:2] == (2, "") and "buiten de looptijd" in refused[2]

    listed = {
        int(r["id"]): r
        for r in csv.DictReader(io.StringIO(_ok("indicator", "list", "--trajectory", str(tid))))
    }
    # burglary: the line from 2,08 (2023) to 1,5 (END) in 2024 lies above 1,25: op koers.
    assert (listed[burglary]["latest_year"], listed[burglary]["verdict"]) == ("2024", "op koers")
    assert float(listed[burglary]["latest_value"]) == pytest.approx(36 / 28.9, abs=0.001)
    # accidents: the line from 40 (2023) to 30 (END) in 2025 is 40 − 10 × 2 / (END − 2023); 39 lies above it.
    assert 40 - 10 * 2 / (END - 2023) < 39
    assert (listed[accidents]["latest_year"], listed[accidents]["latest_value"], listed[accidents]["verdict"]) == (
        "2025", "39.0", "achter op schema",
    )  # fmt: skip

    out = tmp_path / "voortgang"
    printed = _ok("progress", "--trajectory", str(tid), "--year", "2025", "--out", str(out))
    files = {p.name: p.read_bytes() for p in out.iterdir()}
    assert sorted(Path(n).suffix for n in files) == [".docx", ".html", ".xlsx"]
    assert all(str(out / n) in printed for n in files)
    (word,) = [out / n for n in files if n.endswith(".docx")]
    text = docx_text(word)
    for words in (
        "Geregistreerde misdrijven", "2,08 (2023)", "1,25 (2024)", "Op koers",
        "Verkeersongevallen met letsel", "40 (2023)", "39 (2025)", "Achter op schema",
        "Samenvatting voor de bestuursrapportage", "Bijlage: alle effectindicatoren",
    ):  # fmt: skip
        assert words in text, words
    # the yearly uitvoeringsplan with its terugblik, through the report command
    _ok("report", "--trajectory", str(tid), "--out", str(out), "--kind", "jaarplan")
    files = {p.name: p.read_bytes() for p in out.iterdir()}
    assert any(n.startswith("uitvoeringsplan-") and n.endswith(".docx") for n in files)
    checks = (file_problems, app_pointers, decimal_wholes, cover_problems)
    assert [p for name, data in files.items() for check in checks for p in check(name, data)] == []
    if SOFFICE and PDFTOTEXT:  # the rendered pages: no word split inside a table cell
        assert broken_words({n: d for n, d in files.items() if n.endswith(".docx")}) == {}
    bad_year = cli("progress", "--trajectory", str(tid), "--year", str(END + 3), "--out", str(tmp_path / "x"))
    assert bad_year[0] == 2 and "buiten de looptijd" in bad_year[2]

    new = int(
        _ok(
            "trajectory",
            "create",
            "--from",
            str(tid),
            "--title",
            "IVP Dalfsen",
            "--period",
            f"{END + 1}-{END + 4}",
        )
    )
    with session_scope(engine, readonly=True) as db:
        made = db.get(Trajectory, new)
        assert made is not None and made.predecessor_id == tid
        assert [(m.cbs_code, m.wijken) for m in made.municipalities] == [(CODE, ["Nieuwleusen"])]
        assert [
            w.name for w in db.scalars(select(WerkgroepMember).where(WerkgroepMember.trajectory_id == new))
        ] == ["A. de Vries"]
        carried = {
            r.indicator: (r.baseline_year, r.baseline_value, r.target_value)
            for r in db.scalars(select(EffectIndicator).where(EffectIndicator.trajectory_id == new))
        }
        member = db.scalars(select(Municipality.id)).one()
    assert carried["Verkeersongevallen met letsel"] == (2025, 39.0, None)
    year, value, target = carried["Geregistreerde misdrijven"]
    assert (year, target) == (2024, None) and value == pytest.approx(36 / 28.9, abs=0.001)
    previous = load_previous_priorities(new, member)
    assert previous.source == f"IVP Dalfsen {START}–{END}"
    assert [(p.theme_code, p.wording) for p in previous.items] == [
        ("1.3", "woninginbraken"),
        ("4.1", ""),
        ("3.1", ""),
    ]
    assert previous.items[1].results == (
        f"Verkeersongevallen met letsel: 40 (2023) → 39 (2025), streefwaarde 30 ({END}): achter op schema",
    )
    listed_new = list(csv.DictReader(io.StringIO(_ok("indicator", "list", "--trajectory", str(new)))))
    assert {r["verdict"] for r in listed_new} == {"nog geen nieuwe meting"}  # the page's words
    assert {r["target_year"] for r in listed_new} == {""}
    refused = cli("trajectory", "create", "--from", "999", "--title", "X", "--period", "2031-2034")
    assert refused[0] == 2 and "bestaat niet" in refused[2]
