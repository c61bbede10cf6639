"""Small modal forms for secrets: a new operator, a new passphrase, a code shown once.

They are opened only through `Prompts` (ui/prompts.py), so tests answer them by replacing one
method. A passphrase is typed twice and checked for length here only as a courtesy; the
service checks it again.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.operators import Role, check_new_passphrase
from crisisdesk.ui.widgets.scheme import error_style


class PassphraseForm(QDialog):
    def __init__(self, parent: QWidget | None, title: str, *, with_name: bool) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        form = QFormLayout()
        self.name_edit = QLineEdit(self)
        self.role_combo = QComboBox(self)
        for role in (Role.OPERATOR, Role.APPROVER, Role.ADMIN):
            self.role_combo.addItem(role.value, role)
        if with_name:
            form.addRow("&Name:", self.name_edit)
            form.addRow("&Role:", self.role_combo)
        self.first = QLineEdit(self)
        self.second = QLineEdit(self)
        for edit in (self.first, self.second):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("&Passphrase:", self.first)
        form.addRow("&Again:", self.second)
        self.problem = QLabel(self)
        self.problem.setStyleSheet(error_style())
        self.problem.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self._with_name = with_name

    def _check(self) -> None:
        try:
            check_new_passphrase(self.first.text())  # the default minimum; the service has
        except ValidationError as err:               # the desk's own setting
            too_short: str | None = str(err)
        else:
            too_short = None
        if self._with_name and not self.name_edit.text().strip():
            self._say("Type the operator's name.")
        elif too_short:
            self._say(too_short)
        elif self.first.text() != self.second.text():
            self._say("The two passphrases differ; type them again.")
        else:
            self.accept()

    def _say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()


def ask_new_operator(parent: QWidget | None) -> tuple[str, Role, str] | None:
    dialog = PassphraseForm(parent, "Add operator", with_name=True)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.name_edit.text().strip(), Role(dialog.role_combo.currentData()), \
        dialog.first.text()


def ask_new_passphrase(parent: QWidget | None, whose: str) -> str | None:
    dialog = PassphraseForm(parent, f"New passphrase for {whose}", with_name=False)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.first.text()


def show_code(parent: QWidget | None, title: str, text: str, code: str) -> None:
    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    label = QLabel(text, dialog)
    label.setWordWrap(True)
    shown = QLineEdit(code, dialog)
    shown.setReadOnly(True)
    mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    mono.setPointSizeF(max(mono.pointSizeF(), 10) * 1.4)
    mono.setWeight(QFont.Weight.Bold)
    shown.setFont(mono)
    shown.setMinimumWidth(shown.fontMetrics().horizontalAdvance(code) + 24)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, dialog)
    buttons.accepted.connect(dialog.accept)
    layout = QVBoxLayout(dialog)
    layout.addWidget(label)
    layout.addWidget(shown)
    layout.addWidget(buttons)
    dialog.exec()
