"""The mouse wheel scrolls the page; it changes a number or a choice only in a focused field.

Qt hands a wheel event to whatever widget is under the pointer, so scrolling down a long form
(Settings) silently turned every spin box and drop-down the pointer crossed: a fan-out limit
of 5 became 1 on the way to the Backups box. One application-wide filter sends such a wheel
event to the scroll area instead, unless the person clicked into that field first.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QWidget,
)

FIELDS = (QAbstractSpinBox, QComboBox)  # fields whose value the wheel turns


class WheelGuard(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # It sees every event of the app: the class test comes first because it is nearly
        # free, where `event.type()` makes a Python enum object each time.
        if not isinstance(watched, FIELDS):
            return False
        kind = event.type()
        if kind == QEvent.Type.Polish and watched.focusPolicy() == Qt.FocusPolicy.WheelFocus:
            # Qt focuses a WheelFocus field as the wheel passes, before any filter sees it.
            watched.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        elif kind == QEvent.Type.Wheel and not watched.hasFocus():
            area = _scroll_area_around(watched)
            if area is not None:  # the page scrolls instead (the wheel still works)
                QApplication.sendEvent(area.viewport(), event)
            return True
        return False


def _scroll_area_around(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QAbstractScrollArea):
        parent = parent.parentWidget()
    return parent


def guard_wheel(app: QApplication) -> WheelGuard:
    """Install the guard on `app` once (kept alive as the app's child)."""
    installed = app.findChild(WheelGuard)
    if installed is not None:
        return installed
    guard = WheelGuard(app)
    app.installEventFilter(guard)
    return guard

