"""The rooms of ivp_core import downwards only, and the core never imports streamlit; ui/ has a shell below its
widgets; pages stay off the storage room, and the core's public functions do not pass untyped dicts.

The order is the method's: a later step may use an earlier one, never the other way round. A new module in
a room is checked without listing it here; a new room must be placed in ``ORDER`` first.

The target shape of issue 24: a page calls named use cases that own their database scope and return typed
view models, so a page has no reason to import ``ivp_core.storage`` (no ``session_scope``, no model); and a
core function's public signature names its types instead of ``dict[str, Any]``. Today's offenders are
listed by name below. These lists may only shrink: a test fails when new code adds to them, and also when
an entry is no longer needed, so whoever fixes one removes it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "ivp_core"
PAGES = ROOT / "pages"

#: Lowest first. Top-level modules that serve all (catalogue, config) are the floor; cli and startup the roof.
ORDER: tuple[str, ...] = (
    "errors",
    "edits",
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
            assert ast.get_docstring(ast.parse(package.read_text(encoding="utf-8"))), (
                f"{room} says what it is for"
            )


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


# ------------------------------------------------------------------------------ the two rooms of ui/

UI = ROOT / "ui"


@pytest.mark.parametrize("path", sorted(UI.rglob("*.py")), ids=lambda p: str(p.relative_to(UI)))
def test_the_shell_does_not_use_widgets_and_no_ui_module_uses_a_page(path: Path) -> None:
    """The frame (`ui.shell`) is below the widgets, which are below the pages: no import points back up."""
    imports = _imports(path)
    assert not any(name == "pages" or name.startswith("pages.") for name in imports)
    if path.relative_to(UI).parts[0] == "shell":
        assert not any(name.startswith("ui.widgets") for name in imports), (
            "the shell must not import a widget"
        )
    assert path.parent in (UI, UI / "shell", UI / "widgets"), "a ui module belongs in ui/shell or ui/widgets"


# ------------------------------------------------------------------------------ pages and the storage room

#: Pages that still import from the storage room, with what they import. May only shrink (see above).
PAGES_USING_STORAGE: dict[str, frozenset[str]] = {}


def _storage_imports(path: Path) -> set[str]:
    """Every name a file takes from the storage room, as ``ivp_core.storage.<module>.<name>``."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(
                a.name
                for a in node.names
                if a.name == "ivp_core.storage" or a.name.startswith("ivp_core.storage.")
            )
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "ivp_core":
                found.update(f"ivp_core.{a.name}" for a in node.names if a.name == "storage")
            elif node.module == "ivp_core.storage" or node.module.startswith("ivp_core.storage."):
                found.update(f"{node.module}.{a.name}" for a in node.names)
    return found


@pytest.mark.parametrize("path", sorted(PAGES.glob("*.py")), ids=lambda p: p.name)
def test_a_page_does_not_reach_into_storage(path: Path) -> None:
    """A page renders what a use case returns; the use case opens the database scope and reads the models."""
    used = _storage_imports(path)
    allowed = PAGES_USING_STORAGE.get(path.name, frozenset())
    assert used <= allowed, (
        f"pages/{path.name} imports {sorted(used - allowed)} from ivp_core.storage: call a use case of the core "
        "that owns its session_scope and returns a view model instead"
    )
    assert allowed <= used, (
        f"pages/{path.name} no longer needs {sorted(allowed - used)}: remove it from the list"
    )


def test_the_storage_allow_list_names_existing_pages() -> None:
    assert {name for name in PAGES_USING_STORAGE if not (PAGES / name).exists()} == set()


# ------------------------------------------------------------------------ untyped dicts across a room

#: Public core functions whose signature still takes or returns ``dict[str, Any]``, per file. May only shrink.
#: (``to_dict``/``from_dict`` are exempt: that is where a typed value meets JSON, which is their job.)
UNTYPED_DICT_SIGNATURES: dict[str, frozenset[str]] = {
    # a row of any table as the backup file holds it (column name → value): each table's shape is its model's
    "backup/archive.py": frozenset({"canonical_content"}),
    "backup/bulk.py": frozenset({"BulkTable.prepare"}),
    "backup/export.py": frozenset({"table_rows"}),
    "backup/meaning.py": frozenset({"MeaningChecker.check"}),
    "backup/reader.py": frozenset({"BackupFile.rows"}),
    # catalogue.yaml and the demo's YAML as read, before they are checked and turned into typed values
    "catalogue.py": frozenset({"parse_catalogue"}),
    "demo/municipality.py": frozenset(
        {"add_analysis", "add_population", "add_sessions", "add_stap1_facts", "read_yaml"}
    ),
}
_SERIALISERS = frozenset({"to_dict", "from_dict"})


def _untyped_dict_signatures(path: Path) -> set[str]:
    """Public functions and public methods of public classes whose parameters or result are dict[str, Any]."""
    found: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        functions: list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]] = []
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            functions = [(node.name, node)]
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            functions = [
                (f"{node.name}.{f.name}", f)
                for f in node.body
                if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef) and f.name not in _SERIALISERS
            ]
        for name, function in functions:
            if name.rsplit(".", 1)[-1].startswith("_"):
                continue
            args = function.args
            params = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
            annotations = [p.annotation for p in params if p is not None and p.annotation is not None]
            annotations += [function.returns] if function.returns is not None else []
            if any("dict[str, Any]" in ast.unparse(a).replace("Dict[", "dict[") for a in annotations):
                found.add(name)
    return found


def _public_core_files() -> list[Path]:
    """The modules a room shows to other rooms: not private (``_name``), not a migration."""
    return [
        p
        for p in _core_files()
        if not any(part.startswith("_") for part in p.relative_to(CORE).with_suffix("").parts)
    ]


@pytest.mark.parametrize("path", _public_core_files(), ids=lambda p: str(p.relative_to(CORE)))
def test_no_untyped_dict_crosses_a_room(path: Path) -> None:
    """A room hands other rooms named types (a dataclass, a TypedDict), not ``dict[str, Any]``."""
    key = str(path.relative_to(CORE))
    found = _untyped_dict_signatures(path)
    allowed = UNTYPED_DICT_SIGNATURES.get(key, frozenset())
    assert found <= allowed, (
        f"{key}: {sorted(found - allowed)} take or return dict[str, Any]; give the value a type of its own"
    )
    assert allowed <= found, f"{key}: {sorted(allowed - found)} no longer do: remove them from the list"


def _room_of(key: str) -> Path:
    """The room folder (or top-level module) an allow-list key belongs to: ``backup/reader.py`` → ivp_core/backup."""
    first = Path(key).parts[0]
    return CORE / first


def test_what_still_passes_a_dict_stays_inside_its_own_room() -> None:
    """The allow-list is for a room's inner workings (a backup row of any table, YAML as read): no module
    outside the room, in the core or the app, may call such a function or use such a class."""
    outside_code = [
        p
        for p in [*CORE.rglob("*.py"), *(ROOT / "ui").rglob("*.py"), *PAGES.glob("*.py"), ROOT / "app.py"]
        if "migrations" not in p.parts
    ]
    leaks = []
    for key, names in UNTYPED_DICT_SIGNATURES.items():
        room = _room_of(key)
        for qualified in names:
            name = qualified.split(".")[0]  # a method is reached through its class
            pattern = re.compile(rf"\b{re.escape(name)}\b")
            for path in outside_code:
                inside = path == room or room in path.parents
                if not inside and pattern.search(path.read_text(encoding="utf-8")):
                    leaks.append(f"{path.relative_to(ROOT)} uses {qualified} ({key})")
    assert leaks == [], "a dict[str, Any] crosses a room: give it a type of its own"


def test_the_dict_allow_list_names_existing_modules() -> None:
    assert {key for key in UNTYPED_DICT_SIGNATURES if not (CORE / key).exists()} == set()
