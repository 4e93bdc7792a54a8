"""The Word and HTML files of three trajectories (the demo, the joint demo, one built as a user would), as a
griffier receives them: Dutch proofing everywhere, tables that do not leave a row alone on a page, and no
whole number printed with decimals."""

from __future__ import annotations

from sqlalchemy import Engine

from ivp_core.demo.joint import load_joint_demo
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Trajectory
from tests.report.factory import build_trajectory
from tests.report.writers.documents import (
    WHOLE_WITH_DECIMALS,
    W,
    docx_parts,
    docx_table_cells,
    docx_xml,
    files_of,
    html_table_cells,
)


def _trajectories(engine: Engine) -> list[int]:
    load_joint_demo(engine)
    build_trajectory(engine)
    with session_scope(engine, readonly=True) as db:
        return sorted(t.id for t in db.query(Trajectory))


def _language_problems(name: str, data: bytes) -> list[str]:
    styles = docx_xml(data, "word/styles.xml")
    default = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    found = [] if default is not None and default.get(f"{W}val") == "nl-NL" else [f"{name}: standaardtaal"]
    parts = [p for p in docx_parts(data) if p.startswith("word/") and p.endswith(".xml")]
    for part in parts:
        for lang in docx_xml(data, part).iter(f"{W}lang", f"{W}themeFontLang"):
            if lang.get(f"{W}val") != "nl-NL":
                found.append(f"{name} {part}: {lang.get(f'{W}val')}")
    return found


def _orphan_problems(name: str, data: bytes) -> list[str]:
    """Each table: its header repeats, no row splits, the paragraph before it keeps with it, and its last
    row keeps company (the row before the last keeps with the next)."""
    body = docx_xml(data, "word/document.xml").find(f"{W}body")
    found = []
    previous = None
    for element in body:
        if element.tag == f"{W}tbl":
            rows = element.findall(f"{W}tr")
            if rows[0].find(f"{W}trPr/{W}tblHeader") is None:
                found.append(f"{name}: kopregel herhaalt niet")
            if any(r.find(f"{W}trPr/{W}cantSplit") is None for r in rows):
                found.append(f"{name}: rij mag over twee pagina's")
            if previous is None or previous.find(f"{W}pPr/{W}keepNext") is None:
                found.append(f"{name}: alinea voor de tabel blijft niet bij de tabel")
            if len(rows) > 2 and rows[-2].find(f".//{W}keepNext") is None:
                found.append(f"{name}: laatste rij kan alleen op een pagina staan")
        previous = element
    return found


def test_every_docx_is_dutch_keeps_rows_together_and_prints_whole_numbers(demo_engine: Engine) -> None:
    files = files_of(demo_engine, _trajectories(demo_engine), ("docx", "html"))
    docx = {n: d for n, d in files.items() if n.endswith(".docx")}
    assert len(docx) >= 12  # four documents of at least three municipalities
    problems = [p for n, d in docx.items() for p in _language_problems(n, d)]
    assert problems == []
    problems = [p for n, d in docx.items() for p in _orphan_problems(n, d)]
    assert problems == []
    cells = [(n, c) for n, d in docx.items() for c in docx_table_cells(d)]
    cells += [(n, c) for n, d in files.items() if n.endswith(".html") for c in html_table_cells(d)]
    assert len(cells) > 500
    decimals = [(n, c) for n, c in cells if WHOLE_WITH_DECIMALS.search(c.replace("\u00a0", " "))]
    assert decimals == []
    # what the old writers printed as "63,0 (2024)" and "0,0 %" is there, as a whole number
    texts = {c for _n, c in cells}
    assert "63 (2024)" in texts and "0\u00a0%" in texts
