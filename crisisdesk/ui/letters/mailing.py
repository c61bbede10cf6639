"""Mailing-log dialogs: re-mail a returned letter to a corrected address, and choose the range
of a batch to reprint after a printer jam.

The reference field accepts Enter like the page's returned-letter field, so a barcode scanner
(which types the reference and presses Enter) moves straight on to the address. The service's
reasons appear under the fields they name; nothing typed is lost on an error.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from crisisdesk.domain.errors import UserError, ValidationError
from crisisdesk.domain.recipients import Address, parse_state, parse_zip
from crisisdesk.services.letters import mailing_log as mailing_log
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.widgets.form_dialog import FormDialog


class RemailDialog(FormDialog):
    """A returned letter's reference and the corrected address it is sent to again.
    `submitted` carries the letter reference."""

    def __init__(self, ctx: UiContext, reference: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__("Re-mail a returned letter", "Record re-mailed", parent,
                         intro="Scan or type the reference of a letter marked returned, then "
                               "the corrected address. It is kept on the recipient and in the "
                               "mailing log.")
        self.ctx = ctx
        self.accept_button.setAutoDefault(False)  # a scanner's Enter moves on, never saves
        self.accept_button.setDefault(False)
        self.reference_edit = QLineEdit(reference, self)
        self.reference_edit.setPlaceholderText("CD00000018")
        self.line1_edit = QLineEdit(self)
        self.line2_edit = QLineEdit(self)
        self.city_edit = QLineEdit(self)
        self.state_edit = QLineEdit(self)
        self.state_edit.setMaxLength(20)
        self.zip_edit = QLineEdit(self)
        self.note_edit = QLineEdit(self)
        self.note_edit.setPlaceholderText("e.g. new address from the patient's call")
        self.reference_edit.returnPressed.connect(self.line1_edit.setFocus)
        for label, edit, keys in (
                ("&Reference:", self.reference_edit, ("reference", "status")),
                ("&Address:", self.line1_edit, ("line1", "address")),
                ("Address line &2:", self.line2_edit, ()),
                ("&City:", self.city_edit, ("city",)),
                ("&State:", self.state_edit, ("state",)),
                ("&ZIP:", self.zip_edit, ("zip",)),
                ("&Note:", self.note_edit, ())):
            edit.setAccessibleName(label.replace("&", "").rstrip(":"))
            self.add_row(label, edit, *keys)
        (self.line1_edit if reference else self.reference_edit).setFocus()

    def show_error(self, err: UserError) -> None:
        """Reasons under their fields; a refusal without fields is about the reference."""
        fields = dict(err.fields) if isinstance(err, ValidationError) else {"reference": str(err)}
        self.errors.show(str(err), fields)

    def save(self) -> str:
        state = parse_state(self.state_edit.text())
        zip_code, _ = parse_zip(self.zip_edit.text(), state)
        address = Address(self.line1_edit.text().strip(), self.line2_edit.text().strip(),
                          self.city_edit.text().strip(), state, zip_code)
        return mailing_log.remail(self.ctx.session, self.reference_edit.text(), address,
                                  note=self.note_edit.text())


class ReprintDialog(QDialog):
    """Which letters of a batch to print again (the sequence numbers on the cover sheets)."""

    def __init__(self, batch_number: str, letters: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Reprint letters of batch {batch_number}")
        self.setMinimumWidth(440)
        intro = QLabel(f"Batch {batch_number} has {letters:,} letters. Give the first and last "
                       "letter to print again (after a jam: from the first damaged letter). "
                       "They go into one PDF file; references and codes stay the same.", self)
        intro.setWordWrap(True)
        self.first_spin = QSpinBox(self)
        self.last_spin = QSpinBox(self)
        for spin in (self.first_spin, self.last_spin):
            spin.setRange(1, max(letters, 1))
        self.last_spin.setValue(max(letters, 1))
        self.first_spin.valueChanged.connect(
            lambda v: self.last_spin.setValue(max(v, self.last_spin.value())))
        form = QFormLayout()
        form.addRow("&First letter:", self.first_spin)
        form.addRow("&Last letter:", self.last_spin)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Reprint…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def span(self) -> tuple[int, int]:
        return self.first_spin.value(), self.last_spin.value()
