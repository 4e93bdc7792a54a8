"""The document check over every document of the demo, the joint demo and a trajectory made through code."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from ivp_core.dutch import long_date
from ivp_core.report.files import FORMATS, all_documents
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Trajectory
from tests.report.doccheck import PDFTOTEXT, SOFFICE, broken_words, file_problems
from tests.report.factory import build_trajectory


def _documents(engine: Engine, trajectory_id: int, formats: tuple[str, ...] = FORMATS) -> dict[str, bytes]:
    with session_scope(engine) as db:
        return all_documents(db, trajectory_id, formats)


def _check(files: dict[str, bytes]) -> None:
    problems = [p for name, data in files.items() for p in file_problems(name, data)]
    assert problems == []


def test_documents_of_the_demo_pass_the_check(demo_engine: Engine) -> None:
    with session_scope(demo_engine) as db:
        (tid,) = [t.id for t in db.query(Trajectory)]
    files = _documents(demo_engine, tid)
    assert {n.rsplit(".", 1)[1] for n in files} == {"docx", "xlsx", "csv", "html", "md"}  # md: the checklist
    _check(files)


def test_documents_of_the_joint_demo_pass_the_check(engine: Engine) -> None:
    from ivp_core.demo.joint import load_joint_demo

    tid = load_joint_demo(engine)
    files = _documents(engine, tid)
    with session_scope(engine) as db:
        names = [m.name for m in db.get(Trajectory, tid).municipalities]
    for name in names:  # one report per municipality
        slug = name.lower().replace(" ", "-")
        assert any(slug in n and n.endswith(".docx") for n in files), name
    assert len([n for n in files if n.startswith("gezamenlijk-ivp-")]) == 2  # one joint document, DOCX and HTML
    _check(files)


def test_documents_of_a_trajectory_made_through_code_pass_the_check(engine: Engine) -> None:
    built = build_trajectory(engine)
    _check(_documents(engine, built.trajectory_id))


def test_the_check_finds_what_it_looks_for() -> None:
    from tests.report.doccheck import cell_problems, text_problems

    assert text_problems(["Kans 98,7%", "waarde None", "sessies [1, 2, 3]", "x {'a': 1}", "op 2026-10-14"], "t")
    assert len(text_problems(["reweighted_residents ja", "Startwaarde (seed)"], "t")) == 2
    assert cell_problems(["raad", "points", "gesloten"], "t") and not cell_problems(["Raadscommissie"], "t")
    assert text_problems(["98,7\u00a0% van [de] inwoners (ja)"], "t") == []


def test_dates_are_amsterdam_days() -> None:
    assert long_date(datetime(2026, 10, 14, 22, 30, tzinfo=UTC)) == "15 oktober 2026"  # 00:30 in Amsterdam
    assert long_date(datetime(2026, 1, 14, 22, 30)) == "14 januari 2026"  # naive = UTC; 23:30 in winter


@pytest.mark.skipif(not (SOFFICE and PDFTOTEXT), reason="LibreOffice (soffice) or pdftotext is not installed")
def test_no_word_is_split_inside_a_table_cell(demo_engine: Engine) -> None:
    from ivp_core.demo.joint import load_joint_demo

    built = build_trajectory(demo_engine)
    joint = load_joint_demo(demo_engine)
    with session_scope(demo_engine) as db:
        ids = [t.id for t in db.query(Trajectory)]
    assert built.trajectory_id in ids and joint in ids and len(ids) == 3  # the demo, the joint demo, our own
    documents = {}
    for tid in ids:
        files = _documents(demo_engine, tid, ("docx",)).items()
        documents.update({f"{tid}/{n}": d for n, d in files if n.endswith(".docx")})
    # four documents per municipality (the joint demo has three), and the joint demo's joint IVP document
    assert len(documents) == 4 * (1 + 1 + 3) + 1
    assert broken_words(documents) == {}
