"""The variables palette beside the editor, and the dialog that defines one variable.

A template's variables are part of what an approver signs off (their types and descriptions
are hashed with the body), so they are edited here next to the text, not in a separate
screen. Double-clicking a variable inserts `{{ name }}` at the cursor, which keeps spelling
mistakes (and the "undeclared variable" error they cause) out of letters. Whether a definition
is valid is the domain's call (`check_meta`), passed in as `validate`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from crisisdesk.domain.templates import Variable, VarType
from crisisdesk.ui.widgets.buttons import push_button
from crisisdesk.ui.widgets.form_dialog import FormDialog
from crisisdesk.ui.widgets.table_model import RowTableModel
from crisisdesk.ui.widgets.tables import Resize, selected_object, standard_table

VAR_NAME, VAR_TYPE, VAR_DESCRIPTION = range(3)


def sample_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return str(value)


class VariablesModel(RowTableModel[Variable]):
    HEADERS = ("Variable", "Type", "Description")

    def key(self, row: Variable) -> str:
        return row.name

    CELLS = (
        lambda v: v.name, lambda v: v.type.value + ("" if v.required else " (optional)"),
        lambda v: v.description,
    )

    def extra(self, row: Variable, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            sample = sample_text(row.sample)
            return (f"{{{{ {row.name} }}}}: {row.description}\nType: {row.type.example}"
                    + (f"\nSample: {sample}" if sample else "") + "\nDouble-click to insert.")
        return None


class VariableDialog(FormDialog):
    """Add or edit one variable; `validate(variable)` raises a UserError to refuse it.
    `submitted` carries the Variable."""

    def __init__(self, validate: Callable[[Variable], None], variable: Variable | None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Edit variable" if variable else "Add variable", "OK", parent)
        self.validate = validate
        self.name_edit = QLineEdit(variable.name if variable else "", self)
        self.name_edit.setPlaceholderText("lower_case_with_underscores")
        self.type_combo = QComboBox(self)
        for vt in VarType:
            self.type_combo.addItem(f"{vt.value}: {vt.example}", vt)
        if variable:
            self.type_combo.setCurrentIndex(self.type_combo.findData(variable.type))
        self.description_edit = QLineEdit(variable.description if variable else "", self)
        self.description_edit.setPlaceholderText("What it means, for whoever fills it in")
        self.sample_edit = QLineEdit(sample_text(variable.sample) if variable else "", self)
        self.sample_edit.setPlaceholderText("A realistic example, used for the preview")
        self.required_check = QCheckBox("A value is required to issue a message", self)
        self.required_check.setChecked(variable.required if variable else True)
        self.add_row("&Name:", self.name_edit, "name")
        self.add_row("&Type:", self.type_combo, "type")
        self.add_row("&Description:", self.description_edit, "description")
        self.add_row("&Sample value:", self.sample_edit, "sample")
        self.add_row("", self.required_check)

    def variable(self) -> Variable:
        sample = self.sample_edit.text().strip()
        return Variable.from_dict({
            "name": self.name_edit.text().strip(), "type": self.type_combo.currentData().value,
            "description": self.description_edit.text().strip(), "sample": sample or None,
            "required": self.required_check.isChecked()})

    def save(self) -> Variable:
        variable = self.variable()
        self.validate(variable)
        return variable


class VariablesPalette(QWidget):
    """The declared variables; emits `insert_requested(text)` and `changed(variables)`."""

    insert_requested = Signal(str)
    changed = Signal(tuple)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.validate_with: Callable[[tuple[Variable, ...]], None] = lambda _v: None
        self.dialog: VariableDialog | None = None
        self.model = VariablesModel(self)
        self.table = standard_table(self, "Template variables", self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(VAR_NAME, Resize.ResizeToContents)
        header.setSectionResizeMode(VAR_TYPE, Resize.ResizeToContents)
        self.table.doubleClicked.connect(lambda _i: self.insert_selected())
        self.insert_button = push_button(self, "&Insert", self.insert_selected,
                                         "Insert the selected variable at the cursor")
        self.add_button = push_button(self, "Add variable…", lambda: self.open_dialog(None))
        self.edit_button = push_button(self, "Edit variable…",
                                       lambda: self.open_dialog(self.selected()))
        self.remove_button = push_button(self, "Remove variable", self.remove_selected,
                                         "Remove the selected variable (Delete)")
        remove_key = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        remove_key.setContext(Qt.ShortcutContext.WidgetShortcut)
        remove_key.activated.connect(self.remove_selected)
        title = QLabel("<b>Variables</b> (double-click to insert)", self)
        buttons = QHBoxLayout()
        buttons.addWidget(title, 1)
        for button in (self.insert_button, self.add_button, self.edit_button,
                       self.remove_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)

    def variables(self) -> tuple[Variable, ...]:
        return tuple(self.model.rows())

    def set_variables(self, variables: tuple[Variable, ...]) -> None:
        self.model.set_rows(variables)

    def selected(self) -> Variable | None:
        return selected_object(self.table, Variable)

    def insert_selected(self) -> None:
        variable = self.selected()
        if variable is not None:
            self.insert_requested.emit(f"{{{{ {variable.name} }}}}")

    def open_dialog(self, variable: Variable | None) -> None:
        current = list(self.variables())

        def validate(new: Variable) -> None:
            self.validate_with(tuple(self._replaced(current, variable, new)))

        self.dialog = VariableDialog(validate, variable, self)
        self.dialog.submitted.connect(lambda new: self._dialog_done(current, variable, new))
        self.dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog.open()

    def _dialog_done(self, current: list[Variable], old: Variable | None,
                     new: Variable) -> None:
        self.apply(tuple(self._replaced(current, old, new)))

    @staticmethod
    def _replaced(current: list[Variable], old: Variable | None,
                  new: Variable) -> list[Variable]:
        if old is None:
            return [*current, new]
        return [new if v.name == old.name else v for v in current]

    def remove_selected(self) -> None:
        variable = self.selected()
        if variable is not None:
            self.apply(tuple(v for v in self.variables() if v.name != variable.name))

    def apply(self, variables: tuple[Variable, ...]) -> None:
        self.set_variables(variables)
        self.changed.emit(variables)
