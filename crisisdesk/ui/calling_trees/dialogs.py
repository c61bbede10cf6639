"""The calling-trees page's small dialogs: pick a contact, start an activation.

The picker is opened modal with `exec()` from a seam on the page (`pick_contact`), so tests
replace the seam instead of driving a nested event loop; the start dialog is opened modal with
`open()`, so tests drive it like a person.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from crisisdesk.ui.widgets.build import form_rows, ok_cancel
from crisisdesk.ui.widgets.layouts import vbox


@dataclass(frozen=True)
class StartRequest:
    message: str
    action: str
    report_back_to: str
    drill: bool
    staff_hotline: str


class StartDialog(QDialog):
    """What the approved call script needs from the coordinator."""

    def __init__(self, tree_name: str, hotline: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Start calling tree: {tree_name}")
        self.message = QPlainTextEdit(self)
        self.message.setPlaceholderText("The message, in one or two short sentences (facts "
                                        "only).")
        self.message.setMaximumHeight(80)
        self.action = QLineEdit(self)
        self.report_to = QLineEdit(self)
        self.report_to.setPlaceholderText("e.g. the command center at 217-555-0120")
        self.hotline = QLineEdit(hotline, self)
        self.drill = QCheckBox("This is a &drill (the script says so)", self)
        form = form_rows(("&Message:", self.message), ("&What to do:", self.action),
                         ("&Report back to:", self.report_to), ("Staff &hotline:", self.hotline),
                         ("", self.drill))
        vbox(self, form, ok_cancel(self, "&Start"))
        self.resize(520, 300)

    def request(self) -> StartRequest:
        return StartRequest(self.message.toPlainText(), self.action.text(),
                            self.report_to.text(), self.drill.isChecked(), self.hotline.text())
