"""Statements: pick an approved press statement, fill what the desk does not know, preview,
issue. The facts the desk holds (organisation, incident, spokesperson, next update time) are
filled in by the service; this panel asks only for the rest, one line per variable, with the
variable's own description as the hint. Issuing asks for confirmation through `Prompts`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTextBrowser,
    QWidget,
)

from crisisdesk.domain.templates import Variable
from crisisdesk.ui.widgets.buttons import push_button
from crisisdesk.ui.widgets.layouts import column, fill


class StatementsPanel(QWidget):
    template_changed = Signal(str)  # key
    preview_requested = Signal()
    issue_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.template_combo = QComboBox(self)
        self.template_combo.setAccessibleName("Statement template")
        self.template_combo.currentIndexChanged.connect(
            lambda _i: self.template_changed.emit(self.current_key()))
        self.form_host = QWidget(self)
        self.form = QFormLayout(self.form_host)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)  # long hints
        self.inputs: dict[str, QLineEdit] = {}
        self.preview = QTextBrowser(self)
        self.preview.setAccessibleName("Statement preview")
        self.preview_button = push_button(self, "&Preview", self.preview_requested.emit)
        self.issue_button = push_button(self, "&Issue statement…", self.issue_requested.emit)
        self.issued_label = QLabel(self)
        self.issued_label.setWordWrap(True)
        buttons = fill(QHBoxLayout(), self.preview_button, self.issue_button)
        buttons.addStretch(1)
        column(self, self.template_combo, self.form_host, buttons, (self.preview, 1),
               self.issued_label)

    def current_key(self) -> str:
        return str(self.template_combo.currentData() or "")

    def set_templates(self, items: list[tuple[str, str, bool]], prefer: str = "") -> None:
        """(key, label, approved) per statement template; unapproved ones are listed, disabled.
        Selects the current choice, else `prefer` (the last one issued), else the first."""
        keep = self.current_key() or prefer
        self.template_combo.blockSignals(True)
        self.template_combo.clear()
        for key, label, approved in items:
            self.template_combo.addItem(label if approved else f"{label} (not approved)", key)
            if not approved:
                model: Any = self.template_combo.model()
                model.item(self.template_combo.count() - 1).setEnabled(False)
        index = self.template_combo.findData(keep)
        if index < 0:
            index = next((i for i, (_k, _l, ok) in enumerate(items) if ok), -1)
        self.template_combo.setCurrentIndex(index)
        self.template_combo.blockSignals(False)
        self.template_changed.emit(self.current_key())

    def set_inputs(self, variables: list[Variable]) -> None:
        old = {name: edit.text() for name, edit in self.inputs.items()}
        while self.form.rowCount():
            self.form.removeRow(0)
        self.inputs = {}
        for var in variables:
            edit = QLineEdit(old.get(var.name, ""), self.form_host)
            edit.setPlaceholderText(var.type.example)
            edit.setToolTip(var.description)
            edit.setAccessibleName(var.description)
            self.form.addRow(QLabel(var.description.rstrip(".") + ":", self.form_host), edit)
            self.inputs[var.name] = edit

    def values(self) -> dict[str, str]:
        return {name: edit.text() for name, edit in self.inputs.items() if edit.text().strip()}

    def clear(self) -> None:
        self.template_combo.clear()
        self.set_inputs([])
        self.preview.clear()
        self.issued_label.clear()
