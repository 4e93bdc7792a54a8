"""The projector's read-only screen of one session, opened with a presenter link (`/scherm?k=…`).

No login, no controls and no sidebar: the link only shows. After a server restart or a network drop the
browser reconnects to the same address, so the token in it brings back the same session without a click.
"""

from __future__ import annotations

import streamlit as st

from ivp_core.consultation import live_page
from ui.shell.outage import last_good
from ui.widgets import live_view

TOKEN_PARAM = "k"

# The projector shows only our content: no sidebar, toolbar or Streamlit status texts (which are English).
# While the connection is being restored, a plain Dutch line of our own says so.
st.html(
    """<style>
    [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
    [data-testid="stToolbar"], [data-testid="stStatusWidget"], [data-testid="stDecoration"],
    [data-testid="stElementToolbar"], [data-testid="stFullScreenFrame"] button,
    [data-testid="stDialog"], .stDialog, div[role="dialog"] { display: none !important; }
    [data-testid="stMainBlockContainer"] { padding-top: 1.5rem; }
    [data-testid="stApp"]:not([data-test-connection-state="CONNECTED"])::after {
      content: "Verbinding wordt hersteld. Het scherm komt vanzelf terug.";
      position: fixed; left: 0; right: 0; bottom: 0; padding: .8rem 1.5rem; z-index: 1000;
      background: #1f5f99; color: white; font-size: 1.4rem; text-align: center;
    }
    </style>"""
)


@st.cache_data(ttl=5, show_spinner=False)
def _fresh_session_for(token: str) -> int | None:
    return live_page.presenter_session(token)


def _session_for(token: str) -> int | None:
    """Cached a few seconds: a revoked link or an archived trajectory stops showing within that time. While
    the database is away, the last answer: the projector keeps its count on the screen (ui/shell/outage.py)."""
    return last_good(("scherm", token), lambda: _fresh_session_for(token))


token = st.query_params.get(TOKEN_PARAM, "")
session_id = _session_for(token) if token else None
if session_id is None:
    st.title("Scherm niet beschikbaar")
    st.markdown(
        "Deze schermlink is niet (meer) geldig. Vraag de begeleider om een nieuwe link vanaf het live scherm."
    )
    st.stop()


@st.fragment(run_every=5)
def _watch(token: str, session_id: int) -> None:
    """Redraw the whole page when the link is revoked or the trajectory archived (the panel only polls)."""
    if _session_for(token) != session_id:
        st.rerun(scope="app")


live_view.shared_screen(session_id)
_watch(token, session_id)
