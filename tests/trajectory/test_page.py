"""The Trajecten page's use cases: each part of Stap 1 is saved only over the version its writer opened."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from ivp_core.dutch import local_today
from ivp_core.errors import EditConflict
from ivp_core.trajectory import page
from ivp_core.trajectory.municipalities import TrajectoryError


def _new(engine: Engine) -> int:
    start = local_today().year + 1
    return page.create_trajectory(
        page.NewTrajectory(
            "IVP Dalfsen", f"{start}-{start + 3}", "GM0148", "Dalfsen", "Nieuwleusen", "29000", 2024
        )
    )


def test_a_new_trajectory_proposes_a_planning_and_opens_empty(engine: Engine) -> None:
    tid = _new(engine)
    view = page.load_stap1(tid)
    assert view.planning_proposed and view.planning
    assert view.opened["planning"] == "" and view.opened["werkgroep"] == ""
    assert [p.cbs_code for p in view.places] == ["GM0148"]


def test_a_planning_saved_over_a_colleagues_change_is_refused_and_stores_nothing(engine: Engine) -> None:
    tid = _new(engine)
    year = local_today().year + 1
    opened = page.load_stap1(tid).opened["planning"]
    page.save_planning(tid, [{"kind": "Besluit over de prioriteiten", "due_on": date(year, 6, 1)}], opened)
    theirs = page.load_stap1(tid).opened["planning"]
    with pytest.raises(EditConflict) as refused:
        page.save_planning(tid, [{"kind": "Veiligheidsanalyse gereed", "due_on": f"{year}-03-01"}], opened)
    assert "01-06-" in refused.value.theirs and "01-03-" in refused.value.yours
    assert page.load_stap1(tid).opened["planning"] == theirs
    page.save_planning(tid, [{"kind": "Veiligheidsanalyse gereed", "due_on": f"{year}-03-01"}], theirs)
    assert [p.kind for p in page.load_stap1(tid).planning] == ["Veiligheidsanalyse gereed"]


def test_saving_what_is_stored_already_is_no_conflict(engine: Engine) -> None:
    tid = _new(engine)
    page.save_werkgroep(tid, [{"role": "wijkagent", "organisation": "politie"}], "")
    page.save_werkgroep(
        tid, [{"role": "wijkagent", "organisation": "politie"}], ""
    )  # a colleague typed the same


def test_a_refused_row_stores_nothing_and_says_which_row(engine: Engine) -> None:
    tid = _new(engine)
    with pytest.raises(TrajectoryError, match="rij 1"):
        page.save_planning(tid, [{"kind": "", "title": "iets", "due_on": None}], "")
    assert page.load_stap1(tid).planning_proposed


def test_the_raad_and_the_startnotitie_parts_are_guarded_too(engine: Engine) -> None:
    from ivp_core.trajectory.stap1 import StartnoteParts

    tid = _new(engine)
    view = page.load_stap1(tid)
    page.save_council_role(tid, "De raad stelt kaders.", "raadscommissie", "raad", view.opened["raad"])
    with pytest.raises(EditConflict):
        page.save_council_role(tid, "Anders.", "college", "raad", view.opened["raad"])
    page.save_startnote(tid, StartnoteParts(partners="Politie"), view.opened["startnotitie"])
    with pytest.raises(EditConflict):
        page.save_startnote(tid, StartnoteParts(partners="GGD"), view.opened["startnotitie"])
    assert page.load_stap1(tid).startnote.partners == "Politie"


def test_the_startnotitie_names_the_college_as_the_vocabulary_does() -> None:
    """Stap 1's "college van B&W" was the one place left that did not say "B en W"."""
    from ivp_core.trajectory.stap1 import GREMIA

    assert GREMIA["college"] == "college van B en W"
    assert page.GREMIUM_CHOICES["college"] == "College van B en W"
