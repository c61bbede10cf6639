"""How a screen plugs into the main window: subclass `Page`, list it in `ui/sections.py`.

A page is built once with the `UiContext`. The main window calls `refresh()` when the page is
shown and the desk changed since it last loaded (so hidden pages cost nothing), `clear()` when
the desk locks (drop every row from memory and from the screen), and `focus_search()` for
Ctrl+F. Each time a page is shown it is made keyboard-ready (`ui/widgets/keyboard.py`).

A page may also say its one next step: `next_step()` returns the step (its words come from
`services.next_steps`, decided from counts) and the slot its button runs. The base class shows
it as a "Next: …" line at the top of the page after every reload; a page that loads in a worker
calls `show_next_step()` again when its data arrives.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QPushButton, QWidget

from crisisdesk.domain.errors import UserError
from crisisdesk.services.next_steps import NextStep
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.widgets.keyboard import make_keyboard_ready, move_focus

NextStepHook = tuple[NextStep, Callable[[], object] | None] | None


class NextStepLine(QWidget):
    """"Next: import your contact list [Import contacts…]": one line, one button."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("nextStep")
        self.setAccessibleName("Next step")
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.button = QPushButton(self)
        self.slot: Callable[[], object] | None = None
        self.button.clicked.connect(lambda _c=False: self.slot() if self.slot else None)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 4)
        row.addWidget(self.label, 1)
        row.addWidget(self.button)

    def show_step(self, hook: NextStepHook) -> None:
        if hook is None:
            self.hide()
            return
        step, slot = hook
        self.label.setText(f"<b>Next:</b> {step.text}")
        self.slot = slot
        self.button.setText(step.action)
        self.button.setAccessibleName(f"Next step: {step.action}")
        self.button.setVisible(bool(step.action and slot))
        self.show()


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

    def next_step(self) -> NextStepHook:
        """This page's one next step and the slot that does it (None: nothing waiting)."""
        return None

    def show_next_step(self) -> None:
        """Show `next_step()` as the line at the top of the page (added on first use)."""
        line = self.findChild(NextStepLine, "nextStep")
        layout = self.layout()
        if line is None:
            line = NextStepLine(self)
            if isinstance(layout, QBoxLayout):
                item = layout.itemAt(0) if layout.count() else None
                first = item.widget() if item is not None else None
                layout.insertWidget(1 if isinstance(first, QLabel) else 0, line)
        try:
            hook = self.next_step()
        except UserError:
            hook = None
        line.show_step(hook)
        if self.isVisible():  # buttons may have appeared or changed: keys and Tab order again
            make_keyboard_ready(self)

    def mark_stale(self) -> None:
        """The desk changed: reload now if on screen, else when next shown."""
        self._stale = True
        if self.isVisible() and self.ctx.state.unlocked:
            self.reload()

    def reload(self) -> None:
        self._stale = False
        self.refresh()
        self.show_next_step()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale and self.ctx.state.unlocked:
            self.reload()
        make_keyboard_ready(self)  # Alt+letters, Tab order, names: see ui/widgets/keyboard.py

    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab follows the screen, not the order the widgets were created in."""
        return move_focus(self, next) or super().focusNextPrevChild(next)

