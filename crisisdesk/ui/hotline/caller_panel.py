"""What a verified caller may ask for, as buttons beside what they may be told: a re-send of
the letter, another letter language, a complaint, a callback from the privacy officer, e-mail
notice.

The panel is disabled until the caller of the current lookup is verified (the services refuse
before that too) and forgets everything when the next call starts. Each button is one quick
service call (services/hotline/actions), so it runs on the GUI thread.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLineEdit, QWidget

from crisisdesk.services.hotline import actions
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.widgets.build import line_edit, note_label
from crisisdesk.ui.widgets.buttons import push_button
from crisisdesk.ui.widgets.errors import user_errors
from crisisdesk.ui.widgets.layouts import hbox

LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}
# What each request means for the call log: (topic, outcome or "", follow-up or "").
FOR_THE_LOG = {
    "resend": ("resend", "resend_requested", "resend"),
    "language": ("language", "", ""),
    "complaint": ("complaint", "complaint_recorded", "complaint"),
    "callback": ("privacy_officer", "callback_requested", "privacy_officer"),
    "email_optin": ("", "", ""),
}


class CallerActions(QGroupBox):
    """The verified-caller panel's actions; `set_handle` arms it for one verified lookup.
    `requested` says what was asked (a FOR_THE_LOG key), so the call log can follow."""

    requested = Signal(str)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__("What the caller asks for", parent)
        self.ctx = ctx
        self.handle = ""
        self.resend_button = push_button(self, "Re-&send the letter", self.resend,
                                         "Send the letter again to the address on file")
        self.language = QComboBox(self)
        self.language.setAccessibleName("Preferred letter language")
        for code in actions.LETTER_LANGUAGES:
            self.language.addItem(LANGUAGE_NAMES.get(code, code), code)
        self.language_button = push_button(self, "Set lan&guage", self.set_language)
        self.complaint = line_edit(self, "Complaint in the caller's words",
                                   "In the caller's words")
        self.complaint_button = push_button(self, "Record com&plaint", self.complain)
        self.phone = line_edit(self, "Number to call back", "Phone number")
        self.when = line_edit(self, "When to call back", "When (optional)")
        self.callback_button = push_button(self, "Privacy officer calls bac&k", self.callback)
        self.email = line_edit(self, "E-mail address for notice", "name@example.org")
        self.email_button = push_button(self, "Opt in to e-&mail", self.opt_in)
        self.done = note_label(self, "Caller action answer")
        form = QFormLayout(self)
        form.addRow("", self.resend_button)
        form.addRow("Language", hbox((self.language, 1), self.language_button))
        form.addRow("Complaint", hbox((self.complaint, 1), self.complaint_button))
        form.addRow("Call back on", hbox((self.phone, 1), (self.when, 1)))
        form.addRow("", self.callback_button)
        form.addRow("E-mail notice", hbox((self.email, 1), self.email_button))
        form.addRow("", self.done)
        self.set_handle("")

    def set_handle(self, handle: str) -> None:
        """Arm the panel for the verified lookup `handle` ("" disarms it and forgets)."""
        self.handle = handle
        for edit in (self.complaint, self.phone, self.when, self.email):
            edit.clear()
        self.done.clear()
        self.setEnabled(bool(handle))

    def _done(self, kind: str, text: str, *used: QLineEdit) -> None:
        self.done.setText(text)
        self.requested.emit(kind)
        for edit in used:
            edit.clear()
        self.ctx.state.notify_changed()

    def resend(self) -> None:
        with user_errors(self.ctx.messages):
            reference = actions.request_resend(self.ctx.session, self.handle)
            self._done("resend", f"Re-send of letter {reference} requested: the letters team "
                       "sends it.")

    def set_language(self) -> None:
        with user_errors(self.ctx.messages):
            code = actions.set_language(self.ctx.session, self.handle,
                                        self.language.currentData())
            self._done("language", f"Letters will be in {LANGUAGE_NAMES.get(code, code)}.")

    def complain(self) -> None:
        with user_errors(self.ctx.messages):
            actions.record_complaint(self.ctx.session, self.handle, self.complaint.text())
            self._done("complaint", "Complaint recorded for the privacy officer.", self.complaint)

    def callback(self) -> None:
        with user_errors(self.ctx.messages):
            actions.request_callback(self.ctx.session, self.handle, self.phone.text(),
                                     self.when.text())
            self._done("callback", "The privacy officer will call back.", self.phone, self.when)

    def opt_in(self) -> None:
        with user_errors(self.ctx.messages):
            address = actions.opt_in_email(self.ctx.session, self.handle, self.email.text())
            self._done("email_optin", f"E-mail notice will go to {address}.", self.email)
