"""Every place a document leaves open says what is missing and where it is filled in (issue 15, point 5)."""

from __future__ import annotations

import re

from sqlalchemy import Engine

from ivp_core.report.blocks import Block, Bullets, Paragraph, TableBlock
from ivp_core.report.documents.uitvoeringsplan import build_plan_documents
from ivp_core.report.documents.veiligheidsanalyse import build_analysis_document
from ivp_core.storage.db import session_scope
from tests.opinion_helpers import make_trajectory

OPEN = re.compile(r"\b(in te vullen|nog niet ingevuld|nog geen)\b", re.IGNORECASE)
WHERE = re.compile(r"pagina '[^']+'|Word-document|\(pagina [A-Z]")


def _texts(blocks: tuple[Block, ...] | list[Block]) -> list[str]:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append(block.label + block.text)
        elif isinstance(block, Bullets):
            out.extend(block.items)
        elif isinstance(block, TableBlock):
            out.extend(" ".join(row) for row in block.rows)
    return out


def test_an_empty_trajectorys_documents_say_what_to_fill_in_and_where(engine: Engine) -> None:
    tid = make_trajectory(engine, "Leegdorp")
    with session_scope(engine) as db:
        draft, plan = build_plan_documents(db, tid)
        analysis = build_analysis_document(db, tid, None)
    texts = _texts(draft.blocks) + _texts(plan.blocks) + _texts(analysis.blocks)
    open_places = [t for t in texts if OPEN.search(t)]
    assert len(open_places) >= 5  # visie, hoofdstuk 3, sturing, budgetten, the analysis texts
    assert any(t.startswith("Nog geen samenvatting van de veiligheidsanalyse") for t in open_places)
    assert [t for t in open_places if not WHERE.search(t)] == []
