"""Rows and columns of widgets, built from a list instead of one `addWidget` call per line.

Most panels are a column of pieces (some given the spare height) with a row of buttons; saying
them as a list keeps each constructor to what is on screen, in screen order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QBoxLayout,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLayout,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from PySide6.QtGui import QResizeEvent

# A piece: a widget or layout, or (widget or layout, stretch) for one that takes spare room.
Piece = QWidget | QLayout | tuple[QWidget | QLayout, int]


def fill(layout: QBoxLayout, *pieces: Piece) -> QBoxLayout:
    """Add `pieces` to `layout` in order; returns it."""
    for piece in pieces:
        item, stretch = piece if isinstance(piece, tuple) else (piece, 0)
        if isinstance(item, QLayout):
            layout.addLayout(item, stretch)
        else:
            layout.addWidget(item, stretch)
    return layout


def vbox(parent: QWidget | None, *pieces: Piece, margins: int | None = None) -> QVBoxLayout:
    """`parent`'s top-to-bottom layout holding `pieces`; even `margins`, else the style's."""
    layout = QVBoxLayout(parent) if parent is not None else QVBoxLayout()
    if margins is not None:
        layout.setContentsMargins(margins, margins, margins, margins)
    fill(layout, *pieces)
    return layout


def column(parent: QWidget, *pieces: Piece, margin: int = 0) -> QVBoxLayout:
    """`parent`'s own vertical layout holding `pieces`, with `margin` pixels all round."""
    return vbox(parent, *pieces, margins=margin)


def hbox(*pieces: Piece) -> QHBoxLayout:
    """A left-to-right row holding `pieces`, for nesting in a page's layout."""
    row = QHBoxLayout()
    fill(row, *pieces)
    return row


def lead_row(lead: QWidget, *buttons: QWidget) -> QHBoxLayout:
    """`lead` (a search field, a label) taking the spare width, then `buttons` at the right."""
    return hbox((lead, 1), *buttons)


def grow_to_fit(widget: QWidget) -> None:
    """Make the dialog holding `widget` tall enough for what it now shows (a message that just
    appeared, a line that wrapped), never shorter or narrower than the user made it.

    A top-level window does not grow by itself for a word-wrapped label: its minimum size
    ignores height-for-width, so the new lines squeeze whatever is below them instead."""
    window = widget.window()
    if not isinstance(window, QDialog):
        return  # a main window (the lock screen) keeps the size the user chose
    layout = window.layout()
    if layout is not None:
        layout.activate()
    width = window.width()
    needed = window.heightForWidth(width) if window.hasHeightForWidth() else -1
    needed = max(needed, window.sizeHint().height(), window.minimumSizeHint().height())
    if needed > window.height():
        window.resize(width, needed)


class WrapLabel(QLabel):
    """A word-wrapped label that claims the height its text needs at its width.

    Inside a stacked widget (every page is one) the layout does not ask a label's
    height-for-width, so a wrapped label on a crowded page gets one line's height and the
    rest of its text is cut off; this one sets its minimum height whenever its text or width
    changes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)

    def setText(self, text: str) -> None:
        super().setText(text)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        needed = self.heightForWidth(self.width()) if self.text() else 0
        if needed >= 0 and needed != self.minimumHeight():
            self.setMinimumHeight(needed)
