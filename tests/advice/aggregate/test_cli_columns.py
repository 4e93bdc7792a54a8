"""The column-wise ballots CSV reading gives the same sessions and the same first message as the row-by-row one.

The oracle is the former code (rowwise_reference.py). Tricky input: byte-order mark, semicolons, CRLF,
blank and whitespace-only lines, lines of empty cells, quoted fields (with delimiters and line breaks,
which shift the line numbers), duplicate rows, missing values and every kind of bad cell.
"""

from __future__ import annotations

import csv
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ivp_core.advice.aggregate.ballot_file import InputError, _clean_rows, build_sessions, read_rows
from ivp_core.advice.aggregate.model import SessionBallots
from ivp_core.consultation.ballots import Method

from .helpers import THEMES22
from .rowwise_reference import build_sessions as old_build_sessions
from .rowwise_reference import read_rows as old_read_rows

HEADER = ("group", "participant", "theme", "value")
SETTINGS: dict[str, dict[str, Any]] = {
    "rating": {"scale_min": 1, "scale_max": 5},
    "points": {"budget": 10},
    "ranking": {"k": 22},
}

Outcome = tuple[str, Any]


def outcome(read: Any, build: Any, text: str, method: Method, budget_given: bool) -> Outcome:
    """('ok', sessions) or ('error', message); a crash of the CSV reader is ('csv', None).

    The text is decoded as the command decodes a file, which drops a byte-order mark.
    """
    text = text.encode("utf-8").decode("utf-8-sig")
    s = dict(SETTINGS[method]) if budget_given or method != "points" else {"budget": None}
    try:
        rows = read(text, THEMES22)
        sessions: list[SessionBallots] = build(rows, method, s, THEMES22, budget_given)
    except InputError as exc:
        if "geen leesbare CSV" in str(exc):
            return ("csv", None)
        return ("error", str(exc))
    except csv.Error:
        return ("csv", None)
    return ("ok", sessions)


def assert_same(text: str, method: Method = "rating", budget_given: bool = False) -> Outcome:
    old = outcome(old_read_rows, old_build_sessions, text, method, budget_given)
    new = outcome(read_rows, build_sessions, text, method, budget_given)
    assert new == old, text
    return new


GOOD = "group,participant,theme,value\nraad,r1,1.1,5\nraad,r1,1.3,4\nraad,r2,1.1,\ninwoners,i1,3.1,2\n"

CASES = {
    "plain": (GOOD, "ok"),
    "bom": ("\ufeff" + GOOD, "ok"),
    "semicolons": (GOOD.replace(",", ";"), "ok"),
    "crlf": (GOOD.replace("\n", "\r\n"), "ok"),
    "no final newline": (GOOD.rstrip("\n"), "ok"),
    "blank lines": (GOOD.replace("\nraad,r2", "\n\n   \n\t\nraad,r2"), "ok"),
    "lines of empty cells": (GOOD + ",,,\n , ,\t, \n,,\n", "ok"),
    "spaces around cells": (GOOD + " raad , r3 , 2.1 , 3 \n", "ok"),
    "header in capitals, other order": ("Value, Theme ,GROUP,participant\n5,1.1,raad,r1\n", "ok"),
    "quoted fields": ('group,participant,theme,value\n"raad","r,1","1.1","5"\n"raad","r""2",1.2,\n', "ok"),
    "quoted line break shifts lines": (
        'group,participant,theme,value\nraad,"r\n1",1.1,5\nraad,r2,9.9,1\n',
        "error",
    ),
    "duplicate row": (GOOD + "raad,r1,1.3,4\n", "error"),
    "missing value everywhere": ("group,participant,theme,value\nraad,r1,1.1,\nraad,r1,1.2, \n", "ok"),
    "missing group": (GOOD + ",r9,1.1,3\n", "error"),
    "missing theme after a bad value": (GOOD + "raad,r9,,x\n", "error"),
    "unknown theme": (GOOD + "raad,r9,1.10,3\n", "error"),
    "value not a number": (GOOD + "raad,r9,1.1,drie\n", "error"),
    "value nan": (GOOD + "raad,r9,1.1,NaN\n", "error"),
    "value out of scale": (GOOD + "raad,r9,1.1,6\n", "error"),
    "value not whole": (GOOD + "raad,r9,1.1,2.5\n", "error"),
    "too many cells": (GOOD + "raad,r9,1.1,3,x\n", "error"),
    "one cell": (GOOD + "raad\n", "error"),
    "an error before a blank-looking error": (GOOD + "raad,r9,1.1,9\n,,,x\n", "error"),
    "only blank rows": ("group,participant,theme,value\n\n,,,\n", "error"),
    "lone carriage return": (GOOD + "raad,r9,1.1,3\rraad,r9,1.2,3\n", "csv"),
    "unclosed quote": (GOOD + 'raad,"r9,1.1,3\n', "error"),
}


@pytest.mark.parametrize(("text", "expected"), CASES.values(), ids=list(CASES))
def test_tricky_files_read_as_before(text: str, expected: str) -> None:
    assert assert_same(text)[0] == expected


def test_line_numbers_follow_quoted_line_breaks() -> None:
    text = CASES["quoted line break shifts lines"][0]
    assert assert_same(text) == ("error", "Regel 4, kolom 'theme': onbekend thema '9.9'. Geldig zijn de codes "
                                 "1.1 tot en met 5.5 uit Kernbeleid Veiligheid.")  # fmt: skip


def test_duplicate_names_the_first_line() -> None:
    _, message = assert_same(GOOD + "\nraad,r1,1.3,4\n")
    assert message == "Regel 7: deelnemer 'r1' (groep raad) heeft thema 1.3 al op regel 3."


RANKS = "group,participant,theme,value\nw,a,1.1,1\nw,a,1.2,2\nw,b,2.1,1\nw,b,1.1,2\n"


@pytest.mark.parametrize(
    ("text", "method", "budget_given"),
    [
        (RANKS, "ranking", False),
        (RANKS + "w,c,1.1,1\nw,c,1.2,1\n", "ranking", False),  # the same place twice
        (RANKS + "w,c,1.1,23\n", "ranking", False),
        (RANKS + "w,c,1.1,0\n", "ranking", False),
        (RANKS + "w,c,1.1,1.5\n", "ranking", False),
        (RANKS.replace(",2\n", ",-0\n"), "points", False),  # minus zero points are zero points
        (RANKS + "w,c,1.1,8\nw,c,1.2,4\n", "points", True),  # over the budget of 10
        (RANKS + "w,c,1.1,8\nw,c,1.2,4\n", "points", False),  # no budget: the most spent is the budget
        (RANKS + "w,c,1.1,-1\n", "points", False),
        (RANKS + "w,c,1.1,1e300\n", "points", True),
        (RANKS + "w,c,1.1,\nw,c,1.2,\n", "points", True),
    ],
)
def test_ballot_checks_as_before(text: str, method: Method, budget_given: bool) -> None:
    assert_same(text, method, budget_given)


def test_the_first_bad_ballot_is_reported_not_the_first_flagged_row() -> None:
    """Ballot order is the order of first appearance, even when a later row of an early ballot is bad."""
    text = "group,participant,theme,value\nraad,a,1.1,3\nraad,b,1.1,9\nraad,a,1.2,7\n"
    kind, message = assert_same(text)
    assert kind == "error" and message.startswith("Regel 4, kolom 'value'")


# ------------------------------------------------------------------------------------- generated input

#: (usual cells, tricky cells): a tricky one now and then, so that most files get as far as the ballot checks.
GROUPS = (["raad", "inwoners"], [" raad", "", "werk groep", '"q"'])
PEOPLE = (["p1", "p2", "p3"], ["", " p1 ", "p,4"])
THEMES = (["1.1", "1.2", "2.1", "5.5"], [" 1.1", "9.9", "", "1.10"])
VALUES = (
    ["1", "2", "3", "4", "5", ""],
    ["0", "-1", "-0", "2.5", " ", "nan", "inf", "x", "1e400", " 3 ", "10", "22", "23"],
)


def _cell(draw: st.DrawFn, pools: tuple[list[str], list[str]], delimiter: str, quoting: bool) -> str:
    """A cell, quoted as a spreadsheet would when ``quoting`` (else as is: it may split into two cells)."""
    text = draw(st.sampled_from(pools[draw(st.integers(0, 24)) == 0]))
    if quoting and (delimiter in text or '"' in text or draw(st.integers(0, 9)) == 0):
        return '"' + text.replace('"', '""') + '"'
    return text


@st.composite
def ballot_files(draw: st.DrawFn) -> str:
    delimiter = draw(st.sampled_from([",", ";"]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    quoting = draw(st.booleans())  # without quotes the command takes its fast path
    lines = [delimiter.join(HEADER)]
    for _ in range(draw(st.integers(0, 14))):
        kind = draw(st.integers(0, 39))
        if kind == 0:
            lines.append(draw(st.sampled_from(["", "  ", delimiter * 3, f" {delimiter}\t"])))
        elif kind == 1:
            lines.append(delimiter.join(draw(st.lists(st.sampled_from(VALUES[1]), min_size=1, max_size=5))))
        else:
            cells = [
                _cell(draw, GROUPS, delimiter, quoting),
                _cell(draw, PEOPLE, delimiter, quoting),
                _cell(draw, THEMES, delimiter, quoting),
                _cell(draw, VALUES, delimiter, quoting),
            ]
            lines.append(delimiter.join(cells))
    text = newline.join(lines) + draw(st.sampled_from([newline, ""]))
    return ("\ufeff" if draw(st.booleans()) else "") + text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=ballot_files(),
    method=st.sampled_from(["rating", "points", "ranking"]),
    budget_given=st.booleans(),
)
def test_generated_files_read_as_before(text: str, method: Method, budget_given: bool) -> None:
    assert_same(text, method, budget_given)


LONG = "group,participant,theme,value\n" + "".join(
    f"inwoners,deelnemer-{p:04d}-van-de-wijk-centrum,{t},{(p + i) % 5 + 1}\n"
    for p in range(40)
    for i, t in enumerate(THEMES22[:6])
)


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        (GOOD, True),
        (GOOD.replace(",", ";"), True),
        (GOOD.replace("\n", "\r\n"), True),
        (GOOD.rstrip("\n"), True),
        (LONG, True),  # participants of 35 bytes: five words per cell
        (LONG.replace("-van-de-wijk-centrum", "-" * 70), False),  # longer than a clean cell may be
        (GOOD + "raad,r3,2.1,3\n\n", False),  # a blank line
        (GOOD + "raad,r3 ,2.1,3\n", False),  # a space
        (GOOD + "raad,r3,2.1,zeven\n", False),  # a value that is no number
        (GOOD.replace("raad", "r\u00e4ad"), False),  # not ASCII
    ],
)
def test_clean_files_are_read_by_numpy_with_the_same_outcome(text: str, clean: bool) -> None:
    delimiter = ";" if ";" in text else ","
    assert (_clean_rows(text, delimiter, THEMES22) is not None) == clean
    for method in ("rating", "points", "ranking"):
        assert_same(text, method)  # type: ignore[arg-type]
