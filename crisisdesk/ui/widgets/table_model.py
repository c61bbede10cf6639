"""A table model over a list of frozen domain objects, updated in place rather than reset.

The crisis screens (roster, timeline, obligations, systems board) each show a list of frozen
dataclasses that a service returns whole on every refresh. Resetting the model on each refresh
would drop the user's selection and scroll position every time the desk changes (which, with
the data_version poll, can be every few seconds). `RowTableModel.set_rows` instead removes rows
that went away, emits `dataChanged` for rows that changed and inserts new ones, all matched by a
key. Subclasses say only what a cell shows: `HEADERS`, `key()`, `display()` (or `CELLS`, one
function of the row per column, where a cell needs nothing but the row), and optionally
`sort_value()`, `foreground()`, `background()`, `tooltip()`, `bold()` and `extra()` (any other
role). Every cell's and header's tooltip holds its whole text, so a column the view elides
(`ui/widgets/tables.py` sizes columns to their content, but a window has only so much width)
can always be read in full.
Every table in the desk (contacts, templates, log, roster, inquiries, people called)
builds on it, so the roles below are defined here and nowhere else.

Cost: Qt calls into the model for every role of every painted or measured cell, through the
proxy, thousands of times as a page first shows. So a view's one `multiData()` per cell is
answered in one Python call (not one `data()` per role, each after an `index()` that asked
`rowCount()` and `columnCount()`), `index()` is answered without those two, and the hooks a
subclass leaves alone are not called at all.

Roles: `OBJECT_ROLE` hands back the row object, `SORT_ROLE` a comparable value (so a proxy sorts
dates as dates and names case-insensitively).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from crisisdesk.domain.times import MINUTES, show_utc
from crisisdesk.ui.widgets.scheme import for_background, for_text, readable_text

OBJECT_ROLE = Qt.ItemDataRole.UserRole
SORT_ROLE = Qt.ItemDataRole.UserRole + 1

# `data()` runs for every role of every painted or measured cell (thousands of times as a
# page opens), so it compares the role with plain ints read once here: looking an enum member
# up on each call cost more than the cell's own text.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_OBJECT = int(OBJECT_ROLE)
_SORT = int(SORT_ROLE)
_HEADER_ROLES = frozenset({_DISPLAY, _TOOLTIP})
_HORIZONTAL = Qt.Orientation.Horizontal

Index = QModelIndex | QPersistentModelIndex
Span = QModelRoleDataSpan | QModelRoleData
T = TypeVar("T")


def each_role(span: Span) -> Iterable[QModelRoleData]:
    """The roles a view asks for in one `multiData()` call (PySide's stubs do not say that a
    span iterates)."""
    return (span,) if isinstance(span, QModelRoleData) else span  # type: ignore[return-value]


def blocks(rows: Sequence[int]) -> list[tuple[int, int]]:
    """[2, 3, 4, 8] -> [(2, 4), (8, 8)]: contiguous runs for begin/endRemoveRows."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and row == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


def whole_text_tip(shown: object, tip: str | None) -> str | None:
    """A cell's tooltip: the page's own, then the cell's whole text when the tip does not
    already say it, so a column narrower than its text never hides what the cell holds."""
    text = shown.strip() if isinstance(shown, str) else ""
    if not text:
        return tip
    if tip is None or tip == "":
        return text
    return tip if text in tip else f"{tip}\n{text}"


class RowTableModel(QAbstractTableModel, Generic[T]):
    HEADERS: tuple[str, ...] = ()
    CELLS: Sequence[Callable[[Any], Any]] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[T] = []
        # Which hooks the subclass defines: the others would only say None, so they are
        # skipped (a page's first show asks each cell for seven roles, several times).
        kind, base = type(self), RowTableModel
        self._colours = (kind.foreground is not base.foreground
                         or kind.background is not base.background)
        self._bold = kind.bold is not base.bold
        self._extra = kind.extra is not base.extra
        self._own_data = kind.data is not base.data
        answered = {_DISPLAY, _OBJECT, _SORT, _TOOLTIP}
        answered |= {_FOREGROUND, _BACKGROUND} if self._colours else set()
        answered |= {_FONT} if self._bold else set()
        # None: `extra()` may answer any role.
        self._answered: frozenset[int] | None = None if self._extra else frozenset(answered)

    # -- what subclasses define -------------------------------------------------------------
    def key(self, row: T) -> Hashable:
        raise NotImplementedError

    def display(self, row: T, column: int) -> Any:
        return self.CELLS[column](row) if 0 <= column < len(self.CELLS) else ""

    def sort_value(self, row: T, column: int) -> Any:
        value = self.display(row, column)
        return value.casefold() if isinstance(value, str) else value

    def foreground(self, row: T, column: int) -> QColor | None:
        return None

    def background(self, row: T, column: int) -> QColor | None:
        return None

    def tooltip(self, row: T, column: int) -> str | None:
        return None

    def bold(self, row: T, column: int) -> bool:
        return False

    def extra(self, row: T, column: int, role: int) -> Any:
        """Any role the hooks above do not cover (alignment, accessible text, ...)."""
        return None

    # -- Qt ---------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == _HORIZONTAL and 0 <= section < len(self.HEADERS) and (
                role in _HEADER_ROLES):
            return self.HEADERS[section]  # the tooltip: the whole title of a narrow column
        return None

    def index(self, row: int, column: int,
              parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        """Qt's own asks `rowCount()` and `columnCount()` (two Python calls) each time; the
        proxy maps every cell it shows through here."""
        if 0 <= row < len(self._rows) and 0 <= column < len(self.HEADERS) and (
                not parent.isValid()):
            return self.createIndex(row, column)
        return QModelIndex()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        at = index.row()
        if not 0 <= at < len(self._rows) or not index.isValid():
            return None
        if self._answered is not None and role not in self._answered:
            return None  # size hint, icon, check state... which this table never sets
        return self._value(self._rows[at], index.column(), role)

    def multiData(self, index: Index, roleDataSpan: Span) -> None:
        """Every role a delegate asks of one cell (font, alignment, colours, check state,
        icon, text), in one call."""
        at = index.row()
        if self._own_data:  # a subclass that answers some role in data() itself
            for wanted in each_role(roleDataSpan):
                wanted.setData(self.data(index, wanted.role()))
        elif not 0 <= at < len(self._rows) or not index.isValid():
            for wanted in each_role(roleDataSpan):
                wanted.clearData()
        else:
            row, column, value, answered = (self._rows[at], index.column(), self._value,
                                            self._answered)
            for wanted in each_role(roleDataSpan):
                role = wanted.role()
                if answered is None or role in answered:
                    wanted.setData(value(row, column, role))
                else:
                    wanted.clearData()

    def _value(self, row: T, column: int, role: int) -> Any:
        if role == _DISPLAY:
            return self.display(row, column)
        if role == _OBJECT:
            return row
        if role == _SORT:
            return self.sort_value(row, column)
        if role == _FOREGROUND:
            if self._colours:
                # Colours follow the light or dark scheme, and text on a status colour stays
                # readable on both (ui/widgets/scheme.py); the cell's words say the status too.
                colour = self.foreground(row, column)
                background = self.background(row, column)
                if background is not None:
                    return QBrush(readable_text(for_background(background), colour))
                if colour is not None:
                    return QBrush(for_text(colour))
        elif role == _BACKGROUND:
            colour = self.background(row, column) if self._colours else None
            if colour is not None:
                return QBrush(for_background(colour))
        elif role == _TOOLTIP:
            return whole_text_tip(self.display(row, column), self.tooltip(row, column))
        elif role == _FONT and self._bold and self.bold(row, column):
            font = QFont()
            font.setBold(True)
            return font
        return self.extra(row, column, role) if self._extra else None

    # -- rows -------------------------------------------------------------------------------
    def row_at(self, row: int) -> T:
        return self._rows[row]

    def rows(self) -> list[T]:
        return list(self._rows)

    def set_rows(self, rows: Iterable[T]) -> None:
        """Make the model hold exactly `rows` (in this order for new ones), fine-grained."""
        new: dict[Hashable, T] = {}
        for row in rows:
            new[self.key(row)] = row
        gone = [i for i, r in enumerate(self._rows) if self.key(r) not in new]
        for first, last in reversed(blocks(gone)):
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._rows[first:last + 1]
            self.endRemoveRows()
        present: set[Hashable] = set()
        last_col = max(len(self.HEADERS) - 1, 0)
        for i, old in enumerate(self._rows):
            key = self.key(old)
            present.add(key)
            fresh = new[key]
            if fresh != old:
                self._rows[i] = fresh
                self.dataChanged.emit(self.index(i, 0), self.index(i, last_col))
        added = [r for k, r in new.items() if k not in present]
        if added:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(added) - 1)
            self._rows.extend(added)
            self.endInsertRows()


class SortProxy(QSortFilterProxyModel):
    """Sorts on `SORT_ROLE` (dates as dates, names case-insensitively) and keeps sorting as
    rows change; a page that also filters subclasses it and adds `filterAcceptsRow`."""

    def __init__(self, source: QAbstractTableModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)
        self._own_data = type(self).data is not QSortFilterProxyModel.data

    def multiData(self, index: Index, roleDataSpan: Span) -> None:
        """Hands the view's one request per cell to the source's `multiData()` (Qt's own
        asks `data()` here once per role, each mapped to the source again)."""
        if self._own_data:
            super().multiData(index, roleDataSpan)
            return
        source = self.mapToSource(index)
        if index.isValid() and not source.isValid():
            for wanted in each_role(roleDataSpan):
                wanted.clearData()
            return
        self.sourceModel().multiData(source, roleDataSpan)


def time_formatter(tz: dt.tzinfo, fmt: str = MINUTES) -> Callable[[str], str]:
    """Stored UTC ISO -> the desk's local time; the zone is read once per refresh, not per
    painted cell (the setting lives in the desk)."""

    return lambda utc_iso: show_utc(utc_iso, tz, fmt)
