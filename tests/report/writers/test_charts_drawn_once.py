"""Cheaper chart drawing that a reader cannot see: every picture is the same to the pixel as a plain drawing
(the legend and the year labels drawn once and pasted)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from ivp_core.report.writers.charts import PNG_OPTIONS, SeriesSpec, _SeriesCanvas

YEARS = range(2017, 2025)


def _spec(k: float, bench: bool = True, local_name: str = "Dalfsen") -> SeriesSpec:
    return SeriesSpec(
        "per 1.000 inwoners",
        local_name,
        tuple((y, 30.0 + k * i) for i, y in enumerate(YEARS)),
        "Nederland" if bench else "",
        tuple((y, 40.0 - i) for i, y in enumerate(YEARS)) if bench else (),
    )


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def _plain(spec: SeriesSpec) -> np.ndarray:
    """The chart as matplotlib draws it in full, legend included (a fresh figure, no remembered legend)."""
    canvas = _SeriesCanvas()
    canvas.show(spec)
    buffer = io.BytesIO()
    canvas.canvas.print_png(buffer, pil_kwargs=PNG_OPTIONS)
    return _pixels(buffer.getvalue())


def test_a_remembered_legend_gives_the_same_pixels_as_drawing_it() -> None:
    canvas = _SeriesCanvas()
    specs = [
        _spec(1.3),
        _spec(-2.0),
        _spec(0.5, bench=False),
        _spec(4.0, bench=False),
        _spec(2.0, local_name="Ommen"),
    ]
    drawn = [_pixels(canvas.draw(s)) for s in specs]
    # the legend once per municipality and benchmark shown, the year labels once for the same years
    assert {key for key in canvas.patches} == {
        ("legend", ("Dalfsen", "Nederland")),
        ("legend", ("Dalfsen", None)),
        ("legend", ("Ommen", "Nederland")),
        ("years", tuple(YEARS)),
    }
    assert all(p.usable for p in canvas.patches.values())
    for spec, pixels in zip(specs, drawn, strict=True):
        assert np.array_equal(pixels, _plain(spec)), spec


def test_a_chart_that_reaches_under_the_legend_is_drawn_in_full() -> None:
    canvas = _SeriesCanvas()
    canvas.draw(_spec(1.3))
    patch = canvas.patches[("legend", ("Dalfsen", "Nederland"))]
    covered = np.full((*_pixels(canvas.draw(_spec(1.3))).shape[:2], 4), 255, dtype=np.uint8)
    covered[patch.rows, patch.cols] = 0
    assert not patch.fits(covered)
