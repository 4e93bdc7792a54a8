"""The frame every page runs in (see `ui/__init__.py`).

Importing the shell installs two guards, on import and not from app.py, because Streamlit may run a page file
without app.py: in its old page-folder mode, during the first requests after a server start, it runs
`pages/<page>.py` directly. Every page imports the shell (directly or through `ui.widgets`), so:

- `page_mode.switch_off()` turns that mode off and reruns such a request through app.py (its login gate,
  wide layout and Dutch texts), instead of a bare list of files as the menu;
- `widget_guard.install()` checks every widget value a browser sends before any page reads it.
"""

from ui.shell import page_mode, widget_guard

widget_guard.install()
page_mode.switch_off()
