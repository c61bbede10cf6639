"""The Systems tab: the status board in the spirit of HICS 251, and changing a system's status.

One row per system (EHR, e-mail, phones, ...): status, since when, the downtime procedure in use
and notes. The edit row under the table changes the selected system through
`services.systems.set_status`, which also writes the change to the incident timeline; the
board prints on one page. Adding and removing systems are there too, since the list is the
desk's own. "Since" is a date-time picker in the desk's time zone showing now; left untouched
it sends nothing and the service uses the moment of the change, otherwise the chosen time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QWidget,
)

from crisisdesk.domain.systems import SystemRow, SystemStatus
from crisisdesk.services import systems as system_service
from crisisdesk.services.localtime import zone
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.widgets.build import line_edit
from crisisdesk.ui.widgets.buttons import push_button
from crisisdesk.ui.widgets.errors import user_errors
from crisisdesk.ui.widgets.layouts import vbox
from crisisdesk.ui.widgets.table_model import RowTableModel, time_formatter
from crisisdesk.ui.widgets.tables import selected_object, standard_table
from crisisdesk.ui.widgets.when_edit import WhenEdit

NAME, STATUS, SINCE, PROCEDURE, NOTES = range(5)
HEADERS = ("System", "Status", "Since", "Downtime procedure in use", "Notes")

STATUS_COLOURS = {
    SystemStatus.UP: QColor("#dff3e3"), SystemStatus.RESTORED: QColor("#c9ecd2"),
    SystemStatus.DEGRADED: QColor("#ffe2a8"), SystemStatus.DOWN: QColor("#f4b4b4"),
    SystemStatus.UNKNOWN: QColor("#e4e4e4"),
}


class SystemsModel(RowTableModel[SystemRow]):
    HEADERS = HEADERS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.show = time_formatter(dt.UTC)

    def key(self, row: SystemRow) -> Hashable:
        return row.id

    def display(self, row: SystemRow, column: int) -> str:
        return {NAME: row.name, STATUS: row.status.value.upper(), SINCE: self.show(row.since),
                PROCEDURE: row.procedure, NOTES: " ".join(row.notes.split())}.get(column, "")

    def sort_value(self, row: SystemRow, column: int) -> Any:
        return row.position if column == NAME else super().sort_value(row, column)

    def background(self, row: SystemRow, column: int) -> QColor | None:
        return STATUS_COLOURS.get(row.status) if column == STATUS else None

    def foreground(self, row: SystemRow, column: int) -> QColor | None:
        return QColor("#1b1b1b") if column == STATUS else None

    def bold(self, row: SystemRow, column: int) -> bool:
        return column == STATUS

    def tooltip(self, row: SystemRow, column: int) -> str | None:
        return f"HICS 251: {row.status.hics_251}" if column == STATUS else (row.notes or None)


class SystemsBoard(QWidget):
    changed = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = SystemsModel(self)
        self.table = standard_table(self, "Systems status board", self.model, wrap=True,
                                    widths=(140, 100, 130, 300))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._load_selected())
        self.status_combo = QComboBox(self)
        self.status_combo.setAccessibleName("New status")
        for status in SystemStatus:
            self.status_combo.addItem(f"{status.value.upper()} — {status.hics_251}", status)
        self.since_edit = WhenEdit(self)
        self.since_edit.setAccessibleName("Status since")
        self.since_edit.setToolTip("When the status changed (the desk's time zone); leave it "
                                   "as shown for now")
        self.now_button = push_button(self, "No&w", self._since_now,
                                      "Set 'since' back to now")
        self.procedure_edit = line_edit(self, "Downtime procedure in use")
        self.notes_edit = line_edit(self, "Notes")
        self.apply_button = push_button(self, "&Update system", self.apply)
        self.new_edit = line_edit(self, "New system name", "New system name")
        self.new_edit.returnPressed.connect(self.add_system)
        self.add_button = push_button(self, "&Add system", self.add_system)
        self.remove_button = push_button(self, "&Remove system", self.remove_system)
        grid = QGridLayout()
        grid.addWidget(QLabel("Status:", self), 0, 0)
        grid.addWidget(self.status_combo, 0, 1)
        grid.addWidget(QLabel("Since:", self), 0, 2)
        since = QHBoxLayout()
        since.addWidget(self.since_edit, 1)
        since.addWidget(self.now_button)
        grid.addLayout(since, 0, 3)
        grid.addWidget(QLabel("Procedure:", self), 1, 0)
        grid.addWidget(self.procedure_edit, 1, 1, 1, 3)
        grid.addWidget(QLabel("Notes:", self), 2, 0)
        grid.addWidget(self.notes_edit, 2, 1, 1, 3)
        grid.addWidget(self.apply_button, 2, 4)
        grid.addWidget(self.new_edit, 3, 1)
        grid.addWidget(self.add_button, 3, 2)
        grid.addWidget(self.remove_button, 3, 4)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        vbox(self, (self.table, 1), grid, margins=4)
        self._load_selected()

    def show_systems(self, rows: list[SystemRow], show: Any) -> None:
        self.model.show = show
        self.model.set_rows(rows)
        self._load_selected()

    def selected(self) -> SystemRow | None:
        return selected_object(self.table, SystemRow)

    def select(self, name: str) -> None:
        for row in range(self.model.rowCount()):
            if self.model.row_at(row).name == name:
                self.table.selectRow(row)
                return

    def _load_selected(self) -> None:
        system = self.selected()
        for widget in (self.apply_button, self.remove_button, self.status_combo,
                       self.since_edit, self.now_button, self.procedure_edit, self.notes_edit):
            widget.setEnabled(system is not None)
        self._since_now()
        if system is None:
            return
        self.status_combo.setCurrentIndex(self.status_combo.findData(system.status))
        self.procedure_edit.setText(system.procedure)
        self.notes_edit.setText(system.notes)

    def _since_now(self) -> None:
        session = self.ctx.state.current
        if session is not None:
            self.since_edit.set_moment(session.now(), zone(session))

    def _act(self, action: Any, message: str, select: str = "") -> None:
        with user_errors(self.ctx.messages):
            action()
            self.ctx.messages.show_info(message)
            self.changed.emit()
            if select:
                self.select(select)

    def apply(self) -> None:
        system = self.selected()
        if system is None:
            return
        status = SystemStatus(self.status_combo.currentData())
        since = self.since_edit.moment() if self.since_edit.edited else None
        self._act(lambda: system_service.set_status(
            self.ctx.session, system.name, status, since=since,
            procedure=self.procedure_edit.text(), notes=self.notes_edit.text()),
            f"{system.name}: {status.value}.", system.name)

    def add_system(self) -> None:
        name = self.new_edit.text()
        self._act(lambda: system_service.add_system(self.ctx.session, name),
                  f"Added {name.strip()} to the board.", " ".join(name.split()))
        if self.ctx.messages.level is not None and self.ctx.messages.level.value == "info":
            self.new_edit.clear()

    def remove_system(self) -> None:
        system = self.selected()
        if system is None or not self.ctx.prompts.confirm(
                self, "Remove system", f"Remove {system.name} from the systems board?",
                ok_label="Remove", destructive=True):
            return
        self._act(lambda: system_service.remove_system(self.ctx.session, system.name),
                  f"Removed {system.name} from the board.")
