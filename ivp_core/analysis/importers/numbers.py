"""Cell values as numbers: strict, so a value that is not a number is an error with its place, never a
silent zero; StatLine's `.` means unknown, and a count column refuses thousands separators and negatives.
"""

from __future__ import annotations

import math
import re

UNKNOWN_MARKERS = {".", ""}
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


def parse_number(raw: str, decimal_comma: bool = False) -> tuple[float | None, bool]:
    """(value, ok): `.` and empty mean unknown (None, ok); anything else must be a plain number."""
    text = raw.strip()
    if text in UNKNOWN_MARKERS:
        return None, True
    if not _NUMBER.match(text):
        return None, False
    if "," in text:
        if not decimal_comma:
            return None, False
        text = text.replace(",", ".")
    value = float(text)
    if not math.isfinite(value):  # 400 nines overflow to inf: too large to be a count or a share
        return None, False
    return value, True


#: `1.296` in a count column: a Dutch thousands separator, not a decimal (counts are whole numbers).
THOUSANDS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")
COUNT_UNITS = {"aantal"}


def count_problem(raw: str, value: float | None) -> tuple[str, str] | None:
    """(message, action) when a value in a count column cannot be a count; None when it can."""
    text = raw.strip()
    if THOUSANDS.match(text):
        return (
            f"'{text}' lijkt een getal met een punt als scheiding voor duizendtallen; dit is een kolom met "
            "aantallen.",
            f"Schrijf het aantal zonder punt ({text.replace('.', '')}); zet in Excel bij 'Celeigenschappen' "
            "de optie 'Scheidingsteken voor duizendtallen' uit.",
        )
    if value is not None and value < 0:
        return (
            f"'{text}' is een negatief aantal.",
            "Een aantal kan niet kleiner zijn dan 0; controleer de regel in de bron en verbeter het bestand.",
        )
    return None
