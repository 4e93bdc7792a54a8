"""Pieces of the shared screen and the facilitator's session controls (charts, join panel, comments)."""

from __future__ import annotations

import html
import os
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

import altair as alt
import pandas as pd
import streamlit as st

from ivp_core.advice.screen_order import load_screen_note
from ivp_core.catalogue import load_catalogue
from ivp_core.consultation import live, live_page
from ivp_core.consultation.comments import CommentInfo
from ivp_core.consultation.live_page import LiveView
from ivp_core.consultation.qr import join_url, qr_png
from ivp_core.consultation.sessions import SessionInfo
from ivp_core.storage.db import DATABASE_TROUBLE
from ui.shell.outage import last_good, note_stale
from ui.shell.plain import set_browser_cookie
from ui.widgets.ballot_form import fmt
from ui.widgets.dutch_counts import counted
from ui.widgets.result_charts import DUTCH_DECIMAL

#: How often a shared screen asks whether anything changed: twice a second keeps a thanked vote on the
#: screen within a second (see bench/load_session.py), and a poll costs one small indexed query.
POLL_SECONDS = 0.5

#: The latest view this server process read per session: a refresh whose change marker did not move hands it
#: back without reading the tally again (`live_page.refresh_live_view`). One small value per watched session.
_latest: dict[int, LiveView] = {}


@st.cache_data(ttl=0.3, show_spinner=False)
def _fresh_view(session_id: int) -> LiveView | None:
    """Shared by every screen of this server process: at most about three read transactions a second, each
    one marker query, plus the full tally when the marker moved."""
    view = live_page.refresh_live_view(session_id, _latest.get(session_id))
    if view is None:
        _latest.pop(session_id, None)
    else:
        _latest[session_id] = view
    return view


def current_snapshot(session_id: int) -> LiveView | None:
    """The shared screen's view; while the database is away the last one this server had, so the projector
    keeps its count on the screen (with `note_stale`'s line) and catches up by itself when the database is back."""
    return last_good(("live", session_id), lambda: _fresh_view(session_id))


@st.cache_data(max_entries=64, show_spinner=False)
def _screen_note(session_id: int, marker: tuple[object, ...]) -> str | None:
    """Computed once per change of the ballots (the marker), not on every refresh of every screen."""
    return load_screen_note(session_id)


def screen_note(snapshot: LiveView) -> None:
    """Why the advice may order the top differently than these bars, said only where it does."""
    try:
        note = _screen_note(snapshot.session.id, snapshot.marker)
    except DATABASE_TROUBLE:
        return  # the projector keeps its last count on screen; the sentence comes back with the database
    if note:
        st.markdown(
            f"<div style='font-size:1.25rem;color:#333'>ℹ️ {html.escape(note)}</div>", unsafe_allow_html=True
        )


def forget_changes() -> None:
    """After the facilitator's own change, so the next poll reads the database instead of the cached view."""
    _fresh_view.clear()


@st.fragment(run_every=POLL_SECONDS)
def live_panel(session_id: int, drawn_status: str) -> None:
    """Counts, status and (only when shown) the results; redrawn by a poll of the session's change marker.

    `drawn_status` is the status the page around it was drawn for: when the session opens or closes, the
    whole page is redrawn (the join panel appears or goes), not only this panel.
    """
    snapshot = current_snapshot(session_id)
    if snapshot is None:
        st.error("Deze sessie bestaat niet meer.")
        return
    info, tally, approved = snapshot.session, snapshot.tally, snapshot.comments
    if info.status != drawn_status:
        st.rerun(scope="app")
    note_stale()
    counts(tally)
    if info.status == "gesloten":
        st.info("De sessie is gesloten. Er kan niet meer gestemd worden.")
    elif info.status == "concept":
        st.info("De sessie is nog niet geopend.")
    if not info.show_results:
        st.markdown("De uitslag is verborgen. De begeleider kan die tonen, bijvoorbeeld na het sluiten.")
    else:
        if info.method == "criteria":
            left, right = st.columns(2)
            with left:
                st.subheader("Criteriascore")
                results_chart(info, tally)
            with right:
                st.subheader("Impact × beïnvloedbaarheid")
                matrix_chart(info, tally)
        else:
            # Closed, the numbers are final: "Tussenstand" (interim score) would mislead the room.
            st.subheader("Uitslag" if info.status == "gesloten" else "Tussenstand")
            results_chart(info, tally)
        screen_note(snapshot)
        convergence_chart(info, tally)
    approved_comments(approved)


def shared_screen(session_id: int) -> SessionInfo | None:
    """Title, join instructions and the live panel: what the projector shows, on one 1920×1080 screen.

    Reads the session through the same cached snapshot as the panel, so page and panel agree on its status.
    """
    snapshot = current_snapshot(session_id)
    if snapshot is None:
        st.error("Deze sessie bestaat niet meer.")
        return None
    session = snapshot.session
    st.header(session.title)
    if session.status == "gesloten":
        live_panel(session.id, session.status)
        return session
    join_col, live_col = st.columns([2, 3], gap="large")
    with join_col:
        join_panel(session)
    with live_col:
        live_panel(session.id, session.status)
    return session


def session_label(info: SessionInfo) -> str:
    """What a selector shows: unique per session, because Streamlit maps a chosen label back to the first
    option with that label (two sessions with the same title and date were confused). No status in it:
    a label that changes when the session opens would no longer match the browser's choice."""
    when = f" ({info.held_on:%d-%m-%Y})" if info.held_on else ""
    round_part = f", ronde {info.round_no}" if info.round_no > 1 else ""
    return f"{info.title}{when}{round_part} · {info.kind_label} · code {info.code}"


def public_base_url() -> str:
    """The address participants use: `IVP_PUBLIC_URL` if set (behind a proxy), else what this browser sees."""
    configured = os.environ.get("IVP_PUBLIC_URL", "").strip()
    if configured:
        return configured.rstrip("/")
    url = urlsplit(st.context.url or "http://localhost:8501/")
    # Drop the current page's path segment; keep a base path the app may be served under.
    path = url.path.rstrip("/").rsplit("/", 1)[0] if url.path.count("/") > 1 else ""
    return f"{url.scheme}://{url.netloc}{path}"


PRESENTER_PATH = "scherm"


def presenter_url(token: str) -> str:
    return f"{public_base_url()}/{PRESENTER_PATH}?k={token}"


#: Presenter tokens this facilitator made in this browser (session id → token): the database keeps only their
#: hashes, so a link can be shown only to whoever made it. Kept in the browser session, and the latest also in
#: a cookie of a day, so the link stays findable after navigating away, a reload or a restart.
SHOWN_LINKS_KEY = "ivp_presenter_links"
LINK_COOKIE = "ivp_schermlink"
LINK_COOKIE_DAYS = 1


def _known_links() -> dict[int, str]:
    shown: dict[int, str] = st.session_state.setdefault(SHOWN_LINKS_KEY, {})
    raw = st.context.cookies.get(LINK_COOKIE)
    if isinstance(raw, str):  # "<session id>-<token>"; AppTest hands back a mock
        sid, _, token = raw.partition("-")
        if sid.isdigit() and token:
            shown.setdefault(int(sid), token)
    return shown


def _made_link(session_id: int) -> live_page.PresenterLinks:
    """A new link, remembered in this browser: the only place its token can be shown again."""
    made = live_page.make_presenter_link(session_id)
    st.session_state.setdefault(SHOWN_LINKS_KEY, {})[session_id] = made.token
    return made


def _new_link(session_id: int) -> None:
    _made_link(session_id)


def _revoke(session_id: int) -> None:
    live_page.revoke_presenter_links(session_id)
    st.session_state.setdefault(SHOWN_LINKS_KEY, {}).pop(session_id, None)


def presenter_link(session: SessionInfo, *, make: bool) -> None:
    """The projector's link, with buttons to make a new one or revoke them all; on the live screen and the
    Sessies page. `make`: make one when the session has none (the live screen does, the Sessies page asks).

    A remembered token is shown only while it is still valid (not revoked, trajectory not archived).
    """
    shown = _known_links()
    links = live_page.presenter_links(session.id, shown.get(session.id))
    if links.token is None:
        shown.pop(session.id, None)
    if make and not links.active and links.token is None:
        links = _made_link(session.id)
    token, active = links.token, links.active
    st.markdown(
        "**Link voor de beamer.** Open deze link op de computer van de beamer: die toont alleen dit scherm, "
        "zonder knoppen en zonder wachtwoord, en komt na een storing vanzelf terug."
    )
    if token:
        url = presenter_url(token)
        st.code(url, language=None)
        st.link_button("Scherm openen in een nieuw venster", url, icon=":material/open_in_new:")
    else:
        st.caption(
            f"Er {'is' if active == 1 else 'zijn'} {counted(active, 'schermlink', 'schermlinks')} "
            "actief. Een link wordt alleen getoond in de browser die hem maakte; maak een nieuwe als u hem "
            "niet meer heeft."
        )
    # Written on every run, so the elements after it keep their place: this session's link, else the latest
    # one this browser still knows (viewing another session must not forget it).
    remembered = (session.id, token) if token else next(reversed(shown.items()), None)
    set_browser_cookie(
        LINK_COOKIE, f"{remembered[0]}-{remembered[1]}" if remembered else "geen", days=LINK_COOKIE_DAYS
    )
    left, right = st.columns(2)
    left.button(
        "Nieuwe schermlink maken", on_click=_new_link, args=(session.id,), key=f"link:new:{session.id}"
    )
    right.button(
        "Alle schermlinks intrekken",
        on_click=_revoke,
        args=(session.id,),
        key=f"link:revoke:{session.id}",
        disabled=not active,
    )


def join_panel(session: SessionInfo) -> None:
    """Code in letters a back row can read, the QR code and the link."""
    url = join_url(public_base_url(), session.code)
    st.html(
        "<div style='font-size:1.5rem'>Doe mee op uw telefoon: scan de QR-code of ga naar</div>"
        f"<div style='font-size:1.5rem;font-weight:600;word-break:break-all'>{html.escape(url)}</div>"
        "<div style='font-size:1.5rem;margin-top:.8rem'>en vul de code in:</div>"
        "<div data-testid='join-code' style='font-size:5.5rem;font-weight:800;letter-spacing:.4rem;"
        f"line-height:1.1'>{html.escape(session.code)}</div>"
    )
    st.image(qr_png(url, scale=12), width=360)


def _set_status(session_id: int, action: str, after: Callable[[], None] | None) -> None:
    if action == "open":
        live_page.open_session(session_id)
    else:
        live_page.close_session(session_id)
    forget_changes()
    if after is not None:
        after()


def _set_show(session_id: int, key: str, after: Callable[[], None] | None) -> None:
    live_page.show_results(session_id, bool(st.session_state[key]))
    forget_changes()
    if after is not None:
        after()


def session_controls(session: SessionInfo, key: str, after_change: Callable[[], None] | None = None) -> None:
    """Open/close and show/hide results, written at once (in callbacks) so every screen follows the database.

    The toggle is re-synchronised from the database on each run, so two facilitator screens never fight.
    `after_change` lets a page drop its cached snapshot, so the facilitator's own screen follows at once.
    """
    cols = st.columns([1, 2, 2], vertical_alignment="center")
    action = "close" if session.status == "open" else "open"
    cols[0].button(
        "Sessie sluiten" if action == "close" else "Sessie openen",
        key=f"{key}:{action}",
        type="secondary" if action == "close" else "primary",
        on_click=_set_status,
        args=(session.id, action, after_change),
    )
    show_key = f"{key}:show"
    st.session_state[show_key] = session.show_results
    cols[1].toggle(
        "Uitslag tonen op het scherm",
        key=show_key,
        on_change=_set_show,
        args=(session.id, show_key, after_change),
    )
    cols[2].markdown(f"Status: **{session.status_label}**")


def counts(tally: live.LiveTally) -> None:
    """Two numbers the back row can read; a show of hands counts its hands in "stemmen"."""
    extra = f" ({fmt(tally.represented)} stemmen)" if tally.represented != tally.ballots else ""
    cells = [
        ("participants", "Deelnemers aangemeld", str(tally.participants)),
        ("ballots", "Stemmen binnen", f"{tally.ballots}{extra}"),
    ]
    st.html(
        "<div style='display:flex;gap:4rem;margin:.5rem 0 1rem'>"
        + "".join(
            f"<div><div style='font-size:1.4rem;color:#555'>{label}</div>"
            f"<div data-testid='live-{key}' style='font-size:4rem;font-weight:700;line-height:1.1'>"
            f"{html.escape(value)}</div></div>"
            for key, label, value in cells
        )
        + "</div>"
    )


def _labels(themes: list[str] | tuple[str, ...]) -> dict[str, str]:
    catalogue = load_catalogue()
    return {code: f"{code} {catalogue.theme(code).short_name}" for code in themes}


def results_chart(session: SessionInfo, tally: live.LiveTally) -> pd.DataFrame:
    """Horizontal bars, highest first; returns the data so a page can also show it as a table."""
    scores = live.theme_scores(tally, session)
    labels = _labels(session.themes)
    data = pd.DataFrame(
        {
            "Thema": [labels[s.theme] for s in scores],
            "Score": [s.score if s.score is not None else 0.0 for s in scores],
            "Stembiljetten": [s.n for s in scores],
        }
    ).sort_values("Score", ascending=False)
    data["Label"] = [fmt(v) for v in data["Score"]]
    unit = scores[0].unit if scores else ""
    chart = (
        alt.Chart(data)
        .mark_bar(color="#1f5f99")
        .encode(
            x=alt.X(
                "Score:Q",
                title=unit.capitalize(),
                # Dutch numbers the back row can read: whole steps for points, a decimal comma for scores
                axis=alt.Axis(
                    labelExpr=DUTCH_DECIMAL,
                    labelFontSize=14,
                    tickMinStep=1 if session.method in ("points", "ranking") else 0.1,
                ),
            ),
            y=alt.Y("Thema:N", sort="-x", title=None, axis=alt.Axis(labelLimit=420, labelFontSize=16)),
            tooltip=["Thema", "Score", "Stembiljetten"],
        )
    )
    text = chart.mark_text(align="left", dx=6, fontSize=18).encode(text="Label:N")
    st.altair_chart((chart + text).properties(height=max(240, 34 * len(data))), width="stretch")
    with st.expander(("Uitslag" if session.status == "gesloten" else "Tussenstand") + " als tabel"):
        # The same numbers as text, for screen readers and for checking against the ballots.
        st.table(
            data[["Thema", "Label", "Stembiljetten"]].rename(columns={"Label": unit.capitalize()}),
            hide_index=True,
        )
    return data


def matrix_chart(session: SessionInfo, tally: live.LiveTally) -> None:
    """Werkgroep: impact against beïnvloedbaarheid; the top-right quadrant is where extra effort pays."""
    points = live.impact_influence(tally, session.themes)
    if not points:
        st.markdown("Nog geen scores op impact en beïnvloedbaarheid.")
        return
    labels = _labels(session.themes)
    data = pd.DataFrame(
        {
            "Thema": [labels[p.theme] for p in points],
            "Code": [p.theme for p in points],
            "Impact": [p.impact for p in points],
            "Beïnvloedbaarheid": [p.influence for p in points],
            "Aantal": [p.n for p in points],
        }
    )
    base = alt.Chart(data).encode(
        x=alt.X("Beïnvloedbaarheid:Q", scale=alt.Scale(domain=[1, 5]), title="Beïnvloedbaarheid (gemiddeld)"),
        y=alt.Y("Impact:Q", scale=alt.Scale(domain=[1, 5]), title="Maatschappelijke impact (gemiddeld)"),
        tooltip=["Thema", "Impact", "Beïnvloedbaarheid", "Aantal"],
    )
    rules = alt.Chart(pd.DataFrame({"m": [3]}))
    chart = (
        base.mark_circle(size=160, color="#1f5f99")
        # Codes only beside the dots: full names overlap when themes score alike (the tooltip has them).
        + base.mark_text(align="left", dx=9, fontSize=15).encode(text="Code")
        + rules.mark_rule(strokeDash=[4, 4], color="gray").encode(x="m:Q")
        + rules.mark_rule(strokeDash=[4, 4], color="gray").encode(y="m:Q")
    )
    st.altair_chart(chart.properties(height=520), width="stretch")


def convergence_chart(session: SessionInfo, tally: live.LiveTally) -> None:
    """Delphi: spread (interquartile range) per theme in the previous round and now; shorter = more agreement.

    For werkgroep criteria the spread of a theme is the mean over its criteria, so the chart keeps one pair
    of bars per theme.
    """
    items = live.convergence(tally, session)
    if not items:
        return
    labels = _labels(session.themes)
    per_theme: dict[str, dict[str, list[float]]] = {}
    for c in items:
        rounds = per_theme.setdefault(labels[c.theme], {"Vorige ronde": [], "Deze ronde": []})
        rounds["Vorige ronde"].append(c.before.iqr)
        if c.after is not None:
            rounds["Deze ronde"].append(c.after.iqr)
    rows = [
        {"Thema": theme, "Ronde": name, "Spreiding": sum(values) / len(values)}
        for theme, rounds in per_theme.items()
        for name, values in rounds.items()
        if values
    ]
    before, after = live.mean_iqr(items)
    st.markdown(
        f"**Convergentie:** gemiddelde spreiding (middelste helft van de scores) {fmt(before, 2)} in de "
        f"vorige ronde, {fmt(after, 2)} nu. Kortere balken = meer overeenstemming."
    )
    chart = (
        alt.Chart(pd.DataFrame(rows))
        .mark_bar()
        .encode(
            x=alt.X("Spreiding:Q", title="Spreiding (interkwartielafstand)"),
            y=alt.Y("Thema:N", title=None, axis=alt.Axis(labelLimit=420, labelFontSize=14)),
            yOffset=alt.YOffset("Ronde:N", sort=["Vorige ronde", "Deze ronde"]),
            color=alt.Color("Ronde:N", sort=["Vorige ronde", "Deze ronde"], legend=alt.Legend(orient="top")),
            tooltip=["Thema", "Ronde", alt.Tooltip("Spreiding:Q", format=".2f")],
        )
    )
    st.altair_chart(chart.properties(height=max(200, 44 * len(per_theme))), width="stretch")


def approved_comments(items: Sequence[CommentInfo]) -> None:
    """Approved remarks as plain text: `st.text` never interprets HTML or Markdown."""
    if not items:
        return
    labels = _labels(sorted({c.theme_code for c in items}))
    st.subheader("Opmerkingen")
    for comment in items:
        with st.container(border=True):
            st.markdown(f"**{labels[comment.theme_code]}**")
            st.text(comment.text)
