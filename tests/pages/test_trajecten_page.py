"""The Trajecten page: a real municipality starts from an empty database, and refusals store nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from sqlalchemy import Engine, func, select
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Dataframe

from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Figure, Municipality, Trajectory, WerkgroepMember

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def no_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    """A real installation: the app does not load the fictitious example into the empty database."""
    monkeypatch.setenv("IVP_NO_DEMO", "1")


def _page(facilitator: bool = True) -> AppTest:
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if facilitator:
        at.session_state["ivp_role"] = "facilitator"
    at.run()
    if facilitator:
        at.switch_page("pages/trajecten.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _fill_create(at: AppTest, fields: dict[str, str], others: list[dict[str, str]] | None = None) -> None:
    """Type into the create form by label; further municipalities go in the table, as the browser reports it."""
    for label, value in fields.items():
        next(t for t in at.text_input if t.label == label).input(value)
    if others:
        at.session_state["create-0-municipalities"] = {
            "edited_rows": {},
            "added_rows": others,
            "deleted_rows": [],
        }


def _count(engine: Engine, model: type) -> int:
    with session_scope(engine) as db:
        return int(db.scalar(select(func.count()).select_from(model)) or 0)


def test_start_page_without_trajectory_points_facilitator_to_trajecten(
    engine: Engine, admin_password: str, no_demo: None
) -> None:
    at = _page(facilitator=False)
    assert any("een traject aanmaken" in i.value for i in at.info)
    at = _page(facilitator=True)
    at.switch_page("pages/start.py").run()
    assert any("pagina Trajecten" in i.value for i in at.info)


def test_creating_a_trajectory_on_an_empty_database_selects_it(
    engine: Engine, admin_password: str, no_demo: None
) -> None:
    at = _page()
    _fill_create(
        at,
        {
            "Titel": "IVP Dalfsen",
            "Planperiode": "2027-2030",
            "CBS-code": "GM0148",
            "Naam van de gemeente": "Dalfsen",
            "Inwoners (mag leeg)": "29.000",
            "Wijken en kernen (mag leeg)": "Dalfsen, Nieuwleusen, Lemelerveld",
        },
    )
    next(n for n in at.number_input if n.label == "op 1 januari van").set_value(2024)
    next(b for b in at.button if b.label == "Traject aanmaken").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("aangemaakt" in s.value for s in at.success)
    with session_scope(engine) as db:
        trajectory = db.scalars(select(Trajectory)).one()
        assert (trajectory.name, trajectory.period_start, trajectory.period_end) == (
            "IVP Dalfsen",
            2027,
            2030,
        )
        assert [m.wijken for m in trajectory.municipalities] == [["Dalfsen", "Nieuwleusen", "Lemelerveld"]]
        figure = db.scalars(select(Figure)).one()
        assert (figure.region_code, figure.indicator, figure.year, figure.value) == (
            "GM0148",
            "Inwoners",
            2024,
            29000,
        )
    chooser = next(s for s in at.selectbox if s.label == "Traject om te beheren")
    assert chooser.value == trajectory.id


def test_a_bad_cbs_code_is_refused_in_dutch_and_nothing_is_stored(
    engine: Engine, admin_password: str, no_demo: None
) -> None:
    at = _page()
    _fill_create(at, {"Titel": "IVP Dalfsen", "CBS-code": "148X", "Naam van de gemeente": "Dalfsen"})
    next(b for b in at.button if b.label == "Traject aanmaken").click().run()
    assert any("geen CBS-gemeentecode" in e.value for e in at.error)
    assert _count(engine, Trajectory) == 0
    assert _count(engine, Municipality) == 0


def test_a_joint_trajectory_through_the_extra_table(
    engine: Engine, admin_password: str, no_demo: None
) -> None:
    at = _page()
    _fill_create(
        at,
        {"Titel": "Vechtdal", "CBS-code": "GM0148", "Naam van de gemeente": "Dalfsen"},
        [{"cbs_code": "GM0175", "name": "Ommen", "wijken": "Ommen, Vilsteren"}],
    )
    next(b for b in at.button if b.label == "Traject aanmaken").click().run()
    assert not at.error, [e.value for e in at.error]
    with session_scope(engine) as db:
        trajectory = db.scalars(select(Trajectory)).one()
        assert sorted((m.name, tuple(m.wijken)) for m in trajectory.municipalities) == [
            ("Dalfsen", ()),
            ("Ommen", ("Ommen", "Vilsteren")),
        ]


def test_delete_asks_for_the_title_and_offers_a_backup_first(
    engine: Engine, admin_password: str, no_demo: None
) -> None:
    at = _page()
    _fill_create(at, {"Titel": "Proef", "CBS-code": "GM0148", "Naam van de gemeente": "Dalfsen"})
    next(b for b in at.button if b.label == "Traject aanmaken").click().run()
    assert any(d.label == "Back-up downloaden (.zip)" for d in at.get("download_button"))
    confirm = next(t for t in at.text_input if t.label.startswith("Typ ter bevestiging de titel"))
    confirm.input("proef")
    next(b for b in at.button if b.label == "Traject verwijderen").click().run()
    assert any("Er is niets verwijderd" in e.value for e in at.error)
    assert _count(engine, Trajectory) == 1
    confirm = next(t for t in at.text_input if t.label.startswith("Typ ter bevestiging de titel"))
    confirm.input("Proef")
    next(b for b in at.button if b.label == "Traject verwijderen").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("is verwijderd" in s.value for s in at.success)
    assert _count(engine, Trajectory) == 0


def test_stap1_werkgroep_is_saved_for_the_demo_too(demo_engine: Engine, admin_password: str) -> None:
    at = _page()
    assert any("fictief voorbeeld" in w.value for w in at.warning)
    at.session_state[_grid_key(at, "werkgroep-table")] = {
        "edited_rows": {},
        "added_rows": [{"name": "", "role": "wijkagent", "organisation": "politie"}],
        "deleted_rows": [],
    }
    next(b for b in at.button if b.label == "Werkgroep opslaan").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with session_scope(demo_engine) as db:
        member = db.scalars(select(WerkgroepMember)).one()
        assert (member.role, member.organisation) == ("wijkagent", "politie")


def _own_trajectory(engine: Engine) -> int:
    """A trajectory a user made (not the demo): Dalfsen, planning in the future."""
    from ivp_core.dutch import local_today
    from ivp_core.trajectory import manage
    from ivp_core.trajectory.municipalities import MunicipalityInput

    start = local_today().year + 1
    with session_scope(engine) as db:
        return manage.create(
            db,
            manage.TrajectoryInput(
                "IVP Dalfsen",
                f"{start}-{start + 3}",
                (MunicipalityInput("GM0148", "Dalfsen", ("Nieuwleusen",)),),
            ),
        )


def _startnote_form(at: AppTest) -> tuple[object, object, object]:
    area = {t.label: t for t in at.text_area}
    number = {n.label: n for n in at.number_input}
    return area, number, next(b for b in at.button if b.label == "Onderdelen opslaan")


def test_the_startnotitie_parts_are_written_on_the_page_and_land_in_the_document(
    engine: Engine, admin_password: str, no_demo: None
) -> None:
    from ivp_core.report.blocks import Paragraph, TableBlock
    from ivp_core.report.documents.startnotitie import startnote_blocks

    tid = _own_trajectory(engine)
    at = _page()
    area, number, save = _startnote_form(at)
    area["Partners"].input("Politie basisteam IJsselland, GGD, woningcorporatie")
    number["Ambtelijke capaciteit (uren)"].set_value(400)
    number["Budget (euro)"].set_value(25000)
    area["Bewonersconsultatie (mag leeg)"].input("Een online raadpleging in alle kernen.")
    area["Beleidscyclus"].input("Vier jaar IVP, elk jaar een uitvoeringsplan.")
    next(s for s in at.selectbox if s.label == "De startnotitie wordt vastgesteld door").set_value("raad")
    save.click().run()  # type: ignore[attr-defined]
    assert not at.exception, [e.value for e in at.exception]
    assert any("startnotitie zijn opgeslagen" in s.value for s in at.success)
    with session_scope(engine) as db:
        t = db.get(Trajectory, tid)
        assert t is not None
        assert (t.capacity_hours, t.budget_amount, t.startnote_adopted_by, t.ivp_adopted_by) == (
            400,
            25000,
            "raad",
            "raad",
        )
        blocks = startnote_blocks(db, tid)
    text = " ".join(
        b.label + b.text if isinstance(b, Paragraph) else " ".join(" ".join(r) for r in b.rows)
        for b in blocks
        if isinstance(b, Paragraph | TableBlock)
    )
    for expected in (
        "400 uur",
        "€ 25.000",
        "online raadpleging",
        "Vier jaar IVP",
        "vastgesteld door de gemeenteraad",
    ):
        assert expected in text, expected


def _editors(at: AppTest) -> list[Dataframe]:
    """Every editable grid on the page (the list of trajectories above is read-only)."""
    return [d for d in at.get("dataframe") if isinstance(d, Dataframe) and d.proto.editing_mode]


def _grid(at: AppTest, key_part: str) -> Dataframe:
    return next(d for d in _editors(at) if key_part in d.proto.id)


def _grid_key(at: AppTest, key_part: str) -> str:
    """The widget key of the grid whose key contains ``key_part`` (it carries the part's edit round)."""
    grid_id = _grid(at, key_part).proto.id
    return grid_id[grid_id.index(key_part) :]


def test_no_grid_shows_a_grey_none_in_an_empty_cell(
    engine: Engine, admin_password: str, no_demo: None
) -> None:
    """Issue 27: a new row of the werkgroep, planning or agendas showed "None" in every cell not yet typed."""
    _own_trajectory(engine)
    at = _page()
    editors = _editors(at)
    assert len(editors) >= 7  # create, municipalities, inhabitants, werkgroep, planning, previous, agendas
    for editor in editors:
        assert editor.proto.HasField("placeholder") and editor.proto.placeholder == "", editor.proto.id


def test_the_planning_keeps_the_order_typed_with_dates_in_the_future(
    engine: Engine, admin_password: str, no_demo: None
) -> None:
    """Issue 27: the planning re-sorted by date when saved, so the row one was filling in jumped away."""
    from ivp_core.dutch import local_today

    _own_trajectory(engine)
    at = _page()
    today = local_today()
    later, sooner = date(today.year + 1, 9, 1), date(today.year + 1, 3, 1)
    proposed = len(_grid(at, "planning-table").value)
    at.session_state[_grid_key(at, "planning-table")] = {
        "edited_rows": {},
        "added_rows": [
            {
                "kind": "Besluit over de prioriteiten",
                "title": "Raadsvergadering",
                "due_on": later.isoformat(),
            },
            {"kind": "Overige stap", "title": "Bijeenkomst werkgroep", "due_on": sooner.isoformat()},
        ],
        "deleted_rows": list(range(proposed)),
    }
    next(b for b in at.button if b.label == "Planning opslaan").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("planning is opgeslagen" in s.value for s in at.success)
    shown = _grid(at, "planning-table").value
    assert list(shown["title"]) == ["Raadsvergadering", "Bijeenkomst werkgroep"]
    assert [pd.Timestamp(d).date() for d in shown["due_on"]] == [later, sooner]


def _tid(engine: Engine) -> int:
    with session_scope(engine) as db:
        return int(db.scalars(select(Trajectory.id).order_by(Trajectory.id)).first() or 0)


def _members(engine: Engine) -> list[str]:
    with session_scope(engine) as db:
        return [m.role for m in db.scalars(select(WerkgroepMember).order_by(WerkgroepMember.id))]


def _save_werkgroep(at: AppTest, tid: int, role: str) -> None:
    at.session_state[_grid_key(at, "werkgroep-table")] = {
        "edited_rows": {},
        "added_rows": [{"name": "", "role": role, "organisation": "gemeente"}],
        "deleted_rows": [],
    }
    next(b for b in at.button if b.label == "Werkgroep opslaan").click().run()
    assert not at.exception, [e.value for e in at.exception]


def test_two_coordinators_saving_the_werkgroep_lose_neither_table(
    engine: Engine, admin_password: str, no_demo: None
) -> None:
    """Issue 30: B opened the werkgroep before A saved it; B's save is refused with both versions, then kept."""
    tid = _own_trajectory(engine)
    coordinator_a, coordinator_b = _page(), _page()
    _save_werkgroep(coordinator_a, tid, "coördinator OOV")
    assert _members(engine) == ["coördinator OOV"]

    _save_werkgroep(coordinator_b, tid, "wijkagent")
    assert _members(engine) == ["coördinator OOV"], "B's save must not overwrite A's"

    assert any("Iemand anders heeft de werkgroep gewijzigd" in w.value for w in coordinator_b.warning)
    versions = [c.value for c in coordinator_b.code]
    assert any("wijkagent" in v for v in versions) and any("coördinator OOV" in v for v in versions)

    next(b for b in coordinator_b.button if b.label == "Verder met mijn versie").click().run()
    next(b for b in coordinator_b.button if b.label == "Werkgroep opslaan").click().run()
    assert not coordinator_b.exception, [e.value for e in coordinator_b.exception]
    assert _members(engine) == ["wijkagent"]
    assert any("werkgroep is opgeslagen" in s.value for s in coordinator_b.success)


def test_choosing_the_stored_werkgroep_shows_it_and_stores_nothing(
    engine: Engine, admin_password: str, no_demo: None
) -> None:
    tid = _own_trajectory(engine)
    coordinator_a, coordinator_b = _page(), _page()
    _save_werkgroep(coordinator_a, tid, "coördinator OOV")
    _save_werkgroep(coordinator_b, tid, "wijkagent")
    next(b for b in coordinator_b.button if b.label == "Verder met de opgeslagen versie").click().run()
    assert not coordinator_b.exception, [e.value for e in coordinator_b.exception]
    assert list(_grid(coordinator_b, "werkgroep-table").value["role"]) == ["coördinator OOV"]
    assert _members(engine) == ["coördinator OOV"]


def test_the_gremia_speak_the_one_vocabulary(engine: Engine, admin_password: str, no_demo: None) -> None:
    """Stap 1 said "college van B&W" where the rest of the product says "College van B en W"."""
    _own_trajectory(engine)
    at = _page()
    opinion = next(s for s in at.selectbox if s.label == "Wie houdt de opiniërende sessie?")
    assert "College van B en W" in opinion.options
    assert not any("B&W" in option for option in opinion.options)


def test_coming_back_to_the_page_shows_what_a_colleague_saved_meanwhile(
    engine: Engine, admin_password: str, no_demo: None
) -> None:
    """The version kept to save over lives only while one stays on the page; back from elsewhere, it is fresh."""
    tid = _own_trajectory(engine)
    coordinator_a, coordinator_b = _page(), _page()
    _save_werkgroep(coordinator_a, tid, "coördinator OOV")
    coordinator_b.switch_page("pages/start.py").run()
    coordinator_b.switch_page("pages/trajecten.py").run()
    assert not coordinator_b.exception, [e.value for e in coordinator_b.exception]
    assert list(_grid(coordinator_b, "werkgroep-table").value["role"]) == ["coördinator OOV"]
