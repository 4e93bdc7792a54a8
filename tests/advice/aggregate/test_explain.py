"""Dutch explanations name the groups, the analysis, the certainty and the near-ties."""

from __future__ import annotations

from ivp_core.advice.aggregate import AggregationResult, AggregationSettings, aggregate
from ivp_core.advice.aggregate.explain import describe_method, explain_priorities, explain_theme, join_nl

from .helpers import session

THEMES = ("1.1", "1.2", "1.3", "1.4", "2.1")


def _result(resamples: int = 0) -> AggregationResult:
    raad = session("raad", "rating", THEMES, [{"1.1": 4, "1.2": 5, "1.3": 1, "1.4": 2, "2.1": 1}] * 3)
    inw = session("inwoners", "rating", THEMES, [{"1.1": 5, "1.2": 4, "1.3": 2, "1.4": None, "2.1": 1}] * 3)
    return aggregate(
        [raad, inw],
        AggregationSettings(
            resamples=resamples,
            top_k=2,
            group_weights={"raad": 0.4, "inwoners": 0.4},
            data_scores={"1.1": 0.8, "1.2": 0.3},
            data_weight=0.2,
        ),
        THEMES,
    )


def test_groups_are_named_with_their_places() -> None:
    text = explain_theme(_result(), "1.1", theme_names={"1.1": "Woninginbraken"})
    assert text.startswith("1.1 Woninginbraken staat op plaats")
    assert "De inwoners zetten dit thema op plaats 1 en de raad op plaats 2." in text
    assert (
        "De analyse van de cijfers geeft dit thema een score van 0,80 (plaats 1 van de 2 thema's met cijfers)."
        in text
    )


def test_missing_group_and_analysis_are_said() -> None:
    text = explain_theme(_result(), "1.4")
    assert "De raad zet dit thema op plaats 3." in text
    assert "De inwoners hebben dit thema niet beoordeeld." in text
    text = explain_theme(_result(), "1.3")
    assert "geen score uit de analyse" in text


def test_priorities_get_robustness_and_summary() -> None:
    result = _result(resamples=100)
    texts = explain_priorities(result, {"1.1": "Het aantal woninginbraken steeg met 20%."})
    assert list(texts) == list(result.priorities)
    assert "Het aantal woninginbraken steeg met 20%." in texts["1.1"]
    assert "herberekeningen" in texts["1.1"] and "top 2" in texts["1.1"]
    assert "aanbevolen prioriteit" in texts["1.1"]


def test_near_tie_is_mentioned() -> None:
    raad = session("raad", "rating", THEMES, [{"1.1": 5, "1.2": 5, "1.3": 1}])
    result = aggregate([raad], AggregationSettings(resamples=0, top_k=1), THEMES)
    text = explain_theme(result, "1.1")
    assert "gelijk aan die van 1.2" in text
    assert "gelijkspel" in text


def test_describe_method_shows_method_and_weights() -> None:
    text = describe_method(_result())
    assert "cijfers voor belang" in text
    assert "de raad 40%" in text and "de inwoners 40%" in text and "de analyse 20%" in text


def test_join_nl() -> None:
    assert join_nl(["a"]) == "a"
    assert join_nl(["a", "b", "c"]) == "a, b en c"


def test_close_call_on_the_boundary_is_explained() -> None:
    ballots = [{"1.1": 5, "1.2": 4, "1.3": 3}, {"1.1": 5, "1.2": 3, "1.3": 4}] * 5 + [
        {"1.1": 5, "1.2": 4, "1.3": 4}
    ]
    s = session("inwoners", "rating", THEMES[:3], ballots)
    result = aggregate([s], AggregationSettings(resamples=200, top_k=2, tie_tolerance=0), THEMES[:3])
    text = explain_theme(result, result.priorities[1])
    assert "liggen dicht bij elkaar (plaats 2 en 3, op de grens van de top 2)" in text
    assert "van de herberekeningen staat dit thema hoger" in text
