"""The people of a running activation as a table model, updated one row at a time.

Recording a call changes one person; `update_state` emits `dataChanged` for that row only, and
`set_states` (after a background refresh) only for rows whose state or caller changed, so a
5,000-person progress view never resets and the user keeps their selection and scroll position.
The same model class serves the "my calls" queue (a subset of people) and the full list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import QObject
from PySide6.QtGui import QColor

from crisisdesk.domain.call_escalation import FrozenPerson
from crisisdesk.domain.call_outcomes import NEVER_CALLED, PersonState, Status
from crisisdesk.ui.widgets.table_model import RowTableModel

NAME, TITLE, PHONES, STATUS, TRIES, LAST, CALLER = range(7)
HEADERS = ("Name", "Title", "Phones", "Status", "Tries", "Last outcome", "Caller now")
STATUS_COLOURS = {Status.REACHED: "#d7f0d7", Status.UNAVAILABLE: "#eeeeee",
                  Status.ATTEMPTED: "#fff2cc"}


def phones_text(person: FrozenPerson, sep: str = "  ·  ") -> str:
    return sep.join(f"{p.label} {p.shown}".strip() for p in person.phones)


class PeopleModel(RowTableModel[FrozenPerson]):
    HEADERS = HEADERS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._states: dict[str, PersonState] = {}
        self._callers: dict[str, str | None] = {}
        self._names: dict[str, str] = {}
        self._row: dict[str, int] = {}
        self.next_id: str | None = None  # the row shown in bold: who to call next

    def state(self, contact_id: str) -> PersonState:
        return self._states.get(contact_id, NEVER_CALLED)

    def key(self, row: FrozenPerson) -> str:
        return row.contact_id

    def display(self, row: FrozenPerson, column: int) -> str:
        state = self.state(row.contact_id)
        if column == NAME:
            return row.name
        if column == TITLE:
            return row.job_title
        if column == PHONES:
            return phones_text(row)
        if column == STATUS:
            return state.status.label
        if column == TRIES:
            return str(state.attempts) if state.attempts else ""
        if column == LAST:
            return state.last_outcome.label if state.last_outcome else ""
        if column == CALLER:
            caller = self._callers.get(row.contact_id, row.caller_id)
            return self._names.get(caller, "?") if caller else "Coordinator"
        return ""

    def background(self, row: FrozenPerson, column: int) -> QColor | None:
        colour = STATUS_COLOURS.get(self.state(row.contact_id).status)
        return QColor(colour) if colour else None

    def bold(self, row: FrozenPerson, column: int) -> bool:
        return row.contact_id == self.next_id

    def tooltip(self, row: FrozenPerson, column: int) -> str | None:
        return phones_text(row, "\n") if column == PHONES else None

    def person_at(self, row: int) -> FrozenPerson:
        return self._rows[row]

    def row_of(self, contact_id: str) -> int:
        return self._row.get(contact_id, -1)

    def people(self) -> list[FrozenPerson]:
        return self.rows()

    def set_people(self, people: Iterable[FrozenPerson], states: Mapping[str, PersonState],
                   callers: Mapping[str, str | None], names: Mapping[str, str]) -> None:
        """Load a different list (another caller or activation): the only full reset."""
        self.beginResetModel()
        self._rows = list(people)
        self._states = dict(states)
        self._callers = dict(callers)
        self._names = dict(names)
        self._row = {p.contact_id: i for i, p in enumerate(self._rows)}
        self.next_id = self.first_open()
        self.endResetModel()

    def _changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))

    def update_state(self, contact_id: str, state: PersonState) -> None:
        """One person's new state (after a recorded call): one row repaints."""
        self._states[contact_id] = state
        row = self.row_of(contact_id)
        if row >= 0:
            self._changed(row)
        self._move_next(row)

    def set_states(self, states: Mapping[str, PersonState],
                   callers: Mapping[str, str | None]) -> None:
        """A background refresh: repaint only the rows that changed."""
        for row, person in enumerate(self._rows):
            cid = person.contact_id
            new_state, new_caller = states.get(cid, NEVER_CALLED), callers.get(cid)
            if new_state != self.state(cid) or new_caller != self._callers.get(cid):
                self._states[cid] = new_state
                self._callers[cid] = new_caller
                self._changed(row)
        self._move_next(self.row_of(self.next_id or ""))

    def first_open(self, after: int = -1) -> str | None:
        """The first person still open after row `after`, wrapping round: after a voicemail
        the caller moves on and comes back to that person later."""
        order = self._rows[after + 1:] + self._rows[:after + 1]
        return next((p.contact_id for p in order if self.state(p.contact_id).status.is_open),
                    None)

    def _move_next(self, after: int = -1) -> None:
        old, self.next_id = self.next_id, self.first_open(after)
        for cid in {old, self.next_id} - {None}:
            row = self.row_of(cid or "")
            if row >= 0 and old != self.next_id:
                self._changed(row)
