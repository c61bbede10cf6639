"""Small builders for the widgets every page makes the same way.

A page's status labels, note fields, OK/Cancel row and its column of parts were each written
out line by line in every page (create, word wrap, accessible name, placeholder; then one
`addWidget`/`addLayout` per part). These builders do each the one way the desk does it, so an
accessible name is never forgotten on one page and kept on another. Buttons: `buttons.py`.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QBoxLayout,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

#: One part of a column: a widget, a layout, or (widget or layout, stretch factor).
Part = QWidget | QLayout | tuple[QWidget | QLayout, int]


def note_label(parent: QWidget, name: str) -> QLabel:
    """A word-wrapped label a screen reader announces by `name` (its text changes with data)."""
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setAccessibleName(name)
    return label


def line_edit(parent: QWidget, name: str, placeholder: str | None = None) -> QLineEdit:
    """A one-line field with the accessible name a screen reader announces."""
    edit = QLineEdit(parent)
    if placeholder is not None:
        edit.setPlaceholderText(placeholder)
    edit.setAccessibleName(name)
    return edit


def add_parts(layout: QBoxLayout, parts: tuple[Part, ...]) -> QBoxLayout:
    """Adds widgets and layouts in order; a (part, stretch) pair gets that stretch."""
    for part in parts:
        item, stretch = part if isinstance(part, tuple) else (part, 0)
        if isinstance(item, QLayout):
            layout.addLayout(item, stretch)
        else:
            layout.addWidget(item, stretch)
    return layout


def vbox(parent: QWidget | None, *parts: Part, margins: int | None = None) -> QBoxLayout:
    """`parent`'s top-to-bottom layout holding `parts`; even `margins`, else the style's."""
    layout = QVBoxLayout(parent) if parent is not None else QVBoxLayout()
    if margins is not None:
        layout.setContentsMargins(margins, margins, margins, margins)
    return add_parts(layout, parts)


def hbox(*parts: Part) -> QBoxLayout:
    """A left-to-right row holding `parts`, for nesting in a page's layout."""
    return add_parts(QHBoxLayout(), parts)


def ok_cancel(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    """OK (renamed to say what it does) and Cancel, wired to accept and reject."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel, dialog)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def form_rows(*rows: tuple[str, QWidget]) -> QFormLayout:
    """A form of (label with &mnemonic, field) rows; an empty label leaves the field alone."""
    form = QFormLayout()
    for label, field in rows:
        form.addRow(label, field)
    return form
