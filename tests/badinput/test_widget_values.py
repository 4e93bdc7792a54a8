"""Door: widget values sent over the websocket. A hand-made message may carry any protobuf value kind for any
widget; whatever it carries, the page gets a value of the type its widget promises (or the default), the
server logs one line, and no traceback reaches the page or the log."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates
from streamlit.testing.v1 import AppTest

SCRIPT = """
import ui  # installs the guard, as every page does
import streamlit as st

count = st.number_input("Aantal", min_value=0, max_value=100, value=3, key="aantal")
share = st.number_input("Aandeel", min_value=0.0, max_value=1.0, value=0.5, key="aandeel")
agree = st.checkbox("Eens", key="eens")
themes = st.multiselect("Thema's", ["1.1", "1.3"], key="themas")
st.write(f"som={count + 1} aandeel={share * 2:.2f} eens={bool(agree)} themas={len(themes)}")
"""


def _set(kind: str, value: object) -> Callable[[WidgetState], None]:
    def apply(state: WidgetState) -> None:
        if kind.endswith("array_value"):
            getattr(state, kind).data.extend(value)  # type: ignore[call-overload]
        else:
            setattr(state, kind, value)

    return apply


CASES = {
    "string-for-int": ("aantal", _set("string_value", "veel")),
    "nan-for-float": ("aandeel", _set("double_value", float("nan"))),
    "infinity-for-float": ("aandeel", _set("double_value", float("inf"))),
    "string-for-checkbox": ("eens", _set("string_value", "ja")),
    "numbers-for-multiselect": ("themas", _set("double_array_value", [float("nan")])),
}


@pytest.fixture
def app(tmp_path: Path) -> AppTest:
    script = tmp_path / "widgets.py"
    script.write_text(SCRIPT, encoding="utf-8")
    at = AppTest.from_file(str(script), default_timeout=30)
    at.run()
    assert not at.exception
    return at


def _widget_id(at: AppTest, key: str) -> str:
    for widget in (*at.number_input, *at.checkbox, *at.multiselect):
        if widget.key == key:
            return str(widget.id)
    raise AssertionError(key)


@pytest.mark.parametrize("case", sorted(CASES))
def test_wrong_widget_value_is_ignored_with_a_log_line(
    case: str, app: AppTest, caplog: pytest.LogCaptureFixture
) -> None:
    key, apply = CASES[case]
    states = WidgetStates()
    state = states.widgets.add()
    state.id = _widget_id(app, key)
    apply(state)
    with caplog.at_level(logging.WARNING, logger="ivp.widgets"):
        app._run(states)
    assert not app.exception, app.exception
    assert app.markdown[-1].value == "som=4 aandeel=1.00 eens=False themas=0"
    lines = [r for r in caplog.records if r.name == "ivp.widgets"]
    assert len(lines) >= 1 and "Ignored a widget value" in lines[0].getMessage()
    assert not any(r.exc_info for r in caplog.records)


def test_right_widget_value_still_counts(app: AppTest) -> None:
    app.number_input(key="aantal").set_value(7).run()
    assert app.markdown[-1].value.startswith("som=8 ")


def test_a_whole_number_for_a_float_input_counts_as_the_browser_sends_it(
    app: AppTest, caplog: pytest.LogCaptureFixture
) -> None:
    """Streamlit's front end sends a whole number typed into a float input as `int_value` (the phone ballot
    does): that is a right value, not a forged one."""
    states = WidgetStates()
    state = states.widgets.add()
    state.id = _widget_id(app, "aandeel")
    state.int_value = 1
    with caplog.at_level(logging.WARNING, logger="ivp.widgets"):
        app._run(states)
    assert not app.exception, app.exception
    assert app.markdown[-1].value == "som=4 aandeel=2.00 eens=False themas=0"
    assert not [r for r in caplog.records if r.name == "ivp.widgets"]
