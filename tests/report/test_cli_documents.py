"""Issue 15, "Done when": the document check on a trajectory a coordinator made through the command line.

Every step that has a command runs as its own `python -m ivp_core` process (trajectory create, import,
decide, report); the sessions are held through the same ivp_core calls the session pages make (phones vote in
the browser, so there is no command for voting). Then every document of every kind and format passes the
same check as the demo's.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from ivp_core.consultation import comments, participation, sessions
from ivp_core.consultation.ballots import default_criteria_settings
from ivp_core.storage.db import session_scope
from tests.own_municipality import CODE, COUNCIL_BALLOTS, NAME, write_statline_file
from tests.report.doccheck import PDFTOTEXT, SOFFICE, broken_words, file_problems
from tests.test_cli import run_cli

THEMES = ("1.3", "4.1", "3.1", "1.4", "2.3")
#: Residents' 1–5 importance per theme; two remarks per favourite so the verslag has something to summarise.
RESIDENT_BALLOTS: tuple[dict[str, int], ...] = (
    {"1.3": 5, "4.1": 4, "3.1": 3, "1.4": 4, "2.3": 2},
    {"1.3": 4, "4.1": 5, "3.1": 3, "1.4": 3, "2.3": 3},
    {"1.3": 5, "4.1": 3, "3.1": 4, "1.4": 2, "2.3": 2},
    {"1.3": 4, "4.1": 4, "3.1": 2, "1.4": 5, "2.3": 1},
)
REMARKS: dict[str, tuple[str, ...]] = {
    "1.3": (
        "Er wordt veel ingebroken in Nieuwleusen. Graag meer toezicht.",
        "Inbraken in de wijk baren zorgen.",
    ),
    "4.1": ("Jongeren hangen 's avonds bij het station.",),
}


def _cast(engine: Engine, session_id: int, values: dict[str, object], remarks: dict[str, str]) -> None:
    token = participation.new_token()
    with session_scope(engine) as db:
        participation.join(db, session_id, token)
        participation.submit_ballot(db, session_id, token, values)
        if remarks:
            comments.save_comments(db, session_id, token, remarks)


def _hold_sessions(engine: Engine, tid: int) -> None:
    """A council session with points, a residents' consultation with remarks and a werkgroep on criteria."""
    plans = (
        ("raadscommissie", "Opiniërende raadscommissie", "points", {"budget": 10}),
        ("inwonersconsultatie", "Raadpleging inwoners", "rating", {"scale_min": 1, "scale_max": 5}),
        ("werkgroep", "Ambtelijke werkgroep", "criteria", default_criteria_settings()),
    )
    ids = {}
    with session_scope(engine) as db:
        for kind, title, method, settings in plans:
            created = sessions.create_session(
                db, trajectory_id=tid, kind=kind, title=title, method=method, themes=THEMES, settings=settings
            )
            ids[kind] = sessions.open_session(db, created.id).id
    for ballot in COUNCIL_BALLOTS:
        _cast(engine, ids["raadscommissie"], dict(ballot), {})
    for i, ballot in enumerate(RESIDENT_BALLOTS):
        remarks = {code: texts[i] for code, texts in REMARKS.items() if i < len(texts)}
        _cast(engine, ids["inwonersconsultatie"], dict(ballot), remarks)
    criteria = [c["key"] for c in default_criteria_settings()["criteria"]]
    for member in range(3):
        scores = {code: {key: float(1 + (rank + member + j) % 5) for j, key in enumerate(criteria)}
                  for rank, code in enumerate(THEMES)}  # fmt: skip
        _cast(engine, ids["werkgroep"], scores, {})
    with session_scope(engine) as db:
        for comment in comments.list_comments(db, ids["inwonersconsultatie"]):
            comments.set_status(db, comment.id, "goedgekeurd")
        for session_id in ids.values():
            sessions.close_session(db, session_id)


@pytest.fixture
def cli_documents(engine: Engine, database_url: str, tmp_path: Path) -> Path:
    env = {"DATABASE_URL": database_url, "IVP_NO_DEMO": "1"}
    created = run_cli(
        "trajectory", "create", "--title", "IVP Dalfsen", "--period", "2027-2030",
        "--municipality", f"{CODE}={NAME}", "--inhabitants", f"{CODE}:2023=28900",
        "--wijk", f"{CODE}=Nieuwleusen", env=env,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    tid = int(created.stdout)
    imported = run_cli("import", str(write_statline_file(tmp_path)), "--trajectory", str(tid), env=env)
    assert imported.returncode == 0, imported.stderr
    _hold_sessions(engine, tid)
    decided = run_cli(
        "decide", "--trajectory", str(tid), "--municipality", CODE, "--themes", "1.3,4.1,3.1",
        "--gremium", "raadscommissie", "--date", "2026-10-14", "--status", "advies",
        "--focus", "1.3=woninginbraken in de kernen", "--reason", "Inbraken en jeugdoverlast raken veel inwoners.",
        env=env,
    )  # fmt: skip
    assert decided.returncode == 0, decided.stderr
    out = tmp_path / "stukken"
    reported = run_cli("report", "--trajectory", str(tid), "--out", str(out), "--kind", "alle", env=env)
    assert reported.returncode == 0, reported.stderr
    return out


def test_every_document_of_a_cli_trajectory_passes_the_check(cli_documents: Path) -> None:
    files = {p.name: p.read_bytes() for p in sorted(cli_documents.iterdir())}
    stems = {name.split("-")[0] for name in files}
    assert stems >= {"verslag", "veiligheidsanalyse", "ivp", "uitvoeringsplan"}, sorted(files)
    assert {n.rsplit(".", 1)[1] for n in files} == {"docx", "xlsx", "csv", "html", "md"}
    assert [p for name, data in files.items() for p in file_problems(name, data)] == []
    if SOFFICE and PDFTOTEXT:
        documents = {name: data for name, data in files.items() if name.endswith(".docx")}
        assert len(documents) == 4
        assert broken_words(documents) == {}
