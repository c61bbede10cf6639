"""Log a media inquiry: the form a person fills in while the reporter is still on the line.

Fields follow the media-log practice (outlet, reporter, how to reach them, deadline, the
question). The reporter can be picked from the media contacts or typed new, and saved to
Contacts in the same action. Times are typed the way people say them ('3pm' or '16:30' today,
'12/01/2026 3:30 pm', '2026-03-20 16:30'), in the desk's time zone; a deadline's error goes as
soon as what is typed reads as a time. The rules are the service's: a ValidationError
comes back naming the field, and its reason is shown under that field; nothing is saved.

`EditInquiryDialog` is the same form filled with a logged inquiry, for corrections: the deadline
shown in local time (emptied: no deadline), without "received at" (when they called is a fact,
not a detail to correct) and without saving a new contact.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from crisisdesk.domain.contacts import Contact
from crisisdesk.domain.media import Inquiry, InquiryChannel
from crisisdesk.domain.times import TYPED_TIMES, parse_utc, typed_moment
from crisisdesk.ui.widgets.form_dialog import FormDialog

SaveFn = Callable[[dict[str, object]], Inquiry]


def reads_as_time(text: str) -> bool:
    """Whether a deadline as typed is one the service takes: empty (none), a time today, a
    date with a time, or ISO (the parsing is the domain's, as in `services.localtime`)."""
    if not text.strip():
        return True
    try:
        return typed_moment(text)[1] is not None
    except ValueError:
        pass
    try:
        parse_utc(text.strip())
    except ValueError:
        return False
    return True


class LogInquiryDialog(FormDialog):
    """`submitted` carries the logged Inquiry."""

    def __init__(self, save: SaveFn, reporters: list[Contact],
                 parent: QWidget | None = None) -> None:
        super().__init__("Log a media inquiry", "&Save", parent, min_width=540)
        self.save_fn = save
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
        self.deadline_edit.setPlaceholderText(f"{TYPED_TIMES} today, or a date and time "
                                              "(empty: none given)")
        self.received_edit = QLineEdit(self)
        self.received_edit.setPlaceholderText("Empty: now")
        self.question_edit = QPlainTextEdit(self)
        self.question_edit.setPlaceholderText("What they asked, in their words")
        self.question_edit.setTabChangesFocus(True)
        self.question_edit.setFixedHeight(90)
        self.assignee_edit = QLineEdit(self)
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
            self.add_row(label, widget, name)  # a text label becomes the buddy (Alt-keys)
        self.clear_when_valid(self.deadline_edit, "deadline", reads_as_time)

    def _picked(self, _index: int) -> None:
        contact = self._reporters.get(str(self.reporter_combo.currentData() or ""))
        if contact is None:
            return
        self.save_contact_box.setChecked(False)
        if not self.outlet_edit.text().strip():
            self.outlet_edit.setText(contact.organisation)
        if not self.details_edit.text().strip():
            phone = contact.phones[0].shown if contact.phones else contact.email
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

    def save(self) -> Inquiry:
        return self.save_fn(self.values())


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
        self.deadline_edit.setPlaceholderText(f"{TYPED_TIMES} today, or a date and time "
                                              "(empty: none)")
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
