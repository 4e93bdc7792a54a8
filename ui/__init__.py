"""The Streamlit side of the app, in two rooms.

- `ui.shell`: the frame every page runs in: start-up, who is logged in and what they may see, the chosen
  trajectory, plain Dutch chrome, database trouble, checks on what a browser sends.
- `ui.widgets`: pieces of pages that more than one page draws (the ballot, charts, panels, the live view).

Pages import from both; widgets import from the shell, never the other way round (tests/test_rooms.py).
"""
