"""The rules of the comparison, stated once so the page, the document and the command line say the same.

* Size class (CBS gemeentegrootteklasse) by inhabitants on 1 January of the year compared.
* Degree of urbanisation (CBS stedelijkheid 1–5) as the population file gives it.
* A group's rate is pooled: the group's total count divided by its total inhabitants, × 1.000, the
  municipality itself included; only municipalities with a known count and known inhabitants count.
* Verdict: the municipality's rate against the group's; more than 10% above is "hoger", more than 10% below
  "lager", otherwise "gelijk" (the same band as the signals use against Nederland).
"""

from __future__ import annotations

from dataclasses import dataclass

from ivp_core.analysis.signals import LEVEL_BAND

GROUP_SIZE = "grootte"
GROUP_URBANISATION = "stedelijkheid"
GROUP_OWN = "eigen"
GROUP_KINDS = (GROUP_SIZE, GROUP_URBANISATION, GROUP_OWN)
NATIONAL = "NL01"
#: A group with fewer municipalities than this is shown with a warning: one town then weighs heavily.
SMALL_GROUP = 5

#: Lower bounds of the CBS size classes (inhabitants on 1 January).
SIZE_BOUNDS = (0, 5_000, 10_000, 20_000, 50_000, 100_000, 150_000, 250_000)
URBANISATION_NAMES = {
    1: "zeer sterk stedelijk",
    2: "sterk stedelijk",
    3: "matig stedelijk",
    4: "weinig stedelijk",
    5: "niet stedelijk",
}
HIGHER, SIMILAR, LOWER = "hoger", "gelijk", "lager"
VERDICT_WORDS = {
    HIGHER: "hoger dan vergelijkbare gemeenten",
    SIMILAR: "gelijk aan vergelijkbare gemeenten",
    LOWER: "lager dan vergelijkbare gemeenten",
}
RULE = (
    "Het cijfer van de groep is gepoold: alle geregistreerde misdrijven van de gemeenten in de groep samen, "
    "gedeeld door al hun inwoners samen, × 1.000; de gemeente zelf telt mee. Meer dan 10% boven de groep heet "
    "hoger, meer dan 10% eronder lager, daartussen gelijk."
)
SMALL_GROUP_WARNING = (
    f"Let op: deze groep telt minder dan {SMALL_GROUP} gemeenten; één gemeente weegt dan zwaar mee."
)


def municipalities(count: int) -> str:
    """ "1 gemeente", "21 gemeenten": a group of one is possible (the only municipality of its size class)."""
    return f"{count} gemeente" if count == 1 else f"{count} gemeenten"


def _thousands(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def size_class(inhabitants: float) -> int:
    """Index into SIZE_BOUNDS of the class holding `inhabitants` (lower bound included)."""
    return max(i for i, bound in enumerate(SIZE_BOUNDS) if inhabitants >= bound)


def size_class_name(index: int) -> str:
    low = SIZE_BOUNDS[index]
    if index == 0:
        return f"gemeenten met minder dan {_thousands(SIZE_BOUNDS[1])} inwoners"
    if index == len(SIZE_BOUNDS) - 1:
        return f"gemeenten met {_thousands(low)} of meer inwoners"
    return f"gemeenten met {_thousands(low)} tot {_thousands(SIZE_BOUNDS[index + 1])} inwoners"


def urbanisation_name(level: int) -> str:
    """ "weinig stedelijke gemeenten (stedelijkheid 4)": the adjective inflected before the plural noun."""
    if level not in URBANISATION_NAMES:
        return f"gemeenten met stedelijkheid {level}"
    return f"{URBANISATION_NAMES[level]}e gemeenten (stedelijkheid {level})"


def per_1000(count: float | None, inhabitants: float | None) -> float | None:
    return count / inhabitants * 1000 if count is not None and inhabitants else None


def verdict(own: float | None, group: float | None) -> str | None:
    if own is None or not group:
        return None
    ratio = own / group
    if ratio > 1 + LEVEL_BAND:
        return HIGHER
    if ratio < 1 - LEVEL_BAND:
        return LOWER
    return SIMILAR


@dataclass(frozen=True)
class Pooled:
    rate: float | None
    members: int  # municipalities counted (known count and known inhabitants)


def pooled(pairs: list[tuple[float | None, float | None]]) -> Pooled:
    """(count, inhabitants) of each member → the group's pooled rate per 1.000 and how many counted."""
    counted = [(c, i) for c, i in pairs if c is not None and i]
    total = sum(i for _, i in counted)
    rate = sum(c for c, _ in counted) / total * 1000 if total else None
    return Pooled(rate, len(counted))
