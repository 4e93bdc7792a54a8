"""The use cases of "Advies en keuze" on a trajectory a user made: a planning that lies ahead, a session held on
paper, a vaststelling that cannot precede its advice, and a later advice that never replaces a vaststelling."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select

from ivp_core.advice.decision import (
    ADOPTED,
    ADVICE,
    STANDING_RULE_NL,
    DecisionError,
    DecisionRequest,
    standing_decision,
)
from ivp_core.advice.page import (
    NO_ADVICE_NL,
    ChoiceRequest,
    advice_for_choice,
    load_advice_page,
    load_weight_groups,
    record_choice,
)
from ivp_core.advice.results import AdviceOptions
from ivp_core.consultation import sessions
from ivp_core.dutch import local_today, long_date
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import PriorityDecision
from tests.advice.decision_world import (
    World,
    build_world,
    build_world_without_votes,
    held_days_ago,
    plan_ahead,
)
from tests.badinput.snapshot import assert_unchanged, take
from tests.opinion_helpers import open_session

OPTIONS = AdviceOptions()
ADVISED = ("1.3", "4.1", "1.1", "2.1")


def _choose(world: World, *, with_advice: bool = True, **fields: Any) -> int:
    request = DecisionRequest(
        chosen=fields.pop("chosen", ADVISED),
        reason=fields.pop("reason", ""),
        decided_by="Griffier Jansen",
        **fields,
    )
    page = load_advice_page(world.trajectory_id, world.municipality_id, OPTIONS, resamples=0)
    advice = page.advice if with_advice else None
    return record_choice(
        ChoiceRequest(world.trajectory_id, world.municipality_id, request, advice, OPTIONS)
    ).id


def test_a_planning_in_the_future_is_a_hint_never_the_default_date(engine: Engine) -> None:
    world = build_world(engine)
    opinion, raad = plan_ahead(engine, world.trajectory_id)
    page = load_advice_page(world.trajectory_id, world.municipality_id, OPTIONS, resamples=0)
    form = page.decisions.form
    assert form.status == ADVICE and form.meeting_date is None
    # the field takes the planned dates, so typing one gets the Dutch refusal below, not the widget's English
    assert form.min_date <= local_today() and raad < form.max_date
    assert form.date_hints[ADVICE] == f"Gepland: {long_date(opinion)}."
    assert form.date_hints[ADOPTED].startswith(f"Gepland: {long_date(raad)}.")
    # recording the advice as planned, before the meeting was held, is refused in Dutch
    with pytest.raises(DecisionError, match="is nog niet geweest"):
        _choose(world, gremium="raadscommissie")
    with pytest.raises(DecisionError, match="is nog niet geweest"):
        _choose(world, gremium="raadscommissie", meeting_date=opinion)


def test_a_planned_date_that_has_passed_is_the_default(engine: Engine) -> None:
    world = build_world(engine)
    from ivp_core.trajectory.stap1 import MilestoneInput, save_milestones

    held = local_today() - timedelta(days=2)
    with session_scope(engine) as db:
        save_milestones(db, world.trajectory_id, [MilestoneInput("opiniesessie", due_on=held)])
    form = load_advice_page(world.trajectory_id, world.municipality_id, OPTIONS, resamples=0).decisions.form
    assert form.meeting_date == held and form.min_date <= held <= form.max_date


def test_without_votes_the_page_offers_the_form_and_the_choice_is_stored_without_advice(
    engine: Engine,
) -> None:
    world = build_world_without_votes(engine)
    plan_ahead(engine, world.trajectory_id)
    page = load_advice_page(world.trajectory_id, world.municipality_id, OPTIONS, resamples=0)
    assert page.advice is None and page.no_advice == NO_ADVICE_NL and page.counting_note == ""
    assert page.decisions.form.themes == () and page.decisions.standing is None
    assert load_weight_groups(world.trajectory_id, world.municipality_id, OPTIONS) == ()
    assert advice_for_choice(world.trajectory_id, world.municipality_id) is None
    day = local_today() - timedelta(days=1)
    # any themes, no reason: there is no advice to deviate from
    decision_id = _choose(world, chosen=("5.1", "2.4"), status=ADOPTED, gremium="raad", meeting_date=day)
    with session_scope(engine) as db:
        row = db.get(PriorityDecision, decision_id)
        assert row is not None
        assert (row.advice, row.settings, row.chosen, row.reason) == ({}, {}, ["5.1", "2.4"], "")
    panel = load_advice_page(world.trajectory_id, world.municipality_id, OPTIONS, resamples=0).decisions
    assert panel.standing is not None and panel.standing.id == decision_id
    assert not panel.standing.with_advice


def test_a_closed_session_without_ballots_gives_no_advice_and_no_crash(engine: Engine) -> None:
    world = build_world_without_votes(engine)
    held = open_session(engine, world.trajectory_id)
    with session_scope(engine) as db:
        sessions.close_session(db, held.id)
    page = load_advice_page(world.trajectory_id, world.municipality_id, OPTIONS, resamples=0)
    assert page.advice is None and page.no_advice == NO_ADVICE_NL


def test_a_vaststelling_before_the_advice_it_adopts_is_refused_and_nothing_is_written(engine: Engine) -> None:
    world = build_world(engine)
    plan_ahead(engine, world.trajectory_id)
    advice_day = local_today() - timedelta(days=14)
    _choose(world, gremium="raadscommissie", meeting_date=advice_day)
    page = load_advice_page(world.trajectory_id, world.municipality_id, OPTIONS, resamples=0)
    assert page.decisions.form.status == ADOPTED and page.decisions.form.meeting_date is None
    assert f"Vroegst mogelijke datum: {long_date(advice_day)}" in page.decisions.form.date_hints[ADOPTED]
    before = take(engine)
    with pytest.raises(DecisionError) as refused:
        _choose(world, status=ADOPTED, gremium="raad", meeting_date=advice_day - timedelta(days=1))
    message = refused.value.message_nl
    assert "ligt vóór het laatste advies (Advies van de raadscommissie van" in message
    assert f"de vroegst mogelijke datum is {long_date(advice_day)}" in message
    assert_unchanged(before, engine)


def test_a_vaststelling_before_the_sessions_were_held_is_refused(engine: Engine) -> None:
    world = build_world(engine)
    held = held_days_ago(engine, world, 3)
    before = take(engine)
    with pytest.raises(DecisionError, match=f"de vroegst mogelijke datum is {long_date(held)}"):
        _choose(world, status=ADOPTED, gremium="raad", meeting_date=held - timedelta(days=7))
    assert_unchanged(before, engine)
    assert _choose(world, status=ADOPTED, gremium="raad", meeting_date=held) > 0


def test_a_later_college_advice_does_not_replace_the_vaststelling(engine: Engine) -> None:
    world = build_world(engine)
    plan_ahead(engine, world.trajectory_id)
    today = local_today()
    first = _choose(world, gremium="raadscommissie", meeting_date=today - timedelta(days=30))
    adopted = _choose(world, status=ADOPTED, gremium="raad", meeting_date=today - timedelta(days=10))
    later = _choose(
        world,
        gremium="college",
        meeting_date=today - timedelta(days=2),
        chosen=("1.3", "4.1", "1.1"),
        reason="Het college ziet het anders.",
    )
    panel = load_advice_page(world.trajectory_id, world.municipality_id, OPTIONS, resamples=0).decisions
    assert panel.standing is not None and panel.standing.id == adopted
    assert (
        panel.standing.words == f"Vastgesteld door de gemeenteraad op {long_date(today - timedelta(days=10))}"
    )
    assert [v.id for v in panel.later] == [later] and [v.id for v in panel.earlier] == [first]
    assert panel.rule == STANDING_RULE_NL and "vervangt haar niet" in panel.rule
    with session_scope(engine) as db:
        standing = standing_decision(db, world.trajectory_id, world.municipality_id, joint=False)
        assert standing is not None and standing.id == adopted
        assert db.scalars(select(PriorityDecision.id)).all() != []
    # after the college's advice the form proposes the raad's vaststelling again
    assert panel.form.status == ADOPTED


def test_a_vaststelling_can_be_corrected_at_its_own_date_after_a_later_advice(engine: Engine) -> None:
    world = build_world(engine)
    today = local_today()
    _choose(world, gremium="raadscommissie", meeting_date=today - timedelta(days=30))
    _choose(world, status=ADOPTED, gremium="raad", meeting_date=today - timedelta(days=10))
    _choose(world, gremium="college", meeting_date=today - timedelta(days=2))
    corrected = _choose(
        world, status=ADOPTED, gremium="raad", meeting_date=today - timedelta(days=10), chosen=("1.3", "4.1", "1.1"),
        reason="Correctie: de raad koos drie thema's.",
    )  # fmt: skip
    with session_scope(engine) as db:
        standing = standing_decision(db, world.trajectory_id, world.municipality_id, joint=False)
        assert standing is not None and standing.id == corrected
    # still refused before the commission's advice that the raad adopted
    with pytest.raises(DecisionError, match="vóór het laatste advies"):
        _choose(world, status=ADOPTED, gremium="raad", meeting_date=today - timedelta(days=31))


def test_record_choice_keeps_the_options_only_with_an_advice(engine: Engine) -> None:
    from ivp_core.advice.results import stored_options

    world = build_world(engine)
    chosen = AdviceOptions(top_k=3)
    request = DecisionRequest(
        ("1.3", "4.1", "1.1"), "", "Griffier", gremium="raad", meeting_date=local_today()
    )
    page = load_advice_page(world.trajectory_id, world.municipality_id, chosen, resamples=0)
    recorded = record_choice(
        ChoiceRequest(world.trajectory_id, world.municipality_id, request, page.advice, chosen)
    )
    assert recorded.words.startswith("Advies van de gemeenteraad") and "instellingen" in recorded.message
    with session_scope(engine) as db:
        assert stored_options(db, world.trajectory_id) == chosen


def test_in_a_joint_trajectory_another_municipalitys_advice_does_not_bound_the_vaststelling(
    engine: Engine,
) -> None:
    world = build_world(engine, extra=True)
    with session_scope(engine) as db:
        from ivp_core.storage.models import Municipality

        ommen_id = db.scalars(select(Municipality.id).where(Municipality.cbs_code == "GM0175")).one()
    ommen = World(world.trajectory_id, ommen_id, world.session_id)
    today = local_today()
    _choose(world, gremium="raadscommissie", meeting_date=today - timedelta(days=3))
    adopted = _choose(ommen, status=ADOPTED, gremium="raad", meeting_date=today - timedelta(days=10))
    panels = [
        load_advice_page(w.trajectory_id, w.municipality_id, OPTIONS, resamples=0).decisions
        for w in (world, ommen)
    ]
    assert panels[0].standing is not None and panels[0].standing.status == ADVICE
    assert panels[1].standing is not None and panels[1].standing.id == adopted
    assert "Vroegst" not in panels[1].form.date_hints[ADOPTED]
