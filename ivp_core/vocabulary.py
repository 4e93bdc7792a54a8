"""The method's words, each defined once: gremia, vote methods, ranking rules, groups and statuses.

Pages, documents and the explanations all name the same things; when each kept its own list, the same
gremium was "het college van B en W" on one page and "het college van B&W" in the verslag, and a label fixed
in one place stayed wrong in the others. A term has two forms: its ``label`` (a choice list, a table cell, a
heading) and ``in_sentence`` (inside a Dutch sentence, with its article where it takes one), so no caller has
to glue an article to a label ("de college" was such a slip).

This module sits at the floor of the room order: codes and words only, no storage, no other room.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final


@dataclass(frozen=True)
class Term:
    """One thing the method names, in the two forms a text needs."""

    label: str
    in_sentence: str


def _table(terms: dict[str, Term]) -> Mapping[str, Term]:
    return MappingProxyType(terms)


def _labels(terms: Mapping[str, Term]) -> Mapping[str, str]:
    return MappingProxyType({code: term.label for code, term in terms.items()})


def label_of(terms: Mapping[str, Term], code: str) -> str:
    """The label of `code` in `terms`; a code the method does not know is shown as it is."""
    term = terms.get(code)
    return term.label if term else code


def in_sentence_of(terms: Mapping[str, Term], code: str) -> str:
    """`code` in `terms` as a sentence names it; a code the method does not know is shown as it is."""
    term = terms.get(code)
    return term.in_sentence if term else code


# ------------------------------------------------------------------------------------------- gremia

#: Who holds the opinion session and who decides (Stap 1, the final choice, the documents). Only the raad
#: adopts the priorities (method: "De gemeenteraad stelt het IVP vast"; Politiewet art. 38b).
GREMIA: Final = _table(
    {
        "raadscommissie": Term("Raadscommissie", "de raadscommissie"),
        "raad": Term("Gemeenteraad", "de gemeenteraad"),
        "college": Term("College van B en W", "het college van B en W"),
        "driehoek": Term("Driehoek (burgemeester, officier van justitie, politie)", "de lokale driehoek"),
    }
)
GREMIUM_LABELS: Final = _labels(GREMIA)
ADOPTING_GREMIUM: Final = "raad"
#: Who adopts a document of the trajectory (the startnotitie, the IVP): the raad, the college or the mayor.
DOCUMENT_ADOPTERS: Final = _table(
    {
        "college": GREMIA["college"],
        "raad": GREMIA["raad"],
        "burgemeester": Term("Burgemeester", "de burgemeester"),
    }
)
#: Other spellings found in stored records and typed fields.
_GREMIUM_ALIASES: Final = MappingProxyType({"gemeenteraad": "raad"})


def gremium_code(text: str) -> str | None:
    """The code of a gremium as stored or typed ("raad", " Gemeenteraad "), or None when it is none."""
    key = text.strip().lower()
    key = _GREMIUM_ALIASES.get(key, key)
    return key if key in GREMIA else None


def gremium_in_sentence(text: str) -> str:
    """ "de gemeenteraad", "het college van B en W"; a gremium the method does not know is named as typed."""
    code = gremium_code(text)
    return GREMIA[code].in_sentence if code else text.strip()


def gremium_label(text: str) -> str:
    """ "Gemeenteraad"; a gremium the method does not know is named as typed."""
    code = gremium_code(text)
    return GREMIA[code].label if code else text.strip()


# ------------------------------------------------------------------------------------- vote methods

#: How a session asks for opinions (a ballot's method).
METHODS: Final = _table(
    {
        "rating": Term("Belang per thema (1–5)", "cijfers voor belang"),
        "points": Term("Punten verdelen", "punten verdelen"),
        "ranking": Term("Top-k rangorde", "top-volgorde"),
        "criteria": Term("Werkgroep: scoren op criteria", "beoordeling op criteria"),
    }
)
METHOD_LABELS: Final = _labels(METHODS)

# ------------------------------------------------------------------------------------ ranking rules

#: The rule that lets the app choose: Borda when groups voted by different methods, the default otherwise.
AUTO_RULE: Final = "auto"
#: How the groups' scores become one order (the aggregation's rules, and the app's automatic choice).
RANKING_RULES: Final = _table(
    {
        AUTO_RULE: Term(
            "Automatisch (Borda als groepen op verschillende manieren stemden)",
            "automatisch (Borda als groepen op verschillende manieren stemden)",
        ),
        "default": Term(
            "Standaard (gemiddelde genormaliseerde score)",
            "gemiddelde score per groep, daarna gewogen gemiddelde van de groepen",
        ),
        "borda": Term("Borda (rangorde)", "Borda (alleen de volgorde per deelnemer telt)"),
        "schulze": Term("Schulze (paarsgewijze vergelijking)", "Schulze (thema's twee aan twee vergeleken)"),
    }
)
RULE_LABELS: Final = _labels(RANKING_RULES)

# ------------------------------------------------------------------------------------------- groups

#: The group the safety analysis (the figures) counts as in the aggregation.
ANALYSIS_GROUP: Final = "analyse"
#: Who voted, as the aggregation groups them (a session's kind decides its group).
GROUPS: Final = _table(
    {
        "raad": Term("Gemeenteraad", "de raad"),
        "gemeenteraad": Term("Gemeenteraad", "de gemeenteraad"),
        "college": Term("College van B en W", "het college"),
        "werkgroep": Term("Ambtelijke werkgroep", "de werkgroep"),
        "inwoners": Term("Inwoners", "de inwoners"),
        "partners": Term("Partners (driehoek)", "de partners"),
        "ketenpartners": Term("Ketenpartners", "de ketenpartners"),
        "jongeren": Term("Jongeren", "de jongeren"),
        "ondernemers": Term("Ondernemers", "de ondernemers"),
        "overig": Term("Overig", "de groep 'overig'"),
        ANALYSIS_GROUP: Term("Veiligheidsanalyse (cijfers)", "de analyse"),
    }
)
GROUP_LABELS: Final = _labels(GROUPS)
#: Groups named in the plural take a plural verb ("de inwoners zetten").
PLURAL_GROUPS: Final = frozenset({"inwoners", "partners", "ketenpartners", "jongeren", "ondernemers"})

#: What a result was computed from, in a sentence: one vote method, several, or the analysis alone.
RESULT_METHODS: Final = _table(
    {
        **METHODS,
        "mixed": Term("Verschillende methoden", "verschillende methoden"),
        ANALYSIS_GROUP: Term("Alleen de analyse", "alleen de analyse"),
    }
)

# ----------------------------------------------------------------------------------------- statuses

#: A session's state.
SESSION_STATUS_LABELS: Final = MappingProxyType(
    {"concept": "Nog niet geopend", "open": "Open", "gesloten": "Gesloten"}
)

#: A recorded choice of priorities: an advice (an opinion session, no formal decision) or the raad's adoption.
ADVICE: Final = "advies"
ADOPTED: Final = "vastgesteld"
DECISION_STATUS_LABELS: Final = MappingProxyType(
    {
        ADVICE: "Advies (opiniërende sessie, geen formeel besluit)",
        ADOPTED: "Vastgesteld door de gemeenteraad",
    }
)
