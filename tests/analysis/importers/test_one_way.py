"""A figure file's way through importers/ runs one way: each step imports only the steps before it.

The order is the file's: bytes are decoded, cut into CSV rows, their cells read as numbers, periods and
regions, shaped into FigureRows by the reader of its format, previewed, and written. A module that needs a
later one is a step taken back; a new module must be placed in ``STEPS`` first.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

IMPORTERS = Path(__file__).resolve().parents[3] / "ivp_core" / "analysis" / "importers"
PACKAGE = "ivp_core.analysis.importers"

#: First step first. Helpers the steps share (errors, distinct values, the indicator mapping) come before all.
STEPS: tuple[str, ...] = (
    "errors",
    "distinct",
    "mapping",
    "decoding",
    "sources",
    "numbers",
    "periods",
    "regions",
    "common",
    "table",
    "xlsx",
    "long_format",
    "veiligheidsmonitor",
    "statline",
    "labels",
    "preview",
    "bulk",
    "apply",
    "__init__",
)


def _steps_imported(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == PACKAGE:
            found.update(alias.name for alias in node.names if alias.name in STEPS)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(PACKAGE + "."):
            found.add(node.module.removeprefix(PACKAGE + ".").split(".")[0])
        elif isinstance(node, ast.Import):
            found.update(
                a.name.removeprefix(PACKAGE + ".").split(".")[0]
                for a in node.names
                if a.name.startswith(PACKAGE + ".")
            )
    return found


def test_every_module_is_a_step() -> None:
    assert {p.stem for p in IMPORTERS.glob("*.py")} == set(STEPS)


@pytest.mark.parametrize("step", STEPS)
def test_a_step_imports_only_earlier_steps(step: str) -> None:
    later = sorted(
        s for s in _steps_imported(IMPORTERS / f"{step}.py") if STEPS.index(s) >= STEPS.index(step)
    )
    assert later == [], f"importers/{step}.py imports a later step"
