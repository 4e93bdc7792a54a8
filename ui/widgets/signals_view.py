"""How signals look: small badges with an arrow AND a word (never colour alone), shared by the overview,
the field pages and presentation mode, plus one cached loader so those pages read the same numbers."""

from __future__ import annotations

import html
from typing import Literal

import streamlit as st

from ivp_core.analysis.comparison.groups import (
    GROUP_OWN,
    GROUP_SIZE,
    GROUP_URBANISATION,
    RULE,
    VERDICT_WORDS,
    municipalities,
)
from ivp_core.analysis.comparison.groups import HIGHER as GROUP_HIGHER
from ivp_core.analysis.comparison.groups import LOWER as GROUP_LOWER
from ivp_core.analysis.comparison.page import ComparisonView, ThemeComparisonView
from ivp_core.analysis.overview_page import AnalysisPage, load_analysis_page
from ivp_core.analysis.signals import (
    DOWN,
    HIGHER,
    LOWER,
    SIMILAR,
    STABLE,
    UP,
    SeriesSignal,
    ThemeSignals,
)
from ivp_core.catalogue import load_catalogue
from ivp_core.trajectory.trajectories import MunicipalityRef, TrajectoryRef
from ui.shell.context import current_municipality, current_trajectory
from ui.widgets.charts import nl_number

ARROWS = {UP: "↑", STABLE: "→", DOWN: "↓"}
LEVEL_WORDS = {HIGHER: "hoger dan", SIMILAR: "gelijk aan", LOWER: "lager dan"}


#: The view model of the analysis pages (overview, field page, presentation), from their use case.
AnalysisView = AnalysisPage


@st.cache_data(ttl=5, show_spinner=False)
def load_analysis_view(trajectory_id: int, municipality_id: int, group: str = GROUP_SIZE) -> AnalysisView:
    """Cached for a few seconds: a shared screen and many phones read the same analysis."""
    return load_analysis_page(trajectory_id, municipality_id, group)


GROUP_KEY = "ivp_vergelijkingsgroep"
GROUP_LABELS = {
    GROUP_SIZE: "Even grote gemeenten",
    GROUP_URBANISATION: "Even stedelijk",
    GROUP_OWN: "Eigen lijst",
}


def group_picker() -> None:
    """Which similar municipalities the pages compare with; the choice holds on every analysis page."""
    st.segmented_control(
        "Vergelijken met",
        list(GROUP_LABELS),
        format_func=GROUP_LABELS.__getitem__,
        required=True,
        default=GROUP_SIZE,
        key=GROUP_KEY,
    )


def clear_cache() -> None:
    load_analysis_view.clear()


CSS = """
<style>
.ivp-badge {display:inline-block; padding:0.05em 0.45em; border-radius:0.4em; margin:0 0.2em 0.15em 0;
  border:1px solid currentColor; font-weight:600; white-space:nowrap; line-height:1.35;}
.ivp-bad {color:#a1260d; background:#fdecea;}
.ivp-good {color:#1b6b2f; background:#e8f5ea;}
.ivp-neutral {color:#3d3d3d; background:#f0f0f0;}
.ivp-none {color:#595959; background:transparent; border-style:dashed; font-weight:400;}
.ivp-cand {color:#6b4a00; background:#fff3cd; border:1px solid #6b4a00;}
.ivp-lbl {display:inline-block; min-width:4.6em; color:#444; font-size:0.85em;}
.ivp-rates {color:#3d3d3d; font-size:0.82em; white-space:nowrap;}
</style>
"""


def inject_css() -> None:
    st.markdown(CSS, unsafe_allow_html=True)


def _tone(worse: bool | None) -> str:
    return "ivp-neutral" if worse is None else ("ivp-bad" if worse else "ivp-good")


def trend_badge(signal: SeriesSignal | None) -> str:
    if signal is None or signal.trend is None:
        return '<span class="ivp-badge ivp-none">trend onbekend</span>'
    tip = html.escape(f"{signal.indicator} ({signal.unit}), {signal.years}; bron: {signal.source}")
    change = f" {signal.trend_change:+.0%}".replace(".", ",") if signal.trend_change is not None else ""
    return (
        f'<span class="ivp-badge {_tone(signal.trend_worse)}" title="{tip}">'
        f"{ARROWS[signal.trend]} {signal.trend}{html.escape(change)}</span>"
    )


def level_badge(signal: SeriesSignal | None, benchmark_name: str) -> str:
    if signal is None or signal.level is None:
        return '<span class="ivp-badge ivp-none">geen vergelijking</span>'
    tip = html.escape(
        f"{signal.level_year}: {nl_number(signal.level_value, signal.unit)}"
        f" tegen {nl_number(signal.benchmark_value, signal.unit)} ({benchmark_name}), {signal.unit}"
    )
    return (
        f'<span class="ivp-badge {_tone(signal.level_worse)}" title="{tip}">'
        f"{LEVEL_WORDS[signal.level]} {html.escape(benchmark_name)}</span>"
    )


def group_badge(item: ThemeComparisonView | None) -> str:
    """The verdict against similar municipalities as a badge with a word; the numbers in its tooltip."""
    if item is None or item.verdict is None:
        tip = html.escape(item.sentence) if item is not None else ""
        return f'<span class="ivp-badge ivp-none" title="{tip}">onbekend</span>'
    worse = None if item.verdict not in {GROUP_HIGHER, GROUP_LOWER} else item.verdict == GROUP_HIGHER
    small = " ⚠" if item.small_group else ""
    return (
        f'<span class="ivp-badge {_tone(worse)}" title="{html.escape(item.sentence)}">'
        f"{html.escape(item.verdict)}{small}</span>"
    )


def group_line(item: ThemeComparisonView | None) -> str:
    """A card's third line: "Groep: hoger" (hoger / gelijk / lager dan vergelijkbare gemeenten)."""
    if item is None:
        return ""
    return f'<div><span class="ivp-lbl">Groep</span>{group_badge(item)}</div>'


#: What the numbers under "Groep" on an overview card are; said once below the cards.
RATES_LEGEND = "Onder Groep staan de misdrijven per 1.000 inwoners: hier (de gemeente zelf), in de groep en in Nederland."


def group_rates(item: ThemeComparisonView | None) -> str:
    """The numbers behind the verdict, visible on a card: "hier 27,6 · groep 28,3 · NL 26,3" (per 1.000)."""
    if item is None:
        return ""
    text = f"hier {item.own} · groep {item.group} · NL {item.national}"
    return f'<div class="ivp-rates">{html.escape(text)}</div>'


def comparison_caption(comparison: ComparisonView) -> str:
    """What "Groep" means on this page: which group, how many, which year, the rule, a small group's warning."""
    if not comparison.available:
        return f"Vergelijkbare gemeenten: {comparison.message}"
    words = " / ".join(w.split(" ")[0] for w in VERDICT_WORDS.values())
    text = (
        f"Groep: {words} dan vergelijkbare gemeenten, dat zijn {comparison.group_name} "
        f"({municipalities(comparison.members)}, {comparison.year}). {RULE}"
    )
    return f"{text} {comparison.small_group_warning} {comparison.mapping_warning}".strip()


def comparison_short(comparison: ComparisonView) -> str:
    """One clause for a shared screen's footer: which group "Groep" compares with."""
    if not comparison.available:
        return ""
    return (
        f"Groep = vergelijkbare gemeenten: {comparison.group_name} ({municipalities(comparison.members)}, "
        f"{comparison.year}, gepoold)"
    )


#: Where a long word of a theme's short name may break on a narrow card (a soft hyphen), so a browser never
#: breaks it mid-syllable ("radicaliserin-g" at 1440 px, issue 27); after a slash a line may break too.
#: A `|` marks the soft hyphen.
_BREAKS = {
    "bedrijventerreinen": "bedrijven|terreinen",
    "Informatieveiligheid": "Informatie|veiligheid",
    "Verkeersveiligheid": "Verkeers|veiligheid",
    "Brandveiligheid": "Brand|veiligheid",
    "Jeugdcriminaliteit": "Jeugd|criminaliteit",
    "Ondermijnende": "Onder|mijnende",
    "crisisbeheersing": "crisis|beheersing",
}


def breakable(name: str) -> str:
    """A theme name as HTML that wraps at a slash or a compound's seam, never inside a syllable."""
    text = html.escape(name)
    for word, split in _BREAKS.items():
        text = text.replace(word, split.replace("|", "&shy;"))
    return text.replace("/", "/<wbr>")


def candidate_badge(candidate: bool) -> str:
    return '<span class="ivp-badge ivp-cand">★ kandidaat-prioriteit</span>' if candidate else ""


def signal_lines(
    signals: ThemeSignals, benchmark_name: str, comparison: ThemeComparisonView | None = None
) -> str:
    """One line for the objective and one for the subjective headline series, where they exist, and one for
    the comparison with similar municipalities where it was imported."""
    lines = []
    for label, signal in (("Cijfers", signals.objective), ("Beleving", signals.subjective)):
        if signal is None:
            continue
        lines.append(
            f'<div><span class="ivp-lbl">{label}</span>{trend_badge(signal)}{level_badge(signal, benchmark_name)}</div>'
        )
    if not lines and comparison is None:
        lines.append('<div><span class="ivp-badge ivp-none">nog geen cijfers</span></div>')
    return "".join(lines) + group_line(comparison)


def headline_text(signal: SeriesSignal | None, benchmark_name: str) -> str:
    """A sentence with the latest number, its unit, year and source, for the shared screen."""
    if signal is None or signal.latest_value is None:
        return ""
    text = f"{signal.indicator}: {nl_number(signal.latest_value, signal.unit)} {signal.unit if signal.unit != '%' else ''}".rstrip()
    text += f" in {signal.latest_year}"
    if signal.benchmark_value is not None and signal.level_year == signal.latest_year:
        text += f" ({benchmark_name}: {nl_number(signal.benchmark_value, signal.unit)})"
    return f"{text}. Bron: {signal.source}."


LEGEND = (
    "↑ stijgend, → stabiel, ↓ dalend: de lijn door de laatste (hoogstens vijf) jaren, meer dan 10% verschil. "
    "Rood = ongunstig, groen = gunstig, grijs = richting niet te beoordelen. Vergelijking in het laatste "
    "gezamenlijke jaar; binnen 10% of binnen de marge van de enquête heet gelijk. Aantallen per 1.000 inwoners."
)


def require_view() -> tuple[TrajectoryRef, MunicipalityRef, AnalysisView]:
    """The chosen trajectory and municipality with their analysis, or a Dutch explanation and stop."""
    trajectory = current_trajectory()
    municipality = current_municipality()
    if trajectory is None or municipality is None:
        st.info("Er is nog geen traject met een gemeente. Een begeleider kan er een aanmaken.")
        st.stop()
    group = str(st.session_state.get(GROUP_KEY) or GROUP_SIZE)
    return trajectory, municipality, load_analysis_view(trajectory.id, municipality.id, group)


FIELD_KEY = "ivp_veld"
_URL_FIELD_KEY = "ivp_veld_url"


def field_picker(label_visibility: Literal["visible", "hidden", "collapsed"] = "visible") -> str:
    """Choose the field; `?veld=N` opens one field directly and the URL follows the choice, so the link in
    the address bar can be shared. A field number in the URL that differs from the last one seen wins."""
    catalogue = load_catalogue()
    labels = {f.code: f.label for f in catalogue.fields}
    wanted = str(st.query_params.get("veld", "")).strip()
    if wanted in labels and wanted != st.session_state.get(_URL_FIELD_KEY):
        st.session_state[FIELD_KEY] = wanted
    elif wanted and wanted not in labels:
        # Never echo the parameter: a link could otherwise put its own words (or a Markdown link) on screen.
        st.warning(
            f"Dit veld bestaat niet. U ziet nu een ander veld; kies hieronder veld 1 tot en met {len(labels)}."
        )
    if st.session_state.get(FIELD_KEY) not in labels:
        st.session_state[FIELD_KEY] = "1"
    chosen = st.segmented_control(
        "Veiligheidsveld",
        list(labels),
        required=True,
        format_func=labels.__getitem__,
        key=FIELD_KEY,
        label_visibility=label_visibility,
    )
    code = str(chosen or "1")
    st.query_params["veld"] = code
    st.session_state[_URL_FIELD_KEY] = code
    return code
