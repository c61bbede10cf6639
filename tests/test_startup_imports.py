"""The path to the unlock dialog stays light: `crisisdesk` alone imports neither the command
line parser and modules, nor the main window, nor the storage stack or the crypto before the
dialog is on screen, and leaves the shipped fonts and the wheel guard until it is (they load
on first use, or while the person types; see crisisdesk/app.py). Nor does it make PySide6's
`Qt` namespace (~14 ms of enums) or the widgets only other dialogs use (message boxes, file
pickers, the crash dialog)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from crisisdesk.services import desk as desk_service
from tests.support.desk import FAST_KDF, PASSPHRASE

ROOT = Path(__file__).resolve().parents[1]

PROBE = r"""
import json, sys, time
import crisisdesk.cli
from crisisdesk.app import CrisisDeskApp, make_qt_app
from crisisdesk.store.keychain import Keychain
from crisisdesk.ui.prompts import Prompts
from PySide6 import QtCore, QtWidgets

def state():
    fonts = sys.modules.get("crisisdesk.printing.fonts")  # not imported here: it is watched
    guard = sys.modules.get("crisisdesk.ui.widgets.wheel_guard")
    return {"modules": sorted(m for m in sys.modules
                              if m.split(".")[0] in WANTED or m in WANTED
                              or m.endswith("_cmds")),
            "fonts": list(fonts._registered) if fonts else [],
            "wheel_guard": guard is not None and app.findChild(guard.WheelGuard) is not None,
            # PySide6 makes a class's Python type the first time it is asked for
            "qt": sorted(n for n in ["Qt", *QT_CLASSES]
                         if n in vars(QtCore) or n in vars(QtWidgets)),
            "style": app.style().name()}  # after "qt": asking makes QStyle

app = make_qt_app()
desk = CrisisDeskApp(sys.argv[1], keychain=Keychain(trusted=True), prompts=Prompts())
assert desk.start() is None
assert desk.unlock_dialog is not None and desk.unlock_dialog.isVisible()
shown = state()
deadline = time.monotonic() + 60
while not desk.preloaded.is_set() and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.01)
typing = state()
desk.shutdown()
print(json.dumps({"shown": shown, "typing": typing}))
"""

NOT_BEFORE_THE_DIALOG = ["crisisdesk.ui.main_window", "crisisdesk.ui.context",
                         "crisisdesk.services.desk", "crisisdesk.services.session",
                         "crisisdesk.store.rekey", "sqlite_utils", "jinja2", "pypdf",
                         # the command line, the crypto, the lock library, what only a
                         # crash report or a settings dialog needs
                         "click", "crisisdesk.cli.root", "cryptography", "filelock",
                         "crisisdesk.domain.roster", "platformdirs", "importlib.resources",
                         "platform", "crisisdesk.domain.operators",
                         # what the pages, a crash or a test run need, loaded when used
                         "crisisdesk.ui.crash_dialog", "crisisdesk.ui.smoke_exit",
                         "crisisdesk.printing.fonts", "crisisdesk.ui.widgets.wheel_guard"]
# The `Qt` namespace, QStyle's enums and the dialogs `Prompts` opens on demand.
NOT_MADE_BEFORE_THE_DIALOG = ["QMessageBox", "QFileDialog", "QInputDialog", "QPlainTextEdit",
                              "QStyle"]


def _probe(data_dir: Path) -> dict[str, dict[str, object]]:
    code = (f"WANTED = {NOT_BEFORE_THE_DIALOG!r}\nQT_CLASSES = {NOT_MADE_BEFORE_THE_DIALOG!r}\n"
            f"{PROBE}")
    out = subprocess.run([sys.executable, "-c", code, str(data_dir)], capture_output=True,
                         text=True, cwd=ROOT, check=True, timeout=180)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_the_unlock_dialog_path_imports_nothing_it_does_not_need(tmp_path: Path) -> None:
    desk_service.init_desk(tmp_path / "desk", org="Riverside Clinics", operator="alex",
                           passphrase=PASSPHRASE, kdf=FAST_KDF).session.close()
    seen = _probe(tmp_path / "desk")
    assert seen["shown"] == {"modules": [], "fonts": [], "wheel_guard": False, "qt": [],
                             "style": "fusion"}
    # Once it is up, while the person types: the fonts and the guard the pages need.
    typing = seen["typing"]
    assert "DejaVu Sans" in typing["fonts"]  # type: ignore[operator]
    assert typing["wheel_guard"] is True
    assert "crisisdesk.ui.main_window" in typing["modules"]  # type: ignore[operator]
    assert "Qt" in typing["qt"]  # type: ignore[operator]  # the probe sees the namespace


def test_every_command_is_still_there_when_asked_for() -> None:
    from crisisdesk.cli import COMMAND_MODULES, cli

    assert len(cli.commands) >= len(COMMAND_MODULES)
    assert {"contacts", "tree", "activation", "binder", "demo"} <= set(cli.commands)


def test_bare_crisisdesk_opens_the_app_with_the_default_desk(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from crisisdesk import app, cli
    from crisisdesk.cli.context import CliContext

    opened: list[CliContext] = []
    monkeypatch.setattr(app, "run_gui", lambda ctx: opened.append(ctx) or 3)
    with pytest.raises(SystemExit) as ended:
        cli.main([])
    assert ended.value.code == 3  # the app's exit status is the command's
    assert [(c.data_dir_option, c.operator_option, c.passphrase_file, c.recovery_key_file)
            for c in opened] == [(None, None, None, None)]  # CRISISDESK_HOME etc. decide
