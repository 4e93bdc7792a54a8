"""How one municipality compares with its group in one year: own rate, the group's pooled rate, Nederland's.

Inhabitants of a year are those on 1 January of that year; when a region has none for that year, the nearest
year within one year is used (the same tolerance as the analysis figures). The degree of urbanisation is taken
from the nearest year that has one (it changes slowly and CBS publishes it once a year with the wijken and
buurten).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ivp_core.analysis.comparison.groups import (
    GROUP_KINDS,
    GROUP_SIZE,
    GROUP_URBANISATION,
    NATIONAL,
    SMALL_GROUP,
    per_1000,
    pooled,
    size_class,
    size_class_name,
    urbanisation_name,
    verdict,
)
from ivp_core.analysis.comparison.store import ComparisonData, current_digest, latest_year, load_comparison
from ivp_core.catalogue import load_catalogue
from ivp_core.errors import UserError
from ivp_core.storage.models import Trajectory

OWN_LIST_SETTING = "comparison_municipalities"
POPULATION_TOLERANCE_YEARS = 1
NO_DATA = (
    "Voor dit traject zijn nog geen vergelijkingsgegevens geïmporteerd. Importeer de politiecijfers van alle "
    "gemeenten (47013NED) en een bevolkingsbestand als vergelijking, bijvoorbeeld met "
    "'python -m ivp_core import BESTAND --trajectory {tid} --comparison'."
)


class ComparisonUnavailable(UserError):
    """The comparison cannot be made as asked (no data, no such year, no urbanisation, no own list)."""


@dataclass(frozen=True)
class ThemeComparison:
    theme_code: str
    year: int
    own_per_1000: float | None
    group_per_1000: float | None
    group_size: int  # municipalities counted in the group's rate (known count and inhabitants)
    national_per_1000: float | None
    verdict: str | None  # hoger | gelijk | lager, None when a rate is unknown

    @property
    def small_group(self) -> bool:
        return self.group_size < SMALL_GROUP


@dataclass(frozen=True)
class Comparison:
    region_code: str
    year: int
    group: str  # grootte | stedelijkheid | eigen
    group_name: str
    members: tuple[str, ...]  # the group's municipalities, the municipality itself included
    themes: tuple[ThemeComparison, ...]
    sources: tuple[str, ...]
    mapping_changed: bool = False  # the crime-type mapping changed after the crime file was imported

    def theme(self, code: str) -> ThemeComparison | None:
        return next((t for t in self.themes if t.theme_code == code), None)

    @property
    def small_group(self) -> bool:
        return len(self.members) < SMALL_GROUP


def _inhabitants(data: ComparisonData, region: str, year: int) -> float | None:
    for distance in range(POPULATION_TOLERANCE_YEARS + 1):
        for candidate in (year - distance, year + distance):
            value = data.inhabitants.get((region, candidate))
            if value:
                return value
    return None


def _urbanisation(data: ComparisonData, region: str, year: int) -> int | None:
    years = [y for r, y in data.urbanisation if r == region]
    if not years:
        return None
    nearest = min(years, key=lambda y: (abs(y - year), -y))
    return data.urbanisation[(region, nearest)]


def own_list(trajectory: Trajectory) -> list[str]:
    """The coordinator's chosen municipalities, else the partners of a joint trajectory."""
    chosen = (trajectory.settings or {}).get(OWN_LIST_SETTING)
    if chosen:
        return [str(code) for code in chosen]
    return [m.cbs_code.strip() for m in trajectory.municipalities if m.cbs_code]


def _members(
    data: ComparisonData, trajectory: Trajectory, region: str, year: int, group: str
) -> tuple[str, list[str]]:
    municipalities = sorted(
        {r for r, _ in data.inhabitants if r != NATIONAL} | {r for r, _, _ in data.counts if r != NATIONAL}
    )
    if group == GROUP_SIZE:
        own = _inhabitants(data, region, year)
        if own is None:
            raise ComparisonUnavailable(
                f"Voor {region} zijn geen inwoners in {year} geïmporteerd; de grootteklasse is niet te bepalen. "
                "Importeer een bevolkingsbestand met alle gemeenten als vergelijking."
            )
        cls = size_class(own)
        members = [
            m
            for m in municipalities
            if (n := _inhabitants(data, m, year)) is not None and size_class(n) == cls
        ]
        return size_class_name(cls), members
    if group == GROUP_URBANISATION:
        level = _urbanisation(data, region, year)
        if level is None:
            raise ComparisonUnavailable(
                "Er is geen mate van stedelijkheid geïmporteerd"
                + (f" voor {region}." if data.urbanisation else ".")
                + " Importeer 'Kerncijfers wijken en buurten' van het CBS (met MateVanStedelijkheid) als "
                "vergelijking, of vergelijk met even grote gemeenten of met een eigen lijst (opdrachtregel: --group "
                "grootte of --group eigen)."
            )
        return urbanisation_name(level), [m for m in municipalities if _urbanisation(data, m, year) == level]
    chosen = own_list(trajectory)
    if not [c for c in chosen if c != region]:
        raise ComparisonUnavailable(
            "Er is nog geen eigen lijst van gemeenten om mee te vergelijken. Kies die eerst op de pagina Analyse "
            "beheren, onder 'Vergelijken met vergelijkbare gemeenten' (opdrachtregel: 'python -m ivp_core "
            f"compare-list --trajectory {trajectory.id} GM0148 GM0160 …')."
        )
    return "eigen lijst van gemeenten", sorted({region, *chosen})


def compare(
    session: Session, trajectory_id: int, region: str, *, year: int | None = None, group: str = GROUP_SIZE
) -> Comparison:
    """The comparison of `region` in `year` (default: the latest year with comparison counts)."""
    if group not in GROUP_KINDS:
        raise ComparisonUnavailable(
            f"'{group}' is geen vergelijkingsgroep. Kies grootte, stedelijkheid of eigen."
        )
    trajectory = session.get(Trajectory, trajectory_id)
    if trajectory is None:
        raise ComparisonUnavailable(f"Traject {trajectory_id} bestaat niet.")
    newest = latest_year(session, trajectory_id)
    if newest is None:
        raise ComparisonUnavailable(NO_DATA.format(tid=trajectory_id))
    chosen_year = newest if year is None else year
    data = load_comparison(session, trajectory_id, chosen_year)
    if data.empty:
        years = load_comparison(session, trajectory_id).years
        raise ComparisonUnavailable(
            f"Er zijn geen vergelijkingscijfers over {chosen_year}. Wel over: {', '.join(map(str, years))}."
        )
    if not data.inhabitants:
        raise ComparisonUnavailable(
            "Er zijn nog geen inwonersaantallen als vergelijking geïmporteerd. Importeer een bevolkingsbestand "
            "(CBS 'Bevolking op 1 januari', 'Kerncijfers wijken en buurten' of het lange formaat met Inwoners)."
        )
    if not any(r == region for r, _, _ in data.counts):
        raise ComparisonUnavailable(
            f"{region} staat niet in de vergelijkingscijfers over {chosen_year}. Importeer het bestand met alle "
            "gemeenten."
        )
    group_name, members = _members(data, trajectory, region, chosen_year, group)
    order = load_catalogue().theme_codes
    themes = sorted(
        {t for _, t, _ in data.counts}, key=lambda t: order.index(t) if t in order else len(order)
    )
    rows = []
    for theme in themes:
        pool = pooled(
            [(data.counts.get((m, theme, chosen_year)), _inhabitants(data, m, chosen_year)) for m in members]
        )
        own = per_1000(data.counts.get((region, theme, chosen_year)), _inhabitants(data, region, chosen_year))
        national = per_1000(
            data.counts.get((NATIONAL, theme, chosen_year)), _inhabitants(data, NATIONAL, chosen_year)
        )
        rows.append(
            ThemeComparison(
                theme, chosen_year, own, pool.rate, pool.members, national, verdict(own, pool.rate)
            )
        )
    changed = data.mapping_sha256 != current_digest(session)
    return Comparison(
        region, chosen_year, group, group_name, tuple(members), tuple(rows), data.sources, changed
    )


def has_comparison(session: Session, trajectory_id: int) -> bool:
    return latest_year(session, trajectory_id) is not None
