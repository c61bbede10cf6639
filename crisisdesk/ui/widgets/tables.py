"""`standard_table()`: the one way the desk sets up a read-only table view.

Every list screen wants the same things: whole rows selected, no in-place editing, no row
numbers, one line per row, an accessible name for screen readers, columns as wide as what they
hold (`fit_columns`, once the first rows arrive; the user may then drag them) and the last
column taking the spare width. A column that still cannot show its whole text elides it, and
its tooltip (from the model, `RowTableModel`, or from `text_item` here) gives it whole.
Writing those ten calls by hand on each page let them drift (one table sorted
but another did not hide row numbers); the arguments here name only what differs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from PySide6.QtCore import QAbstractItemModel, QEvent, QModelIndex, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
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
    width; `widths` are the least widths of the first columns (0 skips a column): interactive
    columns are fitted to their content when rows arrive (`fit_columns`), never narrower."""
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
    header.setResizeContentsPrecision(CONTENT_ROWS)
    if resize is not None:
        header.setSectionResizeMode(resize)
    if stretch is not None:
        header.setSectionResizeMode(stretch, Resize.Stretch)
    for column, width in enumerate(widths):
        if width:
            table.setColumnWidth(column, width)
    if model is not None:
        fit_when_filled(table, widths)
    return table


# A fitted column is never wider than this share of the table, so one long text cannot push
# the other columns out of sight; it elides, and its tooltip shows it whole. A stretched
# column (the question, the note) keeps at least STRETCH_SHARE of the width.
MAX_COLUMN_SHARE = 0.45
STRETCH_SHARE = 0.3
FIT_ROWS = 200  # rows measured when fitting: enough for the widest value, bounded for big tables
# A ResizeToContents column is measured again on every layout pass (each refresh, each resize),
# reading every role of every measured cell through the Python model: on all rows, opening
# Templates made ~12,000 `data()` calls. The rows on screen are measured first, then this many
# in all; a longer value further down elides, its tooltip whole (`RowTableModel`).
CONTENT_ROWS = 40


def fit_columns(table: QTableView, least: Sequence[int] = ()) -> None:
    """Size each interactive column to its header and content, within the table's width: at
    most `MAX_COLUMN_SHARE` each, the widest ones trimmed first when together they would
    squeeze a stretched column below `STRETCH_SHARE`; never below `least` or the header."""
    header = table.horizontalHeader()
    precision = header.resizeContentsPrecision()
    header.setResizeContentsPrecision(FIT_ROWS)
    try:
        _fit(table, header, least)
    finally:
        header.setResizeContentsPrecision(precision)  # ResizeToContents columns stay cheap


def _fit(table: QTableView, header: QHeaderView, least: Sequence[int]) -> None:
    room = max(table.viewport().width(), 200)
    last = header.count() - 1
    stretched = [c for c in range(header.count()) if not header.isSectionHidden(c) and (
        header.sectionResizeMode(c) == Resize.Stretch
        or (c == last and header.stretchLastSection()))]
    fitted: dict[int, tuple[int, int]] = {}  # column -> (wanted, least)
    fixed = 0
    for column in range(header.count()):
        if header.isSectionHidden(column) or column in stretched:
            continue
        if header.sectionResizeMode(column) != Resize.Interactive:
            fixed += header.sectionSize(column)
            continue
        wanted = max(table.sizeHintForColumn(column), header.sectionSizeHint(column))
        floor = max(least[column] if column < len(least) else 0,
                    min(header.sectionSizeHint(column), wanted))
        fitted[column] = (min(wanted, max(160, int(room * MAX_COLUMN_SHARE))), floor)
    budget = room - fixed - (int(room * STRETCH_SHARE) if stretched else 0)
    cap = max((w for w, _f in fitted.values()), default=0)
    while cap > 40 and sum(max(min(w, cap), f) for w, f in fitted.values()) > budget:
        cap -= 8  # trim the widest columns first, a little at a time
    for column, (wanted, floor) in fitted.items():
        header.resizeSection(column, max(min(wanted, cap), floor))


def fit_table(table: QTableView, max_lines: int = 3) -> None:
    """`fit_columns`, then each row as tall as its wrapped text, up to `max_lines` lines (the
    rest in the cell's tooltip): a table whose every value must be read, not scrolled to."""
    fit_columns(table)
    table.resizeRowsToContents()
    line = table.fontMetrics().lineSpacing()
    most = max_lines * line + 8  # the cell's margins
    vertical = table.verticalHeader()
    for row in range(vertical.count()):
        if vertical.sectionSize(row) > most:
            vertical.resizeSection(row, most)


class _Fitter(QObject):
    """Fits a table's columns once it has rows and is on screen (a hidden table has no width
    to share out yet); again after the model is reset or the table first gets its real width."""

    def __init__(self, table: QTableView, least: Sequence[int]) -> None:
        super().__init__(table)
        self.table = table
        self.least = tuple(least)
        self.fitted_width = 0
        model = table.model()
        model.rowsInserted.connect(self.later)
        model.modelReset.connect(self.again)
        table.installEventFilter(self)

    def later(self, *_: object) -> None:
        QTimer.singleShot(0, self, self.fit)

    def again(self) -> None:
        self.fitted_width = 0
        self.later()

    def fit(self) -> None:
        table = self.table
        if self.fitted_width or not table.isVisible() or table.model().rowCount(
                QModelIndex()) == 0:
            return
        self.fitted_width = table.viewport().width()
        fit_columns(table, self.least)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show:
            self.later()
        elif event.type() == QEvent.Type.Resize and self.fitted_width and (
                self.table.viewport().width() > self.fitted_width * 1.5):
            self.again()  # fitted while the window was still small: share the real width
        return False


def fit_when_filled(table: QTableView, least: Sequence[int] = ()) -> None:
    """Fit the columns once the model has rows and the table is shown, and again whenever the
    model is reset; rows that come and go later leave the widths alone (the user may have
    dragged them)."""
    _Fitter(table, least).fit()


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


class ReadOnlyTable(QTableWidget):
    """A QTableWidget whose cells and headers carry their whole text as a tooltip."""

    def setItem(self, row: int, column: int, item: QTableWidgetItem) -> None:
        if not item.toolTip():
            item.setToolTip(item.text())
        super().setItem(row, column, item)

    def setHorizontalHeaderLabels(self, labels: Sequence[str]) -> None:
        super().setHorizontalHeaderLabels(list(labels))
        for column, label in enumerate(labels):
            item = self.horizontalHeaderItem(column)
            if item is not None:
                item.setToolTip(label)


def text_item(text: str, tooltip: str = "") -> QTableWidgetItem:
    """A table cell showing `text`, its tooltip the whole text (and `tooltip` after it)."""
    item = QTableWidgetItem(text)
    item.setToolTip(f"{tooltip}\n{text}" if tooltip and text not in tooltip else tooltip or text)
    return item


def read_only_table(parent: QWidget, name: str, headers: Sequence[str], *,
                    fit: int | None = None) -> QTableWidget:
    """A small table the user reads and picks one row of (batches, counts, set-aside rows).

    Columns are as wide as their header and content, the last one takes the spare width;
    `fit` names a column to keep at its content's width even when it is the last one."""
    table = ReadOnlyTable(0, len(headers), parent)
    table.setHorizontalHeaderLabels(list(headers))
    table.setAccessibleName(name)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(fit != len(headers) - 1)
    return table
