"""Stap 6: the one rule that says whether an effect indicator is on course (docs/voortgang.md).

Why one pure function: the Voortgang page, the command line and the voortgangsrapportage all print the verdict,
and a raad must get the same word everywhere. The rule:

* The expected path is the straight line from the nulmeting (baseline year, value) to the streefwaarde
  (target year, value). In a year ``y`` the line's value is ``baseline + (target - baseline) * (y - b) / (t - b)``
  (after the target year: the streefwaarde itself).
* Only a measurement of a year after the nulmeting counts; the latest such year is judged. Without one the
  verdict is "nog geen nieuwe meting".
* The good direction is the direction from nulmeting to streefwaarde. The latest value is "op koers" when it
  is on the line or on the good side of it, otherwise "achter op schema".
* A survey figure (Veiligheidsmonitor) has a margin (its 95% interval, low–high). When the line's value lies
  inside that margin, the difference cannot be told from chance, so it counts as "op koers".
* A streefwaarde equal to the nulmeting means "hold the level": on course while the value stays at the
  nulmeting (within the margin when there is one).
* A measured indicator without a streefwaarde (carried over into a new IVP, measured before its new target
  is set) is "nog geen streefwaarde". Unmeasured, it is "nog geen nieuwe meting" like any other: that is
  true, and it keeps a freshly carried-over list in the three words the page and the raad know.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

ON_COURSE: Final = "op koers"
BEHIND: Final = "achter op schema"
NO_MEASUREMENT: Final = "nog geen nieuwe meting"
NO_TARGET: Final = "nog geen streefwaarde"
VERDICTS: Final = (ON_COURSE, BEHIND, NO_MEASUREMENT, NO_TARGET)
#: Two floats this close are the same value (a figure stored as 12.5 and computed as 12.499999…).
EPSILON: Final = 1e-9


@dataclass(frozen=True)
class Measured:
    """A value of one year, with the survey's margin when the source gives one."""

    year: int
    value: float
    source: str = ""
    low: float | None = None
    high: float | None = None
    imported: bool = False  # from imported figures, not typed by hand


def expected_value(
    baseline_year: int, baseline_value: float, target_year: int, target_value: float, year: int
) -> float:
    """The straight line from nulmeting to streefwaarde in ``year`` (the streefwaarde after the target year)."""
    if year >= target_year or target_year <= baseline_year:
        return target_value
    share = (year - baseline_year) / (target_year - baseline_year)
    return baseline_value + (target_value - baseline_value) * share


def verdict(
    baseline_year: int | None,
    baseline_value: float | None,
    target_year: int | None,
    target_value: float | None,
    latest: Measured | None,
) -> str:
    """The plain word for how the indicator is doing; see the module's docstring for the rule."""
    if latest is None or (baseline_year is not None and latest.year <= baseline_year):
        return NO_MEASUREMENT
    if target_year is None or target_value is None or baseline_year is None or baseline_value is None:
        return NO_TARGET
    line = expected_value(baseline_year, baseline_value, target_year, target_value, latest.year)
    if (
        latest.low is not None
        and latest.high is not None
        and latest.low - EPSILON <= line <= latest.high + EPSILON
    ):
        return ON_COURSE
    direction = target_value - baseline_value
    if abs(direction) <= EPSILON:
        return ON_COURSE if abs(latest.value - line) <= EPSILON else BEHIND
    return ON_COURSE if (latest.value - line) * direction >= -EPSILON else BEHIND
