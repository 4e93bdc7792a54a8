"""The report's charts as PNG images (matplotlib, headless), shared by the DOCX and the HTML page.

Word and a printed page need pictures, not interactive charts. ``Figure`` is used directly (not pyplot),
so rendering keeps no global state; the colours keep the final choice recognisable in greyscale too (dark =
chosen, light = not chosen, an outline = advised but not chosen).

Numbers read as a Dutch reader writes them (decimal comma, thousands point, a whole number without
decimals), and an axis of a quantity that starts at zero (a count, a rate per 1.000, a share, a score) starts
at zero: a theme that went from 3,1 to 3,4 must not look as if it tripled.

Speed: each chart is drawn from a small hashable description and remembered (the same trajectory state gives
the same picture, so the DOCX and the HTML share one drawing and a second export draws nothing); the
analysis's dozens of series charts reuse one figure, and the margins are measured, not found by drawing
twice (``bbox_inches="tight"``).
"""

from __future__ import annotations

import io
import textwrap
import threading
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.image import imsave
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator
from matplotlib.transforms import Bbox

from ivp_core.analysis.figures import SeriesPair
from ivp_core.catalogue import load_catalogue
from ivp_core.dutch import nl_number, nl_percent
from ivp_core.report.documents.verslag_model import Report
from ivp_core.report.writers.cells import whole_numbers

CHOSEN = "#1f4e79"
OTHER = "#c9d3de"
ADVISED = "#c55a11"
WIDTH_IN = 6.3  # the text width of an A4 page with 2.5 cm margins
#: Resolution of the full-width bar charts and of the smaller series charts: sharp on paper at 16 cm.
BAR_DPI: Final = 160
SERIES_DPI: Final = 130
SERIES_SIZE: Final = (WIDTH_IN * 0.75, 2.1)
LABEL_PT: Final = 8
#: Characters of a bar label per line (three lines at most): a third of the text width at 8 pt.
LABEL_CHARS: Final = 34
CACHED_CHARTS: Final = 512
#: zlib level of the PNGs: 3 costs a third less time than the default 6 for a file a tenth larger.
PNG_OPTIONS: Final = {"compress_level": 3}


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    caption: str
    png: bytes


def nl_tick(value: float) -> str:
    """A tick or value label in Dutch notation with as few decimals as the value needs: 0; 2,5; 1.250; 0,25."""
    for digits in range(4):
        if abs(value - round(value, digits)) < 1e-9:
            return nl_number(0.0 if abs(value) < 1e-12 else value, digits)
    return nl_number(value, 3)


DUTCH: Final = FuncFormatter(lambda value, _pos: nl_tick(value))
YEAR: Final = FuncFormatter(lambda value, _pos: f"{value:.0f}")


def value_axis(values: Sequence[float], *, whole: bool) -> MaxNLocator:
    """Ticks at round steps; only whole ticks for whole quantities (no "2,5 deelnemers")."""
    return MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10], integer=whole, min_n_ticks=3)


def zero_based(values: Sequence[float]) -> bool:
    """A quantity that is never negative starts its axis at zero."""
    return all(v >= 0 for v in values)


def _short(code: str) -> str:
    try:
        return f"{code} {load_catalogue().theme(code).short_name}"
    except (KeyError, ValueError):
        return code


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    FigureCanvasAgg(fig).print_png(buffer, pil_kwargs=PNG_OPTIONS)
    return buffer.getvalue()


@lru_cache(maxsize=CACHED_CHARTS)
def _drawn(figure: Callable[[Any], tuple[Figure, Axes]], spec: Hashable) -> bytes:
    """The PNG of a chart, drawn once per description (the same trajectory state gives the same picture)."""
    return _png(figure(spec)[0])


def _bar_figure(labels: Sequence[str], height_in: float, legend_rows: int = 0) -> tuple[Figure, Axes]:
    """A full-width horizontal bar chart whose left margin is exactly the widest label (measured, not drawn)."""
    fig = Figure(figsize=(WIDTH_IN, height_in), dpi=BAR_DPI)
    renderer = FigureCanvasAgg(fig).get_renderer()
    font = FontProperties(size=LABEL_PT)
    lines = [line for label in labels for line in label.split("\n")]
    widest = max((renderer.get_text_width_height_descent(t, font, ismath=False)[0] for t in lines), default=0)
    width_px = WIDTH_IN * BAR_DPI
    bottom_in = 0.45 + 0.16 * legend_rows
    fig.subplots_adjust(
        left=min(0.6, (widest + 0.12 * BAR_DPI) / width_px),
        right=0.96,
        bottom=bottom_in / height_in,
        top=1 - 0.08 / height_in,
    )
    ax = fig.add_subplot()
    ax.yaxis.set_label_coords(0.0, 0.5)  # the label axis has no title: see _SeriesCanvas
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=LABEL_PT)
    ax.xaxis.grid(True, color="#e6e6e6", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.xaxis.set_major_formatter(DUTCH)
    return fig, ax


def wrapped(label: str) -> str:
    """A long label on two or three lines, so it never pushes the bars off the page or gets cut at the left edge."""
    return "\n".join(textwrap.wrap(label, LABEL_CHARS, max_lines=3, placeholder=" …")) or label


def _bars(ax: Axes, labels: Sequence[str], values: Sequence[float], **kwargs: Any) -> None:
    ax.barh(range(len(values)), values, **kwargs)
    ax.yaxis.set_major_locator(FixedLocator(range(len(labels))))
    ax.set_yticklabels(labels)
    ax.set_ylim(len(labels) - 0.5, -0.5)  # first row on top


@dataclass(frozen=True)
class RankingSpec:
    labels: tuple[str, ...]
    scores: tuple[float, ...]
    chosen: tuple[bool, ...]
    advised_only: tuple[bool, ...]  # advised but not chosen


def ranking_figure(spec: RankingSpec) -> tuple[Figure, Axes]:
    fig, ax = _bar_figure(spec.labels, 0.22 * len(spec.labels) + 0.9)
    _bars(
        ax,
        spec.labels,
        spec.scores,
        color=[CHOSEN if c else OTHER for c in spec.chosen],
        edgecolor=[ADVISED if a else "none" for a in spec.advised_only],
        linewidth=1.4,
    )
    ax.set_xlim(0, max(1.0, *spec.scores))
    ax.xaxis.set_major_locator(value_axis(spec.scores, whole=False))
    ax.set_xlabel("Gecombineerde score (0 = laagst, 1 = hoogst)", fontsize=LABEL_PT)
    handles = [Patch(color=CHOSEN, label="gekozen prioriteit"), Patch(color=OTHER, label="going concern")]
    if any(spec.advised_only):
        handles.append(
            Patch(facecolor=OTHER, edgecolor=ADVISED, linewidth=1.4, label="geadviseerd, niet gekozen")
        )
    ax.legend(handles=handles, fontsize=7, loc="lower right", frameon=False)
    return fig, ax


def ranking_chart(report: Report) -> Chart | None:
    rows = [r for r in report.ranking if r.score is not None]
    if not rows:
        return None
    spec = RankingSpec(
        tuple(wrapped(_short(r.code)) for r in rows),
        tuple(r.score or 0.0 for r in rows),
        tuple(r.chosen for r in rows),
        tuple(r.advised and not r.chosen for r in rows),
    )
    weights = ", ".join(
        f"{g.label.lower()} {whole_numbers(nl_percent(g.weight))}"
        for g in report.groups
        if g.weight is not None
    )
    return Chart(
        "ranking",
        "Score per thema",
        f"Gecombineerde score van alle groepen (gewichten: {weights}). Donker: de gekozen prioriteiten.",
        _drawn(ranking_figure, spec),
    )


@dataclass(frozen=True)
class ShareSpec:
    labels: tuple[str, ...]
    percents: tuple[float, ...]
    chosen: tuple[bool, ...]
    top_k: int


def robustness_figure(spec: ShareSpec) -> tuple[Figure, Axes]:
    fig, ax = _bar_figure(spec.labels, 0.24 * len(spec.labels) + 0.9)
    _bars(ax, spec.labels, spec.percents, color=[CHOSEN if c else OTHER for c in spec.chosen])
    for i, value in enumerate(spec.percents):
        ax.text(value + 1, i, f"{nl_tick(round(value, 1))}\u00a0%", va="center", fontsize=7)
    ax.set_xlim(0, 110)
    ax.xaxis.set_major_locator(FixedLocator(range(0, 101, 20)))
    ax.set_xlabel(f"Kans op een plaats in de top {spec.top_k} (%)", fontsize=LABEL_PT)
    return fig, ax


def robustness_chart(report: Report) -> Chart | None:
    rows = [r for r in report.ranking if r.p_top is not None and (r.p_top >= 0.01 or r.chosen)]
    if not rows or report.top_k is None:
        return None
    rows = rows[:12]
    spec = ShareSpec(
        tuple(wrapped(_short(r.code)) for r in rows),
        tuple(100 * (r.p_top or 0.0) for r in rows),
        tuple(r.chosen for r in rows),
        report.top_k,
    )
    return Chart(
        "robustness",
        "Hoe zeker is de top?",
        f"Aandeel van de herberekeningen waarin een thema in de top {report.top_k} eindigt.",
        _drawn(robustness_figure, spec),
    )


@dataclass(frozen=True)
class CountSpec:
    labels: tuple[str, ...]
    counts: tuple[int, ...]


def participation_figure(spec: CountSpec) -> tuple[Figure, Axes]:
    lines = max(label.count("\n") + 1 for label in spec.labels)
    fig, ax = _bar_figure(spec.labels, (0.2 + 0.13 * lines) * len(spec.labels) + 0.8)
    _bars(ax, spec.labels, spec.counts, color=CHOSEN)
    for i, n in enumerate(spec.counts):
        ax.text(n, i, f" {nl_tick(n)}", va="center", fontsize=7)
    ax.set_xlim(0, max(spec.counts) * 1.12)
    ax.xaxis.set_major_locator(value_axis(spec.counts, whole=True))
    ax.set_xlabel("Aantal ingevulde stemformulieren", fontsize=LABEL_PT)
    return fig, ax


def participation_chart(report: Report) -> Chart | None:
    sessions = [s for s in report.sessions if s.n_ballots]
    if not sessions:
        return None
    spec = CountSpec(
        tuple(wrapped(f"{s.title} ({report.group(s.group).lower()})") for s in sessions),
        tuple(s.n_ballots for s in sessions),
    )
    return Chart(
        "participation",
        "Deelname per sessie",
        "Aantal deelnemers dat een stem heeft uitgebracht.",
        _drawn(participation_figure, spec),
    )


def render_charts(report: Report) -> tuple[Chart, ...]:
    charts = (ranking_chart(report), robustness_chart(report), participation_chart(report))
    return tuple(c for c in charts if c is not None)


@dataclass(frozen=True)
class SeriesSpec:
    unit: str
    local_name: str
    local: tuple[tuple[int, float], ...]
    bench_name: str
    bench: tuple[tuple[int, float], ...]


#: The parts of a series chart that many charts of a document share and that lie on blank paper: the legend
#: (the same municipality and benchmark) and the year labels (the same years). See `_SeriesCanvas.draw`.
_LAYERS: Final = ("legend", "years")


class _SeriesCanvas:
    """One figure for every series chart of a document: creating a figure, its axes and its ticks costs more
    than drawing two lines, and the analysis has dozens of them. A lock keeps Streamlit's threads apart."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.fig = Figure(figsize=SERIES_SIZE, dpi=SERIES_DPI)
        self.canvas = FigureCanvasAgg(self.fig)
        self.fig.subplots_adjust(left=0.13, right=0.98, top=0.84, bottom=0.13)
        ax = self.ax = self.fig.add_subplot()
        (self.local,) = ax.plot([], [], marker="o", color=CHOSEN)
        (self.bench,) = ax.plot([], [], marker="s", color=ADVISED, linestyle="--")
        ax.yaxis.grid(True, color="#e6e6e6", linewidth=0.6)
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(labelsize=LABEL_PT)
        # The year axis has no title: a fixed place for the empty one spares matplotlib measuring every tick
        # label again to place it (a tenth of the drawing); the picture is the same to the pixel.
        ax.xaxis.set_label_coords(0.5, 0.0)
        self.legend = self.fig.legend(
            [self.local, self.bench], ["", ""], loc="upper center", ncol=2, fontsize=7, frameon=False
        )
        #: (layer, what it shows) -> its pixels, as drawn once.
        self.patches: dict[tuple[str, Hashable], _Patch] = {}

    def show(self, spec: SeriesSpec) -> None:
        """The figure set to one chart: its lines, axes and legend (the benchmark's entry only when it has one)."""
        plot_series(self.ax, self.local, self.bench, spec)
        texts, handles = self.legend.get_texts(), self.legend.legend_handles
        texts[0].set_text(spec.local_name)
        texts[1].set_text(spec.bench_name)
        for artist in (texts[1], handles[1]):
            if artist is not None:
                artist.set_visible(bool(spec.bench))

    def draw(self, spec: SeriesSpec) -> bytes:
        """The chart's PNG. Text is the dearest part of a drawing (matplotlib lays out and renders it glyph by
        glyph in Python): the legend and the year labels are drawn once per content and their pixels pasted
        into the next charts that show the same, drawn without them. Pasting is exact because each lies on
        blank paper, which is checked every time; where it is not, the chart is drawn in full."""
        with self.lock:
            self.show(spec)
            keys: dict[str, Hashable] = {
                "legend": (spec.local_name, spec.bench_name if spec.bench else None),
                "years": tuple(sorted({y for y, _ in (*spec.local, *spec.bench)})),
            }
            patches = [self.patches.get((layer, key)) for layer, key in keys.items()]
            known = [p for p in patches if p is not None]
            if len(known) == len(keys) and all(p.usable for p in known):
                pixels = self._pixels(hidden=_LAYERS)
                if all(p.fits(pixels) for p in known):
                    for p in known:
                        p.paste(pixels)
                    return _png_of(pixels, self.fig.dpi)
            pixels = self._pixels()
            for (layer, key), patch in zip(keys.items(), patches, strict=True):
                if patch is None:
                    self.patches[(layer, key)] = self._patch(layer, pixels)
            return _png_of(pixels, self.fig.dpi)

    def _show_layer(self, layer: str, visible: bool) -> None:
        if layer == "legend":
            self.legend.set_visible(visible)
        else:
            self.ax.xaxis.set_tick_params(labelbottom=visible)

    def _pixels(self, hidden: Sequence[str] = ()) -> npt.NDArray[np.uint8]:
        for layer in hidden:
            self._show_layer(layer, False)
        try:
            self.canvas.draw()
            return np.array(self.canvas.buffer_rgba())  # a copy: the next drawing reuses the canvas's buffer
        finally:
            for layer in hidden:
                self._show_layer(layer, True)

    def _patch(self, layer: str, drawn: npt.NDArray[np.uint8]) -> _Patch:
        """A layer's pixels from a full drawing; usable only if the chart without it is blank where it lies."""
        renderer = self.canvas.get_renderer()
        if layer == "legend":
            box = self.legend.get_window_extent(renderer)
        else:
            box = Bbox.union(
                [label.get_window_extent(renderer) for label in self.ax.xaxis.get_majorticklabels()]
            )
        height, width = drawn.shape[:2]
        rows = slice(max(0, int(height - box.y1) - 2), min(height, int(height - box.y0) + 3))
        cols = slice(max(0, int(box.x0) - 2), min(width, int(box.x1) + 3))
        blank = bool((self._pixels(hidden=(layer,))[rows, cols] == 255).all())
        return _Patch(rows, cols, drawn[rows, cols].copy(), usable=blank)


@dataclass(frozen=True)
class _Patch:
    rows: slice
    cols: slice
    pixels: npt.NDArray[np.uint8]
    usable: bool

    def fits(self, chart: npt.NDArray[np.uint8]) -> bool:
        """Pasting is exact only over blank paper: a chart that draws where the layer lies is drawn in full."""
        return self.usable and bool((chart[self.rows, self.cols] == 255).all())

    def paste(self, chart: npt.NDArray[np.uint8]) -> None:
        chart[self.rows, self.cols] = self.pixels


def _png_of(pixels: npt.NDArray[np.uint8], dpi: float) -> bytes:
    """The PNG as ``print_png`` writes it (same metadata and compression), from pixels already drawn."""
    buffer = io.BytesIO()
    imsave(buffer, pixels, format="png", origin="upper", dpi=dpi, pil_kwargs=dict(PNG_OPTIONS))
    return buffer.getvalue()


def plot_series(ax: Axes, local: Line2D, bench: Line2D, spec: SeriesSpec) -> None:
    """Years on the x-axis (every year a tick, no thousands point); the value axis in Dutch notation, from
    zero when the quantity cannot be negative; whole ticks when every value is whole."""
    local.set_data([y for y, _ in spec.local], [v for _, v in spec.local])
    bench.set_data([y for y, _ in spec.bench], [v for _, v in spec.bench])
    bench.set_visible(bool(spec.bench))
    values = [v for _, v in (*spec.local, *spec.bench)]
    years = sorted({y for y, _ in (*spec.local, *spec.bench)})
    ax.xaxis.set_major_locator(FixedLocator(years))
    ax.xaxis.set_major_formatter(YEAR)
    ax.yaxis.set_major_formatter(DUTCH)
    ax.set_xlim(years[0] - 0.4, years[-1] + 0.4)
    whole = all(float(v).is_integer() for v in values)
    ax.yaxis.set_major_locator(value_axis(values, whole=whole))
    low, high = min(values), max(values)
    top = high * 1.12 if high > 0 else 1.0
    if zero_based(values):
        ax.set_ylim(0, top)
    else:
        pad = (high - low) * 0.1 or 1.0
        ax.set_ylim(low - pad, high + pad)
    ax.set_ylabel(spec.unit, fontsize=LABEL_PT)


_SERIES: _SeriesCanvas | None = None
_SERIES_LOCK = threading.Lock()


@lru_cache(maxsize=CACHED_CHARTS)
def _series_png(spec: SeriesSpec) -> bytes:
    global _SERIES
    with _SERIES_LOCK:
        if _SERIES is None:
            _SERIES = _SeriesCanvas()
    return _SERIES.draw(spec)


def series_spec(pair: SeriesPair, municipality: str, bench_name: str) -> SeriesSpec | None:
    local = pair.local
    if not local.known:
        return None
    known = pair.benchmark.known if pair.benchmark is not None else ()
    return SeriesSpec(
        local.unit,
        municipality,
        tuple((p.year, float(p.value)) for p in local.known if p.value is not None),
        bench_name if known else "",
        tuple((p.year, float(p.value)) for p in known if p.value is not None),
    )


def series_chart(pair: SeriesPair, municipality: str, bench_name: str) -> Chart | None:
    """One indicator of the analysis over the years, beside the benchmark: source, unit and years named."""
    spec = series_spec(pair, municipality, bench_name)
    if spec is None:
        return None
    local = pair.local
    return Chart(
        f"series-{local.theme_code}-{local.indicator}",
        local.indicator,
        f"Eenheid: {local.unit}. Bron: {local.source}. Jaren: {local.years}.",
        _series_png(spec),
    )


def forget_charts() -> None:
    """Drop every remembered picture (for a benchmark's first press; the app never needs to)."""
    _drawn.cache_clear()
    _series_png.cache_clear()
    if _SERIES is not None:
        _SERIES.patches.clear()
