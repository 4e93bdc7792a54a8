"""Ballot validation: every refusal, and that accepted ballots come out in normal form."""

from __future__ import annotations

import math

import pytest

from ivp_core.consultation.ballots import (
    DEFAULT_CRITERIA,
    BallotError,
    Criterion,
    default_criteria_settings,
    normalise_settings,
    parse_criteria,
    rank_order_centroid,
    validate_ballot,
    weights_from_order,
)

THEMES = ["1.1", "1.2", "1.3", "2.1", "2.2", "3.1"]
CRIT = {
    "criteria": [
        {"key": "ernst", "label": "Ernst en omvang", "weight": 0.3, "min": 1, "max": 5},
        {"key": "impact", "label": "Maatschappelijke impact", "weight": 0.7, "min": 0, "max": 10},
    ]
}


def refused(method: str, settings: dict | None, values: dict, themes: object = THEMES) -> BallotError:
    with pytest.raises(BallotError) as info:
        validate_ballot(method, settings, themes, values)  # type: ignore[arg-type]
    assert info.value.message_nl == str(info.value)
    return info.value


# ------------------------------------------------------------------------------------------- rating


def test_rating_accepts_and_fills_missing() -> None:
    b = validate_ballot("rating", {"scale_min": 1, "scale_max": 5}, THEMES, {"1.1": 5, "1.2": None, "2.1": 1})
    assert b.method == "rating"
    assert b.values == {"1.1": 5.0, "1.2": None, "1.3": None, "2.1": 1.0, "2.2": None, "3.1": None}


@pytest.mark.parametrize("value", [0, 6, 2.5, -1])
def test_rating_out_of_scale(value: float) -> None:
    err = refused("rating", {"scale_min": 1, "scale_max": 5}, {"1.3": value})
    assert err.theme == "1.3"
    assert "1 tot en met 5" in err.message_nl


def test_rating_not_a_number() -> None:
    err = refused("rating", None, {"1.3": "vijf"})
    assert "geen getal" in err.message_nl
    refused("rating", None, {"1.3": True})
    refused("rating", None, {"1.3": math.nan})


def test_unknown_theme_is_refused_for_every_method() -> None:
    for method, value in [("rating", 3), ("points", 1), ("ranking", 1), ("criteria", {"ernst": 2})]:
        settings = CRIT if method == "criteria" else None
        err = refused(method, settings, {"9.9": value})
        assert err.message_nl == "Het thema '9.9' staat niet op dit stemformulier."
        assert err.theme == "9.9"


def test_labels_are_used_in_messages() -> None:
    err = refused("rating", None, {"1.3": 9}, themes={"1.3": "High impact crime", "1.1": "Overlast"})
    assert "'High impact crime' (1.3)" in err.message_nl


# ------------------------------------------------------------------------------------------- points


def test_points_accepts_underspending_and_fills_zero() -> None:
    b = validate_ballot("points", {"budget": 10}, THEMES, {"1.1": 6, "2.2": 3})
    assert b.values["1.1"] == 6.0
    assert b.values["1.2"] == 0.0
    assert sum(v or 0 for v in b.values.values()) == 9


def test_points_over_budget() -> None:
    err = refused("points", {"budget": 10}, {"1.1": 6, "2.2": 6})
    assert err.message_nl == "U heeft 12 punten verdeeld, maar er zijn er maar 10."


def test_points_negative() -> None:
    err = refused("points", {"budget": 10}, {"1.1": -2, "2.2": 6})
    assert "negatief" in err.message_nl
    assert err.theme == "1.1"


def test_points_fraction() -> None:
    err = refused("points", {"budget": 10}, {"1.1": 2.5})
    assert "geheel getal" in err.message_nl


# ------------------------------------------------------------------------------------------ ranking


def test_ranking_accepts_partial_top() -> None:
    b = validate_ballot("ranking", {"k": 3}, THEMES, {"2.1": 1, "1.1": 2})
    assert b.values["2.1"] == 1.0 and b.values["1.1"] == 2.0 and b.values["3.1"] is None


def test_ranking_rank_used_twice() -> None:
    err = refused("ranking", {"k": 3}, {"2.1": 1, "1.1": 1})
    assert "plaats 1 twee keer" in err.message_nl
    assert "2.1" in err.message_nl and "1.1" in err.message_nl


@pytest.mark.parametrize("rank", [0, 4, 1.5, -1])
def test_ranking_rank_out_of_range(rank: float) -> None:
    err = refused("ranking", {"k": 3}, {"2.1": rank})
    assert "1 tot en met 3" in err.message_nl


def test_ranking_k_is_capped_by_number_of_themes() -> None:
    assert normalise_settings("ranking", {"k": 50}, len(THEMES)) == {"k": len(THEMES)}
    validate_ballot("ranking", {"k": 50}, THEMES, {"1.1": 6})
    refused("ranking", {"k": 50}, {"1.1": 7})


# ----------------------------------------------------------------------------------------- criteria


def test_criteria_accepts_and_fills_missing() -> None:
    b = validate_ballot(
        "criteria", CRIT, THEMES, {"1.1": {"ernst": 4, "impact": 7.5}, "1.2": {"ernst": None}}
    )
    assert b.values == {}
    assert b.criteria[("1.1", "impact")] == 7.5
    assert b.criteria[("1.2", "ernst")] is None
    assert b.criteria[("3.1", "impact")] is None
    assert len(b.criteria) == len(THEMES) * 2


def test_criteria_score_out_of_range() -> None:
    err = refused("criteria", CRIT, {"1.1": {"ernst": 6}})
    assert err.criterion == "ernst" and err.theme == "1.1"
    assert "Ernst en omvang" in err.message_nl and "1 tot en met 5" in err.message_nl


def test_criteria_unknown_criterion() -> None:
    err = refused("criteria", CRIT, {"1.1": {"kosten": 3}})
    assert "Het criterium 'kosten' hoort niet bij deze sessie" in err.message_nl
    assert err.criterion == "kosten"


def test_criteria_not_a_mapping() -> None:
    refused("criteria", CRIT, {"1.1": 3})


def test_criteria_default_settings_work() -> None:
    b = validate_ballot("criteria", default_criteria_settings(), THEMES, {"1.1": {"impact": 5}})
    assert b.criteria[("1.1", "impact")] == 5
    b2 = validate_ballot("criteria", {"criteria": DEFAULT_CRITERIA}, THEMES, {"1.1": {"impact": 5}})
    assert b2 == b


# ----------------------------------------------------------------------------------------- settings


def test_bad_settings_and_method() -> None:
    refused("stemmen", None, {})
    refused("rating", {"scale_min": 5, "scale_max": 1}, {})
    refused("points", {"budget": 0}, {})
    refused("ranking", {"k": 0}, {})
    refused("criteria", {"criteria": []}, {})
    refused("criteria", {"criteria": [{"key": "a", "weight": -1}]}, {})
    refused("criteria", {"criteria": [{"key": "a", "weight": 0}]}, {})
    refused("criteria", {"criteria": [{"key": "a", "min": 5, "max": 5}]}, {})
    refused("criteria", {"criteria": [{"key": "a"}, {"key": "a"}]}, {})


def test_criteria_weights_are_normalised() -> None:
    crits = parse_criteria(CRIT)
    assert math.isclose(sum(c.weight for c in crits), 1.0)
    assert isinstance(crits[0], Criterion)


def test_rank_order_centroid() -> None:
    w = rank_order_centroid(4)
    assert [round(x, 3) for x in w] == [0.521, 0.271, 0.146, 0.062]
    assert math.isclose(sum(w), 1.0)
    assert rank_order_centroid(1) == (1.0,)
    assert list(weights_from_order(["a", "b"])) == ["a", "b"]
    with pytest.raises(ValueError):
        rank_order_centroid(0)
