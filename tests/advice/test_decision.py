"""The decision as a record: gremium, meeting date, status and focus, checked before anything is written."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from ivp_core.advice.decision import (
    DecisionError,
    DecisionRequest,
    decision_history,
    decision_views,
    describe_decision,
    latest_decision,
    latest_trajectory_decision,
    record_decision,
    standing_decision,
)
from ivp_core.advice.previous import compare, previous_priorities
from ivp_core.advice.results import (
    AdviceOptions,
    compute_advice_with,
    partition_sessions,
    remember_options,
    stored_options,
)
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import (
    Milestone,
    Municipality,
    PreviousPriority,
    PriorityDecision,
    Trajectory,
)
from tests.advice.decision_world import World, build_world
from tests.badinput.snapshot import assert_unchanged, take
from tests.opinion_helpers import open_session

TODAY = date(2026, 12, 4)
OPTIONS = AdviceOptions()
ADVISED = ["1.3", "4.1", "1.1", "2.1"]


def _record(engine: Engine, world: World, today: date = TODAY, **fields: Any) -> int:
    request = DecisionRequest(
        chosen=fields.pop("chosen", ADVISED),
        reason=fields.pop("reason", ""),
        decided_by=fields.pop("decided_by", "Griffier Jansen"),
        **fields,
    )
    with session_scope(engine) as db:
        advice = compute_advice_with(db, world.trajectory_id, world.municipality_id, OPTIONS, resamples=0)
        return record_decision(
            db, world.trajectory_id, world.municipality_id, advice, request, today=today
        ).id


def test_the_advice_on_the_user_made_trajectory_is_the_points_order(engine: Engine) -> None:
    world = build_world(engine)
    with session_scope(engine) as db:
        advice = compute_advice_with(db, world.trajectory_id, world.municipality_id, OPTIONS, resamples=0)
    assert list(advice.result.priorities) == ADVISED


def test_an_advice_is_stored_with_gremium_meeting_status_and_focus(engine: Engine) -> None:
    world = build_world(engine)
    decision_id = _record(
        engine,
        world,
        chosen=["1.3", "4.1", "3.1"],
        reason="De raad wil de verkeersveiligheid en de jeugd samen aanpakken.",
        gremium="raadscommissie",
        meeting_date=date(2026, 10, 14),
        focus={"1.3": "  woninginbraken ", "4.1": "te hard rijden", "3.1": ""},
    )
    with session_scope(engine) as db:
        stored = db.get(PriorityDecision, decision_id)
        assert stored is not None
        assert (stored.gremium, stored.meeting_date, stored.status) == (
            "raadscommissie",
            date(2026, 10, 14),
            "advies",
        )
        assert stored.chosen == ["1.3", "4.1", "3.1"]
        assert stored.focus == {"1.3": "woninginbraken", "4.1": "te hard rijden"}
        assert stored.advice["priorities"] == ADVISED
        assert describe_decision(stored) == "Advies van de raadscommissie van 14 oktober 2026"


def test_gremium_and_date_default_to_the_trajectory_planning(engine: Engine) -> None:
    world = build_world(engine)
    with session_scope(engine) as db:
        trajectory = db.get(Trajectory, world.trajectory_id)
        assert trajectory is not None
        trajectory.opinion_gremium = "college"
        db.add(
            Milestone(
                trajectory_id=world.trajectory_id,
                kind="opiniesessie",
                title="Opiniërend",
                due_on=date(2026, 9, 30),
            )
        )
        db.add(
            Milestone(
                trajectory_id=world.trajectory_id, kind="raadsbesluit", title="Raad", due_on=date(2026, 11, 9)
            )
        )
    first = _record(engine, world)
    second = _record(engine, world, status="vastgesteld")
    with session_scope(engine) as db:
        advice, adopted = db.get(PriorityDecision, first), db.get(PriorityDecision, second)
        assert advice is not None and adopted is not None
        assert (advice.gremium, advice.meeting_date) == ("college", date(2026, 9, 30))
        assert (adopted.gremium, adopted.meeting_date) == ("raad", date(2026, 11, 9))
        assert describe_decision(advice) == "Advies van het college van B en W van 30 september 2026"
        assert describe_decision(adopted) == "Vastgesteld door de gemeenteraad op 9 november 2026"


REFUSALS: list[tuple[str, dict[str, Any], str]] = [
    (
        "adopted-by-commission",
        {"status": "vastgesteld", "gremium": "raadscommissie"},
        "Alleen de gemeenteraad stelt",
    ),
    (
        "adopted-by-college",
        {"status": "vastgesteld", "gremium": "college"},
        "het college van B en W geeft een advies",
    ),
    ("unknown-gremium", {"gremium": "wijkraad"}, "Onbekend gremium 'wijkraad'"),
    ("unknown-status", {"status": "besloten"}, "Onbekende status 'besloten'"),
    ("no-date-no-milestone", {"meeting_date": None}, "Vul de datum van de vergadering in"),
    ("future-meeting", {"meeting_date": date(2027, 1, 20)}, "20 januari 2027 is nog niet geweest"),
    (
        "focus-on-unchosen-theme",
        {"focus": {"5.1": "ondermijning"}},
        "thema 5.1, maar dat thema staat niet in de keuze",
    ),
    ("focus-too-long", {"focus": {"1.3": "x" * 201}}, "te lang"),
    ("other-without-reason", {"chosen": ["1.3", "4.1", "3.1"]}, "Schrijf kort op waarom"),
    ("five-themes", {"chosen": ["1.3", "4.1", "1.1", "2.1", "3.1"], "reason": "x"}, "vier"),
    ("unknown-theme", {"chosen": ["1.3", "9.9"], "reason": "x"}, "Onbekende thema's: 9.9"),
    ("no-name", {"decided_by": "  "}, "Vul uw naam in"),
]


@pytest.mark.parametrize(("fields", "message"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_a_refused_decision_says_why_in_dutch_and_writes_nothing(
    engine: Engine, fields: dict[str, Any], message: str
) -> None:
    world = build_world(engine)
    fields = {"meeting_date": date(2026, 10, 14), "gremium": "raadscommissie", **fields}
    before = take(engine)
    with pytest.raises(DecisionError, match=message):
        _record(engine, world, **fields)
    assert_unchanged(before, engine)


def test_a_municipality_outside_the_trajectory_is_refused(engine: Engine) -> None:
    world = build_world(engine)
    with session_scope(engine) as db:
        other = Municipality(name="Elders", cbs_code="GM0001")
        db.add(other)
        db.flush()
        other_id = other.id
        advice = compute_advice_with(db, world.trajectory_id, world.municipality_id, OPTIONS, resamples=0)
    before = take(engine)
    with pytest.raises(DecisionError, match="hoort niet bij het traject"), session_scope(engine) as db:
        record_decision(
            db, world.trajectory_id, other_id, advice,
            DecisionRequest(ADVISED, "", "Griffier", meeting_date=date(2026, 10, 14)), today=TODAY,
        )  # fmt: skip
    assert_unchanged(before, engine)


def test_an_advice_followed_by_the_raad_keeps_both_and_shows_the_adoption(engine: Engine) -> None:
    world = build_world(engine)
    # The raad's adoption is typed in first, the commission's earlier advice afterwards: the meeting decides.
    adopted = _record(engine, world, status="vastgesteld", gremium="raad", meeting_date=date(2026, 11, 9))
    advised = _record(engine, world, gremium="raadscommissie", meeting_date=date(2026, 10, 14))
    with session_scope(engine) as db:
        history = decision_history(db, world.trajectory_id, world.municipality_id)
        assert [d.id for d in history] == [adopted, advised]
        latest = latest_decision(db, world.trajectory_id, world.municipality_id)
        assert latest is not None and latest.id == adopted
        by_trajectory = latest_trajectory_decision(db, world.trajectory_id)
        assert by_trajectory is not None and by_trajectory.id == adopted
        assert db.scalar(select(func.count(PriorityDecision.id))) == 2
        views = decision_views(db, world.trajectory_id, world.municipality_id)
    assert [v.words for v in views] == [
        "Vastgesteld door de gemeenteraad op 9 november 2026",
        "Advies van de raadscommissie van 14 oktober 2026",
    ]
    assert all(v.recorded_at is not None and v.recorded_at.utcoffset() is not None for v in views)


def test_a_later_advice_never_replaces_the_raads_vaststelling(engine: Engine) -> None:
    world = build_world(engine)
    advised = _record(engine, world, gremium="raadscommissie", meeting_date=date(2026, 10, 14))
    with session_scope(engine) as db:
        only_advice = standing_decision(db, world.trajectory_id, world.municipality_id, joint=False)
        assert only_advice is not None and only_advice.id == advised
    adopted = _record(engine, world, status="vastgesteld", gremium="raad", meeting_date=date(2026, 11, 9))
    # the college gives an advice after the raad decided: it is history, and the vaststelling still stands
    later = _record(engine, world, gremium="college", meeting_date=date(2026, 11, 30), chosen=["1.3", "4.1", "1.1"],
                    reason="Het college ziet het anders.")  # fmt: skip
    with session_scope(engine) as db:
        latest = latest_decision(db, world.trajectory_id, world.municipality_id)
        assert latest is not None and latest.id == later
        for joint in (False, True):
            standing = standing_decision(db, world.trajectory_id, world.municipality_id, joint=joint)
            assert standing is not None and standing.id == adopted


def test_a_record_from_before_meetings_were_kept_is_never_called_adopted(engine: Engine) -> None:
    world = build_world(engine)
    decision_id = _record(engine, world, meeting_date=date(2026, 10, 14), gremium="raad")
    with session_scope(engine) as db:
        row = db.get(PriorityDecision, decision_id)
        assert row is not None
        row.gremium, row.meeting_date = "", None
        text = describe_decision(row)
    assert text.startswith("Keuze vastgelegd op ") and "astgesteld" not in text


def test_previous_priorities_are_compared_with_the_advice(engine: Engine) -> None:
    world = build_world(engine, extra=True)
    with session_scope(engine) as db:
        ommen = db.scalars(select(Municipality).where(Municipality.cbs_code == "GM0175")).one()
        db.add_all(
            [
                PreviousPriority(trajectory_id=world.trajectory_id, municipality_id=world.municipality_id, theme_code="1.3", wording="woninginbraken"),
                PreviousPriority(trajectory_id=world.trajectory_id, municipality_id=world.municipality_id, theme_code="4.1", wording="te hard rijden"),
                PreviousPriority(trajectory_id=world.trajectory_id, municipality_id=None, theme_code="1.2", wording="woonoverlast"),
                PreviousPriority(trajectory_id=world.trajectory_id, municipality_id=ommen.id, theme_code="2.4", wording=""),
            ]
        )  # fmt: skip
    with session_scope(engine) as db:
        previous = previous_priorities(db, world.trajectory_id, world.municipality_id)
    assert [(p.theme, p.wording) for p in previous] == [
        ("1.3", "woninginbraken"), ("4.1", "te hard rijden"), ("1.2", "woonoverlast"),
    ]  # fmt: skip
    result = compare(previous, ADVISED)
    assert (result.kept, result.new, result.dropped) == (("1.3", "4.1"), ("1.1", "2.1"), ("1.2",))


def test_open_and_superseded_sessions_are_named_as_not_counted(engine: Engine) -> None:
    world = build_world(engine)
    still_open = open_session(engine, world.trajectory_id)
    with session_scope(engine) as db:
        closed_only = partition_sessions(db, world.trajectory_id, world.municipality_id)
        with_open = partition_sessions(db, world.trajectory_id, world.municipality_id, include_open=True)
    assert [s.id for s in closed_only.counted] == [world.session_id]
    assert [(s.id, why) for s, why in closed_only.left_out] == [(still_open.id, "open")]
    assert [s.id for s in with_open.counted] == [world.session_id, still_open.id] and not with_open.left_out


def test_advice_options_are_kept_with_the_trajectory_and_read_leniently(engine: Engine) -> None:
    world = build_world(engine)
    chosen = AdviceOptions(top_k=3, ranking_rule="borda", include_open=True)
    with session_scope(engine) as db:
        assert stored_options(db, world.trajectory_id) == AdviceOptions()
        remember_options(db, world.trajectory_id, chosen)
    with session_scope(engine) as db:
        assert stored_options(db, world.trajectory_id) == chosen
    broken = {"advice": {"top_k": 9, "ranking_rule": "loting", "include_open": "ja", "with_analysis": True}}
    assert AdviceOptions.from_settings(broken) == AdviceOptions(with_analysis=True)
