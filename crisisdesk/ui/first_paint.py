"""Run something once a widget has been drawn for the first time.

A window that does everything before its first paint keeps the event loop busy for the sum
of it all. Work that can wait one frame starts here instead, on the event-loop turn after the
first paint, so the window appears and answers sooner: the main window's first page. (The
unlock dialog uses a short timer instead: watching events makes PySide6 build QEvent's Python
type, 3-7 ms, before the first window is up.) A widget never drawn (built but not shown, as
in tests) runs nothing: that work must also be reachable on demand.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class FirstPaint(QObject):
    """Calls `then` once, on the event-loop turn after `widget` first paints."""

    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self._then: Callable[[], None] | None = then
        self._widget = widget
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._then is not None:
            self._widget.removeEventFilter(self)
            QTimer.singleShot(0, self, self._fire)  # after this paint has reached the screen
        return False

    def _fire(self) -> None:
        then, self._then = self._then, None
        if then is not None:
            then()
