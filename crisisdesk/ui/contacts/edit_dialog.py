"""Add or edit one contact. The dialog only collects a `ContactDraft`; the rules are the service's.

On Save it calls the `save` function it was given (the page's call into
`services.contacts`); a `ValidationError` comes back with `fields`, and each reason is shown
under the field it belongs to, so the user sees every problem at once and nothing is lost.
Opened with `open()` (window-modal, no nested event loop).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from crisisdesk.domain.contacts import Contact, ContactDraft, ContactKind
from crisisdesk.domain.errors import UserError, ValidationError
from crisisdesk.ui.widgets.errors import user_errors
from crisisdesk.ui.widgets.pairs_table import PairsTable

PHONE_LABELS = ("mobile", "work", "home", "phone", "pager", "fax")


def _error_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setObjectName("fieldError")
    label.setStyleSheet("#fieldError { color: #b00020; }")
    label.setWordWrap(True)
    label.hide()
    return label


class ContactDialog(QDialog):
    saved = Signal(object)  # the stored Contact

    def __init__(self, save: Callable[[ContactDraft], Contact], contact: Contact | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.save_fn = save
        self.contact = contact
        self.setWindowTitle("Edit contact" if contact else "Add contact")
        self.setMinimumWidth(520)
        draft = ContactDraft.from_contact(contact) if contact else ContactDraft("")

        self.name_edit = QLineEdit(draft.name, self)
        self.title_edit = QLineEdit(draft.job_title, self)
        self.org_edit = QLineEdit(draft.organisation, self)
        self.kind_combo = QComboBox(self)
        for kind in ContactKind:
            self.kind_combo.addItem(kind.label, kind)
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(ContactKind(draft.kind)))
        self.phone_rows = PairsTable(("Label", "Number"), "Phone numbers", self,
                                     add_label="Add &number", remove_label="&Remove number",
                                     new_row=("work", ""), stretch=1, select_rows=True)
        self.phones_table = self.phone_rows.table
        for label, number in draft.phones or [("mobile", "")]:
            self.phone_rows.add_row(label, number)
        self.email_edit = QLineEdit(draft.email, self)
        self.email_edit.setPlaceholderText("several addresses: separate them with commas")
        self.tags_edit = QLineEdit(", ".join(draft.tags), self)
        self.tags_edit.setPlaceholderText("e.g. command, on-call, IT (comma separated)")
        self.notes_edit = QPlainTextEdit(draft.notes, self)
        self.notes_edit.setAccessibleName("Notes")
        self.notes_edit.setFixedHeight(70)

        self.message = _error_label(self)
        self.field_errors = {key: _error_label(self) for key in (
            "name", "job_title", "organisation", "kind", "phones", "email", "tags", "notes")}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        phones_label = QLabel("&Phones:", self)
        phones_label.setBuddy(self.phones_table)  # the table, not the buttons under it
        for text, widget, key in (
            ("&Name:", self.name_edit, "name"), ("&Title:", self.title_edit, "job_title"),
            ("&Organisation:", self.org_edit, "organisation"), ("&Kind:", self.kind_combo, "kind"),
            (phones_label, self.phone_rows, "phones"), ("&Email:", self.email_edit, "email"),
            ("Ta&gs:", self.tags_edit, "tags"), ("N&otes:", self.notes_edit, "notes"),
        ):
            form.addRow(text, widget)
            form.addRow("", self.field_errors[key])
            form.setRowVisible(self.field_errors[key], False)
        self.form = form
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.name_edit.setFocus()

    def phones(self) -> list[tuple[str, str]]:
        return [(label, number) for label, number in self.phone_rows.pairs() if number]

    def draft(self) -> ContactDraft:
        return ContactDraft(
            name=self.name_edit.text(), job_title=self.title_edit.text(),
            organisation=self.org_edit.text(), kind=self.kind_combo.currentData(),
            phones=self.phones(), email=self.email_edit.text(),
            notes=self.notes_edit.toPlainText(),
            tags=[t for t in self.tags_edit.text().split(",") if t.strip()],
        )

    def show_errors(self, message: str, fields: dict[str, str]) -> None:
        for key, label in self.field_errors.items():
            reason = fields.get(key, "")
            label.setText(reason[:1].upper() + reason[1:] + "." if reason else "")
            self.form.setRowVisible(label, bool(reason))
        unplaced = [r for k, r in fields.items() if k not in self.field_errors]
        top = message if unplaced or not fields else "Please correct the fields marked below."
        self.message.setText(top)
        self.message.setVisible(bool(top))

    def show_user_error(self, err: UserError) -> None:
        self.show_errors(str(err), err.fields if isinstance(err, ValidationError) else {})

    def submit(self) -> None:
        with user_errors(self.show_user_error):
            contact = self.save_fn(self.draft())
            self.contact = contact
            self.saved.emit(contact)
            self.accept()

    def field_error(self, key: str) -> str:
        label = self.field_errors[key]
        return label.text() if not label.isHidden() else ""
