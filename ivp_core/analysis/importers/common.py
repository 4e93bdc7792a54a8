"""What every figure reader produces: one FigureRow per value, with its kind and source.

Each step of a figure file's way lives in its own module, in the order the file passes them: decoding
(bytes to text), sources (CSV rows and headers), then the cells (numbers, periods, regions), the readers per
format, the preview and the write. This module is the shape they all hand on.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# plan/indicators.py (another engineer's file) imports parse_number from here; to go once it imports numbers
from ivp_core.analysis.importers.numbers import parse_number as parse_number

KIND_OBJECTIVE = "objectief"
KIND_SUBJECTIVE = "subjectief"
KINDS = (KIND_OBJECTIVE, KIND_SUBJECTIVE)
POPULATION_INDICATOR = "Inwoners"


class FigureRow(NamedTuple):
    """One value ready to be stored as a Figure; `line` points back to where it came from in the file.

    A named tuple, not a frozen dataclass: a download kept whole makes 10^5 of them, and a frozen dataclass's
    `__init__` (one `object.__setattr__` per field) took 0.7 s for 152,000."""

    region_code: str
    theme_code: str | None
    indicator: str
    year: int
    value: float | None
    unit: str
    source: str
    kind: str = KIND_OBJECTIVE
    margin_low: float | None = None
    margin_high: float | None = None
    line: int | None = None

    @property
    def key(self) -> tuple[str, str, int, str]:
        return (self.region_code, self.indicator, self.year, self.source)


def source_from_filename(filename: str, fallback: str) -> str:
    """Name the source after the StatLine table id in the file name (`47013NED`) when there is one."""
    match = re.search(r"(\d{5}[A-Z]{3})", filename.upper())
    return f"{fallback} ({match.group(1)})" if match else fallback
