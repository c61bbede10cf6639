"""Log a media inquiry: the form a person fills in while the reporter is still on the line.

Fields follow the media-log practice (outlet, reporter, how to reach them, deadline, the
question). The reporter can be picked from the media contacts or typed new, and saved to
Contacts in the same action. Times are typed the way the CLI takes them ('16:30' today, or
'2026-03-20 16:30'), in the desk's time zone. The rules are the service's: a ValidationError
comes back naming the field, and its reason is shown under that field; nothing is saved.

`EditInquiryDialog` is the same form filled with a logged inquiry, for corrections: the deadline
shown in local time (emptied: no deadline), without "received at" (when they called is a fact,
not a detail to correct) and without saving a new contact.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
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

from crisisdesk.domain.contacts import Contact
from crisisdesk.domain.errors import UserError, ValidationError
from crisisdesk.domain.media import Inquiry, InquiryChannel
from crisisdesk.ui.widgets.errors import user_errors

SaveFn = Callable[[dict[str, object]], Inquiry]


class LogInquiryDialog(QDialog):
    saved = Signal(object)  # the logged Inquiry

    def __init__(self, save: SaveFn, reporters: list[Contact],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.save_fn = save
        self.setWindowTitle("Log a media inquiry")
        self.setMinimumWidth(540)
        self.outlet_edit = QLineEdit(self)
        self.outlet_edit.setPlaceholderText("Newspaper, station or site")
        self.reporter_combo = QComboBox(self)
        self.reporter_combo.setEditable(True)
        self.reporter_combo.addItem("", "")
        for contact in reporters:
            label = contact.name + (f" ({contact.organisation})" if contact.organisation else "")
            self.reporter_combo.addItem(label, contact.id)
        self.reporter_combo.setAccessibleName("Reporter")
        self.reporter_combo.currentIndexChanged.connect(self._picked)
        self._reporters = {c.id: c for c in reporters}
        self.save_contact_box = QCheckBox("Save a new reporter to Contacts (media)", self)
        self.details_edit = QLineEdit(self)
        self.details_edit.setPlaceholderText("Phone or e-mail to call back")
        self.channel_combo = QComboBox(self)
        for channel in InquiryChannel:
            self.channel_combo.addItem(channel.label, channel.value)
        self.deadline_edit = QLineEdit(self)
        self.deadline_edit.setPlaceholderText("16:30 or 2026-03-20 16:30 (empty: none given)")
        self.received_edit = QLineEdit(self)
        self.received_edit.setPlaceholderText("Empty: now")
        self.question_edit = QPlainTextEdit(self)
        self.question_edit.setPlaceholderText("What they asked, in their words")
        self.question_edit.setTabChangesFocus(True)
        self.question_edit.setFixedHeight(90)
        self.assignee_edit = QLineEdit(self)
        self.errors: dict[str, QLabel] = {}
        self.form = form = QFormLayout()
        for label, name, widget in (
                ("&Outlet:", "outlet", self.outlet_edit),
                ("&Reporter:", "reporter", self.reporter_combo),
                ("", "save", self.save_contact_box),
                ("Contact &details:", "contact_details", self.details_edit),
                ("&Channel:", "channel", self.channel_combo),
                ("Dead&line:", "deadline", self.deadline_edit),
                ("Recei&ved at:", "received_at", self.received_edit),
                ("&Question:", "question", self.question_edit),
                ("&Assigned to:", "assignee", self.assignee_edit)):
            form.addRow(label, widget)  # a text label becomes the field's buddy (Alt-keys)
            error = QLabel(self)
            error.setObjectName("fieldError")
            error.setStyleSheet("#fieldError { color: #b00020; }")
            error.setWordWrap(True)
            error.hide()
            form.addRow("", error)
            self.errors[name] = error
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.message.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.buttons.accepted.connect(self.try_save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def _picked(self, _index: int) -> None:
        contact = self._reporters.get(str(self.reporter_combo.currentData() or ""))
        if contact is None:
            return
        self.save_contact_box.setChecked(False)
        if not self.outlet_edit.text().strip():
            self.outlet_edit.setText(contact.organisation)
        if not self.details_edit.text().strip():
            phone = contact.phones[0].original if contact.phones else contact.email
            self.details_edit.setText(phone)

    def values(self) -> dict[str, object]:
        text = self.reporter_combo.currentText()
        contact_id = str(self.reporter_combo.currentData() or "")
        contact = self._reporters.get(contact_id)
        if contact is not None and not text.startswith(contact.name):
            contact_id = ""  # typed over the picked name: a new reporter
        reporter = contact.name if contact_id and contact else text.strip()
        return {"outlet": self.outlet_edit.text(), "reporter": reporter,
                "contact_id": contact_id, "save_contact": self.save_contact_box.isChecked(),
                "contact_details": self.details_edit.text(),
                "channel": self.channel_combo.currentData(),
                "deadline": self.deadline_edit.text().strip() or None,
                "received_at": self.received_edit.text().strip() or None,
                "question": self.question_edit.toPlainText(),
                "assignee": self.assignee_edit.text()}

    def show_user_error(self, err: UserError) -> None:
        """A ValidationError's reasons under their fields; anything else on the top line."""
        fields = err.fields if isinstance(err, ValidationError) else {}
        shown = False
        for name, reason in fields.items():
            field_label = self.errors.get(name)
            if field_label is not None:
                field_label.setText(str(err) if len(fields) == 1 else reason)
                field_label.show()
                shown = True
        if not shown:
            self.message.setText(str(err))
            self.message.show()

    def try_save(self) -> None:
        for label in self.errors.values():
            label.hide()
        self.message.hide()
        with user_errors(self.show_user_error):
            inquiry = self.save_fn(self.values())
            self.saved.emit(inquiry)
            self.accept()


class EditInquiryDialog(LogInquiryDialog):
    """Correct a logged inquiry; `save` gets only the fields this form edits."""

    def __init__(self, inquiry: Inquiry, save: SaveFn, reporters: list[Contact],
                 deadline_text: str, parent: QWidget | None = None) -> None:
        known = {c.id for c in reporters}
        super().__init__(save, reporters, parent)
        self.inquiry = inquiry
        self.setWindowTitle(f"Edit the inquiry from {inquiry.outlet}")
        for widget in (self.save_contact_box, self.received_edit):
            self.form.setRowVisible(widget, False)
        self.outlet_edit.setText(inquiry.outlet)
        if inquiry.contact_id in known:
            self.reporter_combo.setCurrentIndex(self.reporter_combo.findData(inquiry.contact_id))
        else:
            self.reporter_combo.setEditText(inquiry.reporter)
        self.details_edit.setText(inquiry.contact_details)
        self.channel_combo.setCurrentIndex(self.channel_combo.findData(inquiry.channel.value))
        self.deadline_edit.setText(deadline_text)
        self.deadline_edit.setPlaceholderText("16:30 or 2026-03-20 16:30 (empty: none)")
        self.question_edit.setPlainText(inquiry.question)
        self.assignee_edit.setText(inquiry.assignee)
        if not inquiry.is_open:
            self.assignee_edit.setEnabled(False)
            self.assignee_edit.setToolTip(f"The inquiry is {inquiry.status.label}")

    def values(self) -> dict[str, object]:
        logged = super().values()
        out = {k: logged[k] for k in ("outlet", "reporter", "contact_id", "contact_details",
                                       "channel", "question", "assignee")}
        out["deadline"] = self.deadline_edit.text().strip()  # empty clears the deadline
        if out["contact_id"] and out["contact_id"] == self.inquiry.contact_id:
            out["reporter"] = self.inquiry.reporter  # the same contact: the name as logged
        return out
