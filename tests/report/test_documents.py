"""The document check over every document of the demo, the joint demo and a trajectory made through code."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from ivp_core.dutch import long_date
from ivp_core.report.files import FORMATS, all_documents
from ivp_core.storage.db import get_engine as create_engine_for
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Trajectory
from tests.conftest import DEMO, DatabaseTemplates
from tests.report.doccheck import PDFTOTEXT, SOFFICE, broken_words, file_problems
from tests.report.factory import build_trajectory


def _documents(engine: Engine, trajectory_id: int, formats: tuple[str, ...] = FORMATS) -> dict[str, bytes]:
    with session_scope(engine) as db:
        return all_documents(db, trajectory_id, formats)


def _check(files: dict[str, bytes]) -> None:
    problems = [p for name, data in files.items() for p in file_problems(name, data)]
    assert problems == []


@dataclass(frozen=True)
class ThreeTrajectories:
    engine: Engine
    built: int
    joint: int
    files: dict[int, dict[str, bytes]]  # per trajectory: its documents (the joint demo's in every format)


@pytest.fixture(scope="module")
def three_trajectories(
    database_templates: DatabaseTemplates, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ThreeTrajectories]:
    """The demo, a trajectory made through code and the joint demo in one database, and their documents,
    made once for the module: the joint demo's check and the word check read the same files (loading the
    joint demo and writing its documents is most of either test's time, after LibreOffice)."""
    folder = tmp_path_factory.mktemp("three-trajectories")
    copies = database_templates.copy(DEMO, folder)
    url = next(copies)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DATABASE_URL", url)
        env.setenv("IVP_STATE_DIR", str(folder / "state"))
        engine = create_engine_for(url)
        from ivp_core.demo.joint import load_joint_demo

        built = build_trajectory(engine).trajectory_id
        joint = load_joint_demo(engine)
        with session_scope(engine) as db:
            ids = [t.id for t in db.query(Trajectory)]
        files = {tid: _documents(engine, tid, FORMATS if tid == joint else ("docx",)) for tid in ids}
        yield ThreeTrajectories(engine=engine, built=built, joint=joint, files=files)
    next(copies, None)


def test_documents_of_the_demo_pass_the_check(demo_engine: Engine) -> None:
    with session_scope(demo_engine) as db:
        (tid,) = [t.id for t in db.query(Trajectory)]
    files = _documents(demo_engine, tid)
    assert {n.rsplit(".", 1)[1] for n in files} == {"docx", "xlsx", "csv", "html", "md"}  # md: the checklist
    _check(files)


def test_documents_of_the_joint_demo_pass_the_check(three_trajectories: ThreeTrajectories) -> None:
    engine, tid = three_trajectories.engine, three_trajectories.joint
    files = three_trajectories.files[tid]
    with session_scope(engine) as db:
        names = [m.name for m in db.get(Trajectory, tid).municipalities]
    for name in names:  # one report per municipality
        slug = name.lower().replace(" ", "-")
        assert any(slug in n and n.endswith(".docx") for n in files), name
    assert (
        len([n for n in files if n.startswith("gezamenlijk-ivp-")]) == 2
    )  # one joint document, DOCX and HTML
    _check(files)


def test_documents_of_a_trajectory_made_through_code_pass_the_check(engine: Engine) -> None:
    built = build_trajectory(engine)
    _check(_documents(engine, built.trajectory_id))


def test_the_check_finds_what_it_looks_for() -> None:
    from tests.report.doccheck import cell_problems, text_problems

    assert text_problems(
        ["Kans 98,7%", "waarde None", "sessies [1, 2, 3]", "x {'a': 1}", "op 2026-10-14"], "t"
    )
    assert len(text_problems(["reweighted_residents ja", "Startwaarde (seed)"], "t")) == 2
    assert cell_problems(["raad", "points", "gesloten"], "t") and not cell_problems(["Raadscommissie"], "t")
    assert text_problems(["98,7\u00a0% van [de] inwoners (ja)"], "t") == []


def test_dates_are_amsterdam_days() -> None:
    assert long_date(datetime(2026, 10, 14, 22, 30, tzinfo=UTC)) == "15 oktober 2026"  # 00:30 in Amsterdam
    assert long_date(datetime(2026, 1, 14, 22, 30)) == "14 januari 2026"  # naive = UTC; 23:30 in winter


@pytest.mark.skipif(not (SOFFICE and PDFTOTEXT), reason="LibreOffice (soffice) or pdftotext is not installed")
def test_no_word_is_split_inside_a_table_cell(three_trajectories: ThreeTrajectories) -> None:
    built, joint = three_trajectories.built, three_trajectories.joint
    with session_scope(three_trajectories.engine) as db:
        ids = [t.id for t in db.query(Trajectory)]
    assert built in ids and joint in ids and len(ids) == 3  # the demo, the joint demo, our own
    documents = {}
    for tid in ids:
        files = three_trajectories.files[tid].items()
        documents.update({f"{tid}/{n}": d for n, d in files if n.endswith(".docx")})
    # four documents per municipality (the joint demo has three), and the joint demo's joint IVP document
    assert len(documents) == 4 * (1 + 1 + 3) + 1
    assert broken_words(documents) == {}
