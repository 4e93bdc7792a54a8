"""The page 'Teksten voor het IVP': the coordinator writes the visie, the uitgangspunten, coördinatie and the
flankerend beleid per priority; the IVP concept prints them. On a trajectory a user made, single and joint."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from ivp_core.dutch import local_today
from ivp_core.plan.texts import read_texts
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import FlankingPolicy, IvpText, PriorityDecision, Trajectory
from ivp_core.trajectory import manage
from ivp_core.trajectory.municipalities import MunicipalityInput

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def no_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IVP_NO_DEMO", "1")


def _own(engine: Engine, *members: MunicipalityInput) -> tuple[int, dict[str, int]]:
    start = local_today().year + 1
    with session_scope(engine) as db:
        tid = manage.create(
            db,
            manage.TrajectoryInput(
                "IVP eigen gemeente",
                f"{start}-{start + 3}",
                members or (MunicipalityInput("GM0148", "Dalfsen"),),
            ),
        )
        t = db.get(Trajectory, tid)
        assert t is not None
        ids = {m.name: m.id for m in t.municipalities}
        for mid in ids.values():  # the raad's vaststelling, recorded after a paper session
            db.add(
                PriorityDecision(
                    trajectory_id=tid,
                    municipality_id=mid,
                    chosen=["1.3", "4.1"],
                    decided_by="Griffie",
                    gremium="raad",
                    meeting_date=local_today() - timedelta(days=3),
                    status="vastgesteld",
                )
            )
    return tid, ids


def _page() -> AppTest:
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["ivp_role"] = "facilitator"
    at.run()
    at.switch_page("pages/ivp_teksten.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _area(at: AppTest, label: str):  # type: ignore[no-untyped-def]
    return next(t for t in at.text_area if t.label == label)


def test_the_texts_are_written_and_saved_for_the_ivp(
    engine: Engine, admin_password: str, no_demo: None
) -> None:
    tid, _ = _own(engine)
    at = _page()
    assert [t.label for t in at.text_area][3:] == [
        "1.3 Objectieve veiligheid/veelvoorkomende en 'high impact'-criminaliteit",
        "4.1 Verkeersveiligheid",
    ]
    _area(at, "Visie en strategische doelstelling").input("In 2030 voelen inwoners zich veiliger.")
    _area(at, "Strategische uitgangspunten").input("Wijkgericht werken.")
    _area(at, "Coördinatie, sturing en voortgangsbewaking").input("De burgemeester stuurt.")
    _area(at, "4.1 Verkeersveiligheid").input("Het verkeersplan 2028.")
    next(b for b in at.button if b.label == "Teksten opslaan").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("De teksten zijn opgeslagen" in s.value for s in at.success)
    with session_scope(engine) as db:
        texts = read_texts(db, tid, None)
    assert (texts.vision, texts.principles, texts.coordination) == (
        "In 2030 voelen inwoners zich veiliger.",
        "Wijkgericht werken.",
        "De burgemeester stuurt.",
    )
    assert dict(texts.flanking) == {"4.1": "Het verkeersplan 2028."}
    # the page shows what was saved after the rerun
    assert _area(at, "4.1 Verkeersveiligheid").value == "Het verkeersplan 2028."


def test_a_joint_trajectory_writes_a_shared_and_an_own_part(
    engine: Engine, admin_password: str, no_demo: None
) -> None:
    _tid, ids = _own(engine, MunicipalityInput("GM0148", "Dalfsen"), MunicipalityInput("GM0175", "Ommen"))
    at = _page()
    owner = next(r for r in at.radio if r.label == "Voor welk deel van het gezamenlijke IVP?")
    owner.set_value("own").run()
    assert not at.exception, [e.value for e in at.exception]
    _area(at, "Visie en strategische doelstelling").input("Dalfsen: veilig in elke kern.")
    next(b for b in at.button if b.label == "Teksten opslaan").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with session_scope(engine) as db:
        rows = db.scalars(select(IvpText)).all()
        assert [(r.municipality_id, r.vision) for r in rows] == [
            (ids["Dalfsen"], "Dalfsen: veilig in elke kern.")
        ]
        assert db.scalars(select(FlankingPolicy)).all() == []


VISION = "Visie en strategische doelstelling"


def _save(at: AppTest) -> None:
    next(b for b in at.button if b.label == "Teksten opslaan").click().run()
    assert not at.exception, [e.value for e in at.exception]


def test_two_coordinators_writing_the_same_visie_lose_neither_text(
    engine: Engine, admin_password: str, no_demo: None
) -> None:
    """Issue 30: B opened the visie before A saved "Versie A3"; B's "Versie B3" is refused with both versions
    (not "opgeslagen" over A's), B's other text waits too, and after merging both versions are stored."""
    tid, _ = _own(engine)
    coordinator_a, coordinator_b = _page(), _page()
    _area(coordinator_a, VISION).input("Versie A3")
    _save(coordinator_a)

    _area(coordinator_b, VISION).input("Versie B3")
    _area(coordinator_b, "Strategische uitgangspunten").input("Wijkgericht werken.")
    _save(coordinator_b)
    with session_scope(engine) as db:
        texts = read_texts(db, tid, None)
    assert (texts.vision, texts.principles) == ("Versie A3", ""), "nothing of B's save is stored"
    assert not coordinator_b.success
    assert any(
        "Iemand anders heeft 'Visie en strategische doelstelling' gewijzigd" in w.value
        for w in coordinator_b.warning
    )
    assert {c.value for c in coordinator_b.code} == {"Versie A3", "Versie B3"}
    assert _area(coordinator_b, "Strategische uitgangspunten").value == "Wijkgericht werken."

    next(b for b in coordinator_b.button if b.label == "Verder met mijn versie").click().run()
    assert _area(coordinator_b, VISION).value == "Versie B3"
    _area(coordinator_b, VISION).input("Versie B3\n\nVersie A3")
    _save(coordinator_b)
    assert any("De teksten zijn opgeslagen" in s.value for s in coordinator_b.success)
    with session_scope(engine) as db:
        texts = read_texts(db, tid, None)
    assert (texts.vision, texts.principles) == ("Versie B3\n\nVersie A3", "Wijkgericht werken.")


def test_a_text_left_as_opened_keeps_a_colleagues_newer_version(
    engine: Engine, admin_password: str, no_demo: None
) -> None:
    """B only wrote the uitgangspunten; A's visie, saved meanwhile, is no conflict for B and stays."""
    tid, _ = _own(engine)
    coordinator_a, coordinator_b = _page(), _page()
    _area(coordinator_a, VISION).input("Versie A3")
    _save(coordinator_a)
    _area(coordinator_b, "Strategische uitgangspunten").input("Wijkgericht werken.")
    _save(coordinator_b)
    assert any("De teksten zijn opgeslagen" in s.value for s in coordinator_b.success)
    with session_scope(engine) as db:
        texts = read_texts(db, tid, None)
    assert (texts.vision, texts.principles) == ("Versie A3", "Wijkgericht werken.")
    assert _area(coordinator_b, VISION).value == "Versie A3"
