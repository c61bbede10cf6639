"""Add or edit one contact. The dialog only collects a `ContactDraft`; the rules are the service's.

On Save it calls the `save` function it was given (the page's call into
`services.contacts`); a `ValidationError` comes back with `fields`, and each reason is shown
under the field it belongs to, so the user sees every problem at once and nothing is lost.
Opened with `open()` (window-modal, no nested event loop).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QWidget

from crisisdesk.domain.contacts import Contact, ContactDraft, ContactKind
from crisisdesk.ui.widgets.form_dialog import FormDialog
from crisisdesk.ui.widgets.pairs_table import PairsTable

PHONE_LABELS = ("mobile", "work", "home", "phone", "pager", "fax")


class ContactDialog(FormDialog):
    """`submitted` carries the stored Contact."""

    def __init__(self, save: Callable[[ContactDraft], Contact], contact: Contact | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Edit contact" if contact else "Add contact", "&Save", parent,
                         min_width=520)
        self.save_fn = save
        self.contact = contact
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

        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        phones_label = QLabel("&Phones:", self)
        phones_label.setBuddy(self.phones_table)  # the table, not the buttons under it
        self.add_row("&Name:", self.name_edit, "name")
        self.add_row("&Title:", self.title_edit, "job_title")
        self.add_row("&Organisation:", self.org_edit, "organisation")
        self.add_row("&Kind:", self.kind_combo, "kind")
        self.add_row(phones_label, self.phone_rows, "phones")
        self.add_row("&Email:", self.email_edit, "email")
        self.add_row("Ta&gs:", self.tags_edit, "tags")
        self.add_row("N&otes:", self.notes_edit, "notes")
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

    def save(self) -> Contact:
        self.contact = self.save_fn(self.draft())
        return self.contact
