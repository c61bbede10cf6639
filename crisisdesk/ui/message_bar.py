"""The one channel for messages a user should read: a dismissable bar above the page.

Errors the user can fix (`UserError`) land here as one plain sentence, never as a traceback
and never as a modal box that blocks work during a crisis. Info messages fade after a while;
warnings and errors stay until dismissed or replaced, because someone may be away from the desk.
"""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

from crisisdesk.domain.errors import UserError

INFO_TIMEOUT_MS = 12_000


class Level(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


# Background / border per level: readable on Fusion's light and dark palettes alike.
_COLOURS = {
    Level.INFO: ("#e7f1fb", "#7aa7d6", "#10304f"),
    Level.WARNING: ("#fff4d6", "#d9a520", "#4a3500"),
    Level.ERROR: ("#fde7e7", "#d64545", "#5c0f0f"),
}
_PREFIX = {Level.INFO: "", Level.WARNING: "Warning: ", Level.ERROR: "Error: "}


class MessageBar(QFrame):
    """`show_info/show_warning/show_error(text)`, `show_user_error(err)`, `clear()`."""

    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.level: Level | None = None
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = QToolButton(self)
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setAccessibleName("Dismiss message")
        self.close_button.setToolTip("Dismiss message")
        self.close_button.clicked.connect(self.clear)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clear)
        self.hide()

    @property
    def text(self) -> str:
        return self.label.text()

    def show_message(self, level: Level, text: str) -> None:
        self.level = level
        bg, border, fg = _COLOURS[level]
        self.setStyleSheet(
            f"#messageBar {{ background: {bg}; border: 1px solid {border}; border-radius: 4px; }}"
        )
        palette = self.label.palette()
        palette.setColor(QPalette.ColorRole.WindowText, QColor(fg))
        self.label.setPalette(palette)
        self.label.setText(text)
        self.setAccessibleName(f"{level.value} message")
        self.setAccessibleDescription(_PREFIX[level] + text)
        self.show()
        if level is Level.INFO:
            self._timer.start(INFO_TIMEOUT_MS)
        else:
            self._timer.stop()

    def show_info(self, text: str) -> None:
        self.show_message(Level.INFO, text)

    def show_warning(self, text: str) -> None:
        self.show_message(Level.WARNING, text)

    def show_error(self, text: str) -> None:
        self.show_message(Level.ERROR, text)

    def show_user_error(self, err: UserError) -> None:
        self.show_error(str(err))

    def clear(self) -> None:
        self._timer.stop()
        was_visible = self.isVisible()
        self.level = None
        self.label.clear()
        self.hide()
        if was_visible:
            self.dismissed.emit()
