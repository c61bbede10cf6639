"""The approved answer bank: search as you type, read the answer, copy it or attach it.

The bank is small (tens of entries), so it is loaded once per refresh and filtered in memory on
each keystroke (`BankEntry.matches`, the same rule as `crisisdesk media bank`). "Attach"
answers the selected inquiry through `services.media.answer_inquiry`; "Send to approver" turns
the selected inquiry's question into a new draft when the bank has no answer for it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QWidget,
)

from crisisdesk.services.media.bank import BankEntry
from crisisdesk.ui.widgets.buttons import push_button
from crisisdesk.ui.widgets.layouts import column, fill
from crisisdesk.ui.widgets.search_field import SearchField


class BankPanel(QWidget):
    attach_requested = Signal(object)  # BankEntry
    ask_requested = Signal()
    copied = Signal(str)  # key

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entries: list[BankEntry] = []
        self.search_edit = SearchField("Search approved answers as you type",
                                       "Search the answer bank", self, debounce_ms=0)
        self.search_edit.search.connect(lambda _t: self.apply_filter())
        self.list = QListWidget(self)
        self.list.setAccessibleName("Approved answers")
        self.list.setWordWrap(True)
        self.list.currentItemChanged.connect(lambda *_: self._show_current())
        self.list.itemDoubleClicked.connect(lambda _i: self.copy_answer())
        self.answer_view = QPlainTextEdit(self)
        self.answer_view.setReadOnly(True)
        self.answer_view.setAccessibleName("Approved answer")
        self.answer_view.setMaximumHeight(150)
        self.source_label = QLabel(self)
        self.source_label.setWordWrap(True)
        self.source_label.setEnabled(False)
        self.count_label = QLabel(self)
        self.copy_button = push_button(self, "&Copy answer", self.copy_answer)
        self.attach_button = push_button(self, "A&nswer selected inquiry", self._attach,
                                         "Record this approved answer as the reply to the inquiry "
                                         "selected in the log")
        self.ask_button = push_button(self, "No answer? Send the question to the &approver",
                                      self.ask_requested.emit)
        column(self, self.search_edit, (self.list, 1), self.count_label, self.answer_view,
               self.source_label, fill(QHBoxLayout(), self.copy_button, self.attach_button),
               self.ask_button)
        self._show_current()

    def set_entries(self, entries: list[BankEntry]) -> None:
        keep = self.current_entry()
        self.entries = list(entries)
        self.apply_filter(keep.key if keep else "")

    def apply_filter(self, select_key: str = "") -> None:
        query = self.search_edit.text()
        shown = [e for e in self.entries if e.matches(query)]
        self.list.blockSignals(True)
        self.list.clear()
        for entry in shown:
            item = QListWidgetItem(f"{entry.question}  [{entry.kind}]")
            item.setData(Qt.ItemDataRole.UserRole, entry)
            item.setToolTip(entry.answer)
            self.list.addItem(item)
            if entry.key == select_key:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self.list.blockSignals(False)
        total = len(self.entries)
        self.count_label.setText(f"{len(shown)} of {total} approved answers" if query
                                 else f"{total} approved answers")
        self._show_current()

    def current_entry(self) -> BankEntry | None:
        item = self.list.currentItem()
        entry = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return entry if isinstance(entry, BankEntry) else None

    def _show_current(self) -> None:
        entry = self.current_entry()
        self.answer_view.setPlainText(entry.answer if entry else "")
        if entry is None:
            self.source_label.clear()
        else:
            note = " (CrisisDesk library: needs legal review)" if entry.needs_legal_review else ""
            problem = f" Could not fill in: {entry.problem}" if entry.problem else ""
            self.source_label.setText(f"{entry.key} version {entry.version}, approved by "
                                      f"{entry.approved_by}{note}.{problem}")
        self.copy_button.setEnabled(entry is not None)
        self.attach_button.setEnabled(entry is not None)

    def copy_answer(self) -> None:
        entry = self.current_entry()
        if entry is None:
            return
        QGuiApplication.clipboard().setText(entry.answer)
        self.copied.emit(entry.key)

    def _attach(self) -> None:
        entry = self.current_entry()
        if entry is not None:
            self.attach_requested.emit(entry)

    def clear(self) -> None:
        self.entries = []
        self.search_edit.clear()
        self.list.clear()
        self._show_current()
