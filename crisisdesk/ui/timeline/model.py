"""The activity log table and its filter: every entry, corrections linked to their originals.

Rows are the service's `LogLine`s (an entry plus the entry that corrected it, if any). A
corrected original stays in the table, greyed and struck through, with a note naming the
correction; the correction says which entry it corrects. Corrections keep the original's time,
so sorting by time (then by the order written) puts them next to each other.

Filtering happens in `TimelineProxy`, which applies the domain's own `matches()` (the same test
`crisisdesk timeline list` uses), so the screen and the CLI can never disagree about what a
filter shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QFont

from crisisdesk.domain.timeline import Category, LogLine, matches
from crisisdesk.services.record_origins import NONE, Origins
from crisisdesk.ui.widgets.table_model import (
    OBJECT_ROLE,
    RowTableModel,
    SortProxy,
    time_formatter,
)

TIME, CATEGORY, AUTHOR, TEXT, LINK = range(5)
HEADERS = ("Time", "Category", "Author", "Entry", "Source or correction")

MUTED = QColor("#7a7a7a")
CORRECTION = QColor("#0b4f8a")


class TimelineModel(RowTableModel[LogLine]):
    HEADERS = HEADERS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.show = time_formatter(dt.UTC)
        self._by_id: dict[str, LogLine] = {}
        self.origins: Origins = NONE  # set before set_rows: who wrote on another laptop

    def set_rows(self, rows: Any) -> None:
        lines = list(rows)
        self._by_id = {line.entry.id: line for line in lines}
        super().set_rows(lines)

    def line(self, entry_id: str) -> LogLine | None:
        return self._by_id.get(entry_id)

    def key(self, row: LogLine) -> Hashable:
        return row.entry.id

    def display(self, row: LogLine, column: int) -> str:
        entry = row.entry
        if column == TIME:
            return self.show(entry.at)
        if column == CATEGORY:
            return entry.category.value
        if column == AUTHOR:
            return (self.origins.who(entry.author, entry.id)
                    + (f" ({entry.position})" if entry.position else ""))
        if column == TEXT:
            return " ".join(entry.text.split())
        if column == LINK:
            return self.link_text(row)
        return ""

    def link_text(self, row: LogLine) -> str:
        entry = row.entry
        if row.corrected_by is not None:
            fix = row.corrected_by
            who = self.origins.who(fix.author, fix.id)
            return f"corrected {self.show(fix.recorded_at)} by {who}"
        if entry.corrects:
            original = self._by_id.get(entry.corrects)
            when = self.show(original.entry.recorded_at) if original else "an earlier entry"
            return f"corrects the entry written {when}"
        return "" if entry.source in ("log", "") else f"auto: {entry.source}"

    def sort_value(self, row: LogLine, column: int) -> Any:
        if column == TIME:
            return f"{row.entry.at}|{row.entry.seq:010d}"
        return super().sort_value(row, column)

    def foreground(self, row: LogLine, column: int) -> QColor | None:
        if row.is_corrected:
            return MUTED
        if row.entry.corrects and column in (TEXT, LINK):
            return CORRECTION
        return None

    def tooltip(self, row: LogLine, column: int) -> str | None:
        if column != TEXT:
            return None
        return row.entry.text

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.FontRole and index.isValid() and index.column() == TEXT
                and self.row_at(index.row()).is_corrected):
            font = QFont()
            font.setStrikeOut(True)
            return font
        return super().data(index, role)


class TimelineProxy(SortProxy):
    """Filters with the domain's `matches()`; times are UTC ISO strings like the store's."""

    def __init__(self, source: TimelineModel, parent: QObject | None = None) -> None:
        super().__init__(source, parent)
        self.categories: tuple[Category, ...] = ()
        self.text = ""
        self.author = ""
        self.since = ""
        self.until = ""

    def set_filter(self, *, categories: tuple[Category, ...] = (), text: str = "",
                   author: str = "", since: str = "", until: str = "") -> None:
        self.beginFilterChange()
        self.categories, self.text, self.author = categories, text.strip(), author.strip()
        self.since, self.until = since, until
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filters(self) -> dict[str, Any]:
        """The active filter as `list_entries` / `activity_log` keyword arguments."""
        found: dict[str, Any] = {}
        for name in ("categories", "text", "author", "since", "until"):
            value = getattr(self, name)
            if value:
                found[name] = value
        return found

    def filterAcceptsRow(self, source_row: int,
                         source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        line = self.sourceModel().index(source_row, 0, source_parent).data(OBJECT_ROLE)
        if not isinstance(line, LogLine):
            return False
        return matches(line, categories=self.categories, text=self.text, since=self.since,
                       until=self.until, author=self.author)
