"""Issue 13, "Done when": the command-line path of a real municipality on a fresh database, every step a
separate `python -m ivp_core` process as a coordinator runs it: trajectory create → import → decide →
report. The votes are cast in-process (there is no command for voting: phones vote in the browser)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select

from ivp_core.consultation import sessions
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Figure, ImportBatch, Municipality, PriorityDecision, Trajectory
from tests.opinion_helpers import open_session, vote
from tests.own_municipality import (
    ADVICE_WORDS,
    BENCHMARK,
    CODE,
    COUNCIL_BALLOTS,
    NAME,
    OTHERS,
    docx_text,
    write_statline_file,
)
from tests.test_cli import run_cli


def test_trajectory_create_import_decide_report_on_a_fresh_database(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    env = {"DATABASE_URL": database_url, "IVP_NO_DEMO": "1"}

    created = run_cli(
        "trajectory", "create", "--title", "IVP Dalfsen", "--period", "2027-2030",
        "--municipality", f"{CODE}={NAME}", "--inhabitants", f"{CODE}:2023=28900", env=env,
    )  # fmt: skip
    assert (created.returncode, created.stderr) == (0, ""), created.stderr
    tid = int(created.stdout)
    assert created.stdout == f"{tid}\n"

    statline = write_statline_file(tmp_path)
    dry = run_cli("import", str(statline), "--trajectory", str(tid), "--dry-run", env=env)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines()[0].startswith("Regio,Thema,Indicator,Jaar,Waarde")
    assert CODE in dry.stdout and BENCHMARK in dry.stdout
    assert not any(other in dry.stdout for other in OTHERS)
    with session_scope(engine) as db:
        assert db.scalars(select(Figure.id).where(Figure.region_code != CODE)).first() is None  # dry run
    imported = run_cli("import", str(statline), "--trajectory", str(tid), "--by", "Coördinator", env=env)
    assert imported.returncode == 0, imported.stderr
    with session_scope(engine) as db:
        assert set(db.scalars(select(Figure.region_code).where(Figure.batch_id.is_not(None)))) == {
            CODE,
            BENCHMARK,
        }
        batch = db.scalars(select(ImportBatch).where(ImportBatch.filename == statline.name)).one()
        assert (batch.trajectory_id, batch.imported_by) == (tid, "Coördinator")

    session = open_session(engine, tid, themes=("1.3", "4.1", "3.1"))
    for ballot in COUNCIL_BALLOTS:
        vote(engine, session.id, ballot)
    with session_scope(engine) as db:
        sessions.close_session(db, session.id)

    decided = run_cli(
        "decide", "--trajectory", str(tid), "--municipality", CODE, "--themes", "1.3,4.1,3.1",
        "--gremium", "raadscommissie", "--date", "2026-10-14", "--status", "advies",
        "--focus", "1.3=woninginbraken", "--by", "Griffier", env=env,
    )  # fmt: skip
    assert decided.returncode == 0, decided.stderr
    with session_scope(engine) as db:
        record = db.scalars(select(PriorityDecision)).one()
        assert decided.stdout == f"{record.id}\n"
        assert (record.trajectory_id, record.status, record.gremium) == (tid, "advies", "raadscommissie")

    out = tmp_path / "verslag"
    reported = run_cli("report", "--trajectory", str(tid), "--out", str(out), env=env)
    assert reported.returncode == 0, reported.stderr
    suffixes = sorted({p.suffix for p in out.iterdir()})
    assert suffixes == [".csv", ".docx", ".html", ".xlsx"]
    (word,) = out.glob("*.docx")
    text = docx_text(word)
    assert NAME in text and ADVICE_WORDS in text
    assert "vastgesteld" not in text.split(ADVICE_WORDS)[1].split("\n")[0]  # an advice is not an adoption
    (html,) = out.glob("*.html")
    assert ADVICE_WORDS in html.read_text(encoding="utf-8")

    with session_scope(engine) as db:
        assert [(t.name, t.fictitious) for t in db.scalars(select(Trajectory))] == [("IVP Dalfsen", False)]
        assert [(m.cbs_code, m.fictitious) for m in db.scalars(select(Municipality))] == [(CODE, False)]
