"""Issue 27, forms and words on the council engineer's pages: each test fails on the code before the fix."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from ivp_core.analysis.texts import update_theme_analysis
from ivp_core.consultation import consultation_info, sessions
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Municipality, OpinionSession, Trajectory
from ui.widgets.dutch_counts import counted

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    st.cache_data.clear()


def _app(role: str | None = "facilitator") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if role:
        at.session_state["ivp_role"] = role
    return at


def _demo(engine: Engine) -> tuple[int, int]:
    with session_scope(engine, readonly=True) as db:
        trajectory = db.scalars(select(Trajectory).order_by(Trajectory.id)).first()
        assert trajectory is not None
        return trajectory.id, trajectory.municipalities[0].id


def test_counts_are_dutch() -> None:
    assert counted(1, "vastgelegde keuze", "vastgelegde keuzes") == "1 vastgelegde keuze"
    assert counted(0, "schermlink", "schermlinks") == "0 schermlinks"
    assert counted(2, "misdrijfsoort", "misdrijfsoorten") == "2 misdrijfsoorten"


def test_a_typed_approach_of_a_field_one_theme_is_shown(demo_engine: Engine) -> None:
    trajectory_id, municipality_id = _demo(demo_engine)
    typed = "Buurtbemiddeling in alle kernen, met vrijwilligers."
    with session_scope(demo_engine) as db:
        update_theme_analysis(db, trajectory_id, municipality_id, "1.1", "Test", {"approach_text": typed})
    at = _app(None).run()
    at.query_params["veld"] = "1"
    at.switch_page("pages/veld.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert [s.value for s in at.subheader].count("Huidige aanpak") >= 1
    assert typed in [t.value for t in at.text] + [m.value for m in at.markdown]


def test_the_author_is_typed_once_per_browser_session(demo_engine: Engine, admin_password: str) -> None:
    at = _app().run()
    at.switch_page("pages/analyse_beheer.py").run()
    next(t for t in at.text_input if t.label == "Uw naam").input("Fatima de Vries").run()
    at.switch_page("pages/sessies.py").run()
    at.switch_page("pages/analyse_beheer.py").run()
    assert next(t for t in at.text_input if t.label == "Uw naam").value == "Fatima de Vries"


def test_a_resident_session_form_shows_the_wijken_of_the_trajectory(
    demo_engine: Engine, admin_password: str
) -> None:
    _, municipality_id = _demo(demo_engine)
    known = ["Oosterhof", "De Kern", "Buitengebied"]
    with session_scope(demo_engine) as db:
        town = db.get(Municipality, municipality_id)
        assert town is not None
        town.wijken = known  # entered with the municipality (Stap 1)
    at = _app().run()
    at.switch_page("pages/sessies.py").run()
    next(s for s in at.selectbox if s.label == "Soort bijeenkomst").select("inwonersconsultatie").run()
    area = next(t for t in at.text_area if t.label.startswith("Wijken of kernen"))
    assert area.value.splitlines() == known


def test_the_werkgroep_criteria_table_has_no_technical_key_column(
    demo_engine: Engine, admin_password: str
) -> None:
    at = _app().run()
    at.switch_page("pages/sessies.py").run()
    next(s for s in at.selectbox if s.label == "Soort bijeenkomst").select("werkgroep").run()
    assert not at.exception, [e.value for e in at.exception]
    editor = at.get("dataframe")[0].proto
    config = str(editor.columns)
    assert "Criterium" in config and "Sleutel" not in config


def _session(engine: Engine, kind: str) -> sessions.SessionInfo:
    trajectory_id, municipality_id = _demo(engine)
    with session_scope(engine) as db:
        created = sessions.create_session(
            db,
            trajectory_id=trajectory_id,
            municipality_id=municipality_id,
            kind=kind,
            title="Werkgroep IVP",
            method="rating",
            themes=["1.1", "1.3"],
        )
        return sessions.open_session(db, created.id)


def test_the_werkgroep_ballot_does_not_open_with_the_residents_introduction(demo_engine: Engine) -> None:
    werkgroep = _session(demo_engine, "werkgroep")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["code"] = werkgroep.code
    at.run()
    at.switch_page("pages/stem.py").run()
    assert not at.exception, [e.value for e in at.exception]
    shown = " ".join(m.value for m in at.markdown)
    assert "op de website van de gemeente" not in shown
    assert [b for b in at.button if b.label == "Stem versturen"]


def test_the_privacy_defaults_name_the_municipality(demo_engine: Engine, admin_password: str) -> None:
    residents = _session(demo_engine, "inwonersconsultatie")
    at = _app().run()
    at.switch_page("pages/sessies.py").run()
    next(s for s in at.selectbox if s.label == "Sessie").select(residents.id).run()
    placeholders = [t.placeholder for t in at.text_area if t.placeholder]
    assert placeholders and not [p for p in placeholders if "{gemeente}" in p]
    with session_scope(demo_engine, readonly=True) as db:
        row = db.get(OpinionSession, residents.id)
        assert row is not None
        name = consultation_info.municipality_name(db, row)
    assert any(name in p for p in placeholders)
