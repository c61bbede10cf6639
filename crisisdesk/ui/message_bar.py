"""The one channel for messages a user should read: a dismissable bar over the top of the page.

Errors the user can fix (`UserError`) land here as one plain sentence, never as a traceback
and never as a modal box that blocks work during a crisis. Info messages fade after a while;
warnings and errors stay until dismissed or replaced, because someone may be away from the desk.

The bar never moves the page (`float_over`): a bar that pushed the page down by its height when
it appeared, and pulled it back up when it faded, moved every button under the user's pointer
(two misclicks in one sitting). A strip one message line high is kept free above the page; the
bar floats in it, and a longer message grows down over the top of the page rather than
pushing it. Its colours follow
the system's light or dark scheme (`ui/widgets/scheme.py`).
"""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QEvent, QMargins, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QBoxLayout, QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

from crisisdesk.domain.errors import UserError
from crisisdesk.printing.fonts import SANS
from crisisdesk.ui.widgets.scheme import is_dark

INFO_TIMEOUT_MS = 12_000


class Level(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


# Background / border / text per level, on a light and on a dark scheme.
_COLOURS = {
    Level.INFO: ("#e7f1fb", "#7aa7d6", "#10304f"),
    Level.WARNING: ("#fff4d6", "#d9a520", "#4a3500"),
    Level.ERROR: ("#fde7e7", "#d64545", "#5c0f0f"),
}
_DARK_COLOURS = {
    Level.INFO: ("#15314d", "#4f86c0", "#dcebfb"),
    Level.WARNING: ("#3d3012", "#c9961c", "#fbe9b7"),
    Level.ERROR: ("#471818", "#d64545", "#fbd5d5"),
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
        self.kind_label = QLabel(self)  # "Warning:" or "Error:": the level in words too
        self.kind_label.setTextFormat(Qt.TextFormat.PlainText)
        font = self.kind_label.font()
        font.setBold(True)
        self.kind_label.setFont(font)
        self.kind_label.hide()
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = QToolButton(self)
        self.close_button.setText("✕")
        mark_font = self.close_button.font()
        mark_font.setFamily(SANS)  # the system UI font may lack ✕ (an empty box instead)
        self.close_button.setFont(mark_font)
        self.close_button.setAutoRaise(True)
        self.close_button.setAccessibleName("Dismiss message")
        self.close_button.setToolTip("Dismiss message")
        self.close_button.clicked.connect(self.clear)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.kind_label, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.label, 1, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clear)
        self._host: QWidget | None = None
        self.reserved: QWidget | None = None  # the strip kept free for the bar (float_over)
        hints = QGuiApplication.styleHints()
        if hints is not None:
            hints.colorSchemeChanged.connect(lambda *_: self._paint())
        self.hide()

    def float_over(self, host: QWidget) -> None:
        """Sit in a strip kept free above `host` (the page area), one message line high, and
        grow down over `host` only for a longer message: `host` keeps its geometry whether a
        message is shown or not, and a one-line message covers nothing."""
        parent = host.parentWidget()
        layout = parent.layout() if parent is not None else None
        if parent is None or not isinstance(layout, QBoxLayout):
            raise ValueError("the page area must be in a box layout")
        self.reserved = QWidget(parent)
        self.reserved.setObjectName("messageStrip")
        self.reserved.setFixedHeight(self.one_line_height())
        layout.insertWidget(layout.indexOf(host), self.reserved)
        self._host = self.reserved
        self.setParent(parent)
        self.reserved.installEventFilter(self)
        self._place()

    def one_line_height(self) -> int:
        """The bar's height for a one-line message."""
        layout = self.layout()
        margins = layout.contentsMargins() if layout is not None else QMargins()
        line = max(self.label.fontMetrics().height(), self.close_button.sizeHint().height())
        return line + margins.top() + margins.bottom() + 2 * self.frameWidth()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._host and event.type() in (QEvent.Type.Resize, QEvent.Type.Move):
            self._place()
        return False

    def event(self, event: QEvent) -> bool:
        """A new text or font asks for a new layout after `show_message` has placed the bar;
        the bar's height follows it (else a long message could stay cut to one line)."""
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest and self.isVisible():
            self._place()
        return handled

    def _place(self) -> None:
        strip = self._host
        if strip is None:
            return
        rect = strip.geometry()
        layout = self.layout()
        if layout is not None:
            layout.activate()
        height = self.heightForWidth(rect.width()) if self.hasHeightForWidth() else -1
        if height <= 0:
            height = self.sizeHint().height()
        self.setGeometry(rect.x(), rect.y(), rect.width(), max(height, rect.height()))
        self.raise_()

    def _paint(self) -> None:
        if self.level is None:
            return
        bg, border, fg = (_DARK_COLOURS if is_dark() else _COLOURS)[self.level]
        self.setStyleSheet(
            f"#messageBar {{ background: {bg}; border: 1px solid {border}; border-radius: 4px; }}"
        )
        palette = self.label.palette()
        palette.setColor(QPalette.ColorRole.WindowText, QColor(fg))
        self.label.setPalette(palette)
        self.kind_label.setPalette(palette)
        self.close_button.setPalette(palette)

    @property
    def text(self) -> str:
        return self.label.text()

    def show_message(self, level: Level, text: str) -> None:
        self.level = level
        self._paint()
        self.kind_label.setText(_PREFIX[level].strip())
        self.kind_label.setVisible(bool(_PREFIX[level]))
        self.label.setText(text)
        self.setAccessibleName(f"{level.value} message")
        self.setAccessibleDescription(_PREFIX[level] + text)
        self.show()
        self._place()
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
