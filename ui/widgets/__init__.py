"""Pieces of pages that more than one page draws: the ballot, charts, panels, the live view.

A widget is drawn inside the app's frame, so importing any widget installs the frame's guards first.
"""

import ui.shell  # noqa: F401  (the frame's guards: see ui/shell/__init__.py)
