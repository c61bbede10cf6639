"""Run something once a widget has been drawn for the first time.

A window that does everything before its first paint keeps the event loop busy for the sum
of it all. Work that can wait one frame starts here instead, on the event-loop turn after the
first paint, so the window appears and answers sooner: the main window's first page, the
unlock dialog's keychain worker (whose imports would hold the interpreter while the dialog is
drawn). Without `fallback_ms`, a widget never drawn (built but not shown, as in tests) runs
nothing: that work must also be reachable on demand.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class FirstPaint(QObject):
    """Calls `then` once: on the turn after `widget` first paints, or after `fallback_ms`."""

    def __init__(self, widget: QWidget, then: Callable[[], None], *,
                 fallback_ms: int | None = None) -> None:
        super().__init__(widget)
        self._then: Callable[[], None] | None = then
        self._widget = widget
        widget.installEventFilter(self)
        if fallback_ms is not None:
            QTimer.singleShot(fallback_ms, self, self._fire)

    @property
    def pending(self) -> bool:
        return self._then is not None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._then is not None:
            self._widget.removeEventFilter(self)
            QTimer.singleShot(0, self, self._fire)  # after this paint has reached the screen
        return False

    def _fire(self) -> None:
        then, self._then = self._then, None
        if then is not None:
            self._widget.removeEventFilter(self)
            then()
