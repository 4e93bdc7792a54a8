"""Use cases of the comparison for pages and documents: read one municipality's comparison as a view model,
and choose the coordinator's own group. Each opens its own database scope."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivp_core.access.audit import Permission, act
from ivp_core.analysis.comparison.compute import (
    OWN_LIST_SETTING,
    Comparison,
    ComparisonUnavailable,
    ThemeComparison,
    compare,
    has_comparison,
)
from ivp_core.analysis.comparison.groups import (
    GROUP_KINDS,
    GROUP_SIZE,
    NATIONAL,
    RULE,
    SMALL_GROUP_WARNING,
    VERDICT_WORDS,
    municipalities,
)
from ivp_core.analysis.comparison.store import ComparisonImported, import_comparison, load_comparison
from ivp_core.dutch import nl_number
from ivp_core.errors import UserError
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Municipality, Trajectory

UNKNOWN = "onbekend"
MAPPING_CHANGED = (
    "Let op: de koppeling van misdrijfsoorten aan thema's is gewijzigd na de import van de vergelijking; de "
    "cijfers van de groep tellen nog de oude koppeling. Importeer het bestand met alle gemeenten opnieuw."
)


@dataclass(frozen=True)
class ThemeComparisonView:
    theme_code: str
    year: int
    own: str  # "12,3" or "onbekend"
    group: str
    national: str
    group_size: int
    verdict: str | None  # hoger | gelijk | lager
    verdict_words: str  # "hoger dan vergelijkbare gemeenten", or why there is no verdict
    small_group: bool
    group_words: str = "vergelijkbare gemeenten"  # plain words for the group, for residents

    @property
    def plain(self) -> str:
        """The comparison in plain (B1) Dutch for the resident's ballot; empty when a rate is unknown."""
        if self.verdict is None:
            return ""
        word = {"hoger": "meer", "gelijk": "ongeveer even veel", "lager": "minder"}[self.verdict]
        text = (
            f"In {self.year} registreerde de politie hier {self.own} misdrijven per 1.000 inwoners. In "
            f"{self.group_size} {self.group_words} samen waren dat er {self.group}. Dat is {word}."
        )
        if self.national != UNKNOWN:
            text += f" In heel Nederland waren het er {self.national}."
        return (
            f"{text} Let op: dat zijn maar {municipalities(self.group_size)}." if self.small_group else text
        )

    @property
    def warning(self) -> str:
        return SMALL_GROUP_WARNING if self.small_group else ""

    @property
    def sentence(self) -> str:
        """One line for a page or a ballot: own, group and Nederland per 1.000, with the verdict."""
        # "onbekend per 1.000 inwoners" reads as a unit of its own: say whose figure is unknown
        own = "eigen cijfer onbekend" if self.own == UNKNOWN else f"{self.own} per 1.000 inwoners"
        text = (
            f"{self.year}: {own}; vergelijkbare gemeenten {self.group} ({municipalities(self.group_size)}); "
            f"Nederland {self.national}."
        )
        return f"{text} Dat is {self.verdict_words}." if self.verdict else text


@dataclass(frozen=True)
class ComparisonView:
    """What a page shows of the comparison; `message` explains when there is none."""

    available: bool
    message: str = ""
    group_name: str = ""
    group: str = GROUP_SIZE
    year: int | None = None
    members: int = 0
    themes: tuple[tuple[str, ThemeComparisonView], ...] = ()
    rule: str = RULE
    small_group_warning: str = ""
    sources: tuple[str, ...] = ()
    mapping_warning: str = ""

    def theme(self, code: str) -> ThemeComparisonView | None:
        return dict(self.themes).get(code)

    @property
    def heading(self) -> str:
        return (
            f"Vergeleken met {self.group_name} ({municipalities(self.members)}, {self.year})"
            if self.available
            else ""
        )


def _number(value: float | None) -> str:
    return UNKNOWN if value is None else nl_number(value, 1)


PLAIN_GROUP = {
    GROUP_SIZE: "gemeenten van ongeveer dezelfde grootte",
    "stedelijkheid": "even stedelijke gemeenten",
    "eigen": "gekozen gemeenten",
}


def _theme_view(row: ThemeComparison, group: str) -> ThemeComparisonView:
    words = VERDICT_WORDS[row.verdict] if row.verdict else "niet te vergelijken: een cijfer is onbekend"
    return ThemeComparisonView(
        row.theme_code,
        row.year,
        _number(row.own_per_1000),
        _number(row.group_per_1000),
        _number(row.national_per_1000),
        row.group_size,
        row.verdict,
        words,
        row.small_group,
        PLAIN_GROUP.get(group, "vergelijkbare gemeenten"),
    )


def comparison_view(result: Comparison) -> ComparisonView:
    return ComparisonView(
        available=True,
        group_name=result.group_name,
        group=result.group,
        year=result.year,
        members=len(result.members),
        themes=tuple((row.theme_code, _theme_view(row, result.group)) for row in result.themes),
        small_group_warning=SMALL_GROUP_WARNING if result.small_group else "",
        sources=result.sources,
        mapping_warning=MAPPING_CHANGED if result.mapping_changed else "",
    )


def comparison_for(
    session: Session, trajectory_id: int, region: str | None, group: str = GROUP_SIZE
) -> ComparisonView:
    """Inside a caller's scope (the analysis page's loader, the documents): a view or the reason there is none."""
    if region is None or not has_comparison(session, trajectory_id):
        return ComparisonView(
            False, "Er zijn nog geen vergelijkingsgegevens van andere gemeenten geïmporteerd."
        )
    try:
        return comparison_view(compare(session, trajectory_id, region, group=group))
    except ComparisonUnavailable as exc:
        return ComparisonView(False, exc.message_nl)


def ballot_comparison(session: Session, trajectory_id: int, municipality_id: int | None) -> dict[str, str]:
    """Per theme the plain sentence for the resident's ballot (inside the ballot's own read scope)."""
    municipality = session.get(Municipality, municipality_id) if municipality_id is not None else None
    trajectory = session.get(Trajectory, trajectory_id)
    if municipality is None and trajectory is not None and len(trajectory.municipalities) == 1:
        municipality = trajectory.municipalities[0]  # a session of a one-municipality trajectory
    region = municipality.cbs_code.strip() if municipality is not None and municipality.cbs_code else None
    view = comparison_for(session, trajectory_id, region)
    return {code: row.plain for code, row in view.themes if row.plain}


def load_comparison_view(trajectory_id: int, region: str | None, group: str = GROUP_SIZE) -> ComparisonView:
    with session_scope(readonly=True) as session:
        return comparison_for(session, trajectory_id, region, group)


@dataclass(frozen=True)
class ComparisonStatus:
    """What the coordinator's comparison panel shows: the files imported, the municipalities to choose from
    (code, name) and the own group chosen now (empty: the trajectory's partners)."""

    sources: tuple[str, ...]
    options: tuple[tuple[str, str], ...]
    own_group: tuple[str, ...]
    urbanisation: bool


def comparison_status(trajectory_id: int) -> ComparisonStatus:
    with session_scope(readonly=True) as session:
        trajectory = session.get(Trajectory, trajectory_id)
        if trajectory is None:
            raise UserError(f"Traject {trajectory_id} bestaat niet.")
        data = load_comparison(session, trajectory_id)
        codes = sorted(
            {r for r, _, _ in data.counts if r != NATIONAL}
            | {r for r, _ in data.inhabitants if r != NATIONAL}
        )
        names = dict(
            session.execute(
                select(Municipality.cbs_code, Municipality.name).where(Municipality.cbs_code.in_(codes))
            ).all()
        )
        chosen = (trajectory.settings or {}).get(OWN_LIST_SETTING) or []
        return ComparisonStatus(
            data.sources,
            tuple((code, names.get(code) or code) for code in codes),
            tuple(str(c) for c in chosen),
            bool(data.urbanisation),
        )


def import_comparison_upload(
    trajectory_id: int, filename: str, data: bytes, imported_by: str = "", year: int | None = None
) -> ComparisonImported:
    """An uploaded whole-country file as comparison data: all or nothing, in one write scope."""
    with session_scope() as session:
        return import_comparison(session, trajectory_id, filename, data, imported_by=imported_by, year=year)


def choose_own_group(trajectory_id: int, codes: list[str]) -> list[str]:
    """Store the coordinator's own comparison group (an empty list: the partners of the trajectory)."""
    if any(not code.startswith("GM") or len(code) != 6 for code in codes):
        raise UserError("Gebruik CBS-codes van gemeenten, zoals GM0148.")
    with session_scope() as session:
        trajectory = session.get(Trajectory, trajectory_id, with_for_update=True)
        if trajectory is None:
            raise UserError(f"Traject {trajectory_id} bestaat niet.")
        chosen = sorted(dict.fromkeys(codes))
        act(session, Permission.IMPORT, trajectory_id, "comparison_group", ", ".join(chosen) or "de partners")
        settings = dict(trajectory.settings or {})
        if chosen:
            settings[OWN_LIST_SETTING] = chosen
        else:
            settings.pop(OWN_LIST_SETTING, None)
        trajectory.settings = settings
        return chosen


__all__ = [
    "GROUP_KINDS",
    "ComparisonView",
    "ThemeComparisonView",
    "ballot_comparison",
    "choose_own_group",
    "comparison_for",
    "load_comparison_view",
]
