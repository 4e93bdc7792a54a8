"""Session pages with AppTest against the real (demo) database: create, vote, refuse, moderate, show live."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import Engine, event, func, select
from streamlit.testing.v1 import AppTest

from ivp_core.catalogue import load_catalogue
from ivp_core.consultation import comments, participation, presence, sessions
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Ballot, BallotItem, OpinionSession, Participant, Trajectory
from tests.opinion_helpers import vote
from ui.widgets.ballot_crowd import OPENINGS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    """Page caches are per process; every test has its own database, so start from empty caches."""
    st.cache_data.clear()


def _app(role: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if role:
        at.session_state["ivp_role"] = role
    return at


def _open_points_session(engine: Engine, **kwargs: object) -> sessions.SessionInfo:
    with session_scope(engine) as db:
        trajectory = db.scalars(select(Trajectory)).first()
        assert trajectory is not None
        created = sessions.create_session(
            db,
            trajectory_id=trajectory.id,
            municipality_id=trajectory.municipalities[0].id,
            kind=str(kwargs.get("kind", "raadscommissie")),
            title="Commissie Bestuur",
            method="points",
            themes=["1.1", "1.3", "2.1"],
            settings={"budget": 10, **kwargs.get("settings", {})},  # type: ignore[dict-item]
        )
        return sessions.open_session(db, created.id)


def _participant(code: str) -> AppTest:
    at = _app()
    at.query_params["code"] = code
    at.run()
    at.switch_page("pages/stem.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _begin(at: AppTest) -> None:
    """A resident's first screen: what it is about and "Beginnen"; the questions come after the tap."""
    assert not [b for b in at.button if b.label == "Stem versturen"]
    next(b for b in at.button if b.label == "Beginnen").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [b for b in at.button if b.label == "Stem versturen"]


def _number(at: AppTest, label: str):  # type: ignore[no-untyped-def]
    return next(n for n in at.number_input if n.label == label)


def _ballots(engine: Engine, session_id: int) -> dict[str, float]:
    with session_scope(engine) as db:
        rows = db.execute(
            select(BallotItem.theme_code, func.sum(BallotItem.value))
            .join(Ballot)
            .where(Ballot.session_id == session_id)
            .group_by(BallotItem.theme_code)
        ).all()
    return {theme: float(total) for theme, total in rows}


def test_facilitator_creates_a_session_on_the_candidate_themes(
    demo_engine: Engine, admin_password: str
) -> None:
    at = _app("facilitator").run()
    at.switch_page("pages/sessies.py").run()
    assert not at.exception, [e.value for e in at.exception]
    next(t for t in at.text_input if t.label == "Titel").input("Commissie Veiligheid")
    next(b for b in at.button if b.label == "Sessie aanmaken").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Sessie aangemaakt met code" in s.value for s in at.success)
    with session_scope(demo_engine) as db:
        row = db.scalars(select(OpinionSession).where(OpinionSession.title == "Commissie Veiligheid")).one()
        candidates = sessions.candidate_themes(db, row.trajectory_id, row.municipality_id)
        assert (row.method, row.settings, row.status, row.themes) == (
            "points",
            {"budget": 10},
            "concept",
            candidates,
        )


def test_participant_votes_sees_refusal_over_budget_and_can_change(demo_engine: Engine) -> None:
    info = _open_points_session(demo_engine)
    at = _participant(info.code)
    assert at.query_params["t"]  # the token is in the URL so a reload keeps the same ballot
    _number(at, "Punten voor Sociale kwaliteit").set_value(7).run()
    _number(at, "Punten voor Objectieve veiligheid").set_value(6).run()
    assert any("maar er zijn er maar 10" in e.value for e in at.error)
    next(b for b in at.button if b.label == "Stem versturen").click().run()
    assert any("13 punten verdeeld, maar er zijn er maar 10" in e.value for e in at.error)
    assert _ballots(demo_engine, info.id) == {}

    _number(at, "Punten voor Objectieve veiligheid").set_value(3).run()
    next(b for b in at.button if b.label == "Stem versturen").click().run()
    assert any("Uw stem is ontvangen" in s.value for s in at.success)
    assert _ballots(demo_engine, info.id) == {"1.1": 7.0, "1.3": 3.0, "2.1": 0.0}

    # A reload (new browser session, same URL with `t`) finds the ballot again and changes it in place.
    again = _app()
    again.query_params["code"] = info.code
    again.query_params["t"] = at.query_params["t"]
    again.run()
    again.switch_page("pages/stem.py").run()
    assert any("U heeft al gestemd" in i.value for i in again.info)
    assert _number(again, "Punten voor Sociale kwaliteit").value == 7
    _number(again, "Punten voor Sociale kwaliteit").set_value(0).run()
    next(b for b in again.button if b.label == "Stem versturen").click().run()
    assert any("Uw stem is aangepast" in s.value for s in again.success)
    assert _ballots(demo_engine, info.id) == {"1.1": 0.0, "1.3": 3.0, "2.1": 0.0}


def test_closed_and_unknown_sessions_are_refused_on_the_page(demo_engine: Engine) -> None:
    info = _open_points_session(demo_engine)
    with session_scope(demo_engine) as db:
        sessions.close_session(db, info.id)
    at = _participant(info.code)
    assert [w.value for w in at.warning] == [participation.refusal("gesloten")]
    assert not [b for b in at.button if b.label == "Stem versturen"]
    unknown = _participant("ZZZZ2222")
    assert participation.UNKNOWN_SESSION in [e.value for e in unknown.error]


def test_resident_page_has_privacy_statement_and_optional_profile(demo_engine: Engine) -> None:
    info = _open_points_session(
        demo_engine, kind="inwonersconsultatie", settings={"wijken": ["Noord", "Zuid"]}
    )
    at = _participant(info.code)
    assert any("IP-adres" in m.value.replace("\\", "") for m in at.markdown)
    _begin(at)
    wijk = next(s for s in at.selectbox if s.label == "In welke wijk of kern woont u?")
    assert wijk.options == ["Zeg ik liever niet", "Noord", "Zuid"]
    wijk.select("Zuid").run()
    next(s for s in at.selectbox if s.label == "Hoe oud bent u?").select(participation.AGE_BANDS[2]).run()
    _number(at, "Punten voor Buren en overlast in de buurt").set_value(10).run()
    next(b for b in at.button if b.label == "Stem versturen").click().run()
    assert any("Uw stem is ontvangen" in s.value for s in at.success)
    with session_scope(demo_engine) as db:
        (p,) = db.execute(
            select(Participant.wijk, Participant.age_band).where(Participant.session_id == info.id)
        ).all()
    assert tuple(p) == ("Zuid", participation.AGE_BANDS[2])


def test_comment_is_moderated_and_shown_as_text_on_the_live_screen(
    demo_engine: Engine, admin_password: str
) -> None:
    info = _open_points_session(demo_engine)
    at = _participant(info.code)
    remark = "<script>alert(1)</script> **vet**"
    next(t for t in at.text_area if t.key.endswith("1.3:opmerking")).input(remark).run()
    next(b for b in at.button if b.label == "Stem versturen").click().run()
    assert any("Uw stem is ontvangen" in s.value for s in at.success)

    live = _app("facilitator").run()
    live.switch_page("pages/live.py").run()
    assert not live.exception, [e.value for e in live.exception]
    assert remark not in [t.value for t in live.text]  # not approved yet

    facilitator = _app("facilitator").run()
    facilitator.switch_page("pages/sessies.py").run()
    assert remark in [t.value for t in facilitator.text]
    next(b for b in facilitator.button if b.label == "Goedkeuren").click().run()
    with session_scope(demo_engine) as db:
        assert [c.text for c in comments.approved_comments(db, info.id)] == [remark]
    st.cache_data.clear()
    live.run()
    assert remark in [t.value for t in live.text]  # st.text: shown literally, never as HTML or Markdown
    assert not any(remark in m.value for m in live.markdown)


def test_live_results_hidden_by_default_then_shown_with_totals(
    demo_engine: Engine, admin_password: str
) -> None:
    info = _open_points_session(demo_engine)
    for ballot in ({"1.1": 6, "1.3": 4}, {"1.1": 2, "2.1": 8}):
        token = participation.new_token()
        with session_scope(demo_engine) as db:
            participation.join(db, info.id, token)
            participation.submit_ballot(db, info.id, token, ballot)
    at = _app("facilitator").run()
    at.switch_page("pages/live.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("De uitslag is verborgen" in m.value for m in at.markdown)
    assert not at.get("vega_lite_chart")
    next(t for t in at.toggle if t.label == "Uitslag tonen op het scherm").set_value(True).run()
    assert at.get("vega_lite_chart")
    table = at.table[0].value
    name = load_catalogue().theme
    assert dict(zip(table["Thema"], table["Punten"], strict=True)) == {
        f"1.1 {name('1.1').short_name}": "8",
        f"2.1 {name('2.1').short_name}": "8",
        f"1.3 {name('1.3').short_name}": "4",
    }


def test_griffier_enters_a_show_of_hands(demo_engine: Engine, admin_password: str) -> None:
    info = _open_points_session(demo_engine)
    at = _app("facilitator").run()
    at.switch_page("pages/sessies.py").run()
    next(s for s in at.selectbox if s.label == "Sessie").select(info.id).run()
    next(r for r in at.radio if r.label == "Soort invoer").set_value("handopsteking").run()
    next(n for n in at.number_input if n.label == "Aantal handen").set_value(6).run()
    _number(at, "Punten voor Objectieve veiligheid").set_value(10).run()
    next(b for b in at.button if b.label == "Invoer opslaan").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with session_scope(demo_engine) as db:
        row = db.execute(select(Ballot.entry, Ballot.weight).where(Ballot.session_id == info.id)).one()
    assert tuple(row) == ("handopsteking", 6.0)


def test_resident_panel_needs_an_unused_invitation_code(demo_engine: Engine) -> None:
    info = _open_points_session(demo_engine, kind="inwonersconsultatie")
    with session_scope(demo_engine) as db:
        (code,) = participation.create_invitation_codes(db, info.id, 1)
    at = _participant(info.code)
    assert not [b for b in at.button if b.label == "Stem versturen"]
    # Inside a form the typed code is sent with the submit button, as in a browser.
    at.text_input[0].input("VERKEERD22")
    at.button[0].click().run()
    assert any("klopt niet" in e.value for e in at.error)
    at.text_input[0].input(code.lower())
    at.button[0].click().run()
    assert not at.error
    _number(at, "Punten voor Buren en overlast in de buurt").set_value(4).run()
    next(b for b in at.button if b.label == "Stem versturen").click().run()
    assert any("Uw stem is ontvangen" in s.value for s in at.success)

    other = _participant(info.code)  # another browser with the same letter
    other.text_input[0].input(code)
    other.button[0].click().run()
    assert any("al gestemd" in e.value for e in other.error)
    assert _ballots(demo_engine, info.id) == {"1.1": 4.0, "1.3": 0.0, "2.1": 0.0}


def test_a_busy_database_gets_a_dutch_message_and_stores_nothing(
    demo_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    from ivp_core.consultation import ballot_box

    info = _open_points_session(demo_engine)
    at = _participant(info.code)
    _number(at, "Punten voor Sociale kwaliteit").set_value(4).run()

    def busy(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr(ballot_box, "write_ballot", busy)
    next(b for b in at.button if b.label == "Stem versturen").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("erg druk" in e.value for e in at.error)
    assert _ballots(demo_engine, info.id) == {}


def test_a_resident_starts_with_what_it_is_about_and_a_reload_keeps_the_questions(
    demo_engine: Engine,
) -> None:
    info = _open_points_session(demo_engine, kind="inwonersconsultatie")
    at = _participant(info.code)
    assert "Er zijn 3 onderwerpen. Het invullen duurt ongeveer 1 minuut." in [m.value for m in at.markdown]
    assert not at.number_input  # no question before the tap
    _begin(at)
    assert at.query_params["stap"] == "vragen"
    token = at.query_params["t"]
    reloaded = _app()
    reloaded.query_params.update({"code": info.code, "t": token, "stap": "vragen"})
    reloaded.run()
    reloaded.switch_page("pages/stem.py").run()
    assert [b for b in reloaded.button if b.label == "Stem versturen"]
    _number(reloaded, "Punten voor Buren en overlast in de buurt").set_value(10).run()
    next(b for b in reloaded.button if b.label == "Stem versturen").click().run()
    assert any("Uw stem is ontvangen" in s.value for s in reloaded.success)
    back = (
        _app()
    )  # the original link again, with the token of the one who voted: the answers, no start screen
    back.query_params.update({"code": info.code, "t": token})
    back.run()
    back.switch_page("pages/stem.py").run()
    assert any("U heeft al gestemd" in i.value for i in back.info)
    assert not [b for b in back.button if b.label == "Beginnen"]


def test_council_members_go_straight_to_the_questions(demo_engine: Engine) -> None:
    info = _open_points_session(demo_engine)  # raadscommissie
    at = _participant(info.code)
    assert not [b for b in at.button if b.label == "Beginnen"]
    assert [b for b in at.button if b.label == "Stem versturen"]


def test_a_council_phone_in_a_crowd_gets_the_start_screen_and_is_counted_from_there(
    demo_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hundreds of phones opening a council ballot at once each drew the whole ballot, so nearly all waited
    for all (p95 ±9 s): a phone that opens while many vote pages are being drawn gets the light start screen
    first. The projector counts it from there, and once it has its questions a crowd does not take them away."""
    info = _open_points_session(demo_engine)  # raadscommissie
    monkeypatch.setattr(OPENINGS, "threshold", 0)  # every phone opens in a crowd
    phone = _participant(info.code)
    assert not phone.number_input  # no questions yet: the start screen
    assert _joined(demo_engine, info.id) == 1
    _begin(phone)
    phone.number_input[0].set_value(10).run()
    assert phone.number_input[0].value == 10  # still the questions
    assert [b for b in phone.button if b.label == "Stem versturen"]
    assert _joined(demo_engine, info.id) == 1


def test_a_phone_that_opens_the_page_for_the_first_time_is_not_looked_up(demo_engine: Engine) -> None:
    """A token made in this very run belongs to nobody yet: no participant query for most phones of a burst.
    A phone that comes back with its token is looked up, so its earlier answers show."""
    info = _open_points_session(demo_engine, kind="inwonersconsultatie")
    presence.QUEUE.flush()  # phones of earlier tests in this process are written in a batch, not by this phone
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        # Not the presence queue's batch writer: it may write phones an earlier page run queued meanwhile.
        if threading.current_thread().name != presence.THREAD_NAME:
            statements.append(statement)

    event.listen(demo_engine, "before_cursor_execute", record)
    try:
        first = _participant(info.code)
        looked_up_first = [s for s in statements if "participant" in s.lower()]
        _begin(first)
        _number(first, "Punten voor Buren en overlast in de buurt").set_value(10).run()
        next(b for b in first.button if b.label == "Stem versturen").click().run()
        statements.clear()
        back = _app()
        back.query_params.update({"code": info.code, "t": first.query_params["t"]})
        back.run()
        back.switch_page("pages/stem.py").run()
    finally:
        event.remove(demo_engine, "before_cursor_execute", record)
    assert looked_up_first == []
    assert [s for s in statements if "participant" in s.lower()]
    assert any("U heeft al gestemd" in i.value for i in back.info)


def _joined(engine: Engine, session_id: int) -> int:
    presence.QUEUE.flush()  # a phone that shows the questions is queued; the app writes them in batches
    with session_scope(engine, readonly=True) as db:
        return int(
            db.scalar(select(func.count(Participant.id)).where(Participant.session_id == session_id)) or 0
        )


def test_a_phone_counts_as_joined_once_it_shows_the_questions(demo_engine: Engine) -> None:
    """Issue 27: the projector's "Deelnemers aangemeld" counted only phones that voted."""
    council = _open_points_session(demo_engine)
    _participant(council.code)  # council members go straight to the questions
    assert _joined(demo_engine, council.id) == 1
    residents = _open_points_session(demo_engine, kind="inwonersconsultatie")
    phone = _participant(residents.code)
    assert _joined(demo_engine, residents.id) == 0  # the start screen a QR code opens writes nothing
    _begin(phone)
    assert _joined(demo_engine, residents.id) == 1
    _number(phone, "Punten voor Buren en overlast in de buurt").set_value(10).run()
    assert _joined(demo_engine, residents.id) == 1  # registered once, not on every rerun


def _subheaders(at: AppTest) -> list[str]:
    return [h.value for h in at.subheader]


def test_a_closed_session_shows_its_result_not_an_interim_score(
    demo_engine: Engine, admin_password: str
) -> None:
    """Issue 27: after closing, the screen still said "Tussenstand"."""
    info = _open_points_session(demo_engine)
    with session_scope(demo_engine) as db:
        sessions.set_show_results(db, info.id, True)
    at = _app("facilitator").run()
    at.query_params["sessie"] = str(info.id)
    at.switch_page("pages/live.py").run()
    assert "Tussenstand" in _subheaders(at)
    with session_scope(demo_engine) as db:
        sessions.close_session(db, info.id)
    st.cache_data.clear()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Uitslag" in _subheaders(at) and "Tussenstand" not in _subheaders(at)
    assert not [e for e in at.expander if "Tussenstand" in e.label]


def test_the_screen_says_why_the_advice_puts_another_theme_on_top(
    demo_engine: Engine, admin_password: str
) -> None:
    """Issue 27: the projector ranks by total points, the advice lets each member weigh the same; where their
    top differs, the screen says so in one sentence, and not where it agrees."""
    info = _open_points_session(demo_engine)
    with session_scope(demo_engine) as db:
        sessions.set_show_results(db, info.id, True)
    vote(demo_engine, info.id, {"1.1": 10})  # one ballot: the screen and the advice agree
    at = _app("facilitator").run()
    at.query_params["sessie"] = str(info.id)
    at.switch_page("pages/live.py").run()
    assert not [m for m in at.markdown if "in het advies" in m.value]
    for values in ({"1.3": 2, "2.1": 1}, {"1.3": 1}):  # members who spend little, mostly on 1.3
        vote(demo_engine, info.id, values)
    st.cache_data.clear()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    notes = [m.value for m in at.markdown if "in het advies" in m.value]
    assert len(notes) == 1 and "Op plaats 1 staat op het scherm 1.1" in notes[0], notes
    assert "deel van de eigen punten" in notes[0]


def _presenter_links(at: AppTest) -> list[str]:
    return [c.value for c in at.code if "/scherm?k=" in c.value]


def test_the_projector_link_stays_findable_after_navigating_away(
    demo_engine: Engine, admin_password: str
) -> None:
    """Issue 27: the link was shown once on the live screen and was gone after visiting another page."""
    info = _open_points_session(demo_engine)
    at = _app("facilitator").run()
    at.query_params["sessie"] = str(info.id)
    at.switch_page("pages/live.py").run()
    made = _presenter_links(at)
    assert len(made) == 1
    at.switch_page("pages/sessies.py").run()
    assert not at.exception, [e.value for e in at.exception]
    next(s for s in at.selectbox if s.label == "Sessie").select(info.id).run()
    assert _presenter_links(at) == made
    at.switch_page("pages/live.py").run()
    assert _presenter_links(at) == made
    # Revoked, it is no longer offered anywhere (the live screen makes a fresh one for the projector).
    next(b for b in at.button if b.label == "Alle schermlinks intrekken").click().run()
    fresh = _presenter_links(at)
    assert len(fresh) == 1 and fresh != made
    at.switch_page("pages/sessies.py").run()
    assert _presenter_links(at) == fresh
