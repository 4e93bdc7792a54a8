"""Streamlit's old page-folder mode must never run this app, not even in the first seconds after a restart.

Until some script run of a server process has called `st.navigation`, Streamlit treats a `pages/` folder as the
old (v1) page list: it runs a page file such as `pages/sessies.py` directly, without `app.py` (its login gate,
wide layout, Dutch texts) and shows every file as a bare page list ("app, analyse beheer, …") in the sidebar.
The first import of `ui` switches that mode off and reruns its own request through `app.py`. But after a restart
several browsers reconnect at once (the projector, the clerk's tab, phones), and every run that started before
the switch still ran in the old mode: the facilitator tab then showed the bare list until the next click.

So the switch also (1) asks every other script run that is inside Streamlit's old-mode function to rerun the
same address (a rerun request is thread-safe in Streamlit), and (2) wraps Streamlit's navigation so that a run
that enters the old mode later (a moment after a restart; in Streamlit's AppTest, every run) runs app.py.
"""

from __future__ import annotations

import sys
import threading
from types import CodeType, FrameType
from typing import Any

import streamlit as st
from streamlit.commands import navigation as _navigation_module
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import script_runner as _script_runner
from streamlit.runtime.scriptrunner_utils.script_requests import RerunData
from streamlit.runtime.scriptrunner_utils.script_run_context import ScriptRunContext, get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.script_run_context_attr import SCRIPT_RUN_CONTEXT_ATTR_NAME

_FOLDER_MODE_CODE: CodeType = _script_runner._mpa_v1.__code__
_original_navigation = _navigation_module._navigation


def _in_folder_mode(frame: FrameType | None) -> bool:
    """Whether this stack runs inside Streamlit's old page-folder function (`_mpa_v1`)."""
    while frame is not None:
        if frame.f_code is _FOLDER_MODE_CODE:
            return True
        frame = frame.f_back
    return False


def _same_address(ctx: ScriptRunContext) -> RerunData:
    """The request the browser made, as it made it: its page, its query and what it said about itself.

    Not `ctx.page_script_hash`: before the old mode has resolved its page, that is the hash of app.py itself,
    which no page of `st.navigation` has, so Streamlit quietly ran the start page instead of /sessies (CI, one
    restart in a few). The browser's intent (a page name from the address, or a hash it knew) resolves right.
    And the browser's `context_info`: without it `st.context.url` is None in the rerun, and the projector and
    the Sessies page showed the join link as http://localhost:8501/… instead of the address people use.
    """
    manager = ctx.pages_manager
    return RerunData(
        query_string=ctx.query_string,
        page_script_hash=manager.intended_page_script_hash or "",
        page_name=manager.intended_page_name or "",
        context_info=ctx.context_info,
    )


def _rerun_other_folder_mode_runs() -> int:
    """Ask every other script thread that is inside the old mode to rerun its address; returns how many."""
    frames = sys._current_frames()
    asked = 0
    for thread in threading.enumerate():
        if thread is threading.current_thread() or not _in_folder_mode(frames.get(thread.ident or -1)):
            continue
        ctx: ScriptRunContext | None = getattr(thread, SCRIPT_RUN_CONTEXT_ATTR_NAME, None)
        if ctx is not None and ctx.script_requests is not None:
            asked += bool(ctx.script_requests.request_rerun(_same_address(ctx)))
    return asked


def _navigation_never_folder_mode(pages: Any, *args: Any, **kwargs: Any) -> Any:
    """In the old mode, hand Streamlit the main script (app.py) instead of the folder's page list.

    Streamlit's old-mode function calls this with every file as a page and runs the page it returns. Returning
    app.py, which calls `st.navigation` itself and resolves the requested address, turns that run into a normal
    one in place: no bare list is sent, and a form submitted in this very run is not lost to a rerun.
    """
    if _in_folder_mode(sys._getframe(1)):
        PagesManager.uses_pages_directory = False
        main = next((page for page in pages if getattr(page, "_default", False)), None)
        if main is not None:
            main._can_be_called = True
            return main
    return _original_navigation(pages, *args, **kwargs)


def switch_off() -> None:
    """Called once, when `ui` is first imported in a server process (see the module docstring)."""
    PagesManager.uses_pages_directory = False
    _navigation_module._navigation = _navigation_never_folder_mode
    _rerun_other_folder_mode_runs()
    if get_script_run_ctx() is not None and _in_folder_mode(sys._getframe(1)):
        st.rerun()
