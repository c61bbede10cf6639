"""The people of a running activation as a table model, updated one row at a time.

Recording a call changes one person; `update_state` emits `dataChanged` for that row only, and
`set_states` (after a background refresh) only for rows whose state or caller changed, so a
5,000-person progress view never resets and the user keeps their selection and scroll position.
The same model class serves the "my calls" queue (a subset of people) and the full list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from crisisdesk.domain.call_escalation import FrozenPerson
from crisisdesk.domain.call_outcomes import NEVER_CALLED, PersonState, Status

NAME, TITLE, PHONES, STATUS, TRIES, LAST, CALLER = range(7)
HEADERS = ("Name", "Title", "Phones", "Status", "Tries", "Last outcome", "Caller now")
OBJECT_ROLE = Qt.ItemDataRole.UserRole
STATUS_COLOURS = {Status.REACHED: "#d7f0d7", Status.UNAVAILABLE: "#eeeeee",
                  Status.ATTEMPTED: "#fff2cc"}

Index = QModelIndex | QPersistentModelIndex


def phones_text(person: FrozenPerson, sep: str = "  ·  ") -> str:
    return sep.join(f"{p.label} {p.original or p.e164}".strip() for p in person.phones)


class PeopleModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._people: list[FrozenPerson] = []
        self._states: dict[str, PersonState] = {}
        self._callers: dict[str, str | None] = {}
        self._names: dict[str, str] = {}
        self._row: dict[str, int] = {}
        self.next_id: str | None = None  # the row shown in bold: who to call next

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._people)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(HEADERS)):
            return HEADERS[section]
        return None

    def state(self, contact_id: str) -> PersonState:
        return self._states.get(contact_id, NEVER_CALLED)

    def _text(self, person: FrozenPerson, column: int) -> str:
        state = self.state(person.contact_id)
        if column == NAME:
            return person.name
        if column == TITLE:
            return person.job_title
        if column == PHONES:
            return phones_text(person)
        if column == STATUS:
            return state.status.label
        if column == TRIES:
            return str(state.attempts) if state.attempts else ""
        if column == LAST:
            return state.last_outcome.label if state.last_outcome else ""
        if column == CALLER:
            caller = self._callers.get(person.contact_id, person.caller_id)
            return self._names.get(caller, "?") if caller else "Coordinator"
        return ""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._people):
            return None
        person = self._people[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(person, index.column())
        if role == OBJECT_ROLE:
            return person
        if role == Qt.ItemDataRole.BackgroundRole:
            colour = STATUS_COLOURS.get(self.state(person.contact_id).status)
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.FontRole and person.contact_id == self.next_id:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == PHONES:
            return phones_text(person, "\n")
        return None

    def person_at(self, row: int) -> FrozenPerson:
        return self._people[row]

    def row_of(self, contact_id: str) -> int:
        return self._row.get(contact_id, -1)

    def people(self) -> list[FrozenPerson]:
        return list(self._people)

    def set_people(self, people: Iterable[FrozenPerson], states: Mapping[str, PersonState],
                   callers: Mapping[str, str | None], names: Mapping[str, str]) -> None:
        """Load a different list (another caller or activation): the only full reset."""
        self.beginResetModel()
        self._people = list(people)
        self._states = dict(states)
        self._callers = dict(callers)
        self._names = dict(names)
        self._row = {p.contact_id: i for i, p in enumerate(self._people)}
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
        for row, person in enumerate(self._people):
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
        order = self._people[after + 1:] + self._people[:after + 1]
        return next((p.contact_id for p in order if self.state(p.contact_id).status.is_open),
                    None)

    def _move_next(self, after: int = -1) -> None:
        old, self.next_id = self.next_id, self.first_open(after)
        for cid in {old, self.next_id} - {None}:
            row = self.row_of(cid or "")
            if row >= 0 and old != self.next_id:
                self._changed(row)
