"""The import tab of 'Analyse beheren': what is still stored per import, and undo with a confirmation.
(Uploading itself cannot be driven through AppTest; the preview it shows is the core's, tested beside this.)"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, func, select, update
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Button

from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Figure, ImportBatch
from tests.badinput.snapshot import assert_unchanged, take

ROOT = Path(__file__).resolve().parents[3]


def _page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["ivp_role"] = "facilitator"
    at.run()
    at.switch_page("pages/analyse_beheer.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _undo_button(at: AppTest) -> Button:
    return next(b for b in at.button if b.label == "Import ongedaan maken")


def test_undo_needs_the_confirmation_then_removes_the_batchs_figures(demo_engine: Engine) -> None:
    at = _page()
    uploader = at.get("file_uploader")[0]
    assert "hoogstens 50 MB" in uploader.proto.label
    batches = next(d for d in at.dataframe if "Nog opgeslagen" in d.value.columns).value
    with session_scope(demo_engine) as s:
        newest = s.scalar(select(ImportBatch).order_by(ImportBatch.imported_at.desc(), ImportBatch.id.desc()))
        assert newest is not None
        batch_id = newest.id
        stored = s.scalar(select(func.count()).select_from(Figure).where(Figure.batch_id == batch_id))
    assert int(batches.loc[batches["Nr."] == batch_id, "Nog opgeslagen"].iloc[0]) == stored and stored

    before = take(demo_engine)
    _undo_button(at).click().run()
    assert any("Vink eerst aan" in e.value for e in at.error)
    assert_unchanged(before, demo_engine)

    next(c for c in at.checkbox if c.label.startswith("Ik weet")).check()  # a form: sent with the submit
    _undo_button(at).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    with session_scope(demo_engine) as s:
        batch = s.get(ImportBatch, batch_id)
        assert batch is not None and batch.undone_at is not None
        assert s.scalar(select(func.count()).select_from(Figure).where(Figure.batch_id == batch_id)) == 0
    batches = next(d for d in at.dataframe if "Nog opgeslagen" in d.value.columns).value
    row = batches.loc[batches["Nr."] == batch_id].iloc[0]
    assert row["Nog opgeslagen"] == 0 and row["Ongedaan gemaakt"]


def test_the_import_table_shows_dutch_time(demo_engine: Engine) -> None:
    """A defect fixed: import moments were shown in UTC (an hour early in winter, the day before at night)."""
    with session_scope(demo_engine) as s:
        newest = s.scalar(select(ImportBatch).order_by(ImportBatch.imported_at.desc(), ImportBatch.id.desc()))
        assert newest is not None
        batch_id = newest.id
        s.execute(
            update(ImportBatch)
            .where(ImportBatch.id == batch_id)
            .values(imported_at=datetime(2026, 12, 6, 23, 30))
        )
    batches = next(d for d in _page().dataframe if "Nog opgeslagen" in d.value.columns).value
    assert batches.loc[batches["Nr."] == batch_id, "Wanneer"].iloc[0] == "07-12-2026 00:30"
