"""The stored advice, typed: every shape earlier versions wrote reads back, and caveats are values, not sentences."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ivp_core.advice.aggregate import AggregationSettings, RaterBallot, SessionBallots, aggregate, consensus
from ivp_core.advice.aggregate.caveats import Caveat, caveat_nl
from ivp_core.advice.stored import STORED_VERSION, StoredAdvice
from ivp_core.report.documents.verslag_advice import warning_lines

THEMES = ("1.1", "1.2", "1.3", "2.1", "2.2", "3.1")


def _ballots(group: str, method: str, rows: list[dict[str, float]]) -> SessionBallots:
    return SessionBallots(
        session_id=group,
        group=group,
        method=method,  # type: ignore[arg-type]
        themes=tuple(rows[0]),
        settings={"budget": 10} if method == "points" else {},
        ballots=tuple(RaterBallot(participant=f"{group}{i}", values=r) for i, r in enumerate(rows)),
    )


def _result() -> tuple[Any, Any]:
    """Two groups, different methods, one small and one scoring only a shortlist: several kinds of caveat."""
    raad = _ballots("raad", "rating", [dict(zip(THEMES, (5, 4, 3, 2, 1, 1), strict=True))] * 3)
    werkgroep = _ballots(
        "werkgroep", "points", [{"1.1": 6.0, "1.2": 4.0, "1.3": 0.0}, {"1.1": 5.0, "1.2": 5.0, "1.3": 0.0}]
    )
    sessions = [raad, werkgroep]
    result = aggregate(sessions, AggregationSettings(top_k=3, resamples=40, ranking_rule="default"), THEMES)
    return result, consensus(sessions, THEMES)


def _old_record(result: Any, cons: Any) -> dict[str, Any]:
    """What versions before typed caveats stored: the result's dict with sentences only, and the consensus."""
    old = {**result.to_dict(), "consensus": cons.to_dict()}
    del old["caveats"]
    return json.loads(json.dumps(old))  # as the JSON column gives it back


def test_the_aggregation_gives_typed_caveats_and_the_same_sentences() -> None:
    result, _ = _result()
    codes = {c.code for c in result.caveats}
    assert {"mixed_methods", "small_group", "unscored_by"} <= codes
    assert result.warnings == tuple(caveat_nl(c) for c in result.caveats)
    assert any(w.startswith("De groep 'raad' heeft maar 3 deelnemer(s)") for w in result.warnings)


def test_an_old_record_reads_as_the_new_one() -> None:
    result, cons = _result()
    old = StoredAdvice.from_dict(_old_record(result, cons))
    new = StoredAdvice.of(result, cons)
    assert old.version == 1 and new.version == STORED_VERSION
    assert old.caveats == new.caveats == result.caveats  # the sentences typed back, none left as text
    assert old.ranking == new.ranking and old.consensus == new.consensus and old.robustness == new.robustness
    assert warning_lines(old, {}) == warning_lines(new, {})


def test_a_record_written_back_is_the_record_that_was_read() -> None:
    result, cons = _result()
    stored = StoredAdvice.of(result, cons)
    again = json.loads(json.dumps(stored.to_dict()))
    assert StoredAdvice.from_dict(again) == stored
    assert again["warnings"] == list(result.warnings)  # an older version reading it still finds sentences
    assert again["caveats"] == [c.to_dict() for c in result.caveats]


@pytest.mark.parametrize("empty", [{}, None, [], "x"])
def test_no_advice_is_an_empty_falsy_record(empty: Any) -> None:
    advice = StoredAdvice.from_dict(empty)
    assert not advice and advice.ranking == () and advice.caveats == ()
    assert advice.to_dict() == {}


def test_odd_values_of_hand_edited_or_early_records_are_ignored_not_fatal() -> None:
    advice = StoredAdvice.from_dict(
        {
            "ranking": [
                {
                    "theme": "1.1",
                    "rank": 1,
                    "score": "hoog",
                    "priority": "ja",
                    "group_scores": {"raad": None},
                },
                {"rank": 2},  # no theme: left out
                "not a row",
            ],
            "priorities": ["1.1"],
            "top_k": 3.0,
            "group_weights": {"raad": 1},
            "robustness": {"resamples": 200, "themes": [{"theme": "1.1", "rank_interval": [1]}]},
            "consensus": {
                "concordance": [{"group": "raad", "kendall_w": 0.5}],
                "agreements": [{"groups": ["a"]}],
            },
            "warnings": ["Een waarschuwing die geen versie ooit zo schreef."],
        }
    )
    assert [t.theme for t in advice.ranking] == ["1.1"]
    theme = advice.ranking[0]
    assert (theme.score, theme.priority, theme.group_scores) == (None, False, {"raad": None})
    assert advice.top_k == 3 and advice.group_weights == {"raad": 1.0}
    assert advice.robustness is not None and advice.robustness.themes[0].rank_low is None
    assert advice.consensus is not None and advice.consensus.agreements == ()
    assert advice.caveats == (Caveat("text", text="Een waarschuwing die geen versie ooit zo schreef."),)
    assert warning_lines(advice, {}) == ["Een waarschuwing die geen versie ooit zo schreef."]


def test_a_sentence_that_only_looks_like_a_caveat_stays_text() -> None:
    """A match counts only when the typed caveat says the very same sentence again."""
    text = "De groep 'raad' heeft maar 2 deelnemers, en dat is anders geformuleerd."
    assert StoredAdvice.from_dict({"top_k": 3, "warnings": [text]}).caveats == (Caveat("text", text=text),)


def test_the_verslag_names_groups_and_methods_in_its_own_words() -> None:
    result, cons = _result()
    lines = warning_lines(StoredAdvice.of(result, cons), {"raad": "Gemeenteraad"})
    assert (
        "De groep gemeenteraad heeft maar 3 deelnemer(s); lees de uitkomst van deze groep voorzichtig."
        in lines
    )
    mixed = next(line for line in lines if line.startswith("De groepen stemden"))
    assert "borda" not in mixed and "punten verdelen" in mixed
    assert not any("niet beoordeeld door" in line for line in lines)  # folded into one line per group
    assert any(line.startswith("Ambtelijke werkgroep beoordeelde 3 thema's niet") for line in lines)


def test_the_verslag_of_a_record_stored_before_typed_caveats_is_the_same(demo_engine: Any) -> None:
    """The demo's recorded choice, rewritten in the shape earlier versions stored (and backups of format ≤ 5
    carry): sentences only, no version. The verslag built from it is the verslag built from today's record."""
    from sqlalchemy import select

    from ivp_core.advice.decision import DecisionRequest, record_decision
    from ivp_core.advice.results import AdviceOptions, compute_advice_with
    from ivp_core.dutch import local_today
    from ivp_core.report.documents.verslag_model import build_report
    from ivp_core.storage.db import session_scope
    from ivp_core.storage.models import PriorityDecision, Trajectory

    today = local_today()
    with session_scope(demo_engine) as db:
        trajectory = db.scalars(select(Trajectory)).one()
        tid, mid = trajectory.id, trajectory.municipalities[0].id
        advice = compute_advice_with(db, tid, mid, AdviceOptions(), resamples=200)
        request = DecisionRequest(
            chosen=list(advice.result.priorities[:4]), reason="", decided_by="Griffier", meeting_date=today
        )
        record_decision(db, tid, mid, advice, request, today=today)
    with session_scope(demo_engine) as db:
        now = build_report(db, tid, today=today)
        decision = db.scalars(select(PriorityDecision)).one()
        assert decision.advice["version"] == STORED_VERSION
        old = {k: v for k, v in decision.advice.items() if k not in ("version", "caveats")}
        decision.advice = old
    with session_scope(demo_engine) as db:
        assert "caveats" not in db.scalars(select(PriorityDecision)).one().advice
        before = build_report(db, tid, today=today)
    assert before == now
    assert now.warnings and now.ranking and now.robustness and now.consensus
