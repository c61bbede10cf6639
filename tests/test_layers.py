"""The layer rule is executable: lower layers never load Qt, and domain does no SQL or I/O."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "crisisdesk"


@pytest.mark.parametrize("module", ["crisisdesk.domain", "crisisdesk.store",
                                    "crisisdesk.services", "crisisdesk.cli"])
def test_lower_layers_load_no_pyside(module: str) -> None:
    pkg = PACKAGE / module.split(".")[1]
    modules = [module] + sorted(
        f"{module}.{p.relative_to(pkg).with_suffix('').as_posix().replace('/', '.')}"
        for p in pkg.rglob("*.py") if p.name != "__init__.py"
    )
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.strip() == "", f"{module} loaded {out.stdout.strip()}"


ALLOWED = {"domain": {"crisisdesk.domain"}, "store": {"crisisdesk.domain", "crisisdesk.store",
           "crisisdesk.paths"},
           "services": {"crisisdesk.domain", "crisisdesk.store", "crisisdesk.services",
                        "crisisdesk.paths"}}
FORBIDDEN_IN_DOMAIN = {"sqlite3", "sqlcipher3", "sqlite_utils", "PySide6", "os", "pathlib",
                       "io", "shutil", "socket", "subprocess", "openpyxl", "csv"}


def _imports(path: Path, *, submodules: bool = False) -> set[str]:
    """Every module the file imports; with `submodules`, also `pkg.name` for each
    `from pkg import name` (which may be a module)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            if submodules:
                names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_imports_point_downward_only(layer: str) -> None:
    for path in (PACKAGE / layer).rglob("*.py"):
        for name in _imports(path):
            if name.startswith("crisisdesk."):
                assert any(name == a or name.startswith(a + ".") for a in ALLOWED[layer]), (
                    f"{path.relative_to(PACKAGE)} imports {name}")


def test_domain_does_no_io_or_sql() -> None:
    for path in (PACKAGE / "domain").rglob("*.py"):
        for name in _imports(path):
            assert name.split(".")[0] not in FORBIDDEN_IN_DOMAIN, (
                f"{path.relative_to(PACKAGE)} imports {name}")


def _imports_in(folder: str) -> list[tuple[str, str]]:
    """(file, imported module) for every import in the folder, module-level or inside a
    function (a lazy import is still a dependency)."""
    return [(str(path.relative_to(PACKAGE)), name)
            for path in sorted((PACKAGE / folder).rglob("*.py")) for name in _imports(path)]


# Printing draws with QPainter on QPdfWriter/QImage: QtGui and QtCore only, never widgets or
# the print-dialog module, and never the ui package, so the CLI can print without a screen.
PRINTING_ALLOWED = ("crisisdesk.domain", "crisisdesk.printing", "crisisdesk.services",
                    "crisisdesk.pyside_import_scan",
                    "crisisdesk.store.files", "crisisdesk.paths", "PySide6.QtGui",
                    "PySide6.QtCore")
# The CLI calls services; of the store it may use only the platform pieces that are not data
# access (error classification, the OS keychain, atomic file writes), as the GUI does.
CLI_ALLOWED = ("crisisdesk.domain", "crisisdesk.services", "crisisdesk.cli", "crisisdesk.paths",
               "crisisdesk.printing", "crisisdesk.app", "crisisdesk.store.errors",
               "crisisdesk.store.keychain", "crisisdesk.store.files")


def _allowed(name: str, allowed: tuple[str, ...]) -> bool:
    return any(name == a or name.startswith(a + ".") for a in allowed)


def test_printing_uses_qtgui_and_lower_layers_only() -> None:
    bad = [(f, n) for f, n in _imports_in("printing")
           if n.startswith(("crisisdesk.", "PySide6")) and not _allowed(n, PRINTING_ALLOWED)]
    assert bad == []


def test_cli_calls_services_not_the_store_or_widgets() -> None:
    bad = [(f, n) for f, n in _imports_in("cli")
           if (n.startswith("crisisdesk.") and not _allowed(n, CLI_ALLOWED))
           or n.startswith("PySide6")]
    assert bad == []


SQL_START = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|REPLACE|PRAGMA|CREATE|DROP|ALTER|"
                       r"VACUUM|ATTACH|WITH)\s+\S")
DB_CALLS = {"execute", "executemany", "executescript", "query", "table", "rows_where"}


def test_services_hold_no_sql() -> None:
    found = []
    for path in sorted((PACKAGE / "services").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and SQL_START.match(node.value):
                found.append((str(path.relative_to(PACKAGE)), node.lineno, node.value[:40]))
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in DB_CALLS:
                found.append((str(path.relative_to(PACKAGE)), node.lineno, node.func.attr))
    assert found == [], "SQL belongs in crisisdesk/store"


def _module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_cycles(folder: Path, root: Path = PACKAGE.parent) -> list[list[str]]:
    """Groups of modules in `folder` (under import root `root`) that import each other,
    directly or round a loop."""
    files = {_module_name(p, root): p for p in folder.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        deps = _imports(path, submodules=True)
        graph[name] = {d for d in deps if d in files and d != name}
    # Tarjan's strongly connected components: every component of two or more is a cycle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return cycles


def test_import_cycle_finder_finds_a_loop(tmp_path: Path) -> None:
    pkg = tmp_path / "crisisdesk" / "services"
    (pkg / "trees").mkdir(parents=True)
    (pkg / "a.py").write_text("from crisisdesk.services.trees import b\n")
    (pkg / "trees" / "b.py").write_text("def f():\n    from crisisdesk.services import c\n")
    (pkg / "c.py").write_text("import crisisdesk.services.a\n")
    (pkg / "d.py").write_text("from crisisdesk.services import a\n")
    assert import_cycles(pkg, tmp_path) == [["crisisdesk.services.a", "crisisdesk.services.c",
                                             "crisisdesk.services.trees.b"]]


@pytest.mark.parametrize("layer", ["domain", "store", "services", "printing", "cli"])
def test_no_import_cycles(layer: str) -> None:
    assert import_cycles(PACKAGE / layer) == []
