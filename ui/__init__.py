"""Small Streamlit helpers shared by the pages: bootstrapping, access control, trajectory context, layout.

Importing this package also switches off Streamlit's old page-folder mode, in which the first requests after a
server start would run a page file without `app.py` and show a bare list of files as the menu
(`ui/page_mode.py`); the facilitator pages also check the role themselves.

It also installs `widget_guard`, which checks every widget value a browser sends before any page reads it.
"""

from ui import page_mode, widget_guard

widget_guard.install()
page_mode.switch_off()
