from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ivp_core.consultation.pseudonyms import fill_pseudonyms
from ivp_core.report.safety import FORMULA_PREFIXES, neutralise


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+31 6 123", "'+31 6 123"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("gewoon", "gewoon"),
        ("", ""),
        (-0.5, -0.5),
        (3, 3),
        (None, None),
        (date(2026, 1, 2), date(2026, 1, 2)),
    ],
)
def test_neutralise(raw: object, expected: object) -> None:
    assert neutralise(raw) == expected


@given(st.text())
def test_neutralised_text_never_starts_like_a_formula(text: str) -> None:
    out = neutralise(text)
    assert isinstance(out, str) and not out.startswith(FORMULA_PREFIXES)
    assert out.removeprefix("'") == text or out == text


def test_pseudonyms_are_unique_and_stable() -> None:
    rows = [{"session_id": 1, "label": ""}, {"session_id": 1, "label": "D1"}, {"session_id": 2, "label": ""}]
    fill_pseudonyms(rows)
    assert [r["label"] for r in rows] == ["D2", "D1", "D1"]
