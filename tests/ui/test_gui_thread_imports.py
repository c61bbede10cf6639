"""From the click on Unlock on, the GUI thread imports none of the pages' modules: the warm-up
imports each page's module and services in a worker, and while the passphrase is typed a thread
loads the Dashboard panels' services and phonenumbers' metadata (the role holders' numbers are
formatted as the window is first drawn). An import on the GUI thread freezes the window for as
long as it takes (tens of milliseconds for a page's module), which a person clicking sees.

Run in a fresh interpreter on the demo desk: in this process every module is imported already.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from crisisdesk.services.demo import desk as demo_service
from crisisdesk.ui.dashboard import panels
from crisisdesk.ui.sections import default_sections
from tests.support.desk import FAST_KDF

ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import json, sys, threading, time
from crisisdesk.app import CrisisDeskApp, make_qt_app
from crisisdesk.store.keychain import Keychain
from crisisdesk.ui.dashboard import panels
from crisisdesk.ui.prompts import Prompts
from tests.support.desk import MemoryKeyring

on_gui_thread = []


class Recorder:
    # First on sys.meta_path: asked about every module not imported yet, in any thread.
    def find_spec(self, name, path=None, target=None):
        if threading.current_thread() is threading.main_thread():
            on_gui_thread.append(name)
        return None


def until(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the window did not get there in time"
        app.processEvents()
        time.sleep(0.005)


app = make_qt_app()
desk = CrisisDeskApp(sys.argv[1], keychain=Keychain(MemoryKeyring(), trusted=True),
                     prompts=Prompts())
assert desk.start() is None
dialog = desk.unlock_dialog
until(lambda: desk.preloaded.is_set() and dialog.form.unlock_button.isEnabled())  # typing
not_preloaded = [name for name in panels.SERVICE_MODULES if name not in sys.modules]
sys.meta_path.insert(0, Recorder())
dialog.form.operator_edit.setText(sys.argv[2])
dialog.form.passphrase_edit.setText(sys.argv[3])
dialog.form.unlock_button.click()
until(lambda: desk.main_window is not None and desk.main_window.isVisible())
window = desk.main_window
until(lambda: window.warmed_up)
until(lambda: list(window.pages) == window.section_keys)  # built while idle
for row in range(len(window.section_keys)):  # and each shown with its data
    window.sidebar.setCurrentRow(row)
    end = time.monotonic() + 0.3
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.005)
desk.shutdown()
print(json.dumps({"not_preloaded": not_preloaded, "on_gui_thread": on_gui_thread}))
"""


def test_the_gui_thread_imports_no_page_module_after_the_window_opens(tmp_path: Path) -> None:
    data_dir = tmp_path / "demo"
    demo_service.create_demo(data_dir, kdf=FAST_KDF)
    out = subprocess.run([sys.executable, "-c", PROBE, str(data_dir), demo_service.DEMO_OPERATOR,
                          demo_service.DEMO_PASSPHRASE], capture_output=True, text=True,
                         cwd=ROOT, check=True, timeout=240)
    seen: dict[str, list[str]] = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["not_preloaded"] == []  # the Dashboard's panels only query as the window opens
    page_packages = tuple(f"crisisdesk.ui.{section.key}." for section in default_sections())
    heavy = [name for name in seen["on_gui_thread"]
             if name.startswith(page_packages) or name in panels.SERVICE_MODULES
             or name.startswith("phonenumbers")]
    assert heavy == []
