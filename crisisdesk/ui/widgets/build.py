"""Small builders for the widgets every page makes the same way.

A page's status labels, note fields and OK/Cancel row were each written out line by line in
every page (create, word wrap, accessible name, placeholder). These builders do each the one
way the desk does it, so an accessible name is never forgotten on one page and kept on another.
Buttons: `buttons.py`; rows and columns: `layouts.py`.
"""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)


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


# Dates on screen with the month as a word ("Dec 2, 2026"): "2/12" and "12/2" are read
# differently on each side of the Atlantic, and the team may include both.
DATE_SHOWN = "MMM d, yyyy"
MOMENT_SHOWN = "MMM d, yyyy HH:mm"


def date_edit(parent: QWidget, day: QDate | None = None, name: str = "") -> QDateEdit:
    """The date field every form uses: a calendar popup and the month as a word."""
    edit = QDateEdit(day, parent) if day is not None else QDateEdit(parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_SHOWN)
    if name:
        edit.setAccessibleName(name)
    return edit
