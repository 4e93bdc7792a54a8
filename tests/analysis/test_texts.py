"""Analysis texts per theme and field, with a revision for every change."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from ivp_core.analysis.texts import (
    get_field_analysis,
    get_theme_analysis,
    history,
    theme_target,
    update_field_analysis,
    update_theme_analysis,
)
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Municipality, Trajectory


@pytest.fixture
def ids(engine: Engine) -> tuple[int, int]:
    with session_scope(engine) as session:
        municipality = Municipality(name="Testgemeente", cbs_code="GM0001")
        trajectory = Trajectory(name="IVP", period_start=2027, period_end=2030, settings={})
        session.add_all([municipality, trajectory])
        session.flush()
        return trajectory.id, municipality.id


def test_theme_text_changes_are_recorded(engine: Engine, ids: tuple[int, int]) -> None:
    with session_scope(engine) as session:
        assert update_theme_analysis(session, *ids, "1.3", "Anna", {"problem_text": "Veel inbraken."}) == 1
    with session_scope(engine) as session:
        changed = update_theme_analysis(
            session,
            *ids,
            "1.3",
            "Bram",
            {"problem_text": "Minder inbraken.", "approach_text": ""},
            candidate=True,
        )
        assert changed == 2  # the unchanged empty approach text is no change
        assert (
            update_theme_analysis(session, *ids, "1.3", "Bram", {"problem_text": " Minder inbraken. "}) == 0
        )
    with session_scope(engine) as session:
        row = get_theme_analysis(session, *ids, "1.3")
        assert (row.problem_text, row.candidate) == ("Minder inbraken.", True)
        revisions = history(session, *ids, theme_target("1.3"))
    assert [(r.author, r.attribute, r.old_value, r.new_value) for r in revisions] == [
        ("Bram", "candidate", "nee", "ja"),
        ("Bram", "problem_text", "Veel inbraken.", "Minder inbraken."),
        ("Anna", "problem_text", "", "Veel inbraken."),
    ]
    assert revisions[-1].label == "Problematiek"


def test_field_one_aspects_and_refusals(engine: Engine, ids: tuple[int, int]) -> None:
    with session_scope(engine) as session:
        update_field_analysis(
            session, *ids, "1", "Anna", priorities_text="Woonoverlast", aspects={"e": "Boa's"}
        )
        update_field_analysis(session, *ids, "1", "Anna", aspects={"a": "Wijkteams"})
    with session_scope(engine) as session:
        row = get_field_analysis(session, *ids, "1")
        assert row.aspects == {"e": "Boa's", "a": "Wijkteams"}
        assert row.priorities_text == "Woonoverlast"
        labels = [r.label for r in history(session, *ids, "field:1")]
    assert "Aspect a: Infrastructuur" in labels and "Mogelijke prioriteiten" in labels
    with pytest.raises(ValueError, match="naam"), session_scope(engine) as session:
        update_theme_analysis(session, *ids, "1.3", "  ", {"problem_text": "x"})
    with pytest.raises(ValueError, match="veld 1"), session_scope(engine) as session:
        update_field_analysis(session, *ids, "2", "Anna", aspects={"a": "x"})
    with pytest.raises(ValueError, match="Onbekend aspect"), session_scope(engine) as session:
        update_field_analysis(session, *ids, "1", "Anna", aspects={"z": "x"})
    with pytest.raises(ValueError, match="Onbekend thema"), session_scope(engine) as session:
        get_theme_analysis(session, *ids, "9.9")
    with session_scope(engine) as session:
        assert history(session, *ids, theme_target("1.3")) == []  # the refused changes left no trace
