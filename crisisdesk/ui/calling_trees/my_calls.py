""""My calls": the people the selected caller must call now, one keystroke per outcome.

The queue shows the caller's current list (after any reassignment), the next person in bold
and selected, and their numbers big and selectable so they can be read off or copied. Pressing
R, V, N, B, W or D records that outcome for the selected person at once (one service action,
committed before the key returns, well under the 100 ms a GUI thread may spend), repaints that
one row and moves to the next person still open.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from crisisdesk.domain.call_outcomes import Outcome
from crisisdesk.services.calling_trees import activations as activation_service
from crisisdesk.services.calling_trees.activations import ActivationView
from crisisdesk.ui.calling_trees.model import CALLER, PeopleModel
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.widgets.build import line_edit
from crisisdesk.ui.widgets.buttons import push_button
from crisisdesk.ui.widgets.errors import user_errors
from crisisdesk.ui.widgets.forms import buddy_label
from crisisdesk.ui.widgets.layouts import hbox, vbox
from crisisdesk.ui.widgets.tables import Resize, selected_object, standard_table

COORDINATOR = "__coordinator__"


class MyCallsView(QWidget):
    recorded = Signal(object)  # activations.Recorded

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.activation_id = ""
        self._view: ActivationView | None = None
        self.caller_combo = QComboBox(self)
        self.caller_combo.setAccessibleName("Caller")
        self.caller_combo.currentIndexChanged.connect(lambda _i: self._load_queue())
        caller_label = buddy_label("&Calls for:", self, self.caller_combo)
        self.model = PeopleModel(self)
        self.table = standard_table(self, "My calls", self.model, resize=Resize.Interactive,
                                    widths=(170, 150, 260, 120, 50))
        self.table.setColumnHidden(CALLER, True)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_selected())
        self.person_label = QLabel(self)
        self.numbers_label = QLabel(self)
        self.numbers_label.setAccessibleName("Numbers to dial")
        self.numbers_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.numbers_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        self.numbers_label.setFont(font)
        self.number_combo = QComboBox(self)
        self.number_combo.setAccessibleName("Number dialled")
        self.copy_button = push_button(self, "Cop&y number", self.copy_number)
        self.note_edit = line_edit(self, "Call note", "Note for the next recorded call (optional)")
        self.buttons: dict[Outcome, QPushButton] = {}
        keys = QHBoxLayout()
        for outcome in Outcome:
            button = QPushButton(f"{outcome.key}  {outcome.label}", self)
            button.setAccessibleName(outcome.label)
            button.setToolTip(f"Record: {outcome.label} ({outcome.key})")
            button.clicked.connect(lambda _c=False, o=outcome: self.record(o))
            self.buttons[outcome] = button
            keys.addWidget(button)
            shortcut = QShortcut(QKeySequence(outcome.key), self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(lambda o=outcome: self.record(o))
        top = hbox(caller_label, (self.caller_combo, 1))
        dial = hbox((self.numbers_label, 1), QLabel("Dialled:", self), self.number_combo,
                    self.copy_button)
        vbox(self, top, (self.table, 1), self.person_label, dial, self.note_edit, keys,
             margins=0)
        self._show_selected()

    def load(self, view: ActivationView | None) -> None:
        """Show `view`'s callers (keeping the chosen one) and the chosen caller's queue."""
        self._view = view
        chosen = self.caller_combo.currentData()
        self.caller_combo.blockSignals(True)
        self.caller_combo.clear()
        if view is not None:
            self.activation_id = view.activation.id
            names = {p.contact_id: p.name for p in view.people}
            callers = set(view.progress.callers.values()) | {p.caller_id for p in view.people}
            self.caller_combo.addItem("Coordinator (top of the tree)", COORDINATOR)
            for person in view.people:
                if person.contact_id in callers:
                    self.caller_combo.addItem(names[person.contact_id], person.contact_id)
            found = self.caller_combo.findData(chosen)
            self.caller_combo.setCurrentIndex(max(found, 0))
        self.caller_combo.blockSignals(False)
        self._load_queue()

    def caller_id(self) -> str | None:
        data = self.caller_combo.currentData()
        return None if data in (None, COORDINATOR) else str(data)

    def _load_queue(self) -> None:
        view = self._view
        if view is None:
            self.model.set_people([], {}, {}, {})
            self._show_selected()
            return
        caller = self.caller_id()
        queue = [p for p in view.people if view.progress.callers.get(p.contact_id) == caller]
        self.model.set_people(queue, view.states, view.progress.callers,
                              {p.contact_id: p.name for p in view.people})
        self.select_next()

    def select_next(self) -> None:
        row = self.model.row_of(self.model.next_id or "")
        if row < 0 and self.model.rowCount() and not self.table.selectionModel().hasSelection():
            row = 0
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        self.table.setFocus()

    def selected(self) -> object | None:
        return selected_object(self.table, object)

    def _show_selected(self) -> None:
        person = self.selected()
        self.number_combo.clear()
        has = person is not None and self.ctx.state.unlocked and bool(self.activation_id)
        for button in self.buttons.values():
            button.setEnabled(has)
        if person is None:
            self.person_label.setText("Nobody left to call here." if self.model.rowCount()
                                      else "Nobody is on this list.")
            self.numbers_label.setText("")
            return
        state = self.model.state(person.contact_id)  # type: ignore[attr-defined]
        wrong = state.wrong_numbers
        self.person_label.setText(f"{person.name} — {person.job_title}"  # type: ignore[attr-defined]
                                  f" · {state.status.label}")
        lines = []
        for phone in person.phones:  # type: ignore[attr-defined]
            mark = " (wrong)" if phone.e164 in wrong else ""
            lines.append(f"{phone.label}: {phone.shown}{mark}")
            self.number_combo.addItem(f"{phone.label} {phone.shown}", phone.e164)
        self.numbers_label.setText("\n".join(lines) or "No number")
        usable = [i for i, p in enumerate(person.phones)  # type: ignore[attr-defined]
                  if p.e164 not in wrong]
        if usable:
            self.number_combo.setCurrentIndex(usable[0])

    def copy_number(self) -> None:
        number = self.number_combo.currentData()
        if number:
            QGuiApplication.clipboard().setText(str(number))
            self.ctx.messages.show_info(f"Copied {number}.")

    def record(self, outcome: Outcome) -> None:
        """Record `outcome` for the selected person now (one action, committed at once)."""
        person = self.selected()
        if person is None or not self.activation_id:
            return
        with user_errors(self.ctx.messages):
            rec = activation_service.record_call(
                self.ctx.session, self.activation_id, person.contact_id,  # type: ignore[attr-defined]
                outcome, number=self.number_combo.currentData(), note=self.note_edit.text(),
                caller_id=self.caller_id())
            self.note_edit.clear()
            self.model.update_state(rec.person.contact_id, rec.state)
            self.select_next()
            self._show_selected()
            self.recorded.emit(rec)
