"""Add a timeline entry, or correct one. The log is append-only, so a correction is a new entry.

For a correction the original is shown read-only above the new text (which starts as a copy of
the original to edit), and the dialog says plainly that the original stays in the log. The
dialog only collects values; `services.timeline` validates them (no empty text, nothing in the
future) and its `ValidationError` is shown under the field it names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from crisisdesk.domain.timeline import Category, TimelineEntry
from crisisdesk.ui.widgets.build import MOMENT_SHOWN
from crisisdesk.ui.widgets.form_dialog import FormDialog


class EntryValues:
    """What the person typed, handed to the page's save function."""

    def __init__(self, text: str, category: Category, at: dt.datetime, author: str,
                 position: str) -> None:
        self.text, self.category, self.at = text, category, at
        self.author, self.position = author, position


Save = Callable[[EntryValues], TimelineEntry]


class EntryDialog(FormDialog):
    """`submitted` carries the new TimelineEntry."""

    def __init__(self, save: Save, *, author: str, now: dt.datetime,
                 original: TimelineEntry | None = None, original_time: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(
            "Correct a timeline entry" if original else "Add a timeline entry",
            "Save &correction" if original else "&Add to log", parent, min_width=560,
            intro=("The original entry stays in the log, marked as corrected; your correction "
                   "is a new entry that points to it." if original else ""))
        self.save_fn = save
        self.original = original
        self.category_combo = QComboBox(self)
        for category in Category:
            self.category_combo.addItem(category.value.capitalize(), category)
        self.category_combo.setAccessibleName("Category")
        self.at_edit = QDateTimeEdit(self)
        self.at_edit.setDisplayFormat(MOMENT_SHOWN)
        self.at_edit.setCalendarPopup(True)
        self.at_edit.setDateTime(QDateTime(now.year, now.month, now.day, now.hour,
                                           now.minute, 0))
        self.at_edit.setAccessibleName("When it happened")
        self.author_edit = QLineEdit(author, self)
        self.author_edit.setAccessibleName("Author")
        self.position_edit = QLineEdit(self)
        self.position_edit.setPlaceholderText("e.g. PIO, IC, Privacy (optional)")
        self.position_edit.setAccessibleName("Position")
        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setAccessibleName("Entry text")
        self.text_edit.setMinimumHeight(120)
        if original is not None:
            shown = QPlainTextEdit(original.text, self)
            shown.setReadOnly(True)
            shown.setMaximumHeight(90)
            shown.setAccessibleName("Original entry")
            self.form.addRow(f"Original ({original_time}, {original.author}):", shown)
            self.category_combo.setCurrentIndex(self.category_combo.findData(original.category))
            self.text_edit.setPlainText(original.text)
            self.add_row("&Category:", self.category_combo, "category")
            self.add_row("&Corrected text:", self.text_edit, "text")
        else:
            self.category_combo.setCurrentIndex(self.category_combo.findData(Category.NOTE))
            self.add_row("&Category:", self.category_combo, "category")
            self.add_row("&When:", self.at_edit, "at")
            self.add_row("A&uthor:", self.author_edit, "author")
            self.add_row("&Position:", self.position_edit, "position")
            self.add_row("&Entry:", self.text_edit, "text")
        self.text_edit.setFocus()

    def values(self) -> EntryValues:
        moment = self.at_edit.dateTime().toPython()
        assert isinstance(moment, dt.datetime)
        category = Category(self.category_combo.currentData())
        return EntryValues(self.text_edit.toPlainText(), category, moment,
                           self.author_edit.text(), self.position_edit.text())

    def save(self) -> TimelineEntry:
        return self.save_fn(self.values())
