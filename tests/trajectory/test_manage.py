"""Creating and managing an own trajectory in the core: checks first, one transaction, nothing half-written."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from ivp_core.analysis.figures import population_table
from ivp_core.analysis.importers.common import POPULATION_INDICATOR
from ivp_core.consultation.sessions import create_session
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Figure, ImportBatch, Municipality, Trajectory
from ivp_core.trajectory import manage, population
from ivp_core.trajectory.municipalities import (
    MunicipalityInput,
    TrajectoryError,
    clean_cbs_code,
    inputs_from_rows,
    parse_inhabitant_count,
)
from ivp_core.trajectory.trajectories import list_trajectories
from tests.badinput.snapshot import assert_unchanged, take

DALFSEN = MunicipalityInput("GM0148", "Dalfsen", ("Dalfsen", "Nieuwleusen"), {2023: 28900, 2024: 29000})
OMMEN = MunicipalityInput("GM0175", "Ommen", None, {2024: 18500})


def _create(engine: Engine, title: str, period: str, *places: MunicipalityInput) -> int:
    with session_scope(engine) as db:
        return manage.create(db, manage.TrajectoryInput(title, period, places))


def _dalfsen(engine: Engine) -> int:
    return _create(engine, "IVP Dalfsen", "2027-2030", DALFSEN)


def test_a_created_trajectory_has_its_municipality_wijken_and_inhabitants_per_year(engine: Engine) -> None:
    tid = _dalfsen(engine)
    with session_scope(engine) as db:
        t = db.get(Trajectory, tid)
        assert t is not None and not t.fictitious
        assert (t.name, t.period_start, t.period_end) == ("IVP Dalfsen", 2027, 2030)
        [m] = t.municipalities
        assert (m.cbs_code, m.name, m.wijken, m.inhabitants) == (
            "GM0148",
            "Dalfsen",
            ["Dalfsen", "Nieuwleusen"],
            29000,
        )
        batch = db.scalars(select(ImportBatch)).one()
        assert (batch.file_format, batch.trajectory_id, batch.row_count) == ("invoer", tid, 2)
        # per-1,000 figures read exactly these numbers
        table = population_table(db, ["GM0148"])
        assert (table.get("GM0148", 2023), table.get("GM0148", 2024)) == (28900, 29000)


def test_the_typed_population_uses_the_indicator_the_analysis_divides_by() -> None:
    assert population.POPULATION_INDICATOR == POPULATION_INDICATOR


def test_a_joint_trajectory_reuses_a_municipality_by_code(engine: Engine) -> None:
    first = _dalfsen(engine)
    joint = _create(engine, "Vechtdal", "2027–2030", MunicipalityInput("gm148", "Dalfsen"), OMMEN)
    with session_scope(engine) as db:
        assert len(db.scalars(select(Municipality)).all()) == 2
        refs = {t.id: t for t in list_trajectories(db)}
        assert refs[joint].is_joint and not refs[first].is_joint
        # Dalfsen's wijken stay: the second trajectory gave none
        assert db.scalars(select(Municipality.wijken).where(Municipality.cbs_code == "GM0148")).one() == [
            "Dalfsen",
            "Nieuwleusen",
        ]


@pytest.mark.parametrize(
    ("title", "period", "places", "message"),
    [
        ("", "2027-2030", (DALFSEN,), "Geef het traject een titel"),
        ("IVP", "2030-2027", (DALFSEN,), "ligt vóór het eerste jaar"),
        ("IVP", "volgend jaar", (DALFSEN,), "geen planperiode"),
        ("IVP", "2027-2040", (DALFSEN,), "te lang"),
        ("IVP", "2027-2030", (), "ten minste één gemeente"),
        ("IVP", "2027-2030", (MunicipalityInput("GM01488", "Dalfsen"),), "geen CBS-gemeentecode"),
        ("IVP", "2027-2030", (MunicipalityInput("GM0148", " "),), "Geef de naam"),
        ("IVP", "2027-2030", (DALFSEN, MunicipalityInput("0148", "Dalfsen-Oost")), "twee keer"),
        ("IVP", "2027-2030", (DALFSEN, MunicipalityInput("GM0175", "dalfsen")), "twee keer"),
        ("IVP", "2027-2030", (MunicipalityInput("GM0148", "Dalfsen", None, {2999: 5}),), "Het jaar 2999"),
        ("IVP", "2027-2030", (MunicipalityInput("GM0148", "Dalfsen", None, {2024: 0}),), "heel getal"),
        ("IVP", "2027-2030", (MunicipalityInput("GM0148", "Dalfsen", ("A", "a")),), "twee keer"),
    ],
)
def test_bad_input_is_refused_in_dutch_and_stores_nothing(
    engine: Engine, title: str, period: str, places: tuple[MunicipalityInput, ...], message: str
) -> None:
    before = take(engine)
    with pytest.raises(TrajectoryError) as caught:
        _create(engine, title, period, *places)
    assert message in caught.value.message_nl
    assert_unchanged(before, engine)


def test_a_name_that_belongs_to_another_code_is_refused(engine: Engine) -> None:
    _dalfsen(engine)
    before = take(engine)
    with pytest.raises(TrajectoryError, match="hoort in deze installatie al bij gemeentecode GM0148"):
        _create(engine, "Ander", "2027-2030", MunicipalityInput("GM0149", "Dalfsen"))
    with pytest.raises(TrajectoryError, match="staat in een ander traject als 'Dalfsen'"):
        _create(engine, "Ander", "2027-2030", MunicipalityInput("GM0148", "Dalfsen-Stad"))
    assert_unchanged(before, engine)


def test_the_demo_municipality_cannot_be_taken_over(demo_engine: Engine) -> None:
    with session_scope(demo_engine) as db:
        code = db.scalars(select(Municipality.cbs_code).where(Municipality.fictitious.is_(True))).first()
    assert code
    with pytest.raises(TrajectoryError, match="fictieve voorbeeldgemeente"):
        _create(demo_engine, "Echt", "2027-2030", MunicipalityInput(code, "Echte gemeente"))


def test_editing_renames_and_replaces_inhabitants(engine: Engine) -> None:
    tid = _dalfsen(engine)
    with session_scope(engine) as db:
        manage.update(
            db,
            tid,
            manage.TrajectoryInput(
                "IVP Dalfsen (herzien)",
                "2027-2031",
                (MunicipalityInput("GM0148", "Gemeente Dalfsen", (), {2025: 29500}),),
            ),
        )
    with session_scope(engine) as db:
        t = db.get(Trajectory, tid)
        assert t is not None and (t.name, t.period_end) == ("IVP Dalfsen (herzien)", 2031)
        assert t.municipalities[0].name == "Gemeente Dalfsen"
        assert population.typed_inhabitants(db, tid, t.municipalities[0].id) == {2025: 29500}
        assert t.municipalities[0].wijken == []


def test_archived_trajectories_leave_the_selector_but_stay_listed(engine: Engine) -> None:
    tid = _dalfsen(engine)
    with session_scope(engine) as db:
        manage.set_archived(db, tid, True)
    with session_scope(engine) as db:
        assert list_trajectories(db) == []
        assert [t.id for t in list_trajectories(db, include_archived=True)] == [tid]
        assert manage.list_all(db)[0].status == "gearchiveerd"
        manage.set_archived(db, tid, False)
    with session_scope(engine) as db:
        assert [t.id for t in list_trajectories(db)] == [tid]


def test_real_trajectories_come_before_the_demo_in_the_selector(demo_engine: Engine) -> None:
    tid = _create(demo_engine, "IVP Dalfsen", "2027-2030", DALFSEN)
    with session_scope(demo_engine) as db:
        refs = list_trajectories(db)
    assert refs[0].id == tid and all(r.fictitious for r in refs[1:])
    assert "fictief voorbeeld" in refs[1].label


def test_delete_needs_the_exact_title_and_removes_everything_of_the_trajectory(engine: Engine) -> None:
    tid = _dalfsen(engine)
    other = _create(engine, "Vechtdal", "2027-2030", MunicipalityInput("GM0148", "Dalfsen"), OMMEN)
    before = take(engine)
    with session_scope(engine) as db, pytest.raises(TrajectoryError, match="Typ ter bevestiging"):
        manage.delete_trajectory(db, other, "vechtdal")
    assert_unchanged(before, engine)
    with session_scope(engine) as db:
        manage.delete_trajectory(db, other, " Vechtdal ")
    with session_scope(engine) as db:
        assert db.get(Trajectory, other) is None
        # Ommen was only in the deleted trajectory; Dalfsen stays with its own trajectory
        assert [m.name for m in db.scalars(select(Municipality))] == ["Dalfsen"]
        assert {b.trajectory_id for b in db.scalars(select(ImportBatch))} == {tid}
        assert {f.region_code for f in db.scalars(select(Figure))} == {"GM0148"}


def test_resident_sessions_default_to_the_municipality_wijken(engine: Engine) -> None:
    tid = _dalfsen(engine)
    with session_scope(engine) as db:
        resident = create_session(
            db,
            trajectory_id=tid,
            kind="inwonersconsultatie",
            title="Inwoners",
            method="rating",
            themes=["1.3"],
        )
        own = create_session(
            db,
            trajectory_id=tid,
            kind="inwonersconsultatie",
            title="Eigen lijst",
            method="rating",
            themes=["1.3"],
            settings={"wijken": ["Noord"]},
        )
        council = create_session(
            db, trajectory_id=tid, kind="raadscommissie", title="Raad", method="rating", themes=["1.3"]
        )
    assert resident.settings["wijken"] == ["Dalfsen", "Nieuwleusen"]
    assert own.settings["wijken"] == ["Noord"]
    assert "wijken" not in council.settings


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("GM0148", "GM0148"), (" gm148 ", "GM0148"), ("0148", "GM0148"), ("GM 0148", "GM0148")],
)
def test_cbs_codes_are_normalised(raw: str, expected: str) -> None:
    assert clean_cbs_code(raw) == expected


@pytest.mark.parametrize("raw", ["", "GM", "148GM", "GM01480", "PV21", "GM01a8"])
def test_bad_cbs_codes_are_refused(raw: str) -> None:
    with pytest.raises(TrajectoryError, match="GM met vier cijfers"):
        clean_cbs_code(raw)


def test_inhabitant_counts_read_dutch_thousands_but_refuse_decimals() -> None:
    assert parse_inhabitant_count("29.000", "GM0148", 2024) == 29000
    assert parse_inhabitant_count("29 000", "GM0148", 2024) == 29000
    with pytest.raises(TrajectoryError, match="geen aantal inwoners"):
        parse_inhabitant_count("29,5", "GM0148", 2024)


def test_the_page_tables_become_inputs_and_empty_rows_are_skipped() -> None:
    nan = float("nan")
    items = inputs_from_rows(
        [
            {"cbs_code": "gm0148", "name": "Dalfsen", "wijken": "Dalfsen, Lemelerveld"},
            {"cbs_code": None, "name": nan},
        ],
        [{"cbs_code": "GM0148", "year": 2024.0, "inhabitants": 29000.0}, {"cbs_code": nan, "year": nan}],
    )
    assert items == (MunicipalityInput("GM0148", "Dalfsen", ("Dalfsen", "Lemelerveld"), {2024: 29000}),)
    with pytest.raises(TrajectoryError, match="hoort niet bij het traject"):
        inputs_from_rows([{"cbs_code": "GM0148", "name": "Dalfsen"}], [{"cbs_code": "GM0175", "year": 2024}])
