"""The rooms of ivp_core import downwards only, and the core never imports streamlit.

The order is the method's: a later step may use an earlier one, never the other way round. A new module in
a room is checked without listing it here; a new room must be placed in ``ORDER`` first.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[1] / "ivp_core"

#: Lowest first. Top-level modules that serve all (catalogue, config) are the floor; cli and startup the roof.
ORDER: tuple[str, ...] = (
    "errors",
    "config",
    "commands",
    "dutch",
    "catalogue",
    "vocabulary",
    "storage",
    "access",
    "trajectory",
    "analysis",
    "consultation",
    "advice",
    "plan",
    "report",
    "backup",
    "demo",
    "startup",
    "cli",
    "__main__",
)


def _room(module: str) -> str:
    """The room of a dotted module under ivp_core (``ivp_core.consultation.live`` → ``consultation``)."""
    return module.split(".")[1]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "ivp_core":
                found.update(f"ivp_core.{alias.name}" for alias in node.names)
            else:
                found.add(node.module)
    return found


def _core_files() -> list[Path]:
    return sorted(p for p in CORE.rglob("*.py") if "migrations" not in p.parts and p != CORE / "__init__.py")


def test_every_room_has_a_place_and_a_docstring() -> None:
    rooms = {p.stem if p.is_file() else p.name for p in CORE.iterdir() if not p.name.startswith((".", "_"))}
    assert rooms - set(ORDER) == set(), "a new room must be placed in ORDER"
    for room in ORDER:
        package = CORE / room / "__init__.py"
        if package.exists():
            assert ast.get_docstring(ast.parse(package.read_text(encoding="utf-8"))), f"{room} says what it is for"


@pytest.mark.parametrize("path", _core_files(), ids=lambda p: str(p.relative_to(CORE)))
def test_imports_point_downwards(path: Path) -> None:
    own = _room("ivp_core." + ".".join(path.relative_to(CORE).with_suffix("").parts))
    imports = _imports(path)
    assert not any(name == "streamlit" or name.startswith("streamlit.") for name in imports)
    upward = sorted(
        name
        for name in imports
        if name.startswith("ivp_core.") and ORDER.index(_room(name)) > ORDER.index(own)
    )
    assert upward == [], f"{own} must not import a later room"
