"""The contacts table model: one row per `Contact`, updated in place rather than reset.

`set_contacts()` removes rows that went away, emits `dataChanged` for rows that changed and
appends new ones, so a refresh after a CLI change (or a search refinement) keeps the user's
selection and scroll position. Order is the view's business: a `QSortFilterProxyModel` sorts on
`SORT_ROLE` (case-folded text), and `OBJECT_ROLE` hands back the `Contact` itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from crisisdesk.domain.contacts import Contact

NAME, TITLE, ORGANISATION, KIND, PHONES, EMAIL = range(6)
HEADERS = ("Name", "Title", "Organisation", "Kind", "Phones", "Email")
OBJECT_ROLE = Qt.ItemDataRole.UserRole
SORT_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


def phones_text(contact: Contact, sep: str = "  ·  ") -> str:
    return sep.join(f"{p.label} {p.original or p.e164}".strip() for p in contact.phones)


def _display(contact: Contact, column: int) -> str:
    if column == NAME:
        return contact.name
    if column == TITLE:
        return contact.job_title
    if column == ORGANISATION:
        return contact.organisation
    if column == KIND:
        return contact.kind.label
    if column == PHONES:
        return phones_text(contact)
    if column == EMAIL:
        return contact.email
    return ""


def _blocks(rows: Sequence[int]) -> list[tuple[int, int]]:
    """[2, 3, 4, 8] -> [(2, 4), (8, 8)]: contiguous runs for begin/endRemoveRows."""
    blocks: list[tuple[int, int]] = []
    for row in rows:
        if blocks and row == blocks[-1][1] + 1:
            blocks[-1] = (blocks[-1][0], row)
        else:
            blocks.append((row, row))
    return blocks


class ContactsModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Contact] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(HEADERS)):
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        contact = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(contact, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == PHONES and contact.phones:
            return phones_text(contact, "\n")
        if role == SORT_ROLE:
            return _display(contact, column).casefold()
        if role == OBJECT_ROLE:
            return contact
        return None

    def contact_at(self, row: int) -> Contact:
        return self._rows[row]

    def contacts(self) -> list[Contact]:
        return list(self._rows)

    def set_contacts(self, contacts: Iterable[Contact]) -> None:
        """Make the model hold exactly `contacts`, with fine-grained change signals."""
        new = {c.id: c for c in contacts}
        gone = [i for i, c in enumerate(self._rows) if c.id not in new]
        for first, last in reversed(_blocks(gone)):
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._rows[first:last + 1]
            self.endRemoveRows()
        present = set()
        last_col = len(HEADERS) - 1
        for row, old in enumerate(self._rows):
            present.add(old.id)
            fresh = new[old.id]
            if fresh != old:
                self._rows[row] = fresh
                self.dataChanged.emit(self.index(row, 0), self.index(row, last_col))
        added = [c for cid, c in new.items() if cid not in present]
        if added:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(added) - 1)
            self._rows.extend(added)
            self.endInsertRows()


class ContactsProxy(QSortFilterProxyModel):
    """Sorts on SORT_ROLE so 'ada' and 'Ada' sort together; filtering is the search service's."""

    def __init__(self, source: ContactsModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)
