"""The advice in words for the verslag: deviations from it, how firm it is, how far the groups agree, its
caveats and the settings it was computed with.

Kept apart from the model's building so that each reads on its own; every sentence is made from the stored
advice (`StoredAdvice`), never from a renderer's own arithmetic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ivp_core.advice.aggregate.caveats import caveat_nl
from ivp_core.advice.aggregate.model import ANALYSIS_GROUP
from ivp_core.advice.stored import StoredAdvice, StoredConsensus
from ivp_core.dutch import long_date
from ivp_core.report.labels import (
    DECISION_SETTING_LABELS,
    METHOD_NAMES,
    NOT_REPORTED,
    RULE_LABELS,
    SHOWN_WITH_ADVICE,
    group_label,
    number,
    percent,
)
from ivp_core.storage.models import PriorityDecision

if TYPE_CHECKING:
    from ivp_core.report.facts import GroupRow, ThemeLine


def deviation_notes(
    chosen: Sequence[ThemeLine], advised: Sequence[ThemeLine], top_k: int | None
) -> list[str]:
    added = [t for t in chosen if not t.advised]
    dropped = [t for t in advised if not t.chosen]
    notes = []
    for t in added:
        place = f"plaats {t.rank} in het advies" if t.rank else "niet in het advies"
        notes.append(f"Gekozen buiten het advies: {t.label} ({place}).")
    for t in dropped:
        notes.append(f"Geadviseerd maar niet gekozen: {t.label} (plaats {t.rank}).")
    if not added and not dropped and chosen:
        notes.append(f"De keuze volgt het advies van de top {top_k}.")
    return notes


def robustness_lines(
    advice: StoredAdvice, names: Mapping[str, str], chosen: Sequence[str], labels: Mapping[str, str]
) -> list[str]:
    rob = advice.robustness
    if rob is None:
        return ["Er is geen gevoeligheidsanalyse berekend."]
    k = advice.top_k
    lines = [
        f"In {percent(rob.p_same_top)} van de {number(rob.resamples, 0)} herberekeningen (deelnemers "
        f"opnieuw getrokken en groepsgewichten gevarieerd) komen precies dezelfde {k} thema's bovenaan."
    ]
    for code in chosen:
        t = rob.theme(code)
        if t:
            lines.append(
                f"{code} {names.get(code, '')}: in {percent(t.p_top)} van de herberekeningen in de "
                f"top {k}; plaats tussen {t.rank_low} en {t.rank_high}."
            )
    for call in rob.close_calls:
        if not (call.at_boundary or min(call.position_a, call.position_b) <= (k or 0)):
            continue  # neighbours far below the top do not change the choice
        a, b = call.theme_a, call.theme_b
        where = f" op de grens van de top {k}" if call.at_boundary else ""
        stays = (
            f"; {a} blijft in {percent(call.p_above)} van de herberekeningen boven {b}"
            if call.p_above is not None
            else ""
        )
        lines.append(
            f"{a} {names.get(a, '')} en {b} {names.get(b, '')} liggen dicht bij elkaar{where}{stays}."
        )
    for w in rob.weight_ranges:
        group = group_label(w.group, labels).lower()
        if (w.low or 0) <= 0 and (w.high or 0) >= 1:
            lines.append(
                f"Het gewicht van {group} (nu {percent(w.weight)}) maakt voor "
                f"de top {k} niet uit: elk gewicht tussen 0\u00a0% en 100\u00a0% geeft dezelfde top {k}."
            )
            continue
        lines.append(
            f"Het gewicht van {group} (nu {percent(w.weight)}) kan liggen "
            f"tussen {percent(w.low)} en {percent(w.high)} zonder dat de top {k} verandert."
        )
    return lines


def consensus_lines(
    advice: StoredAdvice,
    chosen: Sequence[ThemeLine],
    groups: Sequence[GroupRow],
    labels: Mapping[str, str],
) -> list[str]:
    """Agreement between groups, read from each group's own ranking in the advice."""
    k = advice.top_k
    voting = [g.group for g in groups if g.group != ANALYSIS_GROUP]
    lines = []
    for theme in chosen:
        ranks = {g: theme.group_ranks.get(g) for g in voting}
        inside = [group_label(g, labels).lower() for g, r in ranks.items() if r is not None and k and r <= k]
        if voting and len(inside) == len(voting):
            lines.append(f"{theme.label}: bij alle groepen in de eigen top {k}.")
        elif inside:
            lines.append(f"{theme.label}: in de eigen top {k} bij {', '.join(inside)}.")
        else:
            lines.append(f"{theme.label}: bij geen enkele groep in de eigen top {k}.")
    return lines + _consensus_measures(advice.consensus or StoredConsensus(), labels)


def _agreement_word(rho: float) -> str:
    return "sterk" if rho >= 0.7 else "matig" if rho >= 0.4 else "weinig"


def _consensus_measures(consensus: StoredConsensus, labels: Mapping[str, str]) -> list[str]:
    """How far the groups agree, in plain Dutch; the measures and their numbers are in the appendix
    (``measure_rows``), because a raad reads "sterk eens", not a coefficient."""
    lines = []
    for c in consensus.concordance:
        w = c.kendall_w
        if w is not None:
            lines.append(
                f"{group_label(c.group, labels)}: de deelnemers waren het {_agreement_word(w)} eens over de "
                "volgorde van de thema's."
            )
    for a in consensus.agreements:
        rho = a.spearman
        if rho is not None:
            g1, g2 = (group_label(g, labels).lower() for g in a.groups)
            lines.append(f"De volgordes van {g1} en {g2} lijken {_agreement_word(rho)} op elkaar.")
    return lines


def measure_rows(
    advice: StoredAdvice, groups: Sequence[GroupRow], labels: Mapping[str, str]
) -> list[tuple[str, str, str, str]]:
    """The appendix's table: measure, group(s), value, what it means (Kendall's W within a group, Spearman's
    rho between two). W needs a ballot that scores every theme, so it says on how many ballots it rests."""
    consensus = advice.consensus or StoredConsensus()
    ballots = {g.group: g.n_ballots for g in groups}
    rows = []
    for c in consensus.concordance:
        if c.kendall_w is not None:
            used, total = c.n_raters, ballots.get(c.group)
            base = (
                f"over de {used} volledig ingevulde van de {total} stemformulieren"
                if total and used != total
                else f"over {used} stemformulieren"
            )
            rows.append(
                (
                    "Kendall's W (overeenstemming binnen een groep)",
                    group_label(c.group, labels),
                    number(c.kendall_w, 2),
                    f"0 = geen, 1 = volledige overeenstemming; {base}",
                )
            )
    for a in consensus.agreements:
        rho = a.spearman
        if rho is not None:
            rows.append(
                (
                    "Spearman-correlatie (gelijkenis van twee volgordes)",
                    " en ".join(group_label(g, labels) for g in a.groups).capitalize(),
                    number(rho, 2),
                    f"−1 = omgekeerd, 0 = geen verband, 1 = gelijk; over {a.n_themes} thema's",
                )
            )
    return rows


def warning_lines(advice: StoredAdvice, labels: Mapping[str, str]) -> list[str]:
    """The advice's caveats for a raad, with the per-theme "not scored by" caveats folded into one line per group.

    Twenty near-identical lines hide the one caveat that matters; the grouped line is built from the
    ranking's own group scores (None = the group did not score the theme).
    """
    lines = [
        caveat_nl(
            c,
            group=lambda g: group_label(g, labels).lower(),
            method=lambda m: METHOD_NAMES.get(m, m).lower(),
            for_raad=True,
        )
        for c in advice.caveats
        if c.code != "unscored_by"
    ]
    for group, weight in advice.group_weights.items():
        missing = [
            r.theme for r in advice.ranking if r.score is not None and r.group_scores.get(group, 0) is None
        ]
        if missing and weight:
            lines.append(
                f"{group_label(group, labels)} beoordeelde {len(missing)} thema's niet ({', '.join(missing)}); hun score "
                "komt alleen van de andere groepen."
            )
    return lines


def setting_rows(
    decision: PriorityDecision | None, advice: StoredAdvice, labels: Mapping[str, str]
) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    if advice:
        rows += [
            ("Aantal prioriteiten", str(advice.top_k)),
            ("Rekenregel", RULE_LABELS.get(advice.ranking_rule, advice.ranking_rule)),
            ("Tolerantie voor gelijke scores", number(advice.tie_tolerance, 3)),
        ]
        for g, w in advice.group_weights.items():
            rows.append((f"Gewicht {group_label(g, labels).lower()}", percent(w, 1)))
        if advice.robustness is not None:
            rows.append(("Herberekeningen voor de gevoeligheid", number(advice.robustness.resamples, 0)))
    if decision is not None:
        rows.append(("Keuze vastgelegd op", long_date(decision.decided_at)))
        if decision.decided_by:
            rows.append(("Vastgelegd door", decision.decided_by))
        for key, value in sorted((decision.settings or {}).items()):
            if key in NOT_REPORTED or (key in SHOWN_WITH_ADVICE and advice) or value is None:
                continue
            label = DECISION_SETTING_LABELS.get(key)
            if label is not None:
                rows.append((label, _setting_text(value, labels)))
    return rows


def _setting_text(value: Any, labels: Mapping[str, str]) -> str:
    """A stored setting in words: never a Python literal such as ``True``, ``None`` or ``[1, 2]``."""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if value is None:
        return "–"
    if isinstance(value, float):
        return number(value, 3)
    if isinstance(value, Mapping):
        return "; ".join(
            f"{group_label(str(k), labels)}: {_setting_text(v, labels)}" for k, v in value.items()
        )
    if isinstance(value, list | tuple):
        return ", ".join(_setting_text(v, labels) for v in value)
    return RULE_LABELS.get(str(value), str(value))
