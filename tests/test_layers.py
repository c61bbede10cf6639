"""The layer rule is executable: lower layers never load Qt, and domain does no SQL or I/O."""

from __future__ import annotations

import ast
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


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
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
