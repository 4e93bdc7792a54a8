"""Places in the documents: the aggregation's numbers, with shared places marked and explained."""

from __future__ import annotations

from sqlalchemy import Engine

from ivp_core.demo.joint import load_joint_demo
from ivp_core.plan.joint import local_result
from ivp_core.report.blocks import Paragraph, TableBlock
from ivp_core.report.documents.verslag import document_blocks
from ivp_core.report.documents.verslag_model import build_report
from ivp_core.report.ranks import RANK_EXPLANATION, place_text, shared_places
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Trajectory


def test_shared_places_are_marked_and_the_numbers_are_kept() -> None:
    ranks = [13, 14, 14, 15, None, None]
    shared = shared_places(ranks)
    assert shared == {14}
    assert [place_text(r, shared) for r in ranks] == ["13", "14 (gedeeld)", "14 (gedeeld)", "15", "–", "–"]


def test_the_joint_table_prints_each_municipalitys_places_as_the_aggregation_gives_them(
    engine: Engine,
) -> None:
    tid = load_joint_demo(engine)
    with session_scope(engine) as db:
        trajectory = db.get(Trajectory, tid)
        members = [(m.id, m.name) for m in trajectory.municipalities]
        local = {mid: local_result(db, tid, mid, name) for mid, name in members}
        report = build_report(db, tid, municipality_id=members[0][0])
    blocks = document_blocks(report)
    table = next(
        b for b in blocks if isinstance(b, TableBlock) and b.header[:2] == ("Thema", "Voorstel (rekenregel)")
    )
    assert blocks[blocks.index(table) + 1] == Paragraph(RANK_EXPLANATION, style="note")
    names = table.header[2:]
    for row in table.rows:
        code = row[0].split(" ", 1)[0]
        for name, cell in zip(names, row[2:], strict=True):
            mid = next(i for i, n in members if n == name)
            rank = local[mid].ranks.get(code)
            shared = rank is not None and list(local[mid].ranks.values()).count(rank) > 1
            assert cell == ("–" if rank is None else f"{rank} (gedeeld)" if shared else str(rank)), (
                code,
                name,
            )
    # The outcome table of the verslag marks the same places the same way.
    outcome = next(b for b in blocks if isinstance(b, TableBlock) and b.header[0] == "Plaats")
    ranks = [r.rank for r in report.ranking]
    assert [row[0] for row in outcome.rows] == [place_text(r, shared_places(ranks)) for r in ranks]
    assert any(row[0].endswith("(gedeeld)") for row in outcome.rows)
