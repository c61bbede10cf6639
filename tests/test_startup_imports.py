"""The path to the unlock dialog stays light: `crisisdesk` alone imports neither the command
modules, nor the main window, nor the storage stack before the dialog is on screen (they load
on first use, or in a thread while the person types; see crisisdesk/app.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = r"""
import json, sys
import crisisdesk.cli
from crisisdesk.app import CrisisDeskApp, make_qt_app
from crisisdesk.services import desk_folder
loaded = set(sys.modules)
print(json.dumps(sorted(m for m in loaded if m in WANTED or m.endswith("_cmds"))))
"""

NOT_BEFORE_THE_DIALOG = ["crisisdesk.ui.main_window", "crisisdesk.ui.context",
                         "crisisdesk.services.desk", "crisisdesk.services.session",
                         "crisisdesk.store.rekey", "sqlite_utils", "jinja2", "pypdf"]


def test_the_unlock_dialog_path_imports_nothing_it_does_not_need() -> None:
    code = f"WANTED = {NOT_BEFORE_THE_DIALOG!r}\n{PROBE}"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True, timeout=120)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_every_command_is_still_there_when_asked_for() -> None:
    from crisisdesk.cli import COMMAND_MODULES, cli

    assert len(cli.commands) >= len(COMMAND_MODULES)
    assert {"contacts", "tree", "activation", "binder", "demo"} <= set(cli.commands)
