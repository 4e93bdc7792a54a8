"""A session's settings for participants on the Sessies page are saved only over the version opened (issue 30).

Two coordinators have the same resident session open; A saves a text for participants (or the way of taking
part), then B saves their own version. Before, B's save silently replaced A's. Now B sees both versions and
A's stays stored until B chooses.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from ivp_core.consultation import sessions_page as uc
from ivp_core.edits import TextsConflict
from ivp_core.errors import EditConflict
from tests.pages.test_new_trajectory_pages import _own_trajectory
from tests.pages.test_smoke import app

PURPOSE = "Waar gaat dit over?"


def _resident_session(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> int:
    trajectory_id = _own_trajectory(engine, monkeypatch)
    created = uc.create_session(
        uc.NewSession(
            trajectory_id,
            None,
            "inwonersconsultatie",
            "Raadpleging",
            "points",
            ["1.1", "4.1"],
            {"budget": 10},
            None,
        )
    )
    return created.id


def _open() -> AppTest:
    at = app("facilitator").run()
    at.switch_page("pages/sessies.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _press(at: AppTest, label: str) -> None:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, [e.value for e in at.exception]


def test_a_text_for_participants_saved_meanwhile_is_shown_beside_yours(
    engine: Engine, admin_password: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    session_id = _resident_session(engine, monkeypatch)
    a, b = _open(), _open()
    next(t for t in a.text_area if t.label == PURPOSE).set_value("Uitleg van A")
    _press(a, "Uitleg en sluittijd opslaan")
    next(t for t in b.text_area if t.label == PURPOSE).set_value("Uitleg van B")
    _press(b, "Uitleg en sluittijd opslaan")
    assert any("Iemand anders heeft de tekst 'Waar gaat dit over?' gewijzigd" in w.value for w in b.warning)
    assert {c.value for c in b.code} >= {"Uitleg van A", "Uitleg van B"}
    assert uc.load_settings(session_id).texts["info.purpose"] == "Uitleg van A"
    _press(b, "Verder met mijn versie")
    _press(b, "Uitleg en sluittijd opslaan")
    assert uc.load_settings(session_id).texts["info.purpose"] == "Uitleg van B"


def test_the_way_of_taking_part_chosen_meanwhile_is_not_overwritten(
    engine: Engine, admin_password: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    session_id = _resident_session(engine, monkeypatch)
    a, b = _open(), _open()
    a.radio(key=f"pp:{session_id}:mode:mode").set_value("uitnodiging")
    _press(a, "Manier van meedoen opslaan")
    b.radio(key=f"pp:{session_id}:mode:mode").set_value("zetels").run()
    _press(b, "Manier van meedoen opslaan")
    assert any("de manier van meedoen" in w.value for w in b.warning)
    assert uc.load_settings(session_id).admission == "uitnodiging"
    _press(b, "Verder met de opgeslagen versie")
    assert b.radio(key=f"pp:{session_id}:mode:mode").value == "uitnodiging"


def test_the_use_cases_refuse_a_stale_save_and_keep_untouched_texts(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    session_id = _resident_session(engine, monkeypatch)
    opened = uc.load_settings(session_id)
    save = uc.ParticipantTextsSave
    uc.save_participant_texts(
        save(session_id, {**opened.texts, "info.after": "Van A"}, opened.texts, None, opened.closes_words)
    )
    with pytest.raises(TextsConflict) as refused:
        uc.save_participant_texts(
            save(session_id, {**opened.texts, "info.after": "Van B"}, opened.texts, None, opened.closes_words)
        )
    assert (refused.value.conflicts["info.after"].yours, refused.value.conflicts["info.after"].theirs) == (
        "Van B",
        "Van A",
    )
    # B changes another text only: A's text stays.
    uc.save_participant_texts(
        save(session_id, {**opened.texts, "info.results": "Van B"}, opened.texts, None, opened.closes_words)
    )
    now = uc.load_settings(session_id).texts
    assert (now["info.after"], now["info.results"]) == ("Van A", "Van B")
    with pytest.raises(EditConflict):
        uc.save_admission(uc.AdmissionSave(session_id, "zetels", 9, "iets anders dan wat opgeslagen is"))
