"""Finding a person in Contacts: a search field over a result list, and a dialog around it.

Assigning a role and building a calling tree both ask "who?": `ContactSearch` is that question
(type, wait for the pause, pick from the list with Enter or a double-click), and
`ContactPicker` is the small dialog the calling-trees editor opens for one person. The search
itself is the caller's (`services.contacts` behind it), so the widget never touches the desk.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crisisdesk.domain.contacts import Contact
from crisisdesk.domain.errors import UserError
from crisisdesk.ui.widgets.errors import user_errors
from crisisdesk.ui.widgets.search_field import SearchField
from crisisdesk.ui.widgets.table_model import OBJECT_ROLE

SEARCH_LIMIT = 50

Search = Callable[[str], Sequence[Contact]]


def contact_text(contact: Contact) -> str:
    """'Ada Smith, Charge nurse — 555 0100': enough to tell two Ada Smiths apart."""
    phone = contact.phones[0].shown if contact.phones else "no phone"
    title = f", {contact.job_title}" if contact.job_title else ""
    return f"{contact.name}{title} — {phone}"


class ContactSearch(QWidget):
    """A search field and the matching contacts; `picked` on Enter or a double-click."""

    picked = Signal(object)  # the Contact
    failed = Signal(str)  # the search's UserError, in words

    def __init__(self, search: Search, parent: QWidget | None = None, *,
                 limit: int = SEARCH_LIMIT) -> None:
        super().__init__(parent)
        self.search_fn = search
        self.limit = limit
        self.field = SearchField("Type a name, title or phone number", "Search contacts", self)
        self.field.search.connect(lambda _t: self.run_search())
        self.field.returnPressed.connect(self._enter)
        self.results = QListWidget(self)
        self.results.setAccessibleName("Matching contacts")
        self.results.itemDoubleClicked.connect(lambda _i: self._pick())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.field)
        layout.addWidget(self.results, 1)

    def run_search(self) -> None:
        self.field.cancel()
        with user_errors(self._failed):
            found = self.search_fn(self.field.text().strip())
            self.results.clear()
            for contact in found[:self.limit]:
                item = QListWidgetItem(contact_text(contact))
                item.setData(OBJECT_ROLE, contact)
                self.results.addItem(item)
            if self.results.count():
                self.results.setCurrentRow(0)

    def _failed(self, err: UserError) -> None:
        self.failed.emit(str(err))

    def chosen(self) -> Contact | None:
        item = self.results.currentItem()
        found = item.data(OBJECT_ROLE) if item is not None else None
        return found if isinstance(found, Contact) else None

    def _pick(self) -> None:
        contact = self.chosen()
        if contact is not None:
            self.picked.emit(contact)

    def _enter(self) -> None:
        if self.field.pending():
            self.run_search()
        self._pick()


class ContactPicker(QDialog):
    """Pick one contact: OK, Enter or a double-click accepts."""

    def __init__(self, search: Search, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.finder = ContactSearch(search, self, limit=100)
        self.finder.picked.connect(lambda _c: self.accept())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                   QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.finder, 1)
        layout.addWidget(buttons)
        self.resize(420, 420)
        self.finder.run_search()

    def chosen(self) -> Contact | None:
        return self.finder.chosen()
