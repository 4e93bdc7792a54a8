"""Every place a document leaves open is marked for the reader; where it is filled in is in the checklist."""

from __future__ import annotations

import re

from sqlalchemy import Engine

from ivp_core.report.blocks import Block, Bullets, Paragraph, TableBlock
from ivp_core.report.documents.veiligheidsanalyse import build_analysis_document
from ivp_core.storage.db import session_scope
from tests.opinion_helpers import make_trajectory

OPEN = re.compile(r"\b(nog niet beschreven|nog niet benoemd|nog geen|geen cijfers)\b", re.IGNORECASE)


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


def test_an_empty_trajectorys_analysis_marks_what_is_open_and_the_checklist_says_where(
    engine: Engine,
) -> None:
    """Issue 25 replaced issue 15's pointers: the document marks an open place in its own terms, for the raad;
    the coordinator's checklist says on which page it is filled in."""
    from ivp_core.report.documents.checklist import build_checklist
    from tests.report.doccheck import APP_POINTER

    tid = make_trajectory(engine, "Leegdorp")
    with session_scope(engine) as db:
        analysis = build_analysis_document(db, tid, None)
        _name, checklist = build_checklist(db, tid)
    texts = _texts(analysis.blocks)
    assert len([t for t in texts if OPEN.search(t)]) >= 5  # the analysis texts, the fields' priorities
    assert [t for t in texts if APP_POINTER.search(t)] == []
    assert "pagina 'Analyse beheren', tab 'Teksten per thema'" in checklist
    assert "pagina 'Analyse beheren', tab 'Velden'" in checklist
    assert "pagina 'Advies en keuze'" in checklist  # no choice recorded yet
