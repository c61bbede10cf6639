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
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


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
        form = QFormLayout()
        form.addRow("&Message:", self.message)
        form.addRow("&What to do:", self.action)
        form.addRow("&Report back to:", self.report_to)
        form.addRow("Staff &hotline:", self.hotline)
        form.addRow("", self.drill)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                   QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Start")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(520, 300)

    def request(self) -> StartRequest:
        return StartRequest(self.message.toPlainText(), self.action.text(),
                            self.report_to.text(), self.drill.isChecked(), self.hotline.text())
