"""The calling-trees page's small dialogs: pick a contact, start an activation.

The picker is opened modal with `exec()` from a seam on the page (`pick_contact`), so tests
replace the seam instead of driving a nested event loop; the start dialog is opened modal with
`open()`, so tests drive it like a person.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from PySide6.QtWidgets import QCheckBox, QLineEdit, QPlainTextEdit, QWidget

from crisisdesk.domain.errors import NeedsConfirmation, UserError
from crisisdesk.ui.widgets.form_dialog import FormDialog


@dataclass(frozen=True)
class StartRequest:
    message: str
    action: str
    report_back_to: str
    drill: bool
    staff_hotline: str
    also: bool = False


class StartDialog(FormDialog):
    """What the approved call script needs from the coordinator.

    `check` asks the service whether the tree would start with these answers (it writes
    nothing); a missing answer shows under its field and the dialog stays open. When the tree
    is already running, `confirm` asks whether a second activation is meant.
    """

    def __init__(self, tree_name: str, hotline: str, check: Callable[[StartRequest], object],
                 confirm: Callable[[str], bool], parent: QWidget | None = None) -> None:
        super().__init__(f"Start calling tree: {tree_name}", "&Start", parent, min_width=520)
        self.check = check
        self.confirm = confirm
        self.message_text = QPlainTextEdit(self)
        self.message_text.setPlaceholderText("The message, in one or two short sentences (facts "
                                        "only).")
        self.message_text.setMaximumHeight(80)
        self.action = QLineEdit(self)
        self.action.setPlaceholderText("e.g. use the paper downtime forms")
        self.report_to = QLineEdit(self)
        self.report_to.setPlaceholderText("e.g. the command center at 217-555-0120")
        self.hotline = QLineEdit(hotline, self)
        self.drill = QCheckBox("This is a &drill (the script says so)", self)
        self.add_row("&Message:", self.message_text, "message")
        self.add_row("&What to do:", self.action, "action")
        self.add_row("&Report back to:", self.report_to, "report_back_to")
        self.add_row("Staff &hotline:", self.hotline)
        self.add_row("", self.drill, "tree")

    def request(self) -> StartRequest:
        return StartRequest(self.message_text.toPlainText(), self.action.text(),
                            self.report_to.text(), self.drill.isChecked(), self.hotline.text())

    def save(self) -> StartRequest:
        request = self.request()
        try:
            self.check(request)
        except NeedsConfirmation as err:
            if not self.confirm(str(err)):
                raise UserError("Not started: the tree is already running.") from None
            request = replace(request, also=True)
        return request
