"""Region codes (GM0148, WK014801, NL01) and which municipalities of a multi-municipality file are kept."""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import repeat

from ivp_core.analysis.importers.errors import ProblemLog

_REGION = re.compile(r"^[A-Z]{2}[0-9A-Z]{2,8}$")


def valid_region(code: str) -> bool:
    return bool(_REGION.match(code))


def region_ok(region: str, line: int, log: ProblemLog) -> bool:
    if valid_region(region):
        return True
    log.error(
        f"'{region}' is geen regiocode.",
        "Gebruik CBS-codes zoals GM0148 (gemeente) of NL01 (Nederland).",
        line=line,
        column="RegioS",
    )
    return False


def municipality_of(code: str) -> str | None:
    """The municipality a region code lies in: GM0148 itself, WK014801 and BU01480004 in GM0148."""
    if len(code) >= 6 and code[:2] in {"GM", "WK", "BU"} and code[2:6].isdigit():
        return "GM" + code[2:6]
    return None


class RegionChoice:
    """Which municipalities of a multi-municipality file are imported.

    Comparison regions (NL01, PV23, RE…) always pass: the figures pages pair a municipality's series with
    its benchmark (`figures.benchmark_of`), which is such a region or, if the trajectory chose so, a
    municipality that is then part of the default choice. Wijk and buurt rows follow their municipality.
    `seen` counts the rows per municipality in the file, so the page can offer exactly those to choose from.
    """

    def __init__(self, municipalities: set[str] | frozenset[str] | None) -> None:
        self.municipalities = frozenset(municipalities) if municipalities is not None else None
        self.seen: dict[str, int] = {}

    def observe(self, codes: Iterable[str], counts: Iterable[int] | None = None) -> None:
        """Count the rows per municipality; `counts` when each code stands for that many rows (a block's
        distinct codes: a plain loop over a few hundred codes beats pandas' per-call overhead per block)."""
        for code, count in zip(codes, repeat(1) if counts is None else counts, strict=False):
            owner = municipality_of(code)
            if owner is not None:
                self.seen[owner] = self.seen.get(owner, 0) + int(count)

    def keeps(self, code: str) -> bool:
        owner = municipality_of(code)
        return self.municipalities is None or owner is None or owner in self.municipalities
