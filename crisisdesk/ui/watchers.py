"""Two timers the main window runs: idle auto-lock and `PRAGMA data_version` polling.

Idle means no keyboard, mouse or touch input anywhere in the app. The app's one event filter
(the wheel guard, ui/widgets/wheel_guard.py) records the time of the last input, and a coarse
timer compares it with the limit, rather than restarting a timer on every mouse move. A filter
of its own would be a second call into Python for every event the app sends.

`PRAGMA data_version` changes when another connection commits, so polling it every ~1.5 s is
how changes made by the CLI (or by our own workers' connections) reach the open window. The
pragma reads no table pages, so a poll costs microseconds on the GUI thread.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from crisisdesk.store.db import data_version
from crisisdesk.store.errors import DB_ERRORS
from crisisdesk.ui.context import DeskState
from crisisdesk.ui.widgets.wheel_guard import WheelGuard, guard_wheel

POLL_INTERVAL_MS = 1500


class IdleWatcher(QObject):
    """Emits `idle` once after `timeout_ms` without input; `reset()` re-arms it."""

    idle = Signal()

    def __init__(self, timeout_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._reset_at = time.monotonic()
        self._fired = False
        app = QApplication.instance()
        self._guard: WheelGuard | None = (guard_wheel(app) if isinstance(app, QApplication)
                                          else None)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._check)
        self.set_timeout(timeout_ms)

    def set_timeout(self, timeout_ms: int) -> None:
        """0 or less turns auto-lock off."""
        self.timeout_ms = timeout_ms
        if timeout_ms <= 0:
            self._timer.stop()
            return
        self._timer.start(max(50, min(1000, timeout_ms // 4)))

    @property
    def _last(self) -> float:
        """When the person last did something, or the watcher was last (re)started."""
        return max(self._reset_at, self._guard.input_at if self._guard is not None else 0.0)

    def reset(self) -> None:
        self._reset_at = time.monotonic()
        self._fired = False

    def quiet_ms(self) -> int:
        """Milliseconds since the last key press, click, wheel turn or mouse move."""
        return int((time.monotonic() - self._last) * 1000)

    def _check(self) -> None:
        if self._fired or self.timeout_ms <= 0:
            return
        if (time.monotonic() - self._last) * 1000 >= self.timeout_ms:
            self._fired = True
            self.idle.emit()

    def stop(self) -> None:
        self._timer.stop()


class DataVersionPoller(QObject):
    """Calls `state.notify_changed()` when another connection has committed to the desk."""

    def __init__(self, state: DeskState, interval_ms: int = POLL_INTERVAL_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self._version: int | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll)
        state.session_changed.connect(self._on_session)
        self._on_session(state.current)

    def _on_session(self, session: object) -> None:
        self._version = None
        if session is None:
            self._timer.stop()
            return
        self.poll()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def poll(self) -> bool:
        """Check now; True if the desk changed since the last poll."""
        if not self.state.unlocked or self.state.session.restricted:
            return False  # locked, or an agent's window (the session refuses it the desk)
        try:
            version = data_version(self.state.session.db)
        except DB_ERRORS:
            return False  # busy or closing: try again on the next tick
        changed = self._version is not None and version != self._version
        self._version = version
        if changed:
            self.state.notify_changed()
        return changed
