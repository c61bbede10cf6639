"""The stall watchdog sees the GUI thread blocked, and leaves out time it is told to."""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from crisisdesk.ui.watchdog import StallWatchdog


def test_a_blocked_event_loop_is_recorded_with_its_step(qtbot: QtBot) -> None:
    watchdog = StallWatchdog()
    watchdog.start()
    qtbot.wait(60)
    assert watchdog.ticks > 0
    assert watchdog.longest_ms < 150  # idle: only the timer's own jitter
    watchdog.note = "a slow click"
    QTimer.singleShot(0, lambda: time.sleep(0.25))  # a handler that blocks for 250 ms
    qtbot.wait(80)
    watchdog.stop()
    assert watchdog.longest_ms >= 200
    assert watchdog.longest_note == "a slow click"
    assert watchdog.summary().startswith("longest event-loop stall: ")


def test_time_spent_paused_is_not_a_stall(qtbot: QtBot) -> None:
    watchdog = StallWatchdog()
    watchdog.start()
    qtbot.wait(30)
    with watchdog.paused():
        time.sleep(0.25)  # e.g. saving a screenshot: not the app's doing
    qtbot.wait(30)
    watchdog.stop()
    assert watchdog.ticks > 0
    assert watchdog.longest_ms < 200


def test_a_stall_is_charged_to_the_step_that_caused_it_not_the_next(qtbot: QtBot) -> None:
    """A journey waits for a window, then names its next step at once; the tick that comes
    late for the window's build must not be charged to that next step."""
    watchdog = StallWatchdog()
    watchdog.start()
    watchdog.note = "build the window"
    qtbot.wait(30)
    opened: list[bool] = []

    def build() -> None:  # a window that takes 250 ms to build
        time.sleep(0.25)
        opened.append(True)

    QTimer.singleShot(0, build)
    app = QApplication.instance()
    assert app is not None
    while not opened:  # as a journey waits: the window is there before the late tick comes
        app.processEvents()
    watchdog.note = "look around"
    qtbot.wait(60)
    watchdog.stop()
    assert watchdog.longest_ms >= 200
    assert watchdog.longest_note == "build the window"
    assert watchdog.by_note.get("look around", 0.0) < 150
