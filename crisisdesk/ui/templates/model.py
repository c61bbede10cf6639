"""Table models for the template library and the communication log.

Both follow the contacts model: column constants, a case-folded `SORT_ROLE` for the proxy and
`OBJECT_ROLE` for the row's object, and in-place updates (`dataChanged`, insert/remove rows)
so a refresh after another window's change keeps the selection. The library's filters live
in `TemplatesProxy`: they only narrow what is already loaded, so no query runs per keystroke.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from crisisdesk.domain.messages import LogEntry
from crisisdesk.services.templates import TemplateSummary

OBJECT_ROLE = Qt.ItemDataRole.UserRole
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex
T = TypeVar("T")

NAME, KEY, AUDIENCE, CHANNEL, LANGUAGE, LATEST, APPROVED = range(7)
HEADERS = ("Name", "Key", "Audience", "Channel", "Lang.", "Latest", "In use")

WHEN, TEMPLATE, VERSION, SENT_TO, RECIPIENTS, OPERATOR, INCIDENT, NOTE = range(8)
LOG_HEADERS = ("When", "Template", "Version", "Sent to", "Recipients", "Operator", "Incident",
               "Note")


def words(value: str) -> str:
    """'call_center_agents' -> 'call center agents' (enum values as people read them)."""
    return value.replace("_", " ")


class RowModel(QAbstractTableModel, Generic[T]):
    """A table of objects with stable ids, updated in place by `set_rows`."""

    headers: tuple[str, ...] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[T] = []

    def row_id(self, row: T) -> str:
        raise NotImplementedError

    def display(self, row: T, column: int) -> Any:
        raise NotImplementedError

    def sort_key(self, row: T, column: int) -> Any:
        value = self.display(row, column)
        return value.casefold() if isinstance(value, str) else value

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self.headers)):
            return self.headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, index.column())
        if role == SORT_ROLE:
            return self.sort_key(row, index.column())
        if role == OBJECT_ROLE:
            return row
        return self.extra(row, index.column(), role)

    def extra(self, row: T, column: int, role: int) -> Any:
        return None

    def rows(self) -> list[T]:
        return list(self._rows)

    def set_rows(self, rows: Iterable[T]) -> None:
        new = {self.row_id(r): r for r in rows}
        for i in reversed(range(len(self._rows))):
            if self.row_id(self._rows[i]) not in new:
                self.beginRemoveRows(QModelIndex(), i, i)
                del self._rows[i]
                self.endRemoveRows()
        present = set()
        for i, old in enumerate(self._rows):
            key = self.row_id(old)
            present.add(key)
            if new[key] != old:
                self._rows[i] = new[key]
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(self.headers) - 1))
        added = [r for k, r in new.items() if k not in present]
        if added:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(added) - 1)
            self._rows.extend(added)
            self.endInsertRows()


class TemplatesModel(RowModel[TemplateSummary]):
    headers = HEADERS

    def row_id(self, row: TemplateSummary) -> str:
        return row.id

    def display(self, row: TemplateSummary, column: int) -> Any:
        if column == NAME:
            return row.name
        if column == KEY:
            return row.key
        if column == AUDIENCE:
            return words(row.audience)
        if column == CHANNEL:
            return words(row.channel)
        if column == LANGUAGE:
            return row.language
        if column == LATEST:
            return f"v{row.latest_version} {row.latest_status.label}"
        if column == APPROVED:
            if row.approved_version is None:
                return "not approved"
            return f"v{row.approved_version}" + (" (library)" if row.needs_legal_review else "")
        return ""

    def extra(self, row: TemplateSummary, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and column in (NAME, KEY):
            return f"{row.name} ({row.key})"
        if role == Qt.ItemDataRole.ToolTipRole and column == APPROVED and row.approved_by:
            note = ("; shipped with CrisisDesk: have your own counsel review it"
                    if row.needs_legal_review else "")
            return f"Approved by {row.approved_by}{note}"
        return None


class TemplatesProxy(QSortFilterProxyModel):
    """Sorts on SORT_ROLE; filters on the four choices and a search over name and key."""

    def __init__(self, source: TemplatesModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)
        self.choices: dict[str, str] = {}
        self.search = ""

    def set_choice(self, name: str, value: str) -> None:
        self.beginFilterChange()
        self.choices[name] = value
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_search(self, text: str) -> None:
        self.beginFilterChange()
        self.search = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        row = model.data(model.index(source_row, 0, source_parent), OBJECT_ROLE)
        if not isinstance(row, TemplateSummary):
            return False
        for name in ("audience", "channel", "language"):
            wanted = self.choices.get(name)
            if wanted and getattr(row, name) != wanted:
                return False
        status = self.choices.get("status")
        if status and status not in {s.value for s in row.statuses}:
            return False
        if self.search:
            haystack = f"{row.name} {row.key} {words(row.audience)} {words(row.channel)}"
            return all(word in haystack.casefold() for word in self.search.split())
        return True


class LogModel(RowModel[LogEntry]):
    """The communication log; `show_time` turns stored UTC into the desk's local time."""

    headers = LOG_HEADERS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.show_time: Callable[[str], str] = lambda iso: iso
        self.incident_titles: dict[str, str] = {}

    def row_id(self, row: LogEntry) -> str:
        return row.id

    def display(self, row: LogEntry, column: int) -> Any:
        if column == WHEN:
            return self.show_time(row.issued_at)
        if column == TEMPLATE:
            return f"{row.template_name} ({row.template_key})"
        if column == VERSION:
            return f"v{row.version}"
        if column == SENT_TO:
            return f"{words(row.audience)} by {words(row.channel)}, {row.language}"
        if column == RECIPIENTS:
            return f"{row.recipient_count:,}"
        if column == OPERATOR:
            return row.operator
        if column == INCIDENT:
            return self.incident_titles.get(row.incident_id, row.incident_id)
        if column == NOTE:
            return row.note
        return ""

    def sort_key(self, row: LogEntry, column: int) -> Any:
        if column == WHEN:
            return row.issued_at
        if column == RECIPIENTS:
            return row.recipient_count
        if column == VERSION:
            return row.version
        return super().sort_key(row, column)

    def extra(self, row: LogEntry, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (VERSION, RECIPIENTS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def sorted_proxy(source: QAbstractTableModel, parent: QObject) -> QSortFilterProxyModel:
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(source)
    proxy.setSortRole(SORT_ROLE)
    proxy.setDynamicSortFilter(True)
    return proxy
