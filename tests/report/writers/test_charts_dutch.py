"""The charts read as a Dutch reader writes numbers, and an axis of a quantity that starts at zero starts at
zero: a rate that went from 0,31 to 0,34 per 1.000 must not look as if it tripled."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ivp_core.report.writers.charts import (
    CountSpec,
    RankingSpec,
    SeriesSpec,
    ShareSpec,
    nl_tick,
    participation_figure,
    plot_series,
    ranking_figure,
    robustness_figure,
)


def _labels(fig: Figure, ax: Axes, axis: str) -> list[str]:
    FigureCanvasAgg(fig).draw()
    ticks = ax.get_yticklabels() if axis == "y" else ax.get_xticklabels()
    return [t.get_text() for t in ticks if t.get_text()]


def _series(values: list[float], unit: str = "per 1.000 inwoners") -> tuple[Figure, Axes]:
    fig = Figure()
    ax = fig.add_subplot()
    (local,) = ax.plot([], [])
    (bench,) = ax.plot([], [])
    years = range(2019, 2019 + len(values))
    spec = SeriesSpec(unit, "Testdorp", tuple(zip(years, values, strict=True)), "Nederland", ())
    plot_series(ax, local, bench, spec)
    return fig, ax


def test_a_stable_rate_starts_at_zero_with_decimal_commas() -> None:
    fig, ax = _series([0.31, 0.34, 0.32, 0.33])
    labels = _labels(fig, ax, "y")
    assert ax.get_ylim()[0] == 0
    assert labels[0] == "0" and any("," in t for t in labels)
    assert not any("." in t for t in labels)
    assert _labels(fig, ax, "x") == ["2019", "2020", "2021", "2022"]  # years without a thousands point


def test_large_counts_have_a_thousands_point_and_no_decimals() -> None:
    fig, ax = _series([1250.0, 1400.0, 1320.0], unit="meldingen")
    labels = _labels(fig, ax, "y")
    assert ax.get_ylim()[0] == 0
    assert "1.000" in labels and not any("," in t for t in labels)


def test_bar_charts_start_at_zero_in_dutch_notation() -> None:
    fig, ax = ranking_figure(
        RankingSpec(("1.3 Woninginbraak", "4.1 Ondermijning"), (0.82, 0.41), (True, False), (False, True))
    )
    labels = _labels(fig, ax, "x")
    assert ax.get_xlim()[0] == 0 and labels[0] == "0" and "0,2" in labels and "1" in labels
    fig, ax = robustness_figure(ShareSpec(("1.3 Woninginbraak",), (100.0,), (True,), 3))
    assert ax.get_xlim()[0] == 0 and [t.get_text() for t in ax.texts] == ["100\u00a0%"]
    fig, ax = participation_figure(CountSpec(("Raad", "Inwoners"), (14, 240)))
    labels = _labels(fig, ax, "x")
    assert ax.get_xlim()[0] == 0 and all(t.isdigit() for t in labels)


def test_tick_labels() -> None:
    assert [nl_tick(v) for v in (0.0, 2.5, 1250.0, 0.30000000000000004, 12.0, -0.0)] == [
        "0",
        "2,5",
        "1.250",
        "0,3",
        "12",
        "0",
    ]
