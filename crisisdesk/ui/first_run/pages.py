"""The first-run window's two forms: "Create our desk", then the recovery key shown once.

`CreatePage` collects the organisation (and an optional logo), the first operator and the
passphrase typed twice, with the strength meter updating as it is typed; the service checks
everything again and its refusals land under the field they name. `KeyPage` shows the
recovery key once, with Print (a one-page PDF) and Save-to-file, and keeps Continue disabled
until "I have printed or saved the recovery key" is ticked: a key nobody kept is no key.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crisisdesk.domain.errors import ValidationError
from crisisdesk.ui.first_run.meter import StrengthMeter
from crisisdesk.ui.widgets.build import line_edit, note_label
from crisisdesk.ui.widgets.buttons import push_button
from crisisdesk.ui.widgets.forms import FieldErrors, buddy_label, error_label


def heading(parent: QWidget, text: str) -> QLabel:
    label = QLabel(text, parent)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.4)
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(True)
    return label


class CreatePage(QWidget):
    """Organisation, logo, first operator and passphrase; `create_requested` when submitted."""

    create_requested = Signal(dict)  # org, logo (Path | None), operator, passphrase
    back_requested = Signal()
    browse_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.org_edit = line_edit(self, "Organisation name", "e.g. Riverside Community Health")
        self.logo_edit = line_edit(self, "Logo file (optional)",
                                   "optional: a PNG or JPEG for the letterhead")
        self.browse_button = push_button(self, "&Browse…", self.browse_requested)
        self.browse_button.setAccessibleName("Choose the logo file")
        self.operator_edit = line_edit(self, "Your name as the first operator", "e.g. alex")
        self.passphrase_edit = line_edit(self, "Passphrase")
        self.confirm_edit = line_edit(self, "Passphrase again")
        for edit in (self.passphrase_edit, self.confirm_edit):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.meter = StrengthMeter(self)
        self.message = error_label(self)
        self.status = note_label(self, "Progress")
        self.back_button = push_button(self, "< &Back", self.back_requested)
        self.create_button = push_button(self, "&Create the desk", self.submit)
        self.create_button.setDefault(True)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.errors = FieldErrors(form, self.message)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_edit, 1)
        logo_row.addWidget(self.browse_button)
        self.errors.add_row("&Organisation:", self.org_edit, "org")
        self.errors.add_row(buddy_label("&Logo:", self, self.logo_edit), logo_row, "logo")
        self.errors.add_row("Your &name:", self.operator_edit, "name", "operator")
        self.errors.add_row("&Passphrase:", self.passphrase_edit, "passphrase")
        self.errors.add_row("&Again:", self.confirm_edit, "confirm")
        form.addRow("Strength:", self.meter)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.create_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self, "Create our desk"))
        intro = QLabel("The organisation's name is printed on every letter and sheet. You "
                       "become the first operator, an admin who can add the others. Choose a "
                       "passphrase of several words that you will remember: it cannot be "
                       "looked up or reset, only replaced with the recovery key.", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self.message)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addLayout(buttons)
        for edit in (self.org_edit, self.operator_edit):
            edit.textChanged.connect(self._context_changed)
        self.passphrase_edit.textChanged.connect(self.meter.update_for)
        self.confirm_edit.returnPressed.connect(self.submit)

    def _context_changed(self) -> None:
        self.meter.context = (self.org_edit.text(), self.operator_edit.text())
        self.meter.update_for(self.passphrase_edit.text())

    def set_busy(self, busy: bool, text: str = "") -> None:
        for widget in (self.org_edit, self.logo_edit, self.browse_button, self.operator_edit,
                       self.passphrase_edit, self.confirm_edit, self.back_button,
                       self.create_button):
            widget.setEnabled(not busy)
        self.status.setText(text)

    def request(self) -> dict[str, object]:
        """What was typed; a mismatch of the two passphrases is refused here, the rest by
        the service."""
        if self.passphrase_edit.text() != self.confirm_edit.text():
            raise ValidationError("The two passphrases are not the same; type them again.",
                                  {"confirm": "not the same"})
        logo = self.logo_edit.text().strip()
        return {"org": self.org_edit.text(), "logo": Path(logo) if logo else None,
                "operator": self.operator_edit.text(), "passphrase": self.passphrase_edit.text()}

    def submit(self) -> None:
        try:
            request = self.request()
        except ValidationError as err:
            self.errors.show_user_error(err)
            return
        self.errors.clear()
        self.create_requested.emit(request)


class KeyPage(QWidget):
    """The recovery key, once; Continue only after it was printed or saved."""

    print_requested = Signal()
    save_requested = Signal()
    continue_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.intro = note_label(self, "About the recovery key")
        self.key_edit = QLineEdit(self)
        self.key_edit.setReadOnly(True)
        self.key_edit.setAccessibleName("Recovery key")
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(max(mono.pointSizeF(), 10) * 1.4)
        mono.setWeight(QFont.Weight.Bold)
        self.key_edit.setFont(mono)
        self.print_button = push_button(self, "&Print (one-page PDF)…", self.print_requested)
        self.save_button = push_button(self, "&Save to a file…", self.save_requested)
        self.status = note_label(self, "Where the key went")
        self.kept_check = QCheckBox("I have printed or saved the recovery &key", self)
        self.continue_button: QPushButton = push_button(self, "C&ontinue to the desk",
                                                        self.continue_requested)
        self.continue_button.setEnabled(False)
        self.continue_button.setToolTip("Tick the box above first")
        self.kept_check.toggled.connect(self.continue_button.setEnabled)
        row = QHBoxLayout()
        row.addWidget(self.print_button)
        row.addWidget(self.save_button)
        row.addStretch(1)
        end = QHBoxLayout()
        end.addWidget(self.kept_check)
        end.addStretch(1)
        end.addWidget(self.continue_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self, "Your recovery key"))
        layout.addWidget(self.intro)
        layout.addWidget(self.key_edit)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addLayout(end)

    def show_key(self, org: str, code: str) -> None:
        self.intro.setText(
            f"The desk for {org} is ready. This key opens it if every passphrase is "
            "forgotten. It is shown only now: print it or save it to a USB stick, and keep it "
            "locked away with the crisis plan, not with this laptop.")
        self.key_edit.setText(code)
        self.key_edit.setMinimumWidth(self.key_edit.fontMetrics().horizontalAdvance(code) + 24)
