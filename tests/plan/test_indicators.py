"""Effect indicators: target advice by hand-computed examples, validation messages, storage, demo figures."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from ivp_core.analysis.figures import Point, Series, SeriesPair, region_of, theme_series
from ivp_core.plan.indicators import (
    IndicatorError,
    IndicatorInput,
    delete_indicator,
    list_indicators,
    priorities_of,
    save_indicator,
    suggestions_for,
    target_advice,
    validate,
)
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import EffectIndicator, Trajectory


def pair(
    values: dict[int, float],
    bench: dict[int, float] | None,
    unit: str = "per 1.000 inwoners",
    hib: bool | None = False,
) -> SeriesPair:
    def series(points: dict[int, float], region: str) -> Series:
        return Series("1.3", "Misdrijven", "Politie", "objectief", unit, "aantal", region,
                      tuple(Point(y, v, v) for y, v in points.items()), hib)  # fmt: skip

    return SeriesPair(series(values, "GM9999"), series(bench, "NL01") if bench else None)


def test_rising_count_above_the_benchmark() -> None:
    """10, 11, 12, 13, 14 in 2020-2024: slope 1 a year, change 1 × 4 / 12 = +33% (stijgend). Baseline 14;
    to 2028 is 4 years: trend 14 + 4 = 18. Benchmark 2024 = 10. Ambitious: min(14, 18) − 10% × 14 = 12.6."""
    advice = target_advice(pair({2020: 10, 2021: 11, 2022: 12, 2023: 13, 2024: 14}, {2024: 10.0}), 2028)
    assert advice.trend_value == pytest.approx(18.0)
    assert advice.benchmark_value == pytest.approx(10.0)
    assert advice.ambitious_value == pytest.approx(12.6)
    assert any("verkeerde kant" in n for n in advice.notes)
    assert any("Slechter dan Nederland" in n for n in advice.notes)


def test_stable_trend_continues_as_the_baseline_and_falling_counts_stay_positive() -> None:
    stable = target_advice(pair({2020: 10, 2021: 10.2, 2022: 9.9, 2023: 10.1, 2024: 10}, None), 2030)
    assert stable.trend_value == pytest.approx(10.0)
    assert stable.benchmark_value is None
    falling = target_advice(pair({2021: 8, 2022: 5, 2023: 2}, None), 2030)
    assert falling.trend_value == 0.0  # 2 − 3 × 7 would be negative
    assert any("flink de goede kant" in n for n in falling.notes)


def test_percentage_better_when_higher_is_capped_at_100() -> None:
    advice = target_advice(pair({2019: 80, 2021: 90, 2023: 98}, None, unit="%", hib=True), 2030)
    assert advice.trend_value == 100.0
    assert advice.ambitious_value == 100.0


def test_unknown_direction_gives_no_ambitious_value() -> None:
    advice = target_advice(pair({2021: 5, 2022: 6, 2023: 7}, None, unit="meldingen", hib=None), 2030)
    assert advice.ambitious_value is None
    assert any("richting" in n for n in advice.notes)


def spec(**changes: object) -> IndicatorInput:
    base: dict[str, object] = {
        "theme_code": "1.3",
        "indicator": "Woninginbraken (per 1.000 inwoners)",
        "source": "Politie",
        "kind": "objectief",
        "baseline_year": 2024,
        "baseline_value": "2,4",
        "target_year": 2030,
        "target_value": "1,9",
        "rationale": "Trend vasthouden",
    }
    base.update(changes)
    return IndicatorInput(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"target_year": 2031}, "binnen de looptijd van het IVP liggen (2027–2030)"),
        ({"target_year": 2026}, "binnen de looptijd"),
        ({"target_year": None}, "Vul het streefjaar in"),
        ({"target_value": "veel minder"}, "'veel minder' is geen getal"),
        ({"target_value": ""}, "Vul de streefwaarde in"),
        ({"target_value": "-3"}, "kan niet negatief"),
        ({"baseline_value": "x"}, "nulmeting 'x' is geen getal"),
        ({"indicator": "  "}, "Geef de indicator een naam"),
        ({"kind": "anders"}, "objectief of subjectief"),
        ({"theme_code": "9.9"}, "Onbekend thema"),
    ],
)
def test_bad_input_gets_a_dutch_message(changes: dict[str, object], message: str) -> None:
    with pytest.raises(IndicatorError) as info:
        validate(spec(**changes), 2027, 2030)
    assert message in info.value.message_nl


def test_dutch_decimal_comma_is_read() -> None:
    clean = validate(spec(), 2027, 2030)
    assert (clean.baseline_value, clean.target_value) == (2.4, 1.9)


def test_save_updates_the_same_indicator_and_refuses_a_fourth(demo_engine: Engine) -> None:
    with session_scope(demo_engine) as db:
        trajectory = db.scalars(select(Trajectory)).one()
        tid, mid = trajectory.id, trajectory.municipalities[0].id
        save_indicator(db, tid, mid, spec())
        save_indicator(db, tid, mid, spec(target_value="2,0"))
    with session_scope(demo_engine) as db:
        rows = list_indicators(db, tid, mid, "1.3")
        assert [(r.indicator, r.target_value) for r in rows] == [("Woninginbraken (per 1.000 inwoners)", 2.0)]
        save_indicator(db, tid, mid, spec(indicator="Slachtoffers vermogensdelicten", kind="subjectief"))
        save_indicator(db, tid, mid, spec(indicator="Aangiften inbraak"))
        with pytest.raises(IndicatorError, match="al 3 indicatoren"):
            save_indicator(db, tid, mid, spec(indicator="Nog een"))
    with session_scope(demo_engine) as db:
        assert db.query(EffectIndicator).count() == 3  # the refused one left nothing behind
        delete_indicator(db, tid, rows[0].id)
    with session_scope(demo_engine) as db:
        assert db.query(EffectIndicator).count() == 2


def test_demo_suggestions_take_the_baseline_from_the_imported_figures(demo_engine: Engine) -> None:
    with session_scope(demo_engine) as db:
        trajectory = db.scalars(select(Trajectory)).one()
        tid, mid = trajectory.id, trajectory.municipalities[0].id
        priorities = priorities_of(db, tid, mid)
        assert not priorities.decided and len(priorities.codes) >= 4
        code = priorities.codes[0]
        suggestions = suggestions_for(db, tid, mid, code, 2030)
        pairs = theme_series(db, code, region_of(db, mid) or "")
    assert suggestions.measurable, "the demo has figures for its first priority"
    first = suggestions.measurable[0]
    source = next(p for p in pairs if p.local.indicator == first.indicator)
    assert (first.baseline_year, first.baseline_value) == (
        source.local.latest.year,
        source.local.latest.value,
    )  # type: ignore[union-attr]
    assert first.label in suggestions.proposed
    kinds = {m.kind for m in suggestions.measurable if m.label in suggestions.proposed}
    assert kinds == {"objectief", "subjectief"} or suggestions.missing_kinds


def test_a_police_sum_that_is_mostly_one_crime_type_is_not_proposed(demo_engine: Engine) -> None:
    """The demo's 5.2 police sum is 81 % horizontale fraude (online scams, which its analysis puts under 1.3):
    proposing it, or the survey's fraud series, as the effect indicator of ondermijning would measure scams."""
    from ivp_core.plan.indicators import suggestions_for

    with session_scope(demo_engine) as db:
        trajectory = db.scalars(select(Trajectory)).one()
        municipality_id = trajectory.municipalities[0].id
        suggestions = suggestions_for(db, trajectory.id, municipality_id, "5.2", 2030)
    assert not any("fraude" in p.lower() or "soorten in dit thema" in p for p in suggestions.proposed)
    assert any("Horizontale fraude" in n for n in suggestions.notes)
    assert suggestions.proposed  # something else is proposed instead
