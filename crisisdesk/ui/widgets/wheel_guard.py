"""The mouse wheel scrolls the page; it changes a number or a choice only in a focused field.

Qt hands a wheel event to whatever widget is under the pointer, so scrolling down a long form
(Settings) silently turned every spin box and drop-down the pointer crossed: a fan-out limit
of 5 became 1 on the way to the Backups box. One application-wide filter sends such a wheel
event to the scroll area instead, unless the person clicked into that field first.

The same filter notes when the person last pressed a key, clicked, moved the mouse or turned
the wheel (`input_at`), which auto-lock reads (ui/watchers.py): one Python filter rather than
two, since each one is a call into Python, with both objects wrapped, for every event the app
sends, thousands while a window is first built and shown. Code that builds many widgets in
one go (a page, the main window) does it `while_building()`: the filter stands aside, which
halves the time a page takes to build, and the fields made meanwhile are steadied after.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QInputEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QWidget,
)

FIELDS = (QAbstractSpinBox, QComboBox)  # fields whose value the wheel turns
INPUT_EVENTS = frozenset({  # what a person does (the app's own events never count)
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
    QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.TabletPress,
    QEvent.Type.ShortcutOverride,
})


class WheelGuard(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.input_at = time.monotonic()  # the last key, click, mouse move or wheel turn
        self.standing_aside = 0  # how many `while_building()` blocks are open

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # It sees every event of the app: the class tests come first because they are nearly
        # free, where `event.type()` makes a Python enum object each time.
        if isinstance(event, QInputEvent) and event.type() in INPUT_EVENTS:
            self.input_at = time.monotonic()
        if not isinstance(watched, FIELDS):
            return False
        kind = event.type()
        if kind == QEvent.Type.Polish:
            _steady(watched)
        elif kind == QEvent.Type.Wheel and not watched.hasFocus():
            area = _scroll_area_around(watched)
            if area is not None:  # the page scrolls instead (the wheel still works)
                QApplication.sendEvent(area.viewport(), event)
            return True
        return False


def _steady(field: QWidget) -> None:
    if field.focusPolicy() == Qt.FocusPolicy.WheelFocus:
        # Qt focuses a WheelFocus field as the wheel passes, before any filter sees it.
        field.setFocusPolicy(Qt.FocusPolicy.StrongFocus)


@contextmanager
def while_building() -> Iterator[None]:
    """Build widgets without the app's filter seeing each of their construction events (no
    person's input can arrive meanwhile: the event loop is not running). Call
    `steady_fields()` on what was built afterwards."""
    app = QApplication.instance()
    guard = app.findChild(WheelGuard) if isinstance(app, QApplication) else None
    if guard is None:
        yield
        return
    assert isinstance(app, QApplication)
    guard.standing_aside += 1
    if guard.standing_aside == 1:
        app.removeEventFilter(guard)
    try:
        yield
    finally:
        guard.standing_aside -= 1
        if guard.standing_aside == 0:
            app.installEventFilter(guard)


def steady_fields(root: QWidget) -> None:
    """Give the fields under `root` the focus policy the filter gives a field it sees polished
    (for widgets built `while_building()`)."""
    for kind in FIELDS:
        for field in root.findChildren(kind):
            _steady(field)


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

