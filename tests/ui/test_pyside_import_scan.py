"""PySide6 does not read the source of the modules CrisisDesk imports after it.

PySide6 asks, after every import, whether the new module uses PySide, and answers by reading
its whole source file (`crisisdesk/pyside_import_scan.py` says why that costs ~100 ms while the
main window's modules load). The app answers from the module's names instead.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "crisisdesk"

# Counts the modules whose source PySide6's import hook reads (`inspect.getsource` called from
# its feature module) while the main window's modules are imported, as `crisisdesk` does after
# the unlock dialog is up.
PROBE = r"""
import inspect, json, sys
import PySide6.QtWidgets
if sys.argv[1] == "stock":  # PySide6 as it comes: crisisdesk.ui leaves the scan on
    import crisisdesk.pyside_import_scan
    crisisdesk.pyside_import_scan.skip_source_scan = lambda: False
import crisisdesk.app  # what the app imports first: crisisdesk.ui turns the scan off
read = []
real = inspect.getsource
def counting(obj):
    if "feature" in sys._getframe(1).f_code.co_filename:
        read.append(getattr(obj, "__name__", "?"))
    return real(obj)
inspect.getsource = counting
before = set(sys.modules)
import crisisdesk.ui.main_window
new = sorted(set(sys.modules) - before)
print(json.dumps({"read": read, "new": len(new)}))
"""


def _probe(mode: str) -> tuple[list[str], int]:
    """(the modules whose source PySide6 read, how many modules were imported)"""
    out = subprocess.run([sys.executable, "-c", PROBE, mode], capture_output=True, text=True,
                         check=True, timeout=120,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return list(result["read"]), int(result["new"])


def test_the_main_window_modules_load_without_pyside_reading_their_source() -> None:
    stock_read, _ = _probe("stock")
    # PySide6 still scans (if a release stops, this says so: the module can then go)
    assert len(stock_read) > 100, stock_read
    read, imported = _probe("app")
    assert imported > 300  # the main window's modules
    assert read == [], f"PySide6 read the source of {read[:5]}"


def _top_level_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names: set[str] = set()
    for node in tree.body:  # module level only: a function's import runs later
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_a_module_is_said_to_use_pyside_exactly_when_it_imports_it_at_module_level() -> None:
    import importlib

    from crisisdesk.pyside_import_scan import uses_pyside

    checked = 0
    paths = sorted((PACKAGE / "ui").rglob("*.py")) + sorted((PACKAGE / "printing").glob("*.py"))
    for path in paths:
        if path.name == "__init__.py":
            continue
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        module = importlib.import_module(name)
        imports_qt = any(n.split(".")[0] == "PySide6" for n in _top_level_imports(path))
        assert uses_pyside(module) == imports_qt, name
        checked += 1
    assert checked > 100
