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

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QWidget

from crisisdesk.domain.roles import RoleDef, RoleGroup
from crisisdesk.ui.widgets.form_dialog import FormDialog


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


class RoleDialog(FormDialog):
    """`submitted` carries the RoleDef as stored."""

    def __init__(self, role: RoleDef | None, save: SaveRole,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"Edit role: {role.title}" if role else "New role",
                         "&Save role" if role else "&Add role", parent, min_width=600)
        self.role = role
        self.save_fn = save
        self._key_touched = role is not None
        self.setMinimumSize(600, 520)
        self.body.setStretchFactor(self.form_widget, 1)

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

        if role is None:
            self.add_row("&Key:", self.key_edit, "role", "key")
        else:
            self.key_edit.hide()
            self.form.addRow("Key:", QLabel(role.key, self))
        self.add_row("&Title:", self.title_edit, "title")
        self.add_row("&Short name:", self.short_edit, "short")
        self.add_row("&Group:", self.group_combo, "group")
        self.add_row("&Description:", self.description_edit, "description")
        self.add_row("&First actions\n(one per line):", self.actions_edit, "first_actions")

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

    def save(self) -> RoleDef:
        return self.save_fn(self.values())
