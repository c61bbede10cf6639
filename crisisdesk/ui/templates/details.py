"""The name and description of the template being edited, above its text.

They belong to the template, not to a version, and are saved with the draft
(`services.templates.save_draft(meta=...)`, one action). Only a draft's are editable here: a
version in review or approved is what the approver saw, so its name is changed on a new draft.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from crisisdesk.domain.templates import Status, TemplateVersion


class DetailsRow(QWidget):
    """`changed()` when the person edits the name or the description."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name_edit = QLineEdit(self)
        self.name_edit.setAccessibleName("Template name")
        self.description_edit = QLineEdit(self)
        self.description_edit.setAccessibleName("Template description")
        self.description_edit.setPlaceholderText("When to use this template")
        name_label = QLabel("Na&me:", self)
        name_label.setBuddy(self.name_edit)
        description_label = QLabel("Descri&ption:", self)
        description_label.setBuddy(self.description_edit)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(name_label)
        layout.addWidget(self.name_edit, 2)
        layout.addWidget(description_label)
        layout.addWidget(self.description_edit, 3)
        for edit in (self.name_edit, self.description_edit):
            edit.textEdited.connect(lambda _t: self.changed.emit())

    def load(self, version: TemplateVersion) -> None:
        """Show `version`'s name and description; editable only while it is a draft."""
        draft = version.status is Status.DRAFT
        why = ("" if draft else "Only a draft's name and description can be changed: edit the "
               "text and save to make a new draft first")
        for edit, value in ((self.name_edit, version.meta.name),
                            (self.description_edit, version.meta.description)):
            if edit.text() != value:
                edit.setText(value)
                edit.setCursorPosition(0)
            edit.setReadOnly(not draft)
            edit.setToolTip(why)

    @property
    def name(self) -> str:
        return " ".join(self.name_edit.text().split())

    @property
    def description(self) -> str:
        return self.description_edit.text().strip()

    def clear(self) -> None:
        for edit in (self.name_edit, self.description_edit):
            edit.clear()
            edit.setReadOnly(True)
            edit.setToolTip("")
