"""The command line writes the same files as the page; the page offers every download to a facilitator."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import Engine, func, select
from streamlit.testing.v1 import AppTest

from ivp_core.cli import build_parser
from ivp_core.commands import CliError
from ivp_core.report.tables import SHEET_NAMES
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Trajectory
from tests.report.factory import build_trajectory

ROOT = Path(__file__).resolve().parents[2]


def _run(*argv: str) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


def test_cli_report_writes_every_format(engine: Engine, tmp_path: Path) -> None:
    built = build_trajectory(engine)
    assert _run("report", "--trajectory", str(built.trajectory_id), "--out", str(tmp_path)) == 0
    files = sorted(p.name for p in tmp_path.iterdir())
    assert [f for f in files if f.endswith(".docx")] == ["verslag-prioritering-testdorp-2027-2030.docx"]
    assert len([f for f in files if f.endswith(".csv")]) == len(SHEET_NAMES)
    assert any(f.endswith(".xlsx") for f in files) and any(f.endswith(".html") for f in files)
    docx = Document(str(next(tmp_path.glob("*.docx"))))
    assert any(p.text.startswith(f"Thema {built.chosen[0]} ") for p in docx.paragraphs)


def test_cli_refuses_unknown_format_and_trajectory(engine: Engine, tmp_path: Path) -> None:
    build_trajectory(engine)
    out = tmp_path / "uit"
    with pytest.raises(CliError, match="Onbekend formaat: pdf"):
        _run("report", "--out", str(out), "--formats", "docx,pdf")
    with pytest.raises(CliError, match="Traject 99 bestaat niet"):
        _run("report", "--trajectory", "99", "--out", str(out))
    assert not out.exists()


def test_cli_backup_and_restore_refuses_then_copies(engine: Engine, tmp_path: Path) -> None:
    built = build_trajectory(engine)
    assert _run("backup", "--trajectory", str(built.trajectory_id), "--out", str(tmp_path)) == 0
    (file,) = tmp_path.glob("ivp-backup-*.zip")
    with pytest.raises(CliError, match="--on-conflict"):
        _run("restore", str(file))
    assert _run("restore", str(file), "--on-conflict", "new_copy") == 0
    with session_scope(engine) as db:
        assert db.scalar(select(func.count()).select_from(Trajectory)) == 2


def test_page_offers_downloads_to_facilitator(engine: Engine, admin_password: str) -> None:
    build_trajectory(engine)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["ivp_role"] = "facilitator"
    at.run()
    at.switch_page("pages/verslag.py").run()
    assert not at.exception, [e.value for e in at.exception]
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == [
        "Word",
        "Excel",
        "CSV (zip)",
        "Afdrukken (HTML)",
        *("Word", "Afdrukken (HTML)"),  # veiligheidsanalyse
        *("Word", "Afdrukken (HTML)"),  # IVP draft
        *("Word", "Excel", "Afdrukken (HTML)"),  # uitvoeringsplan
        "Checklist (Markdown)",  # for the coordinator, not for the raad
        "Back-up downloaden (.zip)",
    ]
    markdown = " ".join(m.value for m in at.markdown)
    for kind in ("Veiligheidsanalyse (stap 2)", "IVP, concept (stap 4)", "Uitvoeringsplan (stap 5)"):
        assert kind in markdown
    assert [m.value for m in at.metric] == ["3", "40", "4"]


def test_cli_writes_every_document_kind(engine: Engine, tmp_path: Path) -> None:
    built = build_trajectory(engine)
    out = tmp_path / "uit"
    argv = ("report", "--trajectory", str(built.trajectory_id), "--out", str(out), "--kind", "alle")
    assert _run(*argv, "--formats", "docx,xlsx") == 0
    files = sorted(p.name for p in out.iterdir())
    assert files == [
        "checklist-ivp-testdorp-2027-2030.md",  # the coordinator's list of what is open, with every export
        "ivp-concept-testdorp-2027-2030.docx",
        "uitvoeringsplan-testdorp-2027-2030.docx",
        "uitvoeringsplan-testdorp-2027-2030.xlsx",
        "veiligheidsanalyse-testdorp-2027-2030.docx",
        "verslag-prioritering-testdorp-2027-2030.docx",
        "verslag-prioritering-testdorp-2027-2030.xlsx",
    ]
    with pytest.raises(CliError, match="Onbekend document: besluit"):
        _run("report", "--out", str(tmp_path), "--kind", "besluit")
