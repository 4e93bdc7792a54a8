"""The facilitator pages as app.py declares them, read from its source so a new page is covered automatically."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[2]


class PageSpec(NamedTuple):
    path: str
    title: str
    url_path: str
    icon: str


def declared_pages(list_name: str = "FACILITATOR_PAGES") -> list[PageSpec]:
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        target = node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        if isinstance(target, ast.Name) and target.id == list_name and node.value is not None:  # type: ignore[union-attr]
            specs = [PageSpec(*ast.literal_eval(item)) for item in node.value.elts]  # type: ignore[union-attr]
            assert specs, f"{list_name} is empty"
            return specs
    raise AssertionError(f"{list_name} not found in app.py")
