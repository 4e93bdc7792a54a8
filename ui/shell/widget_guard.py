"""Every widget value a browser sends is checked before a page sees it.

Streamlit keeps what the browser sends over the websocket as a `WidgetState` protobuf and turns it into a
Python value (`WStates.__getitem__`) the first time a page or Streamlit itself reads it. A hand-made
message can put any of the protobuf's value kinds there: a string for a number input, NaN or infinity for a
slider, a list for a checkbox. Streamlit then hands that to the widget's deserializer and the page gets a
value of a type it never asked for, and fails with a traceback.

This is the one place all widget values pass, for every page, so the check lives here: the value kind must
be the one the widget registered (`WidgetMetadata.value_type`), numbers must be finite, and the
deserializer must accept it. Anything else is dropped with one log line (the widget then shows its previous
value or its default, as if nothing had been sent).

A value may also arrive under an id no page ever creates, such as `ivp_role` (the role after login) or any
other session-state key. Streamlit keeps it among the widget values, and the next widget with a key then
lists the session state and stops the page with `KeyError` (issue 26). Every widget id Streamlit makes
starts with `$$ID-`, so a value under any other id is dropped where it enters (`set_widget_from_proto`),
with one log line. It could never set the role anyway: `auth` checks the login itself on every request.
"""

from __future__ import annotations

import json
import logging
import math
from typing import Any

from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.runtime.state.common import WidgetMetadata, is_element_id
from streamlit.runtime.state.session_state import Serialized, WStates

LOG = logging.getLogger("ivp.widgets")
_MARK = "_ivp_checked"
_COMPONENT_EVENT = "$$STREAMLIT_INTERNAL_KEY_"
#: Value kinds Streamlit's own front end sends for another registered kind: a number input that holds a
#: float sends a whole number as ``int_value`` (seen on the phone ballot), which its deserializer reads fine.
_COMPATIBLE = frozenset({("int_value", "double_value")})


def problem(state: Any, metadata: WidgetMetadata[Any]) -> str | None:
    """Why a serialized widget value does not fit its widget, or None when it does."""
    kind = state.WhichOneof("value")
    if kind is None or metadata.value_type is None:
        return None  # a cleared value: the widget falls back to its default
    if kind != metadata.value_type and (kind, metadata.value_type) not in _COMPATIBLE:
        return f"{kind} for a {metadata.value_type} widget"
    if kind == "double_value" and not math.isfinite(state.double_value):
        return "a number that is not finite"
    if kind == "double_array_value" and not all(math.isfinite(x) for x in state.double_array_value.data):
        return "a list with a number that is not finite"
    if kind == "json_value":
        try:
            json.loads(state.json_value)
        except (ValueError, RecursionError):
            return "text that is not JSON"
    return None


_last_logged = [b""]


def install() -> None:
    """Wrap Streamlit's intake and deserialization of widget values once per process."""
    _install_intake()
    original = WStates.__getitem__
    if getattr(original, _MARK, False):
        return

    def checked(self: WStates, k: str) -> Any:
        wstate = self.states.get(k)
        metadata = self.widget_metadata.get(k)
        if isinstance(wstate, Serialized) and metadata is not None:
            why = problem(wstate.value, metadata)
            if why is None:
                try:
                    return original(self, k)
                except KeyError:
                    raise
                except Exception as exc:
                    why = f"a value its widget cannot read ({type(exc).__name__})"
            seen = wstate.value.SerializeToString()
            if seen != _last_logged[0]:  # Streamlit reads a value several times per run: log it once
                _last_logged[0] = seen
                LOG.warning(
                    "Ignored a widget value from the browser: %s (widget %s).", why, metadata.id[-40:]
                )
            # Not deleted (Streamlit may be iterating over these states): unreadable is what Streamlit already
            # does with a value it has no widget for, so the widget keeps its previous value or its default.
            raise KeyError(k)
        return original(self, k)

    setattr(checked, _MARK, True)
    WStates.__getitem__ = checked  # type: ignore[method-assign]


def _install_intake() -> None:
    """Drop values the browser sends under an id that is not a widget id (see the module docstring)."""
    original = WStates.set_widget_from_proto
    if getattr(original, _MARK, False):
        return

    def intake(self: WStates, widget_state: WidgetState) -> None:
        # A component's event (st.components.v2: ui/widgets/ballot_memory.py) is "$$STREAMLIT_INTERNAL_KEY_<widget id>__…".
        if not is_element_id(widget_state.id.removeprefix(_COMPONENT_EVENT)):
            LOG.warning(
                "Ignored a value from the browser under an id that is no widget (%r).", widget_state.id[:40]
            )
            return
        original(self, widget_state)

    setattr(intake, _MARK, True)
    WStates.set_widget_from_proto = intake  # type: ignore[method-assign]
