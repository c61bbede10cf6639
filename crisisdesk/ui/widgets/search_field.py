"""`SearchField`: the one search bar, with an optional pause before it searches.

A search that queries the desk (contacts, the timeline, people to assign) waits until the
user stops typing for `debounce_ms`, so typing "smithers" runs one query, not eight; a search
that only narrows rows already loaded (templates, the answer bank) passes `debounce_ms=0` and
filters on every keystroke. Either way the page listens to one signal, `search`, and a page
that is being cleared (lock, switching desks) calls `clear_quietly()` so no stale search runs.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLineEdit, QWidget

SEARCH_DEBOUNCE_MS = 150


class SearchField(QLineEdit):
    search = Signal(str)  # the text, once the user paused typing

    def __init__(self, placeholder: str, name: str, parent: QWidget | None = None, *,
                 debounce_ms: int = SEARCH_DEBOUNCE_MS) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setAccessibleName(name)
        self.setClearButtonEnabled(True)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(debounce_ms)
        self.timer.timeout.connect(lambda: self.search.emit(self.text()))
        self.textChanged.connect(self._typed)

    def _typed(self, text: str) -> None:
        if self.timer.interval() <= 0:
            self.search.emit(text)
        else:
            self.timer.start()

    def pending(self) -> bool:
        """True while a typed change waits for its search."""
        return self.timer.isActive()

    def cancel(self) -> None:
        """Drop a waiting search (the caller is about to search, or to clear the page)."""
        self.timer.stop()

    def clear_quietly(self) -> None:
        """Empty the field without starting a search."""
        self.timer.stop()
        self.blockSignals(True)
        self.clear()
        self.blockSignals(False)

    def focus_all(self) -> bool:
        """Ctrl+F: focus the field with its text selected, ready to type over."""
        self.setFocus()
        self.selectAll()
        return True
