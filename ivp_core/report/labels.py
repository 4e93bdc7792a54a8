"""The report's words for groups, gremia, rules and settings, and the IVP's chapters: one place for every document.

Documents that name the same group or gremium must name it the same way, so the labels live here and not in
each document's module.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from ivp_core.advice.aggregate.model import ANALYSIS_GROUP
from ivp_core.advice.decision import STANDING_RULE_NL
from ivp_core.dutch import nl_number, nl_percent
from ivp_core.errors import UserError

GROUP_LABELS: Final[dict[str, str]] = {
    "raad": "Gemeenteraad",
    "werkgroep": "Ambtelijke werkgroep",
    "inwoners": "Inwoners",
    "partners": "Partners (driehoek)",
    "overig": "Overig",
    ANALYSIS_GROUP: "Veiligheidsanalyse (cijfers)",
}
RULE_LABELS: Final[dict[str, str]] = {
    "default": "standaard (gemiddelde genormaliseerde score)",
    "borda": "rangorde (Borda-telling)",
    "schulze": "paarsgewijze vergelijking (Schulze-methode)",
}

#: Settings of the final choice in words; those the advice already reports are not repeated.
DECISION_SETTING_LABELS: Final[dict[str, str]] = {
    "data_weight": "Gewicht veiligheidsanalyse (cijfers)",
    "close_call_threshold": "Drempel voor een nipt verschil",
    "group_weights": "Gekozen groepsgewichten",
    "top_k": "Aantal prioriteiten",
    "ranking_rule": "Rekenregel",
    "resamples": "Herberekeningen (gevoeligheid)",
    "tie_tolerance": "Tolerantie voor gelijke scores",
    "with_analysis": "Veiligheidsanalyse telt mee als groep",
}
SHOWN_WITH_ADVICE: Final = frozenset({"top_k", "ranking_rule", "resamples", "tie_tolerance", "group_weights"})
#: Technical settings a reader cannot judge (or, for ``reweighted_residents``, that the record does not hold
#: reliably: it is set whenever a comparison was computed), and the session ids the report lists anyway.
NOT_REPORTED: Final = frozenset({"seed", "weight_concentration", "reweighted_residents", "sessions"})
#: The session methods as a raad reads them (the app's own labels say "Top-k").
METHOD_NAMES: Final[dict[str, str]] = {
    "rating": "Belang per thema (1–5)",
    "points": "Punten verdelen",
    "ranking": "Rangorde van de belangrijkste thema's",
    "criteria": "Werkgroep: scoren op criteria",
}
#: The IVP's chapters as Kernbeleid Veiligheid 2021 (Stap 4) describes them.
CHAPTERS: Final[tuple[tuple[int, str, str], ...]] = (
    (
        1,
        "Uitgangssituatie",
        "Korte schets van de veiligheidssituatie en de lopende aanpak op de vijf veiligheidsvelden: "
        "een samenvatting van de veiligheidsanalyse (stap 2).",
    ),
    (
        2,
        "Strategische doelstelling",
        "De algemene doelstelling voor het eindjaar van het IVP: waar wil de gemeente staan met de "
        "veiligheid? Met een kwalitatief deel (visie) en een kwantitatief deel (streefwaarden op "
        "overstijgende indicatoren zoals het totaal aantal misdrijven en het veiligheidsgevoel).",
    ),
    (
        3,
        "Strategische uitgangspunten",
        "De hoofdlijnen van het 'hoe': rode draden in de aanpak, zoals burgerparticipatie, de verbinding "
        "tussen veiligheid en het sociaal domein, wijkgericht werken en informatiegestuurd werken.",
    ),
    (
        4,
        "Prioriteiten",
        "Per prioriteit: waarom het thema prioritair is, de hoofdlijnen van de aanpak, flankerend beleid en "
        "de doelstelling met effectindicatoren en streefwaarden.",
    ),
    (
        5,
        "Overige strategische thema's",
        "De going concern-thema's, in hetzelfde format als de prioriteiten maar beknopter: hier wordt niet "
        "of beperkt geïntensiveerd, effectindicatoren zijn niet verplicht.",
    ),
    (
        6,
        "Coördinatie, beleidscyclus",
        "Ambtelijke en bestuurlijke coördinatie, de beleidscyclus, sturing en voortgangsbewaking en de "
        "informatiepositie.",
    ),
    (7, "Begroting", "De financiële onderbouwing van het beleid."),
)


# ------------------------------------------------------------------------------------ formatting


def group_label(group: str, labels: Mapping[str, str] | None = None) -> str:
    """A group's name; ``labels`` (a report's own) names the raad group after the gremium that met."""
    if labels and group in labels:
        return labels[group]
    return GROUP_LABELS.get(group, group)


class ReportError(UserError):
    """A refusal shown to the user as is."""


def method_detail(method: str, settings: Mapping[str, Any]) -> str:
    """The session's method settings in words, so a reader can judge what a score means."""
    if method == "rating":
        return f"schaal {settings.get('scale_min', 1)}–{settings.get('scale_max', 5)}, 'geen mening' mogelijk"
    if method == "points":
        return f"{settings.get('budget', '?')} punten te verdelen"
    if method == "ranking":
        return f"top {settings.get('k', '?')} in volgorde"
    if method == "criteria":
        parts = [
            f"{c.get('label', c.get('key'))} ({percent(float(c.get('weight', 0)))})"
            for c in settings.get("criteria") or []
        ]
        return "criteria: " + "; ".join(parts)
    return ""


#: The rule by which every document states a municipality's choice (``advice.decision.standing_decision``),
#: in the decision engineer's own sentence, so the page and the verslag explain it alike.
DECISION_RULE: Final = f"Welke keuze dit verslag noemt, volgt één vaste regel. {STANDING_RULE_NL}"
#: A choice recorded without any advice from the sessions (``PriorityDecision.advice == {}``).
NO_SESSION_ADVICE: Final = (
    "Bij deze keuze hoort geen advies uit de stemming in de sessies: de keuze is daarbuiten gemaakt, "
    "bijvoorbeeld in een sessie op papier of omdat de raad anders besloot. Plaatsen en scores uit een "
    "stemming ontbreken daarom in dit verslag."
)

_ZERO_DECIMALS = re.compile(r",0+(?=$|\u00a0)")


def number(value: float | None, digits: int = 2) -> str:
    """``nl_number`` without zero decimals: a count of 63 reads "63", not "63,0"; 0,500 keeps its digits."""
    return _ZERO_DECIMALS.sub("", nl_number(value, digits))


def percent(value: float | None, digits: int = 1) -> str:
    """``nl_percent`` without zero decimals: "100 %", "12,5 %"."""
    return _ZERO_DECIMALS.sub("", nl_percent(value, digits))
