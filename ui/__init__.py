"""Small Streamlit helpers shared by the pages: bootstrapping, access control, trajectory context, layout.

Importing this package also closes a gap in Streamlit's multipage handling: until the first script run of a
server process has called `st.navigation`, Streamlit treats a `pages/` folder as the old (v1) page list, so
the very first visitor of a fresh server could open `/sessies` directly and run that file without `app.py`
(and without its login gate). Every page imports `ui`, so the first import switches that mode off and
reruns the request through `app.py`. The facilitator pages also check the role themselves.

It also installs `widget_guard`, which checks every widget value a browser sends before any page reads it.
"""

from ui import widget_guard

widget_guard.install()

from streamlit.runtime.pages_manager import PagesManager  # noqa: E402

if PagesManager.uses_pages_directory:
    import streamlit as st

    PagesManager.uses_pages_directory = False
    st.rerun()
