"""The verdict rule of docs/voortgang.md, by hand-computed examples."""

from __future__ import annotations

import pytest

from ivp_core.plan.verdict import (
    BEHIND,
    NO_MEASUREMENT,
    NO_TARGET,
    ON_COURSE,
    Measured,
    expected_value,
    verdict,
)


def test_the_line_runs_straight_from_nulmeting_to_streefwaarde() -> None:
    """12.5 in 2024 to 9.0 in 2030: 3.5 down in 6 years; in 2027 halfway: 10.75; after 2030 the target."""
    assert expected_value(2024, 12.5, 2030, 9.0, 2027) == pytest.approx(10.75)
    assert expected_value(2024, 12.5, 2030, 9.0, 2024) == pytest.approx(12.5)
    assert expected_value(2024, 12.5, 2030, 9.0, 2032) == pytest.approx(9.0)


def test_on_the_line_or_better_is_op_koers_worse_is_achter() -> None:
    line_2026 = 12.5 - 3.5 * 2 / 6  # 11.333…
    assert verdict(2024, 12.5, 2030, 9.0, Measured(2026, line_2026)) == ON_COURSE
    assert verdict(2024, 12.5, 2030, 9.0, Measured(2026, 11.0)) == ON_COURSE  # lower is the good side
    assert verdict(2024, 12.5, 2030, 9.0, Measured(2026, 11.8)) == BEHIND
    # a rising target (a rapportcijfer from 6.8 to 7.4): higher is the good side
    assert verdict(2024, 6.8, 2028, 7.4, Measured(2026, 7.2)) == ON_COURSE
    assert verdict(2024, 6.8, 2028, 7.4, Measured(2026, 6.9)) == BEHIND


def test_a_survey_margin_that_holds_the_line_counts_as_op_koers() -> None:
    """Line in 2026 for 20 % → 16 % (2024–2028): 18 %. Measured 18.9 % with margin 17.6–20.2: the line lies
    inside the margin, so the difference is not measurable. With margin 18.5–19.3 it is."""
    assert verdict(2024, 20.0, 2028, 16.0, Measured(2026, 18.9, low=17.6, high=20.2)) == ON_COURSE
    assert verdict(2024, 20.0, 2028, 16.0, Measured(2026, 18.9, low=18.5, high=19.3)) == BEHIND


def test_no_later_measurement_and_no_target() -> None:
    assert verdict(2024, 12.5, 2030, 9.0, None) == NO_MEASUREMENT
    assert verdict(2024, 12.5, 2030, 9.0, Measured(2024, 10.0)) == NO_MEASUREMENT
    assert verdict(2024, 12.5, None, None, Measured(2026, 10.0)) == NO_TARGET
    # carried over into a new IVP, not yet measured again: in the page's words, not "nog geen streefwaarde"
    assert verdict(2024, 12.5, None, None, None) == NO_MEASUREMENT
    assert verdict(2024, 12.5, None, None, Measured(2024, 12.5)) == NO_MEASUREMENT


def test_holding_the_level() -> None:
    assert verdict(2024, 7.0, 2028, 7.0, Measured(2026, 7.0)) == ON_COURSE
    assert verdict(2024, 7.0, 2028, 7.0, Measured(2026, 6.5)) == BEHIND
    assert verdict(2024, 7.0, 2028, 7.0, Measured(2026, 6.5, low=6.0, high=7.1)) == ON_COURSE
