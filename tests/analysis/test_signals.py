"""Signals: per-1,000 rates from imported counts and population, trend and level rules, data_score range."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from ivp_core.analysis.figures import PER_1000, Point, Series, SeriesPair, theme_series
from ivp_core.analysis.importers import import_file
from ivp_core.analysis.signals import (
    DOWN,
    HIGHER,
    LOWER,
    SIMILAR,
    STABLE,
    UP,
    ThemeSignals,
    all_signals,
    data_score,
    level_of,
    series_signal,
    trend_of,
)
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Municipality, ThemeAnalysis, Trajectory


def _series(
    values: dict[int, float | None], higher_is_better: bool | None = False, margins: float = 0
) -> Series:
    return Series(
        theme_code="1.3",
        indicator="x",
        source="test",
        kind="objectief",
        unit="%",
        raw_unit="%",
        region_code="GM0001",
        points=tuple(
            Point(y, v, v, (v - margins) if margins and v else None, (v + margins) if margins and v else None)
            for y, v in sorted(values.items())
        ),
        higher_is_better=higher_is_better,
    )


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({2020: 10, 2021: 11, 2022: 12, 2023: 13, 2024: 14}, UP),
        ({2020: 14, 2021: 13, 2022: 12, 2023: 11, 2024: 10}, DOWN),
        ({2020: 10, 2021: 10.4, 2022: 9.8, 2023: 10.1, 2024: 10.2}, STABLE),
        ({2020: 10, 2021: 10, 2022: 10, 2023: 10, 2024: 30}, UP),  # a line: a last-year jump still counts
        ({2018: 50, 2019: 10, 2020: 10, 2021: 10, 2022: 10, 2023: 10}, STABLE),  # older than the window
        ({2022: 10, 2023: 20}, None),  # too few years
        ({2021: 10, 2022: None, 2023: 12, 2024: 14}, UP),  # unknown years are skipped
    ],
)
def test_trend_rule(values: dict[int, float | None], expected: str | None) -> None:
    assert trend_of(_series(values))[0] == expected


def test_level_rule_and_survey_margin() -> None:
    bench = _series({2023: 10.0})
    assert level_of(SeriesPair(_series({2023: 12.0}), bench))[0] == HIGHER
    assert level_of(SeriesPair(_series({2023: 8.0}), bench))[0] == LOWER
    assert level_of(SeriesPair(_series({2023: 10.5}), bench))[0] == SIMILAR
    # 12 is 20% higher, but the survey interval 9–15 contains the benchmark: within the margin
    assert level_of(SeriesPair(_series({2023: 12.0}, margins=3), bench))[0] == SIMILAR
    # the latest year both have is used
    level, ratio, year, *_ = level_of(SeriesPair(_series({2023: 20.0, 2024: 30.0}), bench))
    assert (level, ratio, year) == (HIGHER, 2.0, 2023)
    assert level_of(SeriesPair(_series({2023: 12.0}), None))[0] is None


def _signals(
    values: dict[int, float], bench: float, better: bool | None, candidate: bool = False
) -> ThemeSignals:
    pair = SeriesPair(_series(values, better), _series({max(values): bench}))
    return ThemeSignals("1.3", series_signal(pair), None, candidate, 1)


def test_data_score_fixed_ranges_and_direction() -> None:
    rising_and_double = _signals({2020: 10, 2021: 15, 2022: 20, 2023: 25, 2024: 40}, 20, better=False)
    falling_and_half = _signals({2020: 40, 2021: 30, 2022: 20, 2023: 15, 2024: 10}, 20, better=False)
    assert data_score(rising_and_double) == pytest.approx(0.7)  # both components at the top of their range
    assert data_score(falling_and_half) == pytest.approx(0.0)
    # the same numbers for a score where higher is better mean the opposite
    assert data_score(_signals({2020: 10, 2021: 15, 2022: 20, 2023: 25, 2024: 40}, 20, better=True)) == 0.0
    unknown = _signals({2020: 10, 2021: 15, 2022: 20, 2023: 25, 2024: 40}, 20, better=None)
    assert data_score(unknown) == pytest.approx(0.35)  # no judgement possible: neutral figures
    assert data_score(ThemeSignals("1.3", None, None, True, 0)) == pytest.approx(0.65)
    for signals in (rising_and_double, falling_and_half, unknown):
        assert 0.0 <= data_score(signals) <= 1.0


def test_counts_become_rates_per_1000_and_signals_from_the_database(engine: Engine) -> None:
    with session_scope(engine) as session:
        municipality = Municipality(name="Testgemeente", cbs_code="GM0001", inhabitants=20_000)
        trajectory = Trajectory(name="IVP", period_start=2027, period_end=2030, settings={})
        session.add_all([municipality, trajectory])
        session.flush()
        session.add(
            ThemeAnalysis(
                trajectory_id=trajectory.id, municipality_id=municipality.id, theme_code="4.2", candidate=True
            )
        )
        lines = ["theme_code,indicator,year,value,unit,source,region_code"]
        lines += [
            f"4.2,Woningbranden,{y},{v},aantal,Brandweer,GM0001"
            for y, v in {2021: 10, 2022: 14, 2023: 18, 2024: 22}.items()
        ]
        lines += [
            f"4.2,Woningbranden,{y},{v},aantal,Brandweer,NL01"
            for y, v in {2021: 5000, 2022: 5000, 2023: 5000, 2024: 5000}.items()
        ]
        lines += [f",Inwoners,{y},10000000,inwoners,CBS,NL01" for y in (2021, 2022, 2023, 2024)]
        lines += [",Inwoners,2024,22000,inwoners,CBS,GM0001"]
        import_file(session, "brand.csv", ("\n".join(lines) + "\n").encode(), municipality.id)
        ids = (trajectory.id, municipality.id)
    with session_scope(engine) as session:
        (pair,) = theme_series(session, "4.2", "GM0001")
        assert pair.local.unit == PER_1000
        points = {p.year: p for p in pair.local.points}
        assert points[2024].value == pytest.approx(1.0)  # 22 fires among 22,000 inhabitants
        assert points[2023].value == pytest.approx(18 / 22_000 * 1000)  # population of 2024 (within one year)
        assert points[2021].value == pytest.approx(10 / 20_000 * 1000)  # municipality's own number
        assert pair.benchmark is not None and pair.benchmark.points[0].value == pytest.approx(0.5)
        signals = all_signals(session, *ids, ("4.2", "5.4"))
    fire = signals["4.2"]
    assert fire.candidate and fire.objective is not None and fire.subjective is None
    assert fire.objective.trend == UP and fire.objective.level == HIGHER and fire.objective.trend_worse
    assert signals["5.4"].headline is None and not signals["5.4"].candidate
