"""Checks run once per distinct cell (issue 18) must give every row the answer it would get on its own."""

from __future__ import annotations

import pandas as pd

from ivp_core.analysis.importers.distinct import Distinct


def test_trimmed_cells_are_one_value_and_results_spread_back_per_row() -> None:
    column = pd.Series(["GM0148    ", "NL01", "GM0148", "x1", "NL01  ", "GM0148    "], index=range(10, 16))
    cells = Distinct.of(column)
    assert sorted(cells.values) == ["GM0148", "NL01", "x1"]  # padding does not make a second value
    assert list(cells.categorical()) == [c.strip() for c in column]
    assert dict(zip(cells.values, cells.counts(), strict=True)) == {"GM0148": 3, "NL01": 2, "x1": 1}
    per_row = cells.spread(cells.values.str.startswith("GM"))
    assert per_row.index.tolist() == list(range(10, 16))  # aligned with the column
    per_row = per_row.to_numpy(dtype=bool)
    assert per_row.tolist() == [True, False, True, False, False, True]
    assert cells.cells(~per_row) == ["NL01", "x1", "NL01"]  # in row order, for the messages
