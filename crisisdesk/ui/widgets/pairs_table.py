"""`PairsTable`: a small editable two-column table with Add and Remove buttons.

A contact's phone numbers (label, number) and an incident's people affected by state (state,
count) are both typed as a short list of pairs inside a form. The widget only collects text;
the service (or the domain's parser) checks it, so a wrong row is reported under the field.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from crisisdesk.ui.widgets.buttons import push_button
from crisisdesk.ui.widgets.layouts import column, fill


class PairsTable(QWidget):
    def __init__(self, headers: tuple[str, str], name: str, parent: QWidget | None = None, *,
                 add_label: str, remove_label: str, new_row: tuple[str, str] = ("", ""),
                 stretch: int | None = None, min_height: int = 110,
                 select_rows: bool = False) -> None:
        """`stretch`: the column that takes the spare width (None: both share it)."""
        super().__init__(parent)
        self.table = QTableWidget(0, 2, self)
        self.table.setHorizontalHeaderLabels(list(headers))
        header = self.table.horizontalHeader()
        if stretch is None:
            header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        else:
            header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        if select_rows:
            self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setMinimumHeight(min_height)
        self.table.setAccessibleName(name)
        self.add_button = push_button(self, add_label, lambda: self.add_row(*new_row))
        self.remove_button = push_button(self, remove_label, self.remove_current)
        buttons = fill(QHBoxLayout(), self.add_button, self.remove_button)
        buttons.addStretch(1)
        column(self, self.table, buttons)

    def add_row(self, first: str, second: str) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(first))
        self.table.setItem(row, 1, QTableWidgetItem(second))

    def remove_current(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)

    def pairs(self) -> list[tuple[str, str]]:
        """Every row as typed (trimmed), blank rows included: the caller decides."""
        result = []
        for row in range(self.table.rowCount()):
            cells = [self.table.item(row, column) for column in (0, 1)]
            first, second = (c.text().strip() if c is not None else "" for c in cells)
            result.append((first, second))
        return result
