"""Assign a role: pick the primary and the ordered backups from Contacts, search as you type.

The line-up is what the service stores: the first person is the primary, then backup 1, 2, ...
The dialog only collects contact ids; `assign_role` checks the line-up (a primary, at most five
backups, nobody twice) and its `ValidationError` is shown in the dialog, so the user's choice is
not lost. The search is the shared `ContactSearch` (debounced, through `services.contacts`).
Opened with `open()` (window-modal, no nested event loop).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crisisdesk.domain.roles import RoleDef, RoleStatus
from crisisdesk.ui.widgets.buttons import push_button
from crisisdesk.ui.widgets.contact_picker import ContactSearch, Search
from crisisdesk.ui.widgets.errors import user_errors
from crisisdesk.ui.widgets.forms import buddy_label, error_label

Save = Callable[[str, list[str]], RoleStatus]


class AssignDialog(QDialog):
    saved = Signal(object)  # the RoleStatus after assignment

    def __init__(self, role: RoleDef, current: RoleStatus | None, search: Search, save: Save,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.role = role
        self.save_fn = save
        self.setWindowTitle(f"Assign {role.title}")
        self.setMinimumSize(720, 420)

        intro = QLabel(f"<b>{role.title}</b> — {role.description}", self)
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        self.finder = ContactSearch(search, self)
        self.finder.picked.connect(lambda _c: self.add_selected())
        self.finder.failed.connect(self.show_error)
        self.search_edit = self.finder.field
        self.results = self.finder.results
        self.lineup = QListWidget(self)
        self.lineup.setAccessibleName("Line-up: primary first, then backups in order")
        self.lineup.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)

        self.add_button = push_button(self, "&Add to line-up →", self.add_selected)
        self.remove_button = push_button(self, "&Remove", self.remove_selected)
        self.up_button = push_button(self, "Move &up", lambda: self.move_selected(-1))
        self.down_button = push_button(self, "Move &down", lambda: self.move_selected(1))

        self.message = error_label(self)
        grid = QGridLayout()
        grid.addWidget(buddy_label("&Find a person:", self, self.search_edit), 0, 0)
        grid.addWidget(QLabel("Line-up (first is the primary):", self), 0, 2)
        grid.addWidget(self.finder, 1, 0, 5, 1)
        grid.addWidget(self.add_button, 2, 1)
        grid.addWidget(self.lineup, 1, 2, 5, 1)
        grid.addWidget(self.up_button, 3, 1)
        grid.addWidget(self.down_button, 4, 1)
        grid.addWidget(self.remove_button, 5, 1, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(2, 1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("&Assign")
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.message)
        layout.addLayout(grid, 1)
        layout.addWidget(buttons)

        for slot in current.slots if current else ():
            self._append(slot.person.contact_id, slot.person.name)
        self._renumber()
        self.finder.run_search()
        self.search_edit.setFocus()

    # -- line-up ----------------------------------------------------------------------------
    def lineup_ids(self) -> list[str]:
        return [self.lineup.item(i).data(Qt.ItemDataRole.UserRole)[0]
                for i in range(self.lineup.count())]

    def _append(self, contact_id: str, name: str) -> None:
        item = QListWidgetItem(name)
        item.setData(Qt.ItemDataRole.UserRole, (contact_id, name))
        self.lineup.addItem(item)

    def _renumber(self) -> None:
        for i in range(self.lineup.count()):
            item = self.lineup.item(i)
            name = item.data(Qt.ItemDataRole.UserRole)[1]
            item.setText(f"Primary: {name}" if i == 0 else f"Backup {i}: {name}")

    def add_selected(self) -> None:
        contact = self.finder.chosen()
        if contact is None:
            return
        contact_id, name = contact.id, contact.name
        if contact_id in self.lineup_ids():
            self.show_error(f"{name} is already in the line-up.")
            return
        self._append(contact_id, name)
        self._renumber()
        self.lineup.setCurrentRow(self.lineup.count() - 1)
        self.message.hide()

    def remove_selected(self) -> None:
        row = self.lineup.currentRow()
        if row >= 0:
            self.lineup.takeItem(row)
            self._renumber()

    def move_selected(self, step: int) -> None:
        row = self.lineup.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.lineup.count():
            return
        item = self.lineup.takeItem(row)
        self.lineup.insertItem(target, item)
        self._renumber()
        self.lineup.setCurrentRow(target)

    # -- save -------------------------------------------------------------------------------
    def show_error(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def submit(self) -> None:
        ids = self.lineup_ids()
        with user_errors(lambda err: self.show_error(str(err))):
            status = self.save_fn(ids[0] if ids else "", ids[1:])
            self.saved.emit(status)
            self.accept()
