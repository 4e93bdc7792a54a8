"""The app's pages for `st.navigation`, built once per process and copied for each run.

Why: app.py hands `st.navigation` about twenty pages on every run, and `st.Page` resolves each file on disk,
infers a name and icon and records a metric each time; for a phone opening the vote page that was a noticeable
part of its run (docs/deployment.md, "Openen"). A page's description never changes while the process runs, so
it is made once; each run still gets its own shallow copy, because `st.navigation` marks the page it picks as
runnable and `Page.run` clears that mark, which two sessions sharing one object would race on.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from typing import Literal

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

#: A page's source: a file path, or a stand-in built from its url path (a login or a refusal at that address).
Source = str | Callable[[], None]

_made: dict[tuple[str, str, str, str, str | None, bool, str], st.Page] = {}
_lock = threading.Lock()


def page(
    source: Source,
    *,
    title: str,
    url_path: str,
    icon: str | None = None,
    default: bool = False,
    visibility: Literal["visible", "hidden"] = "visible",
) -> st.Page:
    """`st.Page(source, …)` for this run. A callable source counts by its name, title and url path (the
    stand-in pages are made from those alone), so the first one made for an address serves every later run."""
    kind = source if isinstance(source, str) else f"callable:{source.__name__}"
    ctx = get_script_run_ctx()
    main = str(ctx.pages_manager.main_script_parent) if ctx is not None else ""  # a file path's base
    key = (main, kind, title, url_path, icon, default, visibility)
    with _lock:
        made = _made.get(key)
    if made is None:
        made = st.Page(
            source, title=title, url_path=url_path, icon=icon, default=default, visibility=visibility
        )
        with _lock:
            made = _made.setdefault(key, made)
    return copy.copy(made)
