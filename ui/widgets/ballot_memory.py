"""A ballot being filled in is kept in the phone's own browser, so a reload or a lost app server costs nothing.

Why: after kill -9 of an app server (nginx moves the phone to the other one) the press on "Stem versturen"
was dropped ("The fragment … does not exist anymore"), and F5 reset every answer to "Geen mening", so a person
who pressed at once stored "Geen mening" everywhere (issue 31). Now:

- every run of the vote page hands the widgets' current values to a tiny component (Streamlit's components
  v2, inline JavaScript, no build) that writes them to the browser's `localStorage` under the session's code;
- the first run after a reload (a new Streamlit session) gets them back once, as a trigger value, and puts
  them into the widgets before they are drawn (`restore`), after checking each against its options;
- when the connection to the app server comes back (a restart, a fail-over to another server, a phone
  waking up) the page reloads itself, so the new server draws the ballot (and its button) again with the
  kept answers: the press then works;
- after the thank-you the kept copy is removed.

The answers never reach the database before the press: they go only to the server's memory, as every tap
already does, and to this browser's own storage.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping, MutableMapping
from typing import Any, Final, TypedDict

import streamlit as st

from ivp_core.consultation.ballots import parse_criteria
from ivp_core.consultation.participation import AGE_BANDS
from ivp_core.consultation.sessions import SessionInfo

_JS: Final = """

export default function (component) {
  const { data, setTriggerValue } = component;
  const store = "ivp-stembiljet:" + data.name;
  const root = window.parent && window.parent.document ? window.parent.document : document;
  const done = (window.__ivpRestoreAsked ??= new Set());  // once per page load, however the module is loaded
  if (data.cookie) root.cookie = data.cookie;  // the participant's token, so the original link resumes
  if (!root.__ivpReconnectReload) {
    // A connection that comes back after it was lost may be to another app server, which does not know this
    // page: reload, so that it draws the ballot (restored from storage below) and its button anew.
    root.__ivpReconnectReload = true;
    let lost = false;
    const watch = () => {
      const app = root.querySelector('[data-testid="stApp"]');
      const state = app ? app.getAttribute("data-test-connection-state") : null;
      if (state && state !== "CONNECTED") lost = true;
      else if (state === "CONNECTED" && lost) { lost = false; window.location.reload(); }
    };
    new MutationObserver(watch).observe(root.body, {subtree: true, attributes: true,
                                                    attributeFilter: ["data-test-connection-state"]});
  }
  let kept = null;
  try { kept = JSON.parse(window.localStorage.getItem(store) || "null"); } catch (e) { kept = null; }
  if (!done.has(store)) {
    done.add(store);
    if (kept && Object.keys(kept).length && JSON.stringify(kept) !== JSON.stringify(data.values)) {
      setTriggerValue("restore", kept);
      return;
    }
  }
  try {
    if (data.clear) window.localStorage.removeItem(store);
    else if (Object.keys(data.values).length) window.localStorage.setItem(store, JSON.stringify(data.values));
  } catch (e) { /* private mode or full: the answers stay on the screen only */ }
}
"""

_component: Any = None


def _mount() -> Any:
    """Registered once per process (re-registering per run would log a warning per phone)."""
    global _component
    if _component is None:
        _component = st.components.v2.component("ivp_stembiljet", js=_JS)
    return _component


def allowed_values(session: SessionInfo, key_prefix: str, wijken: list[str]) -> dict[str, list[Any] | None]:
    """Every widget key of the ballot with the values it accepts (None: any text of up to 1000 characters)."""
    out: dict[str, list[Any] | None] = {}
    settings = session.settings
    criteria = parse_criteria(settings) if session.method == "criteria" else ()
    for code in session.themes:
        key = f"{key_prefix}:{code}"
        if session.method == "points":
            out[key] = list(range(int(settings["budget"]) + 1))
        elif session.method == "ranking":
            out[key] = [None, *range(1, int(settings["k"]) + 1)]
        elif session.method == "rating":
            out[key] = [*range(int(settings["scale_min"]), int(settings["scale_max"]) + 1), None]
        else:
            for c in criteria:
                out[f"{key}:{c.key}"] = [*range(int(c.min), int(c.max) + 1), None]
        out[f"{key}:opmerking"] = None
    if session.kind == "inwonersconsultatie":
        if wijken:
            out[f"{key_prefix}:wijk"] = [None, *wijken]
        out[f"{key_prefix}:leeftijd"] = [None, *AGE_BANDS]
    return out


#: The ballot's widget keys this person changed since the page was loaded (their widgets' `on_change`).
_TOUCHED_KEY: Final = "ivp-stembiljet-touched"


def mark_touched(key: str) -> None:
    """A ballot widget's `on_change`: this answer is newer than anything the browser kept before a reload.

    Needed because a tap right after a reload can reach the server before, or together with, the browser's
    request to restore (the component's script may load after the page could take taps, and Streamlit merges
    requests that wait): the restore must then leave that tap alone.
    """
    touched = st.session_state.get(_TOUCHED_KEY)
    if isinstance(touched, set):
        touched.add(key)
    else:
        st.session_state[_TOUCHED_KEY] = {key}


class Tracked(TypedDict):
    """A ballot widget's `key` with the `on_change` that notes the person's change of it (`**tracked(key)`)."""

    key: str
    on_change: Callable[[str], None]
    args: tuple[str]


def tracked(key: str) -> Tracked:
    """The widget arguments for a ballot answer kept in the browser: its key, and `mark_touched` for that key."""
    return Tracked(key=key, on_change=mark_touched, args=(key,))


def restore(
    kept: object,
    allowed: Mapping[str, list[Any] | None],
    state: MutableMapping[Any, Any],
    touched: Collection[str] = (),
) -> int:
    """Put the values a browser kept into the widgets' state; only keys and values the ballot accepts, and
    not over an answer the person has `touched` since the page was loaded."""
    if not isinstance(kept, Mapping):
        return 0
    restored = 0
    for key, value in kept.items():
        if key not in allowed or key in touched:
            continue
        options = allowed[key]
        if options is None:
            ok = isinstance(value, str) and len(value) <= 1000
        else:
            ok = value in options and not isinstance(value, bool | float)
        if ok:
            state[key] = value
            restored += 1
    return restored


def keep_in_browser(session: SessionInfo, key_prefix: str, cookie: str | None = None) -> None:
    """Before the ballot's widgets: restore after a reload, else store the current values in the browser.

    `cookie` (`ui.shell.plain.cookie_text`) is written to `document.cookie` on every run as well: this component
    runs anyway, so the cookie needs no element of its own on the page 300 phones may open at once.
    """
    allowed = allowed_values(session, key_prefix, list(session.settings.get("wijken") or []))
    values = {k: st.session_state[k] for k in allowed if k in st.session_state}
    result = _mount()(
        data={
            "name": session.code,
            "values": json.loads(json.dumps(values)),
            "clear": False,
            "cookie": cookie,
        },
        key=f"ivp-stembiljet-{session.id}",
        on_restore_change=lambda: None,
    )
    kept = getattr(result, "restore", None)
    if kept and restore(kept, allowed, st.session_state, st.session_state.get(_TOUCHED_KEY) or ()):
        st.rerun()  # so the component stores what the widgets now hold, not what they held before


def forget_in_browser(session: SessionInfo) -> None:
    """After the thank-you: the ballot is in the database now, so the browser need not keep a copy."""
    _mount()(
        data={"name": session.code, "values": {}, "clear": True}, key=f"ivp-stembiljet-sent-{session.id}"
    )
