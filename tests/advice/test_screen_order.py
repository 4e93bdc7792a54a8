"""The projector's order and the advice's: said in one sentence where their top differs, silent where not."""

from __future__ import annotations

from sqlalchemy import Engine

from ivp_core.advice.page import load_advice_page
from ivp_core.advice.results import AdviceOptions
from ivp_core.advice.screen_order import order_difference, screen_order, session_difference
from ivp_core.consultation import sessions
from ivp_core.consultation.live import ThemeScore
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import OpinionSession, Trajectory
from tests.opinion_helpers import make_trajectory, open_session, vote

NAMES = {"1.1": "1.1 Woninginbraken", "1.3": "1.3 Overige criminaliteit"}


def test_the_same_top_says_nothing_and_equal_screen_numbers_may_swap() -> None:
    screen = screen_order([ThemeScore("1.3", 5.0, 2, "punten"), ThemeScore("1.1", 5.0, 2, "punten")])
    assert list(screen) == ["1.3", "1.1"]  # ballot order among equals
    assert order_difference("points", screen, ["1.1", "1.3"], 4, NAMES) is None


def test_a_different_top_names_the_place_both_themes_and_why() -> None:
    screen = screen_order([ThemeScore("1.1", 10.0, 3, "punten"), ThemeScore("1.3", 3.0, 3, "punten")])
    difference = order_difference("points", screen, ["1.3", "1.1"], 4, NAMES, rule="borda")
    assert difference is not None
    assert (difference.place, difference.on_screen, difference.in_advice) == (1, "1.1", "1.3")
    assert difference.sentence.startswith(
        "Op plaats 1 staat op het scherm 1.1 Woninginbraken en in het advies 1.3"
    )
    assert "deel van de eigen punten" in difference.sentence
    assert "Borda" in difference.sentence


def _close(engine: Engine, session_id: int) -> OpinionSession:
    with session_scope(engine) as db:
        sessions.close_session(db, session_id)
    with session_scope(engine) as db:
        row = db.get(OpinionSession, session_id)
        assert row is not None
        db.expunge(row)
        return row


def test_points_spent_in_part_move_a_theme_up_in_the_advice_and_the_results_page_says_why(
    engine: Engine,
) -> None:
    tid = make_trajectory(engine)
    session = open_session(engine, tid, themes=("1.1", "1.3", "2.1"), settings={"budget": 10})
    vote(engine, session.id, {"1.1": 10})  # one member puts everything on 1.1
    vote(engine, session.id, {"1.3": 2, "2.1": 1})  # two spend little, mostly on 1.3
    vote(engine, session.id, {"1.3": 1})
    row = _close(engine, session.id)
    with session_scope(engine, readonly=True) as db:
        difference = session_difference(db, row, "auto", 3)
        municipality_id = db.get_one(Trajectory, tid).municipalities[0].id
    assert difference is not None
    # screen: 1.1 has 10 points, 1.3 has 3; advice: 1.3 holds 2/3 and all of two members' points
    assert (difference.on_screen, difference.in_advice) == ("1.1", "1.3")

    page = load_advice_page(tid, municipality_id, AdviceOptions(top_k=3), resamples=0)
    assert page.advice is not None
    assert len(page.screen_notes) == 1
    assert page.screen_notes[0].startswith(f"{row.title}: op plaats 1 staat op het scherm 1.1")


def test_full_budgets_give_the_same_order_and_no_note(engine: Engine) -> None:
    tid = make_trajectory(engine)
    session = open_session(engine, tid, themes=("1.1", "1.3", "2.1"), settings={"budget": 10})
    vote(engine, session.id, {"1.1": 6, "1.3": 4})
    vote(engine, session.id, {"1.1": 5, "2.1": 5})
    row = _close(engine, session.id)
    with session_scope(engine, readonly=True) as db:
        assert session_difference(db, row, "auto", 3) is None
