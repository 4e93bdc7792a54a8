from __future__ import annotations

from sqlalchemy import Engine, func, select

from ivp_core.demo.joint import load_joint_demo
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import EffectIndicator
from tests.pages.test_smoke import facilitator_page
from tests.plan.test_joint import THEMES, build_joint


def test_joint_page_shows_shared_and_local_priorities_of_the_demo(
    demo_engine: Engine, admin_password: str
) -> None:
    tid = load_joint_demo(demo_engine)
    at = facilitator_page("pages/gezamenlijk.py", tid)
    markdown = " ".join(m.value for m in at.markdown)
    assert "**5.2 Ondermijnende criminaliteit**" in markdown
    assert "prioriteit in alle gemeenten" in markdown
    assert "2.5 Veilig toerisme" in markdown  # Dijkhoven's own priority
    assert len(at.get("arrow_vega_lite_chart")) + len(at.get("vega_lite_chart")) >= 1
    table = at.dataframe[0].value
    assert len(table) == 22
    assert set(table["Voorstel"]) == {"gezamenlijk", "lokaal", "overig"}


def test_a_theme_no_municipality_placed_shows_a_dash_not_none(engine: Engine, admin_password: str) -> None:
    """Three municipalities voted on eight themes; the other fourteen have no places, so no spread. The
    table showed Streamlit's grey "None" there (a Python value on a coordinator's screen)."""
    tid, _ = build_joint(engine)
    at = facilitator_page("pages/gezamenlijk.py", tid)
    table = at.dataframe[0].value
    assert len(table) == 22
    assert not table["Spreiding"].isna().any()
    assert (table["Spreiding"] == "–").sum() == 22 - len(THEMES)


def test_joint_page_explains_a_single_municipality_trajectory(
    demo_engine: Engine, admin_password: str
) -> None:
    at = facilitator_page("pages/gezamenlijk.py")
    assert any("hoort bij één gemeente" in i.value for i in at.info)
    assert not at.dataframe


def test_saving_a_target_value_on_the_indicatorfacilitator_page(
    demo_engine: Engine, admin_password: str
) -> None:
    at = facilitator_page("pages/indicatoren.py")
    assert [m.label for m in at.metric][:2] == ["Trend doorgetrokken", "Benchmark (Nederland)"]
    target = next(t for t in at.text_input if t.label == "Streefwaarde")
    target.input("veel lager")
    at.button[0].click().run()
    assert any("'veel lager' is geen getal" in e.value for e in at.error)
    with session_scope(demo_engine) as db:
        assert db.scalars(select(EffectIndicator)).first() is None
    target = next(t for t in at.text_input if t.label == "Streefwaarde")
    target.input("4,5")
    at.button[0].click().run()
    assert not at.exception and not at.error
    with session_scope(demo_engine) as db:
        row = db.scalars(select(EffectIndicator)).one()
        assert (row.target_value, row.target_year) == (4.5, 2030)
        assert row.baseline_year is not None and row.indicator
    assert at.dataframe and at.dataframe[0].value["Indicator"].tolist() == [row.indicator]


def test_joint_page_records_the_agreed_sets_and_warns_above_four(
    demo_engine: Engine, admin_password: str
) -> None:
    from ivp_core.storage.models import AgendaInput, JointChoice, Trajectory

    tid = load_joint_demo(demo_engine)
    with session_scope(demo_engine) as db:
        db.add(AgendaInput(trajectory_id=tid, source="politie", theme_code="5.2", text="Ondermijning"))
        first = db.get(Trajectory, tid).municipalities[0]
    at = facilitator_page("pages/gezamenlijk.py", tid)
    assert "5.2 Ondermijnende criminaliteit: Ondermijning" in " ".join(m.value for m in at.markdown)
    shared = next(m for m in at.multiselect if m.label == "Gezamenlijke prioriteiten")
    own = next(m for m in at.multiselect if m.label == f"Eigen prioriteiten van {first.name}")
    shared.set_value(["5.2", "3.1", "1.3"])
    own.set_value(["1.3", "2.5"])  # 1.3 both shared and local: refused
    next(b for b in at.button if b.label == "Afspraak vastleggen").click().run()
    assert any("zowel gezamenlijk als lokaal" in e.value for e in at.error)
    with session_scope(demo_engine) as db:
        assert db.scalars(select(JointChoice)).first() is None
    next(m for m in at.multiselect if m.label == f"Eigen prioriteiten van {first.name}").set_value(
        ["1.1", "2.5"]
    )
    next(b for b in at.button if b.label == "Afspraak vastleggen").click().run()
    assert not at.exception and not at.error
    assert any(f"{first.name} heeft 5 prioriteiten" in w.value for w in at.warning)
    with session_scope(demo_engine) as db:
        mine = (
            select(func.count())
            .select_from(JointChoice)
            .where((JointChoice.municipality_id == first.id) | JointChoice.municipality_id.is_(None))
        )
        assert db.scalar(mine) == 5  # three shared and the first municipality's own two


def test_joint_page_shows_each_raads_own_decision_beside_the_agreement(
    engine: Engine, admin_password: str
) -> None:
    """A raad that adopted other themes than the agreement keeps its own decision; the page names the difference."""
    from ivp_core.dutch import local_today
    from ivp_core.plan.joint import record_joint_choice
    from ivp_core.storage.models import PriorityDecision, Trajectory

    tid = load_joint_demo(engine)
    with session_scope(engine) as db:
        first, *_others = sorted(db.get(Trajectory, tid).municipalities, key=lambda m: m.id)
        name = first.name
        record_joint_choice(db, tid, ["5.2", "1.3"], {first.id: ["1.1"]})
        db.add(
            PriorityDecision(
                trajectory_id=tid,
                municipality_id=first.id,
                settings={},
                advice={},
                chosen=["5.2", "1.3", "4.1"],
                reason="De raad koos verkeer.",
                decided_by="Griffier",
                gremium="raad",
                meeting_date=local_today(),
                status="vastgesteld",
            )
        )
    at = facilitator_page("pages/gezamenlijk.py", tid)
    own = at.dataframe[1].value
    row = own[own["Gemeente"] == name].iloc[0]
    assert row["Eigen besluit"].startswith("Vastgesteld door de gemeenteraad op ")
    assert row["Gekozen"] == "5.2, 1.3, 4.1" and row["Afspraak"] == "5.2, 1.3, 1.1"
    assert row["Verschil"] == "alleen eigen besluit: 4.1; alleen afspraak: 1.1"
    assert any(
        w.value.startswith(
            f"Verschil tussen de eigen keuze van {name} en de afspraak: de gemeenteraad koos ook 4.1"
        )
        for w in at.warning
    )


def test_two_coordinators_recording_the_agreement_lose_neither(
    demo_engine: Engine, admin_password: str
) -> None:
    """Issue 30: B opened the agreement before A recorded one; B's is refused with both versions, A's stays."""
    from ivp_core.storage.models import JointChoice, Trajectory

    tid = load_joint_demo(demo_engine)
    with session_scope(demo_engine) as db:
        first = db.get(Trajectory, tid).municipalities[0]
    coordinator_a, coordinator_b = (
        facilitator_page("pages/gezamenlijk.py", tid),
        facilitator_page("pages/gezamenlijk.py", tid),
    )
    for at, shared in ((coordinator_a, ["5.2"]), (coordinator_b, ["3.1"])):
        next(m for m in at.multiselect if m.label == "Gezamenlijke prioriteiten").set_value(shared)
        next(m for m in at.multiselect if m.label == f"Eigen prioriteiten van {first.name}").set_value([])
        next(b for b in at.button if b.label == "Afspraak vastleggen").click().run()
        assert not at.exception, [e.value for e in at.exception]

    def stored() -> list[str]:
        with session_scope(demo_engine) as db:
            return [
                c.theme_code
                for c in db.scalars(select(JointChoice).where(JointChoice.municipality_id.is_(None)))
            ]

    assert stored() == ["5.2"]
    assert any(
        "Iemand anders heeft de afspraak over de prioriteiten gewijzigd" in w.value
        for w in coordinator_b.warning
    )
    versions = " ".join(c.value for c in coordinator_b.code)
    assert "Gezamenlijk: 5.2" in versions and "Gezamenlijk: 3.1" in versions
    next(b for b in coordinator_b.button if b.label == "Verder met mijn versie").click().run()
    next(b for b in coordinator_b.button if b.label == "Afspraak vastleggen").click().run()
    assert not coordinator_b.exception, [e.value for e in coordinator_b.exception]
    assert stored() == ["3.1"]
