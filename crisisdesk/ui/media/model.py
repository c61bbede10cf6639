"""The inquiry log as a table: one row per inquiry, in the service's order (by deadline).

The order is the domain's (`log_order`: open first, earliest deadline first), so the view does
not sort. Overdue rows are painted red and say so in words too (colour alone is not enough for
everyone); `OBJECT_ROLE` hands back the `Inquiry`. `set_inquiries` updates rows in place when
the same inquiries come back in the same order (the common refresh), and resets otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from crisisdesk.domain.media import (
    NEAR_DEADLINE,
    DeadlineState,
    Inquiry,
    deadline_state,
    span_text,
    time_to_answer,
)

DEADLINE, STATE, STATUS, OUTLET, QUESTION, ASSIGNEE, ANSWERED_IN = range(7)
HEADERS = ("Deadline", "", "Status", "Outlet", "Question", "Assigned", "Answered in")
OBJECT_ROLE = Qt.ItemDataRole.UserRole
STATE_ROLE = Qt.ItemDataRole.UserRole + 1
_STATE_TEXT = {DeadlineState.OVERDUE: "OVERDUE", DeadlineState.DUE_SOON: "due soon"}
_OVERDUE_BG, _SOON_BG = QColor("#fde2e2"), QColor("#fff3cd")

Index = QModelIndex | QPersistentModelIndex


class InquiryModel(QAbstractTableModel):
    def __init__(self, show_time: Callable[[str], str],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Inquiry] = []
        self._states: list[DeadlineState] = []
        self._show = show_time
        self.drafts: dict[str, str] = {}  # inquiry id -> draft answer key awaiting approval
        self.near = NEAR_DEADLINE  # the desk's "due soon" window, set by the page

    def set_inquiries(self, inquiries: Sequence[Inquiry], now: dt.datetime,
                      drafts: dict[str, str] | None = None) -> None:
        self.drafts = dict(drafts or {})
        states = [deadline_state(q, now, self.near) for q in inquiries]
        if [q.id for q in inquiries] == [q.id for q in self._rows] and self._rows:
            self._rows, self._states = list(inquiries), states
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._rows) - 1, len(HEADERS) - 1))
            return
        self.beginResetModel()
        self._rows, self._states = list(inquiries), states
        self.endResetModel()

    def inquiries(self) -> list[Inquiry]:
        return list(self._rows)

    def overdue_count(self) -> int:
        return self._states.count(DeadlineState.OVERDUE)

    def row_of(self, inquiry_id: str) -> int:
        return next((i for i, q in enumerate(self._rows) if q.id == inquiry_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def _text(self, q: Inquiry, state: DeadlineState, column: int) -> str:
        if column == DEADLINE:
            return self._show(q.deadline) if q.deadline else "none given"
        if column == STATE:
            return _STATE_TEXT.get(state, "")
        if column == STATUS:
            if q.is_open and q.id in self.drafts:
                return "awaiting approval"
            return q.status.label
        if column == OUTLET:
            return q.outlet + (f" ({q.reporter})" if q.reporter else "")
        if column == QUESTION:
            return " ".join(q.question.split())
        if column == ASSIGNEE:
            return q.assignee
        if column == ANSWERED_IN:
            return span_text(time_to_answer(q))
        return ""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        q, state = self._rows[index.row()], self._states[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(q, state, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == QUESTION:
            return q.question
        if role == OBJECT_ROLE:
            return q
        if role == STATE_ROLE:
            return state.value
        if role == Qt.ItemDataRole.BackgroundRole:
            return {DeadlineState.OVERDUE: _OVERDUE_BG,
                    DeadlineState.DUE_SOON: _SOON_BG}.get(state)
        if role == Qt.ItemDataRole.ForegroundRole and state is DeadlineState.OVERDUE:
            return QColor("#7a0000")
        if role == Qt.ItemDataRole.FontRole and state is DeadlineState.OVERDUE \
                and index.column() in (DEADLINE, STATE):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and not q.is_open:
            return QColor("#666666")
        return None
