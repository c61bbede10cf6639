"""`standard_table()`: the one way the desk sets up a read-only table view.

Every list screen wants the same things: whole rows selected, no in-place editing, no row
numbers, one line per row, an accessible name for screen readers, and the last column taking
the spare width. Writing those ten calls by hand on each page let them drift (one table sorted
but another did not hide row numbers); the arguments here name only what differs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableView,
    QTableWidget,
    QWidget,
)

from crisisdesk.ui.widgets.table_model import OBJECT_ROLE

Selection = QAbstractItemView.SelectionMode
Resize = QHeaderView.ResizeMode
T = TypeVar("T")


def standard_table(parent: QWidget, name: str, model: QAbstractItemModel | None = None, *,
                   sort: tuple[int, Qt.SortOrder] | None = None,
                   selection: QAbstractItemView.SelectionMode | None = Selection.SingleSelection,
                   rows: bool = True, alternate: bool = False, wrap: bool = False,
                   resize: QHeaderView.ResizeMode | None = None,
                   stretch: int | None = None, stretch_last: bool = True,
                   widths: Sequence[int] = ()) -> QTableView:
    """A read-only table over `model` named `name`.

    `sort` turns on click-to-sort and sorts by (column, order) now; `selection=None` keeps Qt's
    default mode; `resize` sets every column's resize mode, `stretch` gives one column the spare
    width; `widths` are the starting widths of the first columns (0 skips a column)."""
    table = QTableView(parent)
    if model is not None:
        table.setModel(model)
    table.setAccessibleName(name)
    if sort is not None:
        table.setSortingEnabled(True)
        table.sortByColumn(*sort)
    if rows:
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    if selection is not None:
        table.setSelectionMode(selection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(alternate)
    table.verticalHeader().hide()
    table.setWordWrap(wrap)
    header = table.horizontalHeader()
    header.setStretchLastSection(stretch_last)
    if resize is not None:
        header.setSectionResizeMode(resize)
    if stretch is not None:
        header.setSectionResizeMode(stretch, Resize.Stretch)
    for column, width in enumerate(widths):
        if width:
            table.setColumnWidth(column, width)
    return table


def selected_object(table: QTableView, kind: type[T]) -> T | None:
    """The object behind the table's selected row (`OBJECT_ROLE`), if it is a `kind`."""
    rows = table.selectionModel().selectedRows()
    found = rows[0].data(OBJECT_ROLE) if rows else None
    return found if isinstance(found, kind) else None


def select_where(table: QTableView, matches: Callable[[object], bool]) -> bool:
    """Select and scroll to the first row whose object (`OBJECT_ROLE`) `matches`; whether found.

    Pages use it to keep the user's place after a refresh or to show what they just saved."""
    model = table.model()
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        found = model.data(index, OBJECT_ROLE)
        if found is not None and matches(found):
            table.selectRow(row)
            table.scrollTo(index)
            return True
    return False


def read_only_table(parent: QWidget, name: str, headers: Sequence[str], *,
                    fit: int | None = None) -> QTableWidget:
    """A small table the user reads and picks one row of (batches, counts, set-aside rows).

    Columns share the width; `fit` is a column sized to its contents instead."""
    table = QTableWidget(0, len(headers), parent)
    table.setHorizontalHeaderLabels(list(headers))
    table.setAccessibleName(name)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    if fit is not None:
        header.setSectionResizeMode(fit, QHeaderView.ResizeMode.ResizeToContents)
    return table
