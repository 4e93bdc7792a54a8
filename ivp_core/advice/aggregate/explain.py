"""Plain Dutch explanations of a result, for the council and the report.

A recommendation that cannot be explained in two sentences will not be adopted. The texts name the
groups that put a theme high, what the analysis says, how firm the place is and which neighbours
are too close to call. Pure functions: result (+ optional texts) in, strings out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ivp_core.advice.aggregate.model import AggregationResult, ThemeResult
from ivp_core.dutch import nl_number
from ivp_core.vocabulary import (
    ANALYSIS_GROUP,
    GROUPS,
    PLURAL_GROUPS,
    RANKING_RULES,
    RESULT_METHODS,
    in_sentence_of,
)


def group_name_nl(group: str) -> str:
    term = GROUPS.get(group.lower())
    return term.in_sentence if term else f"de groep '{group}'"


def number_nl(x: float, digits: int = 2) -> str:
    return f"{x:.{digits}f}".replace(".", ",")


def percent_nl(p: float) -> str:
    return f"{round(100 * p)}%"


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def join_nl(items: Sequence[str]) -> str:
    """'a', 'a en b', 'a, b en c'."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " en " + items[-1]


def _label(theme: str, names: Mapping[str, str] | None) -> str:
    name = (names or {}).get(theme)
    return f"{theme} {name}" if name else theme


def _groups_sentence(result: AggregationResult, row: ThemeResult) -> list[str]:
    weights = result.group_weights
    groups = sorted(
        (g for g in weights if g != ANALYSIS_GROUP and weights[g] > 0), key=lambda g: (-weights[g], g)
    )
    placed = []
    groups_placed = []
    absent: list[str] = []
    for g in groups:
        rank = row.group_ranks.get(g)
        if rank is None:
            absent.append(g)
            continue
        groups_placed.append(g)
        tied = sum(1 for t in result.themes if t.group_ranks.get(g) == rank) > 1
        placed.append(f"{group_name_nl(g)} op {'een gedeelde ' if tied else ''}plaats {rank}")
    out = []
    if placed:
        first, *rest = placed
        subject, _, where = first.partition(" op ")
        verb = "zetten" if groups_placed[0].lower() in PLURAL_GROUPS else "zet"
        sentence = f"{subject} {verb} dit thema op {where}"
        out.append(_capitalise(join_nl([sentence, *rest])) + ".")
    if absent:
        verb = "heeft" if len(absent) == 1 and absent[0].lower() not in PLURAL_GROUPS else "hebben"
        names = [group_name_nl(g) for g in absent]
        out.append(_capitalise(f"{join_nl(names)} {verb} dit thema niet beoordeeld."))
    return out


def explain_theme(
    result: AggregationResult,
    theme: str,
    analysis_summary: str | None = None,
    theme_names: Mapping[str, str] | None = None,
) -> str:
    """Dutch explanation of one theme's place (written for the priorities, works for any theme)."""
    row = result.theme(theme)
    m = len(result.themes)
    parts: list[str] = []
    if row.score is None:
        parts.append(f"{_label(theme, theme_names)} is door geen enkele groep beoordeeld.")
    else:
        status = "een aanbevolen prioriteit" if row.priority else "een going concern-thema"
        parts.append(
            f"{_label(theme, theme_names)} staat op plaats {row.rank} van {m} (score {number_nl(row.score)}) "
            f"en is daarmee {status}."
        )
    parts.extend(_groups_sentence(result, row))

    if ANALYSIS_GROUP in result.group_weights:
        a_rank = row.group_ranks.get(ANALYSIS_GROUP)
        a_score = row.group_scores.get(ANALYSIS_GROUP)
        if a_rank is not None and a_score is not None:
            n_scored = sum(1 for t in result.themes if t.group_ranks.get(ANALYSIS_GROUP) is not None)
            parts.append(
                f"De analyse van de cijfers geeft dit thema een score van {number_nl(a_score)} "
                f"(plaats {a_rank} van de {n_scored} thema's met cijfers)."
            )
        else:
            parts.append("Voor dit thema is er geen score uit de analyse van de cijfers.")
    if analysis_summary:
        parts.append(analysis_summary.strip())

    rob = result.robustness
    if rob is not None:
        tr = rob.theme(theme)
        parts.append(
            f"In {percent_nl(tr.p_top)} van de {nl_number(rob.resamples, 0)} herberekeningen (met andere deelnemers uit "
            f"dezelfde groepen en iets andere gewichten) hoort dit thema bij de top {result.top_k}."
        )
        if tr.rank_low == tr.rank_high:
            parts.append(f"De plaats is daarbij steeds {tr.rank_low}.")
        else:
            parts.append(
                f"In 95% van de herberekeningen ligt de plaats tussen {tr.rank_low} en {tr.rank_high}."
            )
        for c in rob.close_calls:
            if theme not in (c.theme_a, c.theme_b):
                continue
            other = c.theme_b if c.theme_a == theme else c.theme_a
            p_this = c.p_above if c.theme_a == theme else (None if c.p_above is None else 1 - c.p_above)
            text = (
                f"Let op: dit thema en {_label(other, theme_names)} liggen dicht bij elkaar "
                f"(plaats {c.position_a} en {c.position_b}"
                f"{f', op de grens van de top {result.top_k}' if c.at_boundary else ''})"
            )
            if p_this is not None:
                text += f"; in {percent_nl(p_this)} van de herberekeningen staat dit thema hoger"
            parts.append(text + ".")
    if row.tied_with:
        tied = [_label(t, theme_names) for t in row.tied_with]
        parts.append(
            f"De score is gelijk aan die van {join_nl(tied)} "
            f"(verschil niet groter dan {number_nl(result.tie_tolerance, 3)})."
        )
    if theme in result.boundary_tie:
        parts.append(
            f"Op de grens van de top {result.top_k} is het gelijkspel: het rekenmodel kiest niet, de deelnemers kiezen."
        )
    return " ".join(parts)


def explain_priorities(
    result: AggregationResult,
    analysis_summaries: Mapping[str, str] | None = None,
    theme_names: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Explanation per recommended priority, in ranking order."""
    summaries = analysis_summaries or {}
    return {t: explain_theme(result, t, summaries.get(t), theme_names) for t in result.priorities}


def describe_method(result: AggregationResult) -> str:
    """One sentence on how the result was computed, to print beside every result."""
    method = in_sentence_of(RESULT_METHODS, result.method)
    weights = [
        f"{group_name_nl(g.name)} {percent_nl(g.weight)}"
        for g in sorted(result.groups, key=lambda g: (-g.weight, g.name))
    ]
    text = (
        f"Berekend met {method}, rekenregel: {in_sentence_of(RANKING_RULES, result.ranking_rule)}. "
        f"Gewichten: {join_nl(weights)}."
    )
    if result.robustness is not None:
        text += f" Robuustheid: {nl_number(result.robustness.resamples, 0)} herberekeningen (vast startgetal {result.robustness.seed})."
    return text
