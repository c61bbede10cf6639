"""A person at the keyboard: the demo desk opened through the real unlock dialog in a real X
window, driven only with key and mouse events (QTest), with screenshots and a stall watchdog.

File choosers and yes/no questions are answered by `RecordingPrompts` (they are the platform's
dialogs, not ours); every other dialog is the app's own, found on screen and clicked.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QLineEdit,
    QListWidget,
    QScrollArea,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from crisisdesk.app import CrisisDeskApp
from crisisdesk.printing.fonts import register_fonts
from crisisdesk.services.demo import desk as demo_service
from crisisdesk.store.keychain import Keychain
from crisisdesk.ui.first_run.window import FirstRunWindow
from crisisdesk.ui.main_window import MainWindow
from crisisdesk.ui.page import Page
from crisisdesk.ui.watchdog import StallWatchdog
from tests.support.desk import FAST_KDF, MemoryKeyring
from tests.support.ui import RecordingPrompts

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
WINDOW_SIZE = (1280, 800)
# Where `CRISISDESK_SCREENSHOTS=1` puts the pictures the guide shows; otherwise they are only
# taken (into the test's tmp dir), so a journey still fails when grabbing the window fails.
DOCS_SHOTS = ROOT / "docs" / "screenshots"
# Generous: a loaded 2-core CI machine. `make bench` holds the real target (100 ms).
STALL_BOUND_MS = 1000.0
MOUSE = Qt.MouseButton.LeftButton


class Journey:
    """One person's session on a fresh demo desk, from the unlock dialog on."""

    def __init__(self, qtbot: QtBot, tmp_path: Path, name: str) -> None:
        self.qtbot = qtbot
        self.tmp_path = tmp_path
        self.name = name
        self.started = time.perf_counter()
        register_fonts()  # as the real app does (make_qt_app): the shipped fonts are known
        self.data_dir = tmp_path / "desk"
        demo_service.create_demo(self.data_dir, kdf=FAST_KDF)
        self.prompts = RecordingPrompts()
        self.watchdog = StallWatchdog()
        self.app: CrisisDeskApp | None = None
        self.shots: list[Path] = []

    # -- opening the desk -------------------------------------------------------------------
    def unlock(self, operator: str = demo_service.DEMO_OPERATOR,
               passphrase: str = demo_service.DEMO_PASSPHRASE,
               shot: str | None = None) -> MainWindow:
        """Type the operator and passphrase into the real unlock dialog and press Enter."""
        assert QGuiApplication.platformName() == "xcb", "journeys run in a real X window"
        self.app = CrisisDeskApp(self.data_dir, keychain=Keychain(MemoryKeyring(), trusted=True),
                                 prompts=self.prompts)
        assert self.app.start() is None
        dialog = self.app.unlock_dialog
        assert dialog is not None
        self.qtbot.waitExposed(dialog)
        self.watchdog.start()
        form = dialog.form
        self.click(form.operator_edit)
        QTest.keyClicks(form.operator_edit, operator)
        self.click(form.passphrase_edit)
        QTest.keyClicks(form.passphrase_edit, passphrase)
        # A person takes seconds to type a passphrase; the app loads the main window's modules
        # meanwhile (QTest types in microseconds, so wait as long as that takes).
        self.wait(self.app.preloaded.is_set)
        if shot:
            self.shot(shot, dialog)
        self.step("unlock: key derivation, then the main window")
        QTest.keyClick(form.passphrase_edit, Qt.Key.Key_Return)
        return self.settle()

    def first_run(self) -> FirstRunWindow:
        """Start the app on a folder with no desk yet: the first-run window comes up."""
        assert QGuiApplication.platformName() == "xcb", "journeys run in a real X window"
        self.app = CrisisDeskApp(self.tmp_path / "our-desk",
                                 keychain=Keychain(MemoryKeyring(), trusted=True),
                                 prompts=self.prompts)
        assert self.app.start() is None
        window = self.app.first_run
        assert window is not None
        self.qtbot.waitExposed(window)
        self.watchdog.start()
        return window

    def settle(self) -> MainWindow:
        """The main window just opened: give it the guide's size, wait for its warm-up."""
        self.qtbot.waitUntil(lambda: self.app is not None and self.app.main_window is not None,
                             timeout=20_000)
        window = self.window
        window.resize(*WINDOW_SIZE)
        self.step("main window: first page, background warm-up")
        self.qtbot.waitExposed(window)
        self.qtbot.waitUntil(lambda: window.warmed_up and window.first_page_shown,
                             timeout=30_000)
        self.step("idle")
        return window

    @property
    def window(self) -> MainWindow:
        assert self.app is not None
        assert self.app.main_window is not None
        return self.app.main_window

    def close(self) -> None:
        self.watchdog.stop()
        if self.app is not None:
            self.app.shutdown()
            if self.app.unlock_dialog is not None:
                self.app.unlock_dialog.close()

    # -- the person's hands -----------------------------------------------------------------
    def step(self, what: str) -> None:
        """Name what happens next, so the longest stall can say where it was."""
        self.watchdog.note = what

    def click(self, widget: QWidget, pos: QPoint | None = None) -> None:
        assert widget.isVisible(), f"{widget!r} is not on screen"
        assert widget.isEnabled(), f"{widget!r} is greyed out"
        if pos is None:
            self.reveal(widget)
        top = widget.window()
        if not top.isActiveWindow() and QApplication.activePopupWidget() is None:
            top.activateWindow()  # what a window manager does on a click (Xvfb has none)
            self.wait(top.isActiveWindow, timeout=5_000)
        QTest.mouseClick(widget, MOUSE, Qt.KeyboardModifier.NoModifier,
                         pos if pos is not None else widget.rect().center())

    def reveal(self, widget: QWidget) -> None:
        """Scroll `widget` into view when it sits in a scroll area, as a person would."""
        scroll = widget.parentWidget()
        while scroll is not None and not isinstance(scroll, QScrollArea):
            scroll = scroll.parentWidget()
        if scroll is not None:
            scroll.ensureWidgetVisible(widget)

    def type(self, widget: QWidget, text: str, *, replace: bool = True) -> None:
        """Click into a field, select what is there (Ctrl+A) and type over it."""
        self.click(widget)
        if replace:
            QTest.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
            if isinstance(widget, QLineEdit) and widget.text():
                QTest.keyClick(widget, Qt.Key.Key_Delete)
        QTest.keyClicks(widget, text)

    def key(self, widget: QWidget, key: Qt.Key,
            modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        QTest.keyClick(widget, key, modifier)

    def click_row(self, view: QAbstractItemView, row: int, column: int = 0) -> None:
        model = view.model()
        index = model.index(row, column)
        view.scrollTo(index)
        self.click(view.viewport(), view.visualRect(index).center())

    def click_item(self, view: QListWidget, text: str) -> None:
        found = view.findItems(text, Qt.MatchFlag.MatchExactly)
        assert found, f"no {text!r} in {view.accessibleName() or view!r}"
        self.click(view.viewport(), view.visualItemRect(found[0]).center())

    def choose(self, combo: QComboBox, text: str) -> None:
        """Click the drop-down, then click the entry that starts with `text` in its list."""
        row = combo.findText(text, Qt.MatchFlag.MatchStartsWith)
        assert row >= 0, f"no {text!r} in {combo.accessibleName()}"
        self.click(combo)
        view = combo.view()
        self.wait(view.isVisible)
        # The list ignores a release that comes sooner than a double-click after it opened.
        self.qtbot.wait(QApplication.doubleClickInterval() + 50)
        self.click_row(view, row)
        self.wait(lambda: not view.isVisible() and combo.currentIndex() == row)

    def click_tab(self, tabs: QTabWidget, title: str) -> None:
        bar = tabs.tabBar()
        index = next(i for i in range(tabs.count()) if tabs.tabText(i).replace("&", "") == title)
        self.click(bar, bar.tabRect(index).center())
        assert tabs.currentIndex() == index

    def go(self, title: str) -> Page:
        """Click the section in the sidebar; wait until its page is on screen."""
        window = self.window
        self.step(f"open {title}")
        self.click_item(window.sidebar, title)
        page = window.pages_stack.currentWidget()
        assert isinstance(page, Page), page
        self.qtbot.waitExposed(page)
        return page

    def when_dialog(self, answer: Callable[[QDialog], None],
                    kind: type[QDialog] = QDialog) -> list[QDialog]:
        """Answer the next modal dialog of `kind` once it is on screen (the click that opens
        it may not return until it closes). Returns a list that gets the dialog."""
        seen: list[QDialog] = []
        timer = QTimer(self.window)

        def poll() -> None:
            dialog = QApplication.activeModalWidget()
            if isinstance(dialog, kind) and dialog.isVisible() and not seen:
                timer.stop()
                seen.append(dialog)
                answer(dialog)

        timer.timeout.connect(poll)
        timer.start(20)
        return seen

    def wait(self, condition: Callable[[], Any], timeout: int = 30_000) -> None:
        self.qtbot.waitUntil(lambda: bool(condition()), timeout=timeout)

    def message(self) -> str:
        return self.window.messages.text

    # -- pictures ---------------------------------------------------------------------------
    def shot(self, name: str, widget: QWidget | None = None) -> Path:
        """Grab what the screen shows over the window (dialogs included) as `name`.png."""
        with self.watchdog.paused():
            QApplication.processEvents()
            target = widget if widget is not None else self.window
            frame = target.frameGeometry()
            screen = target.screen()
            image = screen.grabWindow(0, frame.x(), frame.y(), frame.width(),
                                      frame.height()).toImage()
            assert not image.isNull(), f"no screenshot {name}"
            assert image.width() > 100, f"empty screenshot {name}"
            colours = {image.pixel(x, y) for x in range(0, image.width(), 9)
                       for y in range(0, image.height(), 9)}
            assert len(colours) > 2, f"blank screenshot {name}"
            small = image.convertToFormat(QImage.Format.Format_Indexed8,
                                          Qt.ImageConversionFlag.ThresholdDither)
            path = self.tmp_path / "shots" / f"{name}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            assert small.save(str(path), "PNG", 0)
            if os.environ.get("CRISISDESK_SCREENSHOTS"):
                DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
                (DOCS_SHOTS / path.name).write_bytes(path.read_bytes())
            self.shots.append(path)
        return path

    # -- the report -------------------------------------------------------------------------
    def report(self) -> dict[str, Any]:
        return {"journey": self.name, "seconds": round(time.perf_counter() - self.started, 1),
                "longest_stall_ms": round(self.watchdog.longest_ms),
                "stall_during": self.watchdog.longest_note,
                "screenshots": [p.name for p in self.shots]}

    def finish(self) -> None:
        """The stall bound holds, and the figures go where the outer run reads them."""
        report = self.report()
        out = os.environ.get("CRISISDESK_JOURNEY_REPORT")
        if out:
            Path(out).write_text(json.dumps(report), "utf-8")
        assert self.watchdog.ticks > 0, "the watchdog never ran"
        assert self.watchdog.longest_ms < STALL_BOUND_MS, (
            f"the window froze for {self.watchdog.longest_ms:.0f} ms during "
            f"{self.watchdog.longest_note!r} (bound {STALL_BOUND_MS:.0f} ms)")
