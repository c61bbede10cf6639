"""How a screen plugs into the main window: subclass `Page`, list it in `ui/sections.py`.

A page is built once with the `UiContext`. The main window calls `refresh()` when the page is
shown and the desk changed since it last loaded (so hidden pages cost nothing), `clear()` when
the desk locks (drop every row from memory and from the screen), and `focus_search()` for
Ctrl+F. Each time a page is shown it is made keyboard-ready (`ui/widgets/keyboard.py`).
"""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget

from crisisdesk.ui.context import UiContext
from crisisdesk.ui.widgets.keyboard import make_keyboard_ready, move_focus


class Page(QWidget):
    title = ""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._stale = True
        self.setAccessibleName(self.title)
        ctx.state.desk_changed.connect(self.mark_stale)

    def refresh(self) -> None:
        """Reload from `self.ctx.session`; called on the GUI thread, keep it quick."""

    def clear(self) -> None:
        """Forget everything shown (the desk is locking)."""

    def focus_search(self) -> bool:
        return False

    def mark_stale(self) -> None:
        """The desk changed: reload now if on screen, else when next shown."""
        self._stale = True
        if self.isVisible() and self.ctx.state.unlocked:
            self.reload()

    def reload(self) -> None:
        self._stale = False
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale and self.ctx.state.unlocked:
            self.reload()
        make_keyboard_ready(self)  # Alt+letters, Tab order, names: see ui/widgets/keyboard.py

    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab follows the screen, not the order the widgets were created in."""
        return move_focus(self, next) or super().focusNextPrevChild(next)

