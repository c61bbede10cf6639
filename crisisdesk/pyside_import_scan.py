"""PySide6 reads the whole source of every module imported after it; this stops that.

Importing PySide6 replaces Python's `__import__` so that its opt-in `from __feature__ import
snake_case, true_property` can work per module. After every import it asks whether the new
module "uses PySide", and answers by reading the module's whole source file
(`inspect.getsource`, through `linecache`) and looking for the word "PySide6" in it
(`PySide6.support.feature._mod_uses_pyside`, PYSIDE-2029; the cost is described in
napari/napari#8584). CrisisDesk imports ~500 modules after PySide6: the main window's modules
took 430-450 ms to import with the scan here and 310-360 ms without, and the unlock dialog's
own modules are imported after PySide6 too, while the person waits for the first window.

The answer only matters to a module that selects a feature: a module that uses PySide gets
selection 0 (Qt's own names), any other -1 (left out of switching). CrisisDesk and its
libraries never select a feature, so every module sees Qt's own names either way. The answer
here comes from the module's name space instead of its file: a module holding a PySide6 module,
class or function uses PySide. `tests/ui/test_pyside_import_scan.py` checks that no source is
read, that the answers agree with PySide's own for our modules, and fails if a PySide6 release
renames the function (so the saving cannot vanish unnoticed).
"""

from __future__ import annotations

import sys
from types import ModuleType

_FEATURE_MODULE = "PySide6.support.feature"


def uses_pyside(module: ModuleType) -> bool:
    """Whether `module` holds anything from PySide6 at the top level, without reading its file."""
    for value in list(vars(module).values()):
        name = value.__name__ if isinstance(value, ModuleType) else getattr(value, "__module__", "")
        if isinstance(name, str) and name.startswith("PySide6"):
            return True
    return False


def skip_source_scan() -> bool:
    """Answer PySide6's per-import question from the name space (once PySide6 is imported);
    True when the scan is off."""
    feature = sys.modules.get(_FEATURE_MODULE)
    if feature is None or not hasattr(feature, "_mod_uses_pyside"):
        return False
    setattr(feature, "_mod_uses_pyside", uses_pyside)  # noqa: B010 (a private name of PySide6)
    return True
