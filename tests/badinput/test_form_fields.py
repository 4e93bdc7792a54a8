"""Door: what pages send to ivp_core from form fields (sessions, ballots, griffier entries, comments, analysis
texts, the final choice). The pages show `message_nl` (or str() of the ValueError) as is, so that text must be
clear Dutch, and a refused request must write nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ivp_core.advice.aggregate.model import AggregationSettings
from ivp_core.advice.decision import DecisionRequest, record_decision
from ivp_core.advice.results import Advice, compute_advice
from ivp_core.analysis import texts as analysis_texts
from ivp_core.consultation import comments, participation, sessions
from ivp_core.plan.indicators import IndicatorInput, save_indicator
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Municipality
from tests.badinput.dutch import assert_dutch
from tests.badinput.snapshot import assert_unchanged, take
from tests.opinion_helpers import make_trajectory, open_session, vote

THEMES = ("1.1", "1.3", "2.1", "4.1")


@dataclass
class World:
    trajectory_id: int
    municipality_id: int
    session_id: int
    token: str  # joined, has voted
    advice: Advice


@dataclass(frozen=True)
class Case:
    id: str
    call: Callable[[Session, World], Any]
    keywords: tuple[str, ...]


def _create(**changes: Any) -> Callable[[Session, World], Any]:
    def call(db: Session, w: World) -> Any:
        args: dict[str, Any] = {
            "trajectory_id": w.trajectory_id,
            "kind": "raadscommissie",
            "title": "Commissie",
            "method": "points",
            "themes": list(THEMES),
            "settings": {"budget": 10},
        }
        return sessions.create_session(db, **{**args, **changes})

    return call


def _ballot(values: dict[str, Any]) -> Callable[[Session, World], Any]:
    return lambda db, w: participation.submit_ballot(db, w.session_id, w.token, values)


def _manual(entry: str = "handopsteking", weight: Any = 3) -> Callable[[Session, World], Any]:
    return lambda db, w: participation.record_manual_ballot(
        db, w.session_id, {"1.1": 10}, entry=entry, weight=weight
    )


def _theme_text(
    theme: str = "1.3", author: str = "Coördinator", **texts: str
) -> Callable[[Session, World], Any]:
    return lambda db, w: analysis_texts.update_theme_analysis(
        db, w.trajectory_id, w.municipality_id, theme, author, texts or {"problem_text": "Nieuw"}
    )


def _decide(
    chosen: list[str] | None = None, reason: str = "", by: str = "Griffier"
) -> Callable[[Session, World], Any]:
    def call(db: Session, w: World) -> Any:
        pick = chosen if chosen is not None else [t.theme for t in w.advice.result.themes[-2:]]
        request = DecisionRequest(pick, reason, by, meeting_date=date(2026, 10, 14))
        return record_decision(db, w.trajectory_id, w.municipality_id, w.advice, request)

    return call


def _indicator(**changes: Any) -> Callable[[Session, World], Any]:
    fields: dict[str, Any] = {
        "theme_code": "1.3",
        "indicator": "Woninginbraken per 1.000 inwoners",
        "source": "Politie",
        "kind": "objectief",
        "baseline_year": 2024,
        "baseline_value": "4,1",
        "target_year": 2030,
        "target_value": "3,5",
    }
    spec = IndicatorInput(**{**fields, **changes})
    return lambda db, w: save_indicator(db, w.trajectory_id, w.municipality_id, spec)


def _criteria(*entries: dict[str, Any]) -> Callable[[Session, World], Any]:
    return _create(method="criteria", settings={"criteria": list(entries)})


CASES = [
    # session creation
    Case("session-empty-title", _create(title="   "), ("titel",)),
    Case("session-long-title", _create(title="x" * 500), ("titel", "200")),
    Case("session-unknown-kind", _create(kind="<script>"), ("onbekend soort",)),
    Case("session-unknown-theme", _create(themes=["1.1", "9.9"]), ("9.9",)),
    Case("session-no-themes", _create(themes=[]), ("thema",)),
    Case(
        "session-negative-rate-limit",
        _create(settings={"budget": 10, "max_ballots_per_minute": -1}),
        ("minuut",),
    ),
    Case("session-nan-budget", _create(settings={"budget": float("nan")}), ("budget", "getal")),
    Case("session-negative-budget", _create(settings={"budget": -5}), ("punten", "positief")),
    Case("session-unknown-method", _create(method="dictator"), ("stemmethode",)),
    Case(
        "session-long-wijk",
        _create(kind="inwonersconsultatie", settings={"budget": 10, "wijken": ["w" * 100]}),
        ("wijk", "80"),
    ),
    Case("criteria-none", _criteria(), ("geen criteria",)),
    Case("criteria-nan-weight", _criteria({"key": "impact", "weight": float("nan")}), ("getal",)),
    Case("criteria-same-key", _criteria({"key": "impact"}, {"key": "impact"}), ("dezelfde sleutel",)),
    Case("criteria-max-below-min", _criteria({"key": "impact", "min": 5, "max": 1}), ("maximum",)),
    # joining and ballots
    Case(
        "join-junk-token",
        lambda db, w: participation.join(db, w.session_id, "../../etc/passwd"),
        ("sleutel",),
    ),
    Case(
        "join-unknown-session",
        lambda db, w: participation.join(db, 999_999, participation.new_token()),
        ("kennen deze code niet",),
    ),
    Case(
        "join-unknown-wijk",
        lambda db, w: participation.join(db, w.session_id, w.token, wijk="<b>x</b>" * 50),
        ("wijk",),
    ),
    Case(
        "join-unknown-age",
        lambda db, w: participation.join(db, w.session_id, w.token, age_band="-1"),
        ("leeftijdsgroep",),
    ),
    Case(
        "ballot-not-joined",
        lambda db, w: participation.submit_ballot(db, w.session_id, participation.new_token(), {"1.1": 10}),
        ("niet aangemeld",),
    ),
    Case("ballot-nan", _ballot({"1.1": float("nan")}), ("geen getal",)),
    Case("ballot-inf", _ballot({"1.1": float("inf")}), ("geen getal",)),
    Case("ballot-negative", _ballot({"1.1": -5, "1.3": 15}), ("punten",)),
    Case("ballot-huge", _ballot({"1.1": 1e308}), ("punten",)),
    Case("ballot-text", _ballot({"1.1": "tien"}), ("geen getal",)),
    Case("ballot-unknown-theme", _ballot({"9.9": 10}), ("9.9", "stemformulier")),
    Case("manual-zero-hands", _manual(weight=0), ("handen",)),
    Case("manual-nan-hands", _manual(weight=float("nan")), ("handen",)),
    Case("manual-huge-hands", _manual(weight=10**9), ("handen", "1000")),
    Case("manual-unknown-entry", _manual(entry="<script>"), ("handopsteking",)),
    # comments
    Case(
        "comment-too-long",
        lambda db, w: comments.save_comment(db, w.session_id, w.token, "1.1", "a" * 5000),
        ("1000 tekens",),
    ),
    Case(
        "comment-theme-not-on-ballot",
        lambda db, w: comments.save_comment(db, w.session_id, w.token, "5.5", "x"),
        ("stemformulier",),
    ),
    Case(
        "comment-not-joined",
        lambda db, w: comments.save_comment(db, w.session_id, participation.new_token(), "1.1", "x"),
        ("niet aangemeld",),
    ),
    # analysis texts
    Case("analysis-no-author", _theme_text(author="  "), ("naam",)),
    Case("analysis-long-author", _theme_text(author="N" * 500), ("naam", "tekens")),
    Case("analysis-unknown-text", _theme_text(**{"<script>": "x"}), ("onbekende tekst",)),
    Case("analysis-unknown-theme", _theme_text(theme="9.9"), ("9.9", "thema")),
    Case("analysis-huge-text", _theme_text(problem_text="lang " * 400_000), ("te lang",)),
    Case(
        "analysis-aspects-wrong-field",
        lambda db, w: analysis_texts.update_field_analysis(
            db, w.trajectory_id, w.municipality_id, "2", "Coördinator", None, {"a": "x"}
        ),
        ("veld 1",),
    ),
    # effect indicators
    Case("indicator-unknown-theme", _indicator(theme_code="<script>"), ("onbekend thema",)),
    Case("indicator-no-name", _indicator(indicator="  "), ("naam",)),
    Case("indicator-long-name", _indicator(indicator="i" * 300), ("te lang", "200")),
    Case("indicator-unknown-kind", _indicator(kind="gevoel"), ("objectief",)),
    Case("indicator-target-outside-period", _indicator(target_year=2099), ("streefjaar", "looptijd")),
    Case("indicator-formula-target", _indicator(target_value="=1+1"), ("geen getal",)),
    Case("indicator-overflow-target", _indicator(target_value="9" * 400), ("geen getal",)),
    Case("indicator-nan-target", _indicator(target_value=float("nan")), ("geen geldig getal",)),
    Case("indicator-negative-target", _indicator(target_value="-3"), ("negatief",)),
    Case("indicator-baseline-after-target", _indicator(baseline_year=2031, target_year=2030), ("nulmeting",)),
    # the final choice
    Case("decision-unknown-theme", _decide(["1.1", "<img src=x onerror=alert(1)>"]), ("onbekende thema",)),
    Case("decision-too-many", _decide(["1.1", "1.3", "2.1", "4.1", "5.1"]), ("vier",)),
    Case("decision-duplicate", _decide(["1.1", "1.1"]), ("twee keer",)),
    Case("decision-other-without-reason", _decide(reason=" "), ("waarom",)),
    Case("decision-no-name", _decide(reason="Andere keuze", by=""), ("naam",)),
]


@pytest.fixture
def world(engine: Engine) -> World:
    trajectory_id = make_trajectory(engine)
    with session_scope(engine) as db:
        municipality_id = db.scalar(select(Municipality.id))
        assert municipality_id is not None
    session = open_session(engine, trajectory_id, themes=THEMES)
    token = vote(engine, session.id, {"1.1": 6, "1.3": 4})
    vote(engine, session.id, {"2.1": 7, "4.1": 3})
    with session_scope(engine) as db:
        advice = compute_advice(
            db, trajectory_id, municipality_id, AggregationSettings(resamples=0, top_k=2), include_open=True
        )
    return World(trajectory_id, municipality_id, session.id, token, advice)


def message_of(exc: BaseException) -> str:
    return str(getattr(exc, "message_nl", None) or exc)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_form_input_is_refused_in_dutch_and_writes_nothing(
    case: Case, world: World, engine: Engine
) -> None:
    before = take(engine)
    with pytest.raises(ValueError) as refused, session_scope(engine) as db:
        case.call(db, world)
    assert_dutch(message_of(refused.value), case.keywords)
    assert_unchanged(before, engine)
