"""Streamlit fills an empty choice with English ("Choose options", "Choose an option") unless the page gives
a placeholder; a coordinator saw "Choose options" above the municipalities of an import."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _calls_without_placeholder(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in ("multiselect", "selectbox"):
            continue
        keywords = {k.arg: k.value for k in node.keywords}
        if "placeholder" in keywords:
            continue
        index = keywords.get("index")
        empty_at_start = isinstance(index, ast.Constant) and index.value is None
        if node.func.attr == "multiselect" or empty_at_start:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.func.attr}")
    return found


def test_every_choice_that_can_be_empty_has_a_dutch_placeholder() -> None:
    files = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "ui").rglob("*.py"))]
    assert [call for path in files for call in _calls_without_placeholder(path)] == []
