"""The longest time the window stops answering during a scripted journey on the demo desk.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_stalls.py

A 10 ms timer (crisisdesk.ui.watchdog.StallWatchdog) measures how late the event loop answers
while a script does what a person does: type into the unlock dialog and press Unlock, then open
every page from the sidebar and search the contacts, with real (QTest) key and mouse events.
The floor is the same watchdog on an idle event loop for as long, in the same process: the
timer's own jitter on this machine. Target: the longest stall under 100 ms.

Python's cyclic collector runs as in the app (`GuiThreadGc`: on the GUI thread, every 500 ms
when due), so its pauses are in the figure. The desk's key slot uses a minimal Argon2id (the
derivation runs in a worker anyway). The package's bytecode is compiled first, as an
installed app has it (the order in which the benchmarks run then does not change the figures).
"""

from __future__ import annotations

import compileall
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import keyring.backend
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from crisisdesk.app import CrisisDeskApp, GuiThreadGc, make_qt_app
from crisisdesk.services.demo import desk as demo_service
from crisisdesk.store.keychain import Keychain
from crisisdesk.store.vault import KdfParams
from crisisdesk.ui.prompts import Prompts
from crisisdesk.ui.watchdog import StallWatchdog

CHEAP_KDF = KdfParams(iterations=1, lanes=1, memory_cost=8)


class _EmptyKeyring(keyring.backend.KeyringBackend):
    """A keychain that remembers nobody: the passphrase is typed."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        pass

    def delete_password(self, service: str, username: str) -> None:
        pass


def wait(app: QApplication, condition: Callable[[], object], timeout_s: float = 60) -> None:
    deadline = time.perf_counter() + timeout_s
    while not condition():
        if time.perf_counter() > deadline:
            raise SystemExit("bench_stalls: the journey did not get there in time")
        app.processEvents()
        time.sleep(0.002)


def idle(app: QApplication, seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.002)


def click(widget: QWidget) -> None:
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)


def journey(app: QApplication, data_dir: Path, watchdog: StallWatchdog) -> float:
    """Unlock, open every page, search the contacts; returns the journey's seconds."""
    desk = CrisisDeskApp(data_dir, keychain=Keychain(_EmptyKeyring(), trusted=True),
                         prompts=Prompts())
    GuiThreadGc(desk)  # the app's collector, as `crisisdesk` runs it: its pauses count too
    started = time.perf_counter()
    watchdog.note = "show the unlock dialog"
    assert desk.start() is None
    dialog = desk.unlock_dialog
    assert dialog is not None
    watchdog.start()
    wait(app, lambda: dialog.isVisible() and dialog.form.unlock_button.isEnabled())
    watchdog.note = "type into the unlock dialog"
    QTest.keyClicks(dialog.form.operator_edit, demo_service.DEMO_OPERATOR)
    QTest.keyClicks(dialog.form.passphrase_edit, demo_service.DEMO_PASSPHRASE)
    idle(app, 0.5)  # a person looks at what they typed; the preload finishes meanwhile
    watchdog.note = "unlock: open the desk and build the main window"
    click(dialog.form.unlock_button)
    wait(app, lambda: desk.main_window is not None and desk.main_window.isVisible())
    window = desk.main_window
    assert window is not None
    watchdog.note = "main window: background warm-up"
    wait(app, lambda: window.warmed_up)
    idle(app, 0.3)
    sidebar = window.sidebar
    for row, section in enumerate(window.sections):
        watchdog.note = f"open {section.title}"
        rect = sidebar.visualItemRect(sidebar.item(row))
        QTest.mouseClick(sidebar.viewport(), Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.NoModifier, rect.center())
        idle(app, 0.4)
        if section.key == "contacts":
            watchdog.note = "search the contacts"
            page = window.pages["contacts"]
            QTest.keyClicks(page.search_edit, "nurse")  # type: ignore[attr-defined]
            idle(app, 0.6)
    seconds = time.perf_counter() - started
    watchdog.stop()
    desk.shutdown()
    return seconds


def main() -> None:
    # An installed CrisisDesk (pip, the PyInstaller bundle) has its bytecode; a checkout run
    # with PYTHONDONTWRITEBYTECODE would compile every module the journey loads from source.
    compileall.compile_dir(Path(__file__).resolve().parents[1] / "crisisdesk", quiet=1)
    app = make_qt_app()
    with tempfile.TemporaryDirectory(prefix="crisisdesk-stalls-") as tmp:
        data_dir = Path(tmp) / "demo"
        demo_service.create_demo(data_dir, kdf=CHEAP_KDF)
        watchdog = StallWatchdog()
        seconds = journey(app, data_dir, watchdog)
        floor = StallWatchdog()
        floor.start()
        idle(app, min(seconds, 10))
        floor.stop()
    f, s = max(floor.longest_ms, 1.0), watchdog.longest_ms
    print(f"floor_idle_event_loop_stall: {floor.longest_ms:.0f} ms")
    print(f"longest_stall_scripted_journey: {s:.0f} ms (ratio {s / f:.1f} to floor; "
          f"target under 100 ms) during {watchdog.longest_note!r}")
    worst = sorted(watchdog.by_note.items(), key=lambda item: -item[1])[:4]
    print("worst_steps: " + ", ".join(f"{note} {ms:.0f} ms" for note, ms in worst))
    print(f"scripted_journey_time: {seconds:.1f} s")


if __name__ == "__main__":
    main()
