"""What every phone that opens the vote page shares: the session, its texts and figures, as ready Markdown.

Why (issue 18, 300 phones opening `/stem` in the same second): Streamlit's cost is per element sent, and
escaping and hyphenating the same texts for every phone was ours. So each block of text is built once per
session, cached for all browsers, and drawn as one element: the consultation's information in one
st.markdown, its privacy notice in one, a theme's figures in one.

The cached functions live here and not in `pages/stem.py`: Streamlit executes a page's module body on every
run, and re-creating a cached function there read its source (`inspect.getsource`) on every open.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from ivp_core.consultation import ballot_page, consultation_info, live
from ivp_core.consultation.ballot_evidence import ThemeEvidence
from ivp_core.consultation.sessions import SessionInfo
from ui.shell.outage import last_good
from ui.shell.plain import PLAIN_TREND, breakable, plain_markdown, strip_codes
from ui.widgets.ballot_form import NO_FIGURES, fmt

ADMISSION_TEXT = {
    "open": "Iedereen met de link kan meedoen. Deze telefoon of computer onthoudt uw antwoorden. "
    "Zo kunt u ze later nog aanpassen.",
    "uitnodiging": "U doet mee met de code uit uw brief. Elke code geeft één stem.",
    "email": "U krijgt een link per e-mail. Elk e-mailadres geeft één stem.",
    "zetels": "Elk lid van de groep stemt één keer. De begeleider ziet hoeveel leden al hebben gestemd.",
}


@dataclass(frozen=True)
class AboutText:
    """Why, who decides, until when (`info`), and the privacy notice (`privacy`): one Markdown block each."""

    info: str
    privacy: str


@st.cache_data(ttl=1, show_spinner=False)
def _session_by_code(code: str) -> SessionInfo | None:
    return ballot_page.session_by_code(code)


def session_by_code(code: str) -> SessionInfo | None:
    """Fresh within a second, so a vote the facilitator opens or closes shows on the next open.

    While the database is away, the last answer this server had: a phone filling in its ballot redraws on
    every tap, and must go on doing so (and keep its answers) instead of showing an error (ui/shell/outage.py).
    """
    return last_good(("session_by_code", code), lambda: _session_by_code(code))


def _question(heading: str, text: str) -> str:
    """A bold question and its answer as one paragraph, exactly as typed (never a link or an image)."""
    return f"**{plain_markdown(heading)}**  \n{plain_markdown(text)}"


_DEFAULT_INFO = {label: default for _, label, default in consultation_info.INFO_FIELDS}


def about_text(session_id: int, mode: str, resident: bool = True) -> AboutText:
    """`resident`: the standard introduction is written for residents ("De uitkomst staat … op de website");
    a werkgroep or council member sees only what the facilitator typed for their session. Like every read
    of this page, the last answer while the database is away (`session_by_code`)."""
    return last_good(("about", session_id, mode, resident), lambda: _about_text(session_id, mode, resident))


@st.cache_data(ttl=60, show_spinner=False)
def _about_text(session_id: int, mode: str, resident: bool) -> AboutText:
    texts = ballot_page.consultation_text(session_id)
    info = [_question(q, a) for q, a in texts.info if resident or a != _DEFAULT_INFO.get(q)]
    if texts.closes_at is not None:
        info.append(
            f"**Tot wanneer kunt u meedoen?**  \nTot {consultation_info.local_text(texts.closes_at)}."
        )
    info.append(f"**Eén stem per persoon**  \n{breakable(ADMISSION_TEXT[mode])}")
    return AboutText("\n\n".join(info), "\n\n".join(_question(h, t) for h, t in texts.privacy))


def evidence_markdown(evidence: ThemeEvidence, compared: str = "") -> str:
    """A theme's key figures and what the municipality wrote, in plain words, as one Markdown block;
    `compared`: the comparison with similar municipalities in one plain sentence (issue 29)."""
    if evidence.empty and not compared:
        return NO_FIGURES
    lines = []
    for signal in evidence.figures:
        line = f"{strip_codes(signal.indicator)}: {fmt(signal.latest_value)} {signal.unit} in {signal.latest_year}"
        if signal.trend:
            line += f". In de laatste jaren: {PLAIN_TREND.get(signal.trend, signal.trend)}"
        if signal.level and signal.benchmark_value is not None:
            word = "ongeveer even veel als" if signal.level == "vergelijkbaar" else f"{signal.level} dan"
            line += f". Dat is {word} in {evidence.benchmark_label} ({fmt(signal.benchmark_value)})"
        lines.append(plain_markdown(f"• {line}. Bron: {strip_codes(signal.source)}."))
    if compared:
        lines.append(plain_markdown(f"• {compared}"))
    blocks = ["  \n".join(lines)] if lines else []
    text = evidence.summary or evidence.problem_text
    if text:
        blocks.append(f"**Wat de gemeente erover schrijft**\n\n{plain_markdown(text)}")
    return "\n\n".join(blocks)


@st.cache_data(ttl=300, show_spinner=False)
def _evidence(key: tuple[int, int, int | None, tuple[str, ...]], _session: SessionInfo) -> dict[str, str]:
    figures = ballot_page.load_ballot_figures(_session)
    return {
        theme: evidence_markdown(found, figures.compared.get(theme, ""))
        for theme, found in figures.evidence.items()
    }


def evidence_by_theme(session: SessionInfo) -> dict[str, str]:
    """Per theme, its figures as Markdown; cached on what they depend on, not on the whole session.

    Hashing the whole session (its settings dict included) on every open cost more than drawing a theme.
    """
    key = (session.id, session.trajectory_id, session.municipality_id, session.themes)
    return last_good(("evidence", *key), lambda: _evidence(key, session))


def round1(previous_id: int) -> dict[tuple[str, str], live.Spread]:
    return last_good(("round1", previous_id), lambda: _round1(previous_id))


@st.cache_data(ttl=300, show_spinner=False)
def _round1(previous_id: int) -> dict[tuple[str, str], live.Spread]:
    return ballot_page.round_spreads(previous_id)
