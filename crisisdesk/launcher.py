"""How to type the `crisisdesk` command on this computer, for every hint the program prints.

`make run` installs CrisisDesk into the project's `.venv`, whose `bin/` is usually not on the
shell's PATH, so a hint saying just `crisisdesk ...` fails as typed. Hints use `command()`:
plain `crisisdesk` when that name on the PATH is this very installation, else the launcher
beside the running Python (e.g. `/home/me/crisisdesk/.venv/bin/crisisdesk`), else
`<python> -m crisisdesk`, which always works. Quoted for a POSIX shell.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path

NAME = "crisisdesk"


def _launcher_beside_python() -> Path | None:
    folder = Path(sys.executable).parent  # the venv's bin/ (or Scripts\\ on Windows)
    for name in (NAME, f"{NAME}.exe"):
        candidate = folder / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def command() -> str:
    """What to type to run this installation's `crisisdesk`."""
    beside = _launcher_beside_python()
    on_path = shutil.which(NAME)
    if beside is not None:
        if on_path is not None and os.path.samefile(on_path, beside):
            return NAME
        return shlex.quote(str(beside.absolute()))
    return f"{shlex.quote(sys.executable)} -m {NAME}"
