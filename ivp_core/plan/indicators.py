"""From priorities to effect indicators and target values (Kernbeleid Veiligheid, Stap 4).

The method asks, per priority, for two or three indicators that combine an objective source (police
registration) with a subjective one (Veiligheidsmonitor), each with a baseline and a target value that
balances realism and ambition, looks at the recent trend and at comparable municipalities. This module
offers exactly those ingredients beside each other; the coordinator chooses and the choice is stored in
`EffectIndicator`.

Target advice, on the values as shown (per 1,000 inhabitants for counts, else as imported):

* Baseline: the latest known year of the municipality's series.
* "Trend doorgetrokken": the least-squares line through the last years (the same window as the trend
  signal in `ivp_core.analysis.signals`) continued from the baseline to the target year: what happens when nothing
  changes. A trend the signal calls "stabiel" continues as the baseline itself.
* "Benchmark": the benchmark's value (Nederland unless the trajectory set another region) in the latest
  year both have: the level of comparable municipalities.
* "Ambitieus": the better of baseline and trend value, improved by `AMBITION` (10%) of the baseline in the
  good direction. Only when it is known which direction is good.
Values are kept within 0 and, for percentages, 100 (rapportcijfers 10).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivp_core.access.audit import Permission, act
from ivp_core.analysis.figures import (
    SeriesPair,
    benchmark_label,
    benchmark_of,
    crime_breakdown,
    region_of,
    theme_series,
)
from ivp_core.analysis.importers.common import KIND_OBJECTIVE, KIND_SUBJECTIVE, parse_number
from ivp_core.analysis.signals import STABLE_BAND, TREND_WINDOW, level_of, trend_of
from ivp_core.catalogue import EffectIndicator as CatalogueIndicator
from ivp_core.catalogue import load_catalogue
from ivp_core.dutch import local_today
from ivp_core.errors import UserError
from ivp_core.plan.joint import local_result
from ivp_core.storage.models import EffectIndicator, Municipality, Trajectory

AMBITION: Final = 0.10
#: A police sum where one crime type makes up more than this share measures that crime type, not the theme
#: (5.2 ondermijning's sum is mostly "horizontale fraude", online scams a municipality handles under 1.3).
DOMINANT_SHARE: Final = 0.5
MAX_PER_PRIORITY: Final = 3
KINDS: Final = (KIND_OBJECTIVE, KIND_SUBJECTIVE)


class IndicatorError(UserError):
    """An indicator or target that cannot be stored as given; the message is shown to the coordinator."""


def nl(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}".replace(",", "\0").replace(".", ",").replace("\0", ".")


@dataclass(frozen=True)
class TargetAdvice:
    target_year: int
    trend_value: float | None
    benchmark_value: float | None
    benchmark_name: str
    ambitious_value: float | None
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Measurable:
    """An indicator with imported figures: baseline, trend and the target advice."""

    indicator: str
    source: str
    kind: str
    unit: str
    higher_is_better: bool | None
    baseline_year: int | None
    baseline_value: float | None
    trend: str | None
    trend_change: float | None
    advice: TargetAdvice
    pair: SeriesPair  # the figures themselves, for a chart

    @property
    def label(self) -> str:
        return f"{self.indicator} ({self.unit})" if self.unit else self.indicator


@dataclass(frozen=True)
class Suggestions:
    theme_code: str
    theme_name: str
    measurable: tuple[Measurable, ...]  # from the imported figures, the proposed pair first
    proposed: tuple[str, ...]  # labels of the proposed objective + subjective pair
    catalogue: tuple[CatalogueIndicator, ...]  # the method's suggestions for the theme
    missing_kinds: tuple[str, ...]  # kinds with no imported figures: take them from the catalogue
    notes: tuple[str, ...] = ()  # why an indicator was not proposed


UPPER_BOUNDS: Final = {"%": 100.0, "rapportcijfer": 10.0}


def _clamp(value: float, unit: str) -> float:
    upper = UPPER_BOUNDS.get(unit.strip(), math.inf)
    return min(upper, max(0.0, value))


def _slope(pair: SeriesPair) -> float | None:
    """The trend line's slope per year, recovered from the trend signal so both use one definition."""
    _, change = trend_of(pair.local)
    points = pair.local.known[-TREND_WINDOW:]
    if change is None or len(points) < 2:
        return None
    mean = sum(p.value or 0.0 for p in points) / len(points)
    return change * abs(mean) / (points[-1].year - points[0].year)


def target_advice(pair: SeriesPair, target_year: int, bench_name: str = "Nederland") -> TargetAdvice:
    local = pair.local
    latest = local.latest
    if latest is None or latest.value is None:
        return TargetAdvice(target_year, None, None, bench_name, None, ("Er zijn nog geen cijfers.",))
    unit, base, years = local.unit, latest.value, max(1, target_year - latest.year)
    trend, change = trend_of(local)
    slope = (
        0.0 if trend == "stabiel" else _slope(pair)
    )  # a stable line is noise: continuing it is the baseline
    trend_value = _clamp(base + slope * years, unit) if slope is not None else None
    level, ratio, _year, _value, bench_value = level_of(pair)
    good = None if local.higher_is_better is None else (1.0 if local.higher_is_better else -1.0)
    ambitious = None
    if good is not None:
        start = base if trend_value is None else (max if good > 0 else min)(base, trend_value)
        ambitious = _clamp(start + good * AMBITION * abs(base), unit)
    notes: list[str] = []
    if trend is not None and change is not None and good is not None:
        better = (change > 0) == (good > 0)
        if trend != "stabiel" and better and abs(change) > 2 * STABLE_BAND:
            notes.append(
                f"De laatste jaren ging het al flink de goede kant op ({nl(100 * change, 0)}%). Verder "
                "verbeteren in hetzelfde tempo is misschien niet realistisch; vasthouden is ook een doel."
            )
        elif trend != "stabiel" and not better:
            notes.append(
                f"De trend gaat de verkeerde kant op ({nl(100 * change, 0)}%). Stoppen van de stijging is al "
                "een ambitie; de waarde 'trend doorgetrokken' laat zien waar u zonder extra inzet uitkomt."
            )
        elif trend != "stabiel":
            notes.append(
                "De trend gaat de goede kant op; de doorgetrokken trend is een realistische streefwaarde."
            )
        else:
            notes.append(
                "De cijfers zijn stabiel; een streefwaarde iets beter dan nu vraagt echte extra inzet."
            )
    if level is not None and ratio is not None and good is not None and level != "vergelijkbaar":
        worse = (ratio > 1) != (good > 0)
        notes.append(
            f"{'Slechter' if worse else 'Beter'} dan {bench_name} ({nl(bench_value)}). "
            + (
                "Het niveau van de benchmark is een realistisch richtpunt."
                if worse
                else "Houd die voorsprong vast."
            )
        )
    if latest.low is not None and latest.high is not None:
        notes.append(
            f"Dit is een enquêtecijfer met een foutmarge van {nl(latest.low)} tot {nl(latest.high)}: kies een "
            "streefwaarde die buiten die marge valt, anders is het verschil niet te meten."
        )
    if good is None:
        notes.append("Of hoger beter of slechter is, staat niet vast; bepaal zelf de richting.")
    return TargetAdvice(target_year, trend_value, bench_value, bench_name, ambitious, tuple(notes))


def measurable(pair: SeriesPair, target_year: int, bench_name: str) -> Measurable:
    latest = pair.local.latest
    trend, change = trend_of(pair.local)
    return Measurable(
        indicator=pair.local.indicator,
        source=pair.local.source,
        kind=pair.local.kind,
        unit=pair.local.unit,
        higher_is_better=pair.local.higher_is_better,
        baseline_year=latest.year if latest else None,
        baseline_value=latest.value if latest else None,
        trend=trend,
        trend_change=change,
        advice=target_advice(pair, target_year, bench_name),
        pair=pair,
    )


def suggest(
    pairs: Sequence[SeriesPair],
    theme_code: str,
    target_year: int,
    bench_name: str,
    dominated: dict[str, tuple[str, float]] | None = None,
) -> Suggestions:
    """The theme's measurable indicators with one objective and one subjective proposed (the first of each
    kind in the figures' order, which puts police sums and series with a benchmark first).

    ``dominated`` maps an indicator to the crime type that makes up most of it and its share: such a sum is
    not proposed, because its trend is that one crime type's trend."""
    theme = load_catalogue().theme(theme_code)
    items = [measurable(p, target_year, bench_name) for p in pairs if p.local.known]
    dominated = dominated or {}
    words = {w for name, _ in dominated.values() for w in re.findall(r"\w{5,}", name.lower())}
    same = {
        m.indicator
        for m in items
        if m.indicator not in dominated and words & set(re.findall(r"\w{5,}", m.indicator.lower()))
    }
    notes = tuple(
        f"'{m.indicator}' niet voorgesteld: {nl(100 * dominated[m.indicator][1], 0)} % daarvan is "
        f"'{dominated[m.indicator][0]}', dus de reeks meet vooral dat delict en niet het thema."
        for m in items
        if m.indicator in dominated
    ) + tuple(f"'{m}' niet voorgesteld: meet hetzelfde delict." for m in sorted(same))
    proposed = []
    for kind in KINDS:
        first = next(
            (m for m in items if m.kind == kind and m.indicator not in dominated and m.indicator not in same),
            None,
        )
        if first is not None:
            proposed.append(first.label)
    ordered = sorted(items, key=lambda m: m.label not in proposed)
    present = {m.kind for m in items}
    return Suggestions(
        theme_code=theme_code,
        theme_name=theme.name,
        measurable=tuple(ordered),
        proposed=tuple(proposed),
        catalogue=theme.effect_indicators,
        missing_kinds=tuple(
            k for k in KINDS if k not in present and any(i.kind == k for i in theme.effect_indicators)
        ),
        notes=notes,
    )


def dominant_crime_types(
    db: Session, theme_code: str, region_code: str, pairs: Sequence[SeriesPair]
) -> dict[str, tuple[str, float]]:
    """Police sums of the theme whose latest year is mostly one crime type: indicator → (type, share)."""
    latest: dict[int, list[tuple[str, float]]] = {}
    for count in crime_breakdown(db, theme_code, region_code):
        if count.value is not None and count.value > 0:
            name = count.indicator.split(": ", 1)[-1].removeprefix(count.code).strip()
            latest.setdefault(count.year, []).append((name or count.indicator, count.value))
    found = {}
    for pair in pairs:
        point = pair.local.latest
        if not pair.local.parts or point is None or point.year not in latest:
            continue
        parts = latest[point.year]
        total = sum(v for _, v in parts)
        name, value = max(parts, key=lambda p: p[1])
        if total > 0 and value / total > DOMINANT_SHARE:
            found[pair.local.indicator] = (name, value / total)
    return found


def suggestions_for(
    db: Session, trajectory_id: int, municipality_id: int, theme_code: str, target_year: int
) -> Suggestions:
    region = region_of(db, municipality_id)
    bench = benchmark_of(db, trajectory_id)
    pairs = theme_series(db, theme_code, region, bench) if region else []
    dominated = dominant_crime_types(db, theme_code, region, pairs) if region else {}
    return suggest(pairs, theme_code, target_year, benchmark_label(bench), dominated)


@dataclass(frozen=True)
class Priorities:
    codes: tuple[str, ...]
    decided: bool  # False: the advice of the sessions, no final choice recorded yet


def priorities_of(db: Session, trajectory_id: int, municipality_id: int) -> Priorities:
    municipality = db.get(Municipality, municipality_id)
    name = municipality.name if municipality else ""
    result = local_result(db, trajectory_id, municipality_id, name)
    return Priorities(result.top, result.basis == "keuze")


# ------------------------------------------------------------------------------------------- storing


@dataclass(frozen=True)
class IndicatorInput:
    theme_code: str
    indicator: str
    source: str
    kind: str
    baseline_year: int | None
    baseline_value: float | str | None
    target_year: int | None
    target_value: float | str | None
    rationale: str = ""
    unit: str = ""  # "per 1.000 inwoners", "%"; empty when the name says it already


def _number(value: float | str | None, what: str, required: bool) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise IndicatorError(f"Vul de {what} in.")
        return None
    if isinstance(value, str):
        parsed, ok = parse_number(value.replace(" ", ""), decimal_comma=True)
        if not ok or parsed is None:
            raise IndicatorError(f"De {what} '{value}' is geen getal. Gebruik bijvoorbeeld 12,5.")
        value = parsed
    if not math.isfinite(float(value)):
        raise IndicatorError(f"De {what} is geen geldig getal.")
    if float(value) < 0:
        raise IndicatorError(f"De {what} kan niet negatief zijn.")
    return float(value)


def validate(spec: IndicatorInput, period_start: int, period_end: int) -> IndicatorInput:
    """The stored form of a coordinator's input, or an IndicatorError with a Dutch message."""
    if spec.theme_code not in load_catalogue().theme_codes:
        raise IndicatorError(f"Onbekend thema: {spec.theme_code}.")
    name = spec.indicator.strip()
    if not name:
        raise IndicatorError("Geef de indicator een naam.")
    if len(name) > 200:
        raise IndicatorError("De naam van de indicator is te lang (hoogstens 200 tekens).")
    if spec.kind not in KINDS:
        raise IndicatorError("Kies of de indicator objectief of subjectief is.")
    if spec.target_year is None:
        raise IndicatorError("Vul het streefjaar in.")
    if not period_start <= int(spec.target_year) <= period_end:
        raise IndicatorError(
            f"Het streefjaar moet binnen de looptijd van het IVP liggen ({period_start}–{period_end})."
        )
    target = _number(spec.target_value, "streefwaarde", required=True)
    baseline = _number(spec.baseline_value, "nulmeting", required=False)
    if spec.baseline_year is not None and int(spec.baseline_year) > int(spec.target_year):
        raise IndicatorError("Het jaar van de nulmeting ligt na het streefjaar.")
    if spec.baseline_year is not None and int(spec.baseline_year) > local_today().year:
        raise IndicatorError(
            f"De nulmeting ({spec.baseline_year}) ligt in de toekomst. Een nulmeting is de waarde van een jaar "
            "dat voorbij is of nu loopt."
        )
    return IndicatorInput(
        theme_code=spec.theme_code,
        indicator=name,
        source=spec.source.strip()[:200],
        kind=spec.kind,
        baseline_year=None if spec.baseline_year is None else int(spec.baseline_year),
        baseline_value=baseline,
        target_year=int(spec.target_year),
        target_value=target,
        rationale=spec.rationale.strip(),
        unit=" ".join(spec.unit.split())[:60],
    )


def list_indicators(
    db: Session, trajectory_id: int, municipality_id: int | None, theme_code: str | None = None
) -> list[EffectIndicator]:
    query = select(EffectIndicator).where(
        EffectIndicator.trajectory_id == trajectory_id, EffectIndicator.municipality_id == municipality_id
    )
    if theme_code is not None:
        query = query.where(EffectIndicator.theme_code == theme_code)
    return list(db.scalars(query.order_by(EffectIndicator.theme_code, EffectIndicator.id)))


def save_indicator(
    db: Session, trajectory_id: int, municipality_id: int | None, spec: IndicatorInput
) -> EffectIndicator:
    """Store a chosen indicator with its target; the same indicator for the same priority is updated, so
    saving twice never makes two rows."""
    trajectory = db.get(Trajectory, trajectory_id)
    if trajectory is None:
        raise IndicatorError("Dit traject bestaat niet meer.")
    act(db, Permission.TEXTS, trajectory_id, "text_saved", f"indicator bij {spec.theme_code}")
    clean = validate(spec, trajectory.period_start, trajectory.period_end)
    existing = list_indicators(db, trajectory_id, municipality_id, clean.theme_code)
    row = next((r for r in existing if r.indicator == clean.indicator), None)
    if row is None:
        if len(existing) >= MAX_PER_PRIORITY:
            raise IndicatorError(
                f"Deze prioriteit heeft al {MAX_PER_PRIORITY} indicatoren. De methode raadt twee à drie aan; "
                "verwijder er eerst een."
            )
        row = EffectIndicator(
            trajectory_id=trajectory_id, municipality_id=municipality_id, theme_code=clean.theme_code
        )
        db.add(row)
    row.indicator = clean.indicator
    row.source = clean.source
    row.kind = clean.kind
    row.baseline_year = clean.baseline_year
    row.baseline_value = clean.baseline_value  # type: ignore[assignment]
    row.target_year = clean.target_year
    row.target_value = clean.target_value  # type: ignore[assignment]
    row.rationale = clean.rationale
    row.unit = clean.unit
    db.flush()
    return row


def delete_indicator(db: Session, trajectory_id: int, indicator_id: int) -> None:
    act(db, Permission.TEXTS, trajectory_id, "text_saved", f"indicator {indicator_id} verwijderd")
    row = db.get(EffectIndicator, indicator_id)
    if row is None or row.trajectory_id != trajectory_id:
        raise IndicatorError("Deze indicator bestaat niet (meer).")
    db.delete(row)
    db.flush()
