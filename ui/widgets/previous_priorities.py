"""The previous IVP's priorities and their results, shown beside the new analysis (issue 28)."""

from __future__ import annotations

import streamlit as st

from ivp_core.plan.previous import load_previous_priorities
from ui.shell.plain import md_escape


def show_previous_priorities(trajectory_id: int, municipality_id: int) -> None:
    """An expander with the previous priorities and what they reached; nothing when there are none."""
    previous = load_previous_priorities(trajectory_id, municipality_id)
    if not previous.items:
        return
    title = (
        "Vorige prioriteiten" + (f" ({previous.source})" if previous.source else "") + " en wat ze bereikten"
    )
    with st.expander(title, icon=":material/history:", expanded=True):  # beside the new figures, not hidden
        for item in previous.items:
            focus = f" – {md_escape(item.wording)}" if item.wording else ""
            st.markdown(f"**{item.theme_code} {md_escape(item.theme_name)}**{focus}")
            for line in item.results or ("Geen resultaat vastgelegd.",):
                st.markdown(f"- {md_escape(line)}")
