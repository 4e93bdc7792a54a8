"""Start-up work done once per server process: schema migrations, the demo, and a Dutch HTML page."""

from __future__ import annotations

import atexit
import gc
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Final

import streamlit as st

from ivp_core.startup import prepare_database

_ENGLISH_ROOT: Final = '<html lang="en">'
#: The page's English before any script runs: the language, the tab title, and the text without JavaScript.
_DUTCH: Final = {
    _ENGLISH_ROOT: '<html lang="nl">',
    "<title>Streamlit</title>": "<title>IVP-prioritering</title>",
    "You need to enable JavaScript to run this app.": "Zet JavaScript aan om deze pagina te gebruiken.",
}


@st.cache_resource(show_spinner="Database wordt voorbereid…")
def ensure_database() -> None:
    """Once per process; `IVP_NO_DEMO=1` starts a real installation without the fictitious example."""
    prepare_database(with_demo=os.environ.get("IVP_NO_DEMO", "") not in {"1", "true", "ja"})


def _streamlit_static_handlers() -> list[Any]:
    """The running server's handlers of Streamlit's own HTML/JS (Starlette StaticFiles with an index page).

    Streamlit offers no setting or hook for its index.html and builds these handlers before any app code
    runs, so they are found among live objects: the subclasses of StaticFiles, then their instances.
    """
    from starlette.staticfiles import StaticFiles

    classes: list[type] = []
    todo: list[type] = [StaticFiles]
    while todo:
        cls = todo.pop()
        classes.append(cls)
        todo.extend(cls.__subclasses__())
    return [
        obj
        for cls in classes[1:]
        for obj in gc.get_referrers(cls)
        if type(obj) is cls
        and isinstance(getattr(obj, "_index_path", None), str)
        and isinstance(getattr(obj, "all_directories", None), list)
    ]


@st.cache_resource(show_spinner=False)
def serve_dutch_html() -> int:
    """Once per process: every address of the app (/, /stem, …) answers with `<html lang="nl">`.

    Why: Streamlit's index.html says `lang="en"`; a screen reader starts reading a Dutch page with English
    pronunciation until the script in ui/shell/plain.py corrects it. A patched copy of index.html is put in front of
    Streamlit's static folder (which keeps serving everything else), so the page is Dutch from its first
    byte on. Only the very first page load after a server start precedes this (the app's code runs after
    it); there the script still corrects it. Returns how many handlers serve the Dutch page: 0 under
    AppTest, or when a new Streamlit no longer has the English line (then the script alone does it).
    """
    handlers = _streamlit_static_handlers()
    if not handlers:
        return 0
    original = Path(handlers[0]._index_path).read_text(encoding="utf-8")
    if _ENGLISH_ROOT not in original:
        return 0
    folder = tempfile.mkdtemp(prefix="ivp-html-nl-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    index = Path(folder) / "index.html"
    for english, dutch in _DUTCH.items():
        original = original.replace(english, dutch, 1)
    index.write_text(original, encoding="utf-8")
    for handler in handlers:
        if folder not in handler.all_directories:
            handler.all_directories.insert(0, folder)  # "/" and index.html: looked up here first
        handler._index_path = str(index)  # every other page address (/stem, /start) falls back to this
    return len(handlers)
