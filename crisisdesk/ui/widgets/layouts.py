"""Rows and columns of widgets, built from a list instead of one `addWidget` call per line.

Most panels are a column of pieces (some given the spare height) with a row of buttons; saying
them as a list keeps each constructor to what is on screen, in screen order.
"""

from __future__ import annotations

from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLayout, QVBoxLayout, QWidget

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


def column(parent: QWidget, *pieces: Piece, margin: int = 0) -> QVBoxLayout:
    """`parent`'s own vertical layout holding `pieces`, with `margin` pixels all round."""
    layout = QVBoxLayout(parent)
    layout.setContentsMargins(margin, margin, margin, margin)
    fill(layout, *pieces)
    return layout


def lead_row(lead: QWidget, *buttons: QWidget) -> QHBoxLayout:
    """`lead` (a search field, a label) taking the spare width, then `buttons` at the right."""
    row = QHBoxLayout()
    fill(row, (lead, 1), *buttons)
    return row
