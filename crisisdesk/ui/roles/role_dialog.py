"""Edit a role of the catalogue, or add one: title, short name, group, description, first actions.

The catalogue ships with the app and each desk keeps its own edits (admins only). The first
actions are typed one per line, because they become the checklist a person taking the role reads
first. The dialog only collects text; `services.roles.edit_role` cleans and checks it, and its
`ValidationError` is shown next to the field it names, so nothing typed is lost. A new role also
needs a key (the id the CLI and the desk use), suggested from the short name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
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

from crisisdesk.domain.roles import RoleDef, RoleGroup
from crisisdesk.ui.widgets.errors import user_errors
from crisisdesk.ui.widgets.forms import FieldErrors, error_label


@dataclass(frozen=True)
class RoleValues:
    """What the form holds, in the shape `edit_role` takes."""

    key: str
    title: str
    short: str
    group: RoleGroup
    description: str
    first_actions: list[str]


SaveRole = Callable[[RoleValues], RoleDef]


def suggested_key(short: str) -> str:
    """'Call center' -> 'call_center': only a suggestion; the service checks the key."""
    return "_".join("".join(c if c.isalnum() else " " for c in short.lower()).split())[:40]


class RoleDialog(QDialog):
    saved = Signal(object)  # the RoleDef as stored

    def __init__(self, role: RoleDef | None, save: SaveRole,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.role = role
        self.save_fn = save
        self._key_touched = role is not None
        self.setWindowTitle(f"Edit role: {role.title}" if role else "New role")
        self.setMinimumSize(600, 520)

        self.key_edit = QLineEdit(self)
        self.key_edit.setAccessibleName("Role key")
        self.key_edit.setPlaceholderText("e.g. call_center (lower-case letters, digits and _)")
        self.key_edit.textEdited.connect(lambda _t: setattr(self, "_key_touched", True))
        self.title_edit = QLineEdit(self)
        self.title_edit.setAccessibleName("Role title")
        self.short_edit = QLineEdit(self)
        self.short_edit.setAccessibleName("Short name")
        self.short_edit.setPlaceholderText("e.g. PIO (defaults to the title)")
        self.short_edit.textEdited.connect(self._suggest_key)
        self.title_edit.textEdited.connect(self._suggest_key)
        self.group_combo = QComboBox(self)
        self.group_combo.setAccessibleName("Group")
        for group in RoleGroup:
            self.group_combo.addItem(group.label, group)
        self.description_edit = QPlainTextEdit(self)
        self.description_edit.setAccessibleName("Description")
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setFixedHeight(80)
        self.actions_edit = QPlainTextEdit(self)
        self.actions_edit.setAccessibleName("First actions, one per line")
        self.actions_edit.setTabChangesFocus(True)
        self.actions_edit.setPlaceholderText("One action per line, in the order to do them")

        self.message = error_label(self)
        form = QFormLayout()
        self.errors = FieldErrors(form, self.message)
        if role is None:
            self.errors.add_row("&Key:", self.key_edit, "role", "key")
        else:
            self.key_edit.hide()
            form.addRow("Key:", QLabel(role.key, self))
        self.errors.add_row("&Title:", self.title_edit, "title")
        self.errors.add_row("&Short name:", self.short_edit, "short")
        self.errors.add_row("&Group:", self.group_combo, "group")
        self.errors.add_row("&Description:", self.description_edit, "description")
        self.errors.add_row("&First actions\n(one per line):", self.actions_edit,
                            "first_actions")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("&Save role" if role else "&Add role")
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addLayout(form, 1)
        layout.addWidget(buttons)

        if role is not None:
            self.title_edit.setText(role.title)
            self.short_edit.setText(role.short if role.short != role.title else "")
            self.group_combo.setCurrentIndex(self.group_combo.findData(role.group))
            self.description_edit.setPlainText(role.description)
            self.actions_edit.setPlainText("\n".join(role.first_actions))
            self.title_edit.setFocus()
        else:
            self.group_combo.setCurrentIndex(self.group_combo.findData(RoleGroup.BREACH))
            self.title_edit.setFocus()

    def _suggest_key(self, _text: str) -> None:
        if not self._key_touched:
            self.key_edit.setText(suggested_key(self.short_edit.text()
                                                or self.title_edit.text()))

    def values(self) -> RoleValues:
        group = RoleGroup(self.group_combo.currentData())  # Qt hands a StrEnum back as str
        return RoleValues(
            self.role.key if self.role else self.key_edit.text(), self.title_edit.text(),
            self.short_edit.text(), group,
            self.description_edit.toPlainText(), self.actions_edit.toPlainText().splitlines())

    def submit(self) -> None:
        with user_errors(self.errors):
            role = self.save_fn(self.values())
            self.saved.emit(role)
            self.accept()
