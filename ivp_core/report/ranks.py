"""Places in the advice as every document and the joint page print them, with one explanation.

The aggregation's place is 1 plus the number of themes that score clearly higher (more than the tie
tolerance; see docs/aggregatie.md). Themes that score nearly alike share a place, and because "nearly alike"
is not transitive a run can read 14, 14, 15: the third theme is clearly below one of the two, but not below
the other. Those numbers are right and the results page shows them too, so the documents keep them and say
which places are shared and why, instead of renumbering them into something the app never showed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from typing import Final

RANK_EXPLANATION: Final = (
    "Plaats: 1 plus het aantal thema's dat duidelijk hoger scoort. Thema's die vrijwel gelijk scoren, delen "
    "een plaats ('gedeeld'). Daardoor kan na twee keer plaats 14 een plaats 15 volgen: dat thema scoort "
    "duidelijk lager dan het ene thema op plaats 14, maar vrijwel gelijk aan het andere."
)
RANK_NOTE: Final = RANK_EXPLANATION + " De pagina 'Advies en keuze' toont dezelfde plaatsen."


def shared_places(ranks: Iterable[int | None]) -> frozenset[int]:
    """The places that more than one theme holds."""
    counts = Counter(r for r in ranks if r is not None)
    return frozenset(r for r, n in counts.items() if n > 1)


def place_text(rank: int | None, shared: Collection[int] = ()) -> str:
    """ "14" or "14 (gedeeld)"; "–" for a theme without a place."""
    if rank is None:
        return "–"
    return f"{rank} (gedeeld)" if rank in shared else str(rank)
