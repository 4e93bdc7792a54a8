"""The ballot form for every scoring method, used on the participant page and in the griffier's entry.

Explanations are normal text, not `st.caption`: the caption grey fails the WCAG AA contrast ratio on a
white background, and residents read these lines on a phone outdoors.

The form only collects values; whether a ballot is acceptable is decided on the server by
`ivp_core.consultation.ballots.validate_ballot`, so a phone with tampered widgets gets the same refusal as anyone else.
No `st.form`: the points counter must update while a participant distributes points.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from ivp_core.catalogue import Theme, load_catalogue
from ivp_core.consultation.ballots import parse_criteria
from ivp_core.consultation.live import Spread
from ivp_core.consultation.sessions import SessionInfo
from ui.shell.plain import breakable, md_escape, plain_markdown, plain_theme
from ui.widgets.ballot_memory import tracked

NO_OPINION = "Geen mening"
NO_FIGURES = "Hierover zijn nog geen cijfers."
RATING_HELP = "1 = niet belangrijk, 5 = heel belangrijk"


def fmt(x: float | None, decimals: int = 1) -> str:
    """Dutch number: decimal comma, no trailing ,0."""
    if x is None:
        return "–"
    if float(x).is_integer():
        return f"{int(x):,}".replace(",", ".")
    return f"{x:,.{decimals}f}".replace(",", "_").replace(".", ",").replace("_", ".")


def _choice(label: str, lo: int, hi: int, current: Any, key: str, help_text: str | None = None) -> None:
    """A score from lo..hi or "geen mening" (None): horizontal, thumb-sized on a phone."""
    options: list[int | None] = [*range(lo, hi + 1), None]
    index = (
        options.index(int(current))
        if isinstance(current, int | float) and int(current) in options
        else len(options) - 1
    )
    st.radio(
        label,
        options,
        index=index,
        horizontal=True,
        format_func=lambda v: NO_OPINION if v is None else str(v),
        help=help_text,
        **tracked(key),
    )


#: The figures' disclosure under a theme: one HTML `<details>` inside the theme's Markdown element.
FIGURES_LABEL = {True: "Cijfers over dit onderwerp", False: "Cijfers en analyse"}


def _theme_header(theme: Theme, plain: bool, figures: str | None) -> None:
    """Name, explanation and (folded) figures of a theme as one element.

    Residents read a plain label first and the method's official name second, without the theme code; on a
    phone the long explanation would bury the inputs. One element, not three (text, expander, figures):
    Streamlit's cost is per element, and this block repeats for every theme on a page that 300 phones may
    open at once (docs/deployment.md, "Openen"). The figures fold away in a `<details>` element, which a
    keyboard and a screen reader open as they open Streamlit's expander. HTML is on for that element only
    to allow the `<details>`: every text in it is escaped Markdown (`plain_markdown`, catalogue texts).
    """
    if plain:
        head = f"**{plain_markdown(plain_theme(theme))}**\n\n{plain_markdown(theme.plain_explanation)}"
    else:
        head = f"**{theme.code} {theme.short_name}**\n\n{theme.plain_explanation}"
    if figures is None:
        st.markdown(head)
        return
    st.markdown(
        f'{head}\n\n<details class="ivp-figures"><summary>{FIGURES_LABEL[plain]}</summary>\n\n'
        f"{figures}\n\n</details>",
        unsafe_allow_html=True,
    )


def _field_header(label: str, explanation: str, plain: bool) -> None:
    """A field's heading; for residents with its plain explanation in the same element (one, not two)."""
    if plain:
        st.markdown(f"### {md_escape(breakable(label))}\n\n{plain_markdown(explanation)}")
    else:
        st.subheader(label, divider="gray", anchor=False)


def _round1(spreads: Mapping[tuple[str, str], Spread] | None, theme: str, criterion: str = "") -> None:
    s = (spreads or {}).get((theme, criterion))
    if s is not None:
        st.markdown(
            f"Groep in ronde 1: mediaan {fmt(s.median)}, middelste helft {fmt(s.q1)}–{fmt(s.q3)} (n = {s.n})"
        )


def ballot_inputs(
    session: SessionInfo,
    existing: Mapping[str, Any] | None,
    *,
    key_prefix: str,
    plain: bool = False,
    evidence: Mapping[str, str] | None = None,
    comments: Mapping[str, str] | None = None,
    round1: Mapping[tuple[str, str], Spread] | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Render one input block per theme; return (values in `validate_ballot` shape, comments per theme).

    `evidence` (theme → Markdown with every user text escaped, as `ui.widgets.vote_page_text` builds it) adds the
    theme's key figures and analysis, folded; `comments` not None adds an optional remark field per theme,
    prefilled with the given texts.
    """
    catalogue = load_catalogue()
    existing = existing or {}
    counter = None
    if session.method == "points":
        st.markdown(
            f"Verdeel {session.settings['budget']} punten over de thema's. Meer punten = belangrijker."
        )
        counter = st.empty()
    elif session.method == "ranking":
        st.markdown(
            f"Kies uw top {session.settings['k']}: plaats 1 is het belangrijkst. Elke plaats één keer."
        )
    elif session.method == "rating":
        st.markdown(
            f"Geef elk onderwerp een cijfer. {RATING_HELP}."
            if plain
            else f"Geef elk thema een score. {RATING_HELP}."
        )
    criteria = parse_criteria(session.settings) if session.method == "criteria" else ()
    current_field = None
    for code in session.themes:
        theme = catalogue.theme(code)
        if theme.field_code != current_field:
            current_field = theme.field_code
            field = catalogue.field(current_field)
            _field_header(field.label, field.plain_explanation, plain)
        key = f"{key_prefix}:{code}"
        # The key gives the box a CSS class (st-key-ivp-box-…): ui/shell/plain.py narrows its margins on a phone.
        with st.container(border=True, key=f"ivp-box-{key}"):
            _theme_header(theme, plain, None if evidence is None else evidence.get(code, NO_FIGURES))
            name = plain_theme(theme).split(" (officieel")[0] if plain else theme.short_name
            if session.method == "points":
                budget = int(session.settings["budget"])
                st.number_input(
                    f"Punten voor {name}",
                    min_value=0,
                    max_value=budget,
                    step=1,
                    value=int(existing.get(code) or 0),
                    **tracked(key),
                )
            elif session.method == "ranking":
                k = int(session.settings["k"])
                current = existing.get(code)
                options: list[int | None] = [None, *range(1, k + 1)]
                st.selectbox(
                    f"Plaats voor {name}",
                    options,
                    index=options.index(int(current)) if current else 0,
                    format_func=lambda v: "Niet in mijn top" if v is None else f"Plaats {v}",
                    **tracked(key),
                )
            elif session.method == "rating":
                _round1(round1, code)
                _choice(
                    f"Hoe belangrijk is dit voor u: {name}?"
                    if plain
                    else f"Hoe belangrijk is {theme.short_name}?",
                    int(session.settings["scale_min"]),
                    int(session.settings["scale_max"]),
                    existing.get(code),
                    key,
                    None if plain else RATING_HELP,
                )
            else:
                mine = existing.get(code) or {}
                for c in criteria:
                    _round1(round1, code, c.key)
                    _choice(c.label, int(c.min), int(c.max), mine.get(c.key), f"{key}:{c.key}")
            if comments is not None:
                st.text_area(
                    "Opmerking (mag leeg blijven)",
                    value=comments.get(code, ""),
                    max_chars=1000,
                    height=80,
                    **tracked(f"{key}:opmerking"),
                )
    values, remarks = ballot_values(
        session, st.session_state, key_prefix=key_prefix, comments=comments is not None
    )
    if counter is not None:
        points_counter(counter, session, values)
    return values, remarks


def _score(picked: Any) -> float | None:
    return None if picked is None else float(picked)


def ballot_values(
    session: SessionInfo, state: Mapping[Any, Any], *, key_prefix: str, comments: bool = False
) -> tuple[dict[str, Any], dict[str, str]]:
    """The ballot as the widgets of `ballot_inputs` hold it, read back from session state by their keys.

    Why from state and not from the widgets' return values: the participant page submits from a fragment,
    whose rerun does not draw the theme widgets again, so their values can only be read back by key. One
    reader serves both the full form and the fragment, so they can never disagree about a ballot.
    """
    values: dict[str, Any] = {}
    remarks: dict[str, str] = {}
    criteria = parse_criteria(session.settings) if session.method == "criteria" else ()
    for code in session.themes:
        key = f"{key_prefix}:{code}"
        if session.method in ("points", "ranking"):
            values[code] = state.get(key)
        elif session.method == "rating":
            values[code] = _score(state.get(key))
        else:
            values[code] = {c.key: _score(state.get(f"{key}:{c.key}")) for c in criteria}
        if comments:
            remarks[code] = str(state.get(f"{key}:opmerking") or "")
    return values, remarks


def points_counter(where: Any, session: SessionInfo, values: Mapping[str, Any]) -> None:
    """How many points are left, shown above the themes and again beside the submit button."""
    budget = int(session.settings["budget"])
    used = sum(int(v or 0) for v in values.values())
    if used > budget:
        where.error(
            f"U heeft {used} punten verdeeld, maar er zijn er maar {budget}. Haal er {used - budget} weg."
        )
    else:
        where.info(f"Verdeeld: {used} van {budget} punten · nog {budget - used} over")
