"""The "kanteling" of Kernbeleid Veiligheid: the themes that are not a priority, clustered into a logical set.

The method (Stap 3, "Kanteling") filters the priorities out of the five fields and clusters the remaining
themes "tot een logische set overige strategische thema's"; from Stap 3 on the five fields hardly matter.
The rule used here, stated once: **a theme belongs to the set of the regular approach that carries it when it
is not a priority** (who keeps doing the work: the wijkaanpak, police and partners, the sociaal domein, …).
Each set has a short reason a reader can check; a set without going concern themes is left out. The sets
are data, not a per-field listing, so a municipality that works otherwise can change them in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, TypeVar


@dataclass(frozen=True)
class ConcernSet:
    name: str
    reason: str  # why these themes run on without extra effort: the approach that carries them
    themes: tuple[str, ...]


SETS: Final[tuple[ConcernSet, ...]] = (
    ConcernSet(
        "Leefbaarheid in wijk en buurt",
        "Loopt via de wijkgerichte aanpak van gemeente, woningcorporaties en wijkagent.",
        ("1.1", "1.2", "1.4"),
    ),
    ConcernSet(
        "Criminaliteit en ondermijning",
        "Loopt via de reguliere aanpak van politie, Openbaar Ministerie en partners (zoals het RIEC).",
        ("1.3", "5.2"),
    ),
    ConcernSet(
        "Jeugd, zorg en radicalisering",
        "Loopt via het sociaal domein: jongerenwerk, jeugdhulp, scholen en het Zorg- en Veiligheidshuis.",
        ("3.1", "3.2", "3.3", "3.4", "5.1"),
    ),
    ConcernSet(
        "Ondernemen, uitgaan en evenementen",
        "Loopt via vergunningen, toezicht en handhaving en de afspraken met ondernemers en organisatoren.",
        ("2.1", "2.2", "2.3", "2.4", "2.5"),
    ),
    ConcernSet(
        "Fysieke veiligheid en crisisbeheersing",
        "Loopt via de veiligheidsregio, de brandweer en het verkeersbeleid van de gemeente.",
        ("4.1", "4.2", "4.3", "4.4"),
    ),
    ConcernSet(
        "Weerbaar en integer bestuur",
        "Loopt via de eigen organisatie: integriteitsbeleid, informatiebeveiliging en bestuurlijke weerbaarheid.",
        ("5.3", "5.4", "5.5"),
    ),
)

T = TypeVar("T")


def grouped(items: Sequence[T], *, key: str = "code") -> list[tuple[ConcernSet, list[T]]]:
    """The items (anything with a theme ``code``) per set, in the sets' order; empty sets are left out.

    A theme in no set (a catalogue that grew) gets a set of its own named "Overige thema's", so nothing is lost.
    """
    by_code = {getattr(item, key): item for item in items}
    out: list[tuple[ConcernSet, list[T]]] = []
    placed: set[str] = set()
    for concern in SETS:
        own = [by_code[c] for c in concern.themes if c in by_code]
        placed.update(concern.themes)
        if own:
            out.append((concern, own))
    rest = [item for item in items if getattr(item, key) not in placed]
    if rest:
        out.append((ConcernSet("Overige thema's", "Loopt via de bestaande aanpak.", ()), rest))
    return out


def grouped_codes(codes: Sequence[str]) -> list[tuple[ConcernSet, tuple[str, ...]]]:
    """The theme codes per set, as :func:`grouped` places them (for documents that list codes, not lines)."""
    return [
        (concern, tuple(item.code for item in own)) for concern, own in grouped([_Code(c) for c in codes])
    ]


@dataclass(frozen=True)
class _Code:
    code: str
