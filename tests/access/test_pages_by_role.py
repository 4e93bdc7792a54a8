"""Pages per role. On Trajecten a werkgroeplid writes Stap 1 but finds no way to change the trajectory's title
and municipalities, archive or delete it, or download its backup (the coördinator's work); on Advies en keuze
nothing offers to record the choice. The coördinator and the griffier find what is theirs."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from ivp_core.access import users
from ivp_core.access.actor import acting_as
from ivp_core.access.cli import operator
from ivp_core.demo.joint import load_joint_demo
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import TextRevision
from tests.access.people import People, page_as, two_municipalities


@pytest.fixture
def people(engine: Engine, admin_password: str, monkeypatch: pytest.MonkeyPatch) -> People:
    monkeypatch.setenv("IVP_NO_DEMO", "1")
    return two_municipalities()


def _buttons(at: AppTest) -> set[str]:
    return {b.label for b in at.button} | {b.label for b in at.get("download_button")}


def test_a_werkgroeplid_writes_stap1_but_cannot_change_archive_delete_or_back_up(people: People) -> None:
    at = page_as("wg@dalfsen.nl", "pages/trajecten.py")
    labels = _buttons(at)
    assert {"Werkgroep opslaan", "Planning opslaan", "Onderdelen opslaan"} <= labels
    assert not {"Gegevens opslaan", "Archiveren", "Traject verwijderen", "Back-up downloaden (.zip)"} & labels
    assert any("hoort niet bij uw rol" in i.value for i in at.info)


def test_the_coordinator_finds_every_part(people: People) -> None:
    labels = _buttons(page_as("coord@dalfsen.nl", "pages/trajecten.py"))
    assert {"Gegevens opslaan", "Archiveren", "Traject verwijderen", "Werkgroep opslaan"} <= labels
    assert "Back-up downloaden (.zip)" in labels


def test_only_who_may_record_the_choice_is_told_it_can_be_recorded_below(people: People) -> None:
    for email, may in (("wg@dalfsen.nl", False), ("raad@dalfsen.nl", False), ("griffie@dalfsen.nl", True)):
        at = page_as(email, "pages/resultaten.py")
        told = any("hieronder toch vastleggen" in i.value for i in at.info)
        assert told is may and ("Keuze vastleggen" in _buttons(at)) is may, email


def test_a_lezer_reads_stap1_and_finds_no_save_that_works(people: People) -> None:
    at = page_as("raad@dalfsen.nl", "pages/trajecten.py")
    saves = [b for b in at.button if b.label.endswith("opslaan") or b.label == "Traject aanmaken"]
    assert saves and all(b.disabled for b in saves), [(b.label, b.disabled) for b in saves]
    assert any("bewerken hoort niet bij uw rol" in i.value for i in at.info)


def test_a_personal_account_is_named_in_the_history_without_typing_a_name(people: People) -> None:
    at = page_as("wg@dalfsen.nl", "pages/analyse_beheer.py")
    assert next(t for t in at.text_input if t.label == "Uw naam").value == "wg@dalfsen.nl"
    next(t for t in at.text_area if t.label == "Problematiek").input("Versie van de werkgroep")
    next(b for b in at.button if b.label == "Opslaan").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with session_scope(readonly=True) as db:
        kept = [(r.author, r.new_value) for r in db.scalars(select(TextRevision))]
    assert kept == [("wg@dalfsen.nl", "Versie van de werkgroep")]
    griffie = page_as("griffie@dalfsen.nl", "pages/resultaten.py")
    assert next(t for t in griffie.text_input if t.label == "Uw naam").value == "griffie@dalfsen.nl"


def test_in_a_joint_trajectory_only_who_may_decide_can_record_the_agreement(
    demo_engine: Engine, admin_password: str
) -> None:
    joint = load_joint_demo(demo_engine)
    with acting_as(operator()), session_scope() as db:
        users.add_user(db, "wg@vechtdal.nl", "werkgroeplid", joint)
        users.add_user(db, "griffie@vechtdal.nl", "griffier", joint)
    for email, may in (("wg@vechtdal.nl", False), ("griffie@vechtdal.nl", True)):
        at = page_as(email, "pages/gezamenlijk.py")
        button = next(b for b in at.button if b.label == "Afspraak vastleggen")
        assert button.disabled is not may, email


def test_a_werkgroeplid_finds_no_import_undo_or_mapping_change(people: People) -> None:
    at = page_as("wg@dalfsen.nl", "pages/analyse_beheer.py")
    labels = _buttons(at)
    assert not {"Importeren (alles of niets)", "Import ongedaan maken"} & labels
    assert any(
        "Cijfers importeren en een import ongedaan maken doet de coördinator" in i.value for i in at.info
    )
    mapping = [
        b for b in at.button if b.label in ("Koppeling opslaan", "Terug naar het voorstel van het project")
    ]
    assert mapping and all(b.disabled for b in mapping)
    coord = page_as("coord@dalfsen.nl", "pages/analyse_beheer.py")
    assert not any("doet de coördinator" in i.value for i in coord.info)
    assert coord.get("file_uploader")  # the coördinator's import tab offers the file
    # The crime-type table counts for every trajectory of the installation: the beheerder's, not a coördinator's.
    assert all(b.disabled for b in coord.button if b.label == "Koppeling opslaan")
    assert any("alleen de beheerder" in c.value for c in coord.caption)
    with acting_as(operator()), session_scope() as db:
        users.add_user(db, "beheer@regio.nl", "beheerder")
    beheerder = page_as("beheer@regio.nl", "pages/analyse_beheer.py")
    assert not any(b.disabled for b in beheerder.button if b.label == "Koppeling opslaan")
