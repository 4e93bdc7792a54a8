"""`python -m ivp_core trajectory …`: the id alone on stdout, CSV lists, and Dutch refusals that store nothing."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from ivp_core.cli import main
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Figure, Municipality, Trajectory
from tests.badinput.snapshot import assert_unchanged, take

DALFSEN = ["--title", "IVP Dalfsen", "--period", "2027-2030", "--municipality", "GM0148=Dalfsen"]


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["trajectory", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_create_prints_only_the_new_id_and_list_shows_it(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(
        capsys,
        "create",
        *DALFSEN,
        "--inhabitants",
        "GM0148:2024=29000",
        "--inhabitants",
        "GM0148:2023=28.900",
        "--wijk",
        "GM0148=Nieuwleusen",
        "--wijk",
        "GM0148=Lemelerveld, Dalfsen",
    )
    assert (code, err) == (0, "")
    tid = int(out.strip())
    assert out == f"{tid}\n"
    with session_scope(engine) as db:
        m = db.scalars(select(Municipality)).one()
        assert m.wijken == ["Nieuwleusen", "Lemelerveld", "Dalfsen"]
        assert sorted((f.year, f.value) for f in db.scalars(select(Figure))) == [(2023, 28900), (2024, 29000)]
    joint = int(
        _run(capsys, "create", "--title", "Vechtdal", "--period", "2027–2030", "--municipality", "GM0148=Dalfsen",
             "--municipality", "GM0175=Ommen")[1]
    )  # fmt: skip
    assert _run(capsys, "archive", str(tid))[0] == 0
    code, out, _ = _run(capsys, "list")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0])[:4] == ["id", "title", "period", "municipalities"]
    assert [(r["id"], r["title"], r["period"], r["municipalities"], r["status"]) for r in rows] == [
        (str(tid), "IVP Dalfsen", "2027-2030", "GM0148=Dalfsen", "gearchiveerd"),
        (str(joint), "Vechtdal", "2027-2030", "GM0148=Dalfsen;GM0175=Ommen", "actief"),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--title", "T", "--period", "2027-2030", "--municipality", "GM148X=Dalfsen"],
            "geen CBS-gemeentecode",
        ),
        (["--title", "T", "--period", "2027-2030", "--municipality", "Dalfsen"], "Schrijf het zo"),
        (
            ["--title", "T", "--period", "2030-2027", "--municipality", "GM0148=Dalfsen"],
            "vóór het eerste jaar",
        ),
        (["--title", "T", "--period", "2027", "--municipality", "GM0148=Dalfsen"], "geen planperiode"),
        (["--title", " ", "--period", "2027-2030", "--municipality", "GM0148=Dalfsen"], "titel"),
        ([*DALFSEN, "--municipality", "GM0148=Dalfsen"], "twee keer"),
        ([*DALFSEN, "--inhabitants", "GM0175:2024=18000"], "staat niet bij --municipality"),
        ([*DALFSEN, "--inhabitants", "GM0148:2024=veel"], "geen aantal inwoners"),
        ([*DALFSEN, "--inhabitants", "GM0148:2099=29000"], "Het jaar 2099"),
        ([*DALFSEN, "--wijk", "GM0148=Noord", "--wijk", "GM0148=noord"], "twee keer"),
    ],
)
def test_bad_create_is_refused_in_dutch_with_exit_2_and_nothing_stored(
    engine: Engine, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    before = take(engine)
    code, out, err = _run(capsys, "create", *args)
    assert (code, out) == (2, "")
    assert err.startswith("Fout: ") and message in err, err
    assert_unchanged(before, engine)


def test_delete_needs_the_title_as_confirmation(engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    tid = int(_run(capsys, "create", *DALFSEN)[1])
    before = take(engine)
    code, out, err = _run(capsys, "delete", str(tid), "--confirm", "IVP")
    assert (code, out) == (2, "") and "Typ ter bevestiging precies de titel" in err
    assert_unchanged(before, engine)
    assert _run(capsys, "delete", str(tid), "--confirm", "IVP Dalfsen")[0] == 0
    with session_scope(engine) as db:
        assert db.scalars(select(Trajectory)).first() is None
    code, _, err = _run(capsys, "archive", str(tid))
    assert code == 2 and f"Traject {tid} bestaat niet" in err


def test_startnote_writes_a_docx(engine: Engine, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    tid = int(_run(capsys, "create", *DALFSEN)[1])
    code, out, err = _run(capsys, "startnote", "--trajectory", str(tid), "--out", str(tmp_path))
    assert code == 0, err
    written = Path(out.strip())
    assert written.parent == tmp_path and written.suffix == ".docx"
    assert written.read_bytes()[:2] == b"PK"
    code, out, err = _run(
        capsys, "startnote", "--trajectory", str(tid), "--out", str(tmp_path / "nergens" / "x.docx")
    )
    assert (code, out) == (2, "") and "bestaat niet" in err
