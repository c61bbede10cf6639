"""Auto-lock counts only what a person does: keys, clicks and mouse moves keep the desk open,
while the app's own events (repaints, timers, layout) do not."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from crisisdesk.ui.watchers import IdleWatcher

TIMEOUT_MS = 400


def _keep_busy(qtbot: QtBot, act: object, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        act()  # type: ignore[operator]
        qtbot.wait(60)


def test_typing_and_moving_the_mouse_keep_the_desk_unlocked(qtbot: QtBot) -> None:
    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.show()
    qtbot.waitExposed(edit)
    watcher = IdleWatcher(TIMEOUT_MS)
    fired: list[bool] = []
    watcher.idle.connect(lambda: fired.append(True))
    try:
        _keep_busy(qtbot, lambda: QTest.keyClick(edit, Qt.Key.Key_A), 0.8)
        assert not fired  # twice the limit, but someone was typing
        spots = iter(range(10_000))
        _keep_busy(qtbot, lambda: QTest.mouseMove(edit, QPoint(5 + next(spots) % 20, 5)), 0.8)
        assert not fired  # the mouse moving counts too
        _keep_busy(qtbot, lambda: QApplication.sendEvent(edit, QEvent(QEvent.Type.UpdateRequest)),
                   0.8)
        assert fired == [True]  # the app repainting itself is not a person at the desk
    finally:
        watcher.stop()
