"""Issue 30's gaps after the merge: the use cases that came from other branches check the acting person's role
and record who did it. For each: a role without the permission is refused in Dutch and the database is left
exactly as it was; the role that may writes, and leaves one event in the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import Engine, select

from ivp_core.access import presenter, users
from ivp_core.access.actor import AccessDenied, Actor, acting_as
from ivp_core.access.cli import operator
from ivp_core.analysis import page as analysis_page
from ivp_core.analysis.comparison.page import choose_own_group, import_comparison_upload
from ivp_core.consultation import sessions_page as sp
from ivp_core.dutch import local_today
from ivp_core.plan.joint_page import JointChoice, record_choice
from ivp_core.plan.progress import NewIndicator, add_indicator, load_progress_page
from ivp_core.report import progress_page as pp
from ivp_core.report.verslag_page import document_file
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Municipality, Trajectory, UserRole
from ivp_core.trajectory import page as trajectory_page
from ivp_core.trajectory.stap1 import StartnoteParts
from ivp_core.trajectory.trajectories import create_trajectory
from tests.access.people import People, event_count, events, two_municipalities
from tests.analysis.comparison.country import write_population_file
from tests.badinput.snapshot import assert_unchanged, take

T = TypeVar("T")


def _refused_then_done(
    engine: Engine,
    refused: Actor,
    allowed: Actor,
    attempt: Callable[[], T],
    action: str,
    trajectory_id: int | None,
) -> T:
    """``refused`` tries: a Dutch refusal, nothing changed; then ``allowed`` does it: one event, theirs."""
    before = take(engine)
    with acting_as(refused), pytest.raises(AccessDenied, match=r"Dit mag u niet.*er is niets gewijzigd"):
        attempt()
    assert_unchanged(before, engine)
    count = event_count(engine)
    with acting_as(allowed):
        result = attempt()
    assert event_count(engine) == count + 1
    assert events(engine, action)[-1] == (allowed.label, trajectory_id)
    return result


@pytest.fixture
def people(engine: Engine) -> People:
    return two_municipalities()


def test_a_measurement_is_typed_by_the_werkgroep_not_by_a_reader(engine: Engine, people: People) -> None:
    year = local_today().year
    indicator = add_indicator(
        NewIndicator(people.dalfsen, "1.3", "Woninginbraken", "Politie", year - 2, "4,1", year + 1, "3,0")
    )
    progress = _refused_then_done(
        engine,
        people.lezer,
        people.wg,
        lambda: pp.measure(indicator, year - 1, "3,8", ""),
        "measurement",
        people.dalfsen,
    )
    assert progress.latest is not None and progress.latest.value == 3.8


def test_the_next_ivp_is_made_by_a_coordinator_and_becomes_theirs(engine: Engine, people: People) -> None:
    year = local_today().year
    new_id = _refused_then_done(
        engine,
        people.wg,
        people.coord,
        lambda: pp.make_next_ivp(people.dalfsen, "IVP Dalfsen, het volgende", f"{year + 2}-{year + 5}"),
        "next_ivp",
        people.dalfsen,
    )
    with session_scope(readonly=True) as db:
        role = db.get(UserRole, (people.coord.user_id, new_id))
    assert role is not None and role.role == "coordinator"
    with acting_as(people.ommen_coord), pytest.raises(AccessDenied):
        pp.make_next_ivp(people.dalfsen, "IVP Dalfsen door Ommen", f"{year + 2}-{year + 5}")


def test_comparison_figures_and_group_are_the_coordinators(
    engine: Engine, people: People, tmp_path: Path
) -> None:
    path = tmp_path / "bevolking.csv"
    write_population_file(path)
    data = path.read_bytes()
    imported = _refused_then_done(
        engine,
        people.wg,
        people.coord,
        lambda: import_comparison_upload(people.dalfsen, path.name, data, "coord"),
        "comparison_import",
        people.dalfsen,
    )
    assert imported.stored > 0
    chosen = _refused_then_done(
        engine,
        people.griffier,
        people.coord,
        lambda: choose_own_group(people.dalfsen, ["GM0175", "GM0150"]),
        "comparison_group",
        people.dalfsen,
    )
    assert chosen == ["GM0150", "GM0175"]


def test_the_crime_type_table_is_changed_only_by_the_beheerder(engine: Engine, people: People) -> None:
    """The table counts for every trajectory of the installation: a coordinator of one municipality would
    change another municipality's theme figures with it."""
    row = next(r for r in analysis_page.load_mapping() if r.theme_code == "1.3")
    opened = analysis_page.mapping_row_text(
        row.crime_type_code, row.crime_type_name, row.theme_code, row.note
    )
    edit = analysis_page.MappingEdit(row.crime_type_code, "1.4", row.note, opened)
    _refused_then_done(
        engine,
        people.coord,
        Actor(label="beheer@regio.nl", is_admin=True),
        lambda: analysis_page.save_mapping((edit,)),
        "mapping_changed",
        None,
    )


def _session(people: People, kind: str = "raadscommissie") -> int:
    created = sp.create_session(
        sp.NewSession(
            people.dalfsen, None, kind, "Raadscommissie", "points", ["1.1", "4.1"], {"budget": 10}, None
        )
    )
    return created.id


def test_the_griffier_runs_a_session_and_the_werkgroep_does_not(engine: Engine, people: People) -> None:
    session_id = _session(people)
    with session_scope() as db:
        from ivp_core.consultation.sessions import open_session

        open_session(db, session_id)
    opened = sp.load_settings(session_id)
    attempts: list[tuple[Callable[[], object], str]] = [
        (
            lambda: sp.record_paper_ballot(session_id, {"1.1": 6, "4.1": 4}, entry="papier", weight=1),
            "paper_ballots",
        ),
        (lambda: sp.make_invitation_codes(session_id, 3), "invitation_codes"),
        (
            lambda: sp.save_admission(
                sp.AdmissionSave(session_id, "uitnodiging", None, opened.admission_words)
            ),
            "session_changed",
        ),
        (
            lambda: sp.save_participant_texts(
                sp.ParticipantTextsSave(
                    session_id,
                    {**opened.texts, "info.purpose": "Waar de raad over praat"},
                    opened.texts,
                    None,
                    opened.closes_words,
                )
            ),
            "session_changed",
        ),
    ]
    for attempt, action in attempts:
        _refused_then_done(engine, people.wg, people.griffier, attempt, action, people.dalfsen)
    with acting_as(people.griffier), session_scope() as db:
        presenter.create_link(db, session_id)

    def revoke() -> int:
        with session_scope() as db:
            return presenter.revoke_links(db, session_id)

    assert (
        _refused_then_done(engine, people.wg, people.griffier, revoke, "presenter_revoked", people.dalfsen)
        == 1
    )


def test_the_startnotitie_is_written_by_the_werkgroep_not_by_a_reader(engine: Engine, people: People) -> None:
    view = trajectory_page.load_stap1(people.dalfsen)
    parts = StartnoteParts(**{**vars(view.startnote), "partners": "Politie, OM en woningcorporaties"})
    _refused_then_done(
        engine,
        people.lezer,
        people.wg,
        lambda: trajectory_page.save_startnote(people.dalfsen, parts, view.opened["startnotitie"]),
        "text_saved",
        people.dalfsen,
    )


def test_a_joint_choice_is_recorded_by_the_griffier_not_by_the_werkgroep(
    engine: Engine, people: People
) -> None:
    year = local_today().year
    with session_scope() as db:
        joint = create_trajectory(
            db,
            "IVP Vechtdal",
            year,
            year + 3,
            [
                db.get(Municipality, people.municipality()) or Municipality(),
                Municipality(name="Hardenberg", cbs_code="GM0160"),
            ],
        ).id
    with acting_as(operator()), session_scope() as db:
        users.add_user(db, "wg@dalfsen.nl", "werkgroeplid", joint)
        users.add_user(db, "griffie@dalfsen.nl", "griffier", joint)
    with session_scope(readonly=True) as db:
        wg = users.actor_for(db, people.wg.user_id or 0)
        griffier = users.actor_for(db, people.griffier.user_id or 0)
    assert wg is not None and griffier is not None
    choice = JointChoice(joint, ["1.3", "4.1"], {}, "")
    recorded = _refused_then_done(engine, wg, griffier, lambda: record_choice(choice), "joint_choice", joint)
    assert recorded.sets.shared == ("1.3", "4.1")


def test_a_backup_is_recorded_in_the_audit_trail(engine: Engine, people: People) -> None:
    from ivp_core.backup.downloads import backup_file

    _refused_then_done(
        engine, people.wg, people.coord, lambda: backup_file(people.dalfsen), "backup", people.dalfsen
    )


def test_documents_and_progress_of_another_municipality_are_refused(engine: Engine, people: People) -> None:
    """Reading needs a role in the trajectory: Ommen's coordinator gets none of Dalfsen's progress or documents;
    Dalfsen's reader (raadslid) gets them."""
    from ivp_core.backup.downloads import startnote_file

    mid = people.municipality()
    reads: list[Callable[[], object]] = [
        lambda: load_progress_page(people.dalfsen, mid),
        lambda: pp.documents(people.dalfsen, mid, "jaarplan", None),
        lambda: document_file(people.dalfsen, mid, "checklist", "html"),
        lambda: startnote_file(people.dalfsen),
    ]
    before = take(engine)
    for read in reads:
        with (
            acting_as(people.ommen_coord),
            pytest.raises(AccessDenied, match="Dit mag u niet in dit traject"),
        ):
            read()
    assert_unchanged(before, engine)
    with acting_as(people.lezer):
        assert load_progress_page(people.dalfsen, mid).priorities == ()
        assert startnote_file(people.dalfsen)[:2] == b"PK"
    with session_scope(readonly=True) as db:
        assert db.scalar(select(Trajectory.name).where(Trajectory.id == people.dalfsen)) == "IVP Dalfsen"
