"""The uitvoeringsplan: rows per priority stored as a whole, refused as a whole, exported with the IVP."""

from __future__ import annotations

import io

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import Engine, func, select

from ivp_core.plan.actions import ActionError, list_actions, save_actions
from ivp_core.report.blocks import TableBlock
from ivp_core.report.documents.uitvoeringsplan import build_plan_documents, plan_xlsx
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import PlanAction
from tests.report.factory import build_trajectory

ROWS = [
    {"action": "Buurtpreventie uitbreiden naar Beekdorp", "trekker": "Gemeente (OOV)", "partners": "Politie, dorpsraad",
     "planning": "2027 Q1–Q4", "budget_amount": 15000.0, "budget": "per jaar"},
    {"action": "", "trekker": "", "partners": "", "planning": "", "budget": ""},  # an empty grid row
    {"action": '=HYPERLINK("x")', "trekker": None, "partners": float("nan"), "planning": "2028", "budget": ""},
]  # fmt: skip


def test_actions_are_saved_replaced_and_exported(engine: Engine) -> None:
    built = build_trajectory(engine)
    tid, theme = built.trajectory_id, built.chosen[0]
    with session_scope(engine) as db:
        mid = db.scalar(select(PlanAction.municipality_id).limit(1))  # none yet
        assert mid is None
        from ivp_core.storage.models import Trajectory

        mid = db.get(Trajectory, tid).municipalities[0].id
        assert save_actions(db, tid, mid, theme, ROWS) == 2
    with session_scope(engine) as db:
        rows = list_actions(db, tid, mid, theme)
        assert [r.action for r in rows] == ["Buurtpreventie uitbreiden naar Beekdorp", '=HYPERLINK("x")']
        assert rows[1].trekker == "" and rows[1].partners == ""
        draft, plan = build_plan_documents(db, tid, mid)
    tables = [b for b in plan.blocks if isinstance(b, TableBlock)]
    assert tables[0].rows[0] == ("Buurtpreventie uitbreiden naar Beekdorp", "Gemeente (OOV)", "Politie, dorpsraad",
                                 "2027 Q1–Q4", "€ 15.000 per jaar")  # fmt: skip
    budget = [
        b
        for b in draft.blocks
        if isinstance(b, TableBlock) and b.header == ("Prioriteit", "Acties met budget", "Budget")
    ]
    assert budget and budget[0].rows[0][2] == "€ 15.000" and budget[0].rows[-1] == ("Totaal", "1", "€ 15.000")
    sheet = load_workbook(io.BytesIO(plan_xlsx(plan)))["Uitvoeringsplan"]
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert '\'=HYPERLINK("x")' in values and not [
        c for row in sheet.iter_rows() for c in row if c.data_type == "f"
    ]
    headings = [b.text for b in draft.blocks if type(b).__name__ == "Heading" and b.level == 1]
    assert [h.split(" ", 1)[1] for h in headings] == [
        "Uitgangssituatie", "Strategische doelstelling", "Strategische uitgangspunten", "Prioriteiten",
        "Overige strategische thema's", "Coördinatie, beleidscyclus", "Begroting",
    ]  # fmt: skip
    # replacing the table with fewer rows removes the others
    with session_scope(engine) as db:
        assert save_actions(db, tid, mid, theme, ROWS[:1]) == 1
    with session_scope(engine) as db:
        assert db.scalar(select(func.count()).select_from(PlanAction)) == 1


def test_a_row_without_action_is_refused_and_nothing_changes(engine: Engine) -> None:
    built = build_trajectory(engine)
    tid, theme = built.trajectory_id, built.chosen[0]
    with session_scope(engine) as db:
        from ivp_core.storage.models import Trajectory

        mid = db.get(Trajectory, tid).municipalities[0].id
        save_actions(db, tid, mid, theme, ROWS[:1])
    for rows, message in (
        ([{"action": "", "trekker": "Politie"}], "Rij 1: vul de actie in"),
        ([{"action": "x" * 2001}], "hoogstens 2000 tekens"),
        ([{"action": "Camera's", "budget_amount": -500}], "Rij 1: het budget kan niet negatief zijn"),
        ([{"action": "Camera's", "budget_amount": 10.5}], "Rij 1: vul het budget in hele euro's in"),
        ([{"action": "Camera's", "budget_amount": "veel"}], "Rij 1: vul het budget in als bedrag"),
        ([{"action": "Camera's", "budget_amount": 10**9}], "onwaarschijnlijk groot"),
        ([{"budget_amount": 4000}], "Rij 1: vul de actie in"),
    ):
        with pytest.raises(ActionError, match=message), session_scope(engine) as db:
            save_actions(db, tid, mid, theme, rows)
    with pytest.raises(ActionError, match="Onbekend thema"), session_scope(engine) as db:
        save_actions(db, tid, mid, "9.9", ROWS[:1])
    with session_scope(engine) as db:
        assert [r.action for r in list_actions(db, tid, mid)] == ["Buurtpreventie uitbreiden naar Beekdorp"]


def test_the_ivp_draft_docx_names_every_chapter(engine: Engine) -> None:
    from ivp_core.report.files import kind_files

    built = build_trajectory(engine)
    with session_scope(engine) as db:
        files = kind_files(db, built.trajectory_id, None, "ivp", ("docx",))
    (data,) = files.values()
    texts = [p.text for p in Document(io.BytesIO(data)).paragraphs]
    assert "4 Prioriteiten" in texts and "7 Begroting" in texts
    assert any(t.startswith(f"Prioriteit {built.chosen[0]} ") for t in texts)
