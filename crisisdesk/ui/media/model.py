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

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor

from crisisdesk.domain.media import (
    NEAR_DEADLINE,
    DeadlineState,
    Inquiry,
    deadline_state,
    span_text,
    time_to_answer,
)
from crisisdesk.ui.widgets.table_model import OBJECT_ROLE, RowTableModel

DEADLINE, STATE, STATUS, OUTLET, QUESTION, ASSIGNEE, ANSWERED_IN = range(7)
HEADERS = ("Deadline", "", "Status", "Outlet", "Question", "Assigned", "Answered in")
STATE_ROLE = OBJECT_ROLE + 2  # after the shared OBJECT_ROLE and SORT_ROLE
_STATE_TEXT = {DeadlineState.OVERDUE: "OVERDUE", DeadlineState.DUE_SOON: "due soon"}
_OVERDUE_BG, _SOON_BG = QColor("#fde2e2"), QColor("#fff3cd")


class InquiryModel(RowTableModel[Inquiry]):
    HEADERS = HEADERS

    def __init__(self, show_time: Callable[[str], str],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._states: dict[str, DeadlineState] = {}
        self._show = show_time
        self.drafts: dict[str, str] = {}  # inquiry id -> draft answer key awaiting approval
        self.near = NEAR_DEADLINE  # the desk's "due soon" window, set by the page

    def set_inquiries(self, inquiries: Sequence[Inquiry], now: dt.datetime,
                      drafts: dict[str, str] | None = None) -> None:
        self.drafts = dict(drafts or {})
        states = {q.id: deadline_state(q, now, self.near) for q in inquiries}
        if [q.id for q in inquiries] == [q.id for q in self._rows] and self._rows:
            self._rows, self._states = list(inquiries), states
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._rows) - 1, len(HEADERS) - 1))
            return
        self.beginResetModel()
        self._rows, self._states = list(inquiries), states
        self.endResetModel()

    def inquiries(self) -> list[Inquiry]:
        return self.rows()

    def overdue_count(self) -> int:
        return list(self._states.values()).count(DeadlineState.OVERDUE)

    def row_of(self, inquiry_id: str) -> int:
        return next((i for i, q in enumerate(self._rows) if q.id == inquiry_id), -1)

    def key(self, row: Inquiry) -> str:
        return row.id

    def display(self, row: Inquiry, column: int) -> str:
        state = self._states[row.id]
        if column == DEADLINE:
            return self._show(row.deadline) if row.deadline else "none given"
        if column == STATE:
            return _STATE_TEXT.get(state, "")
        if column == STATUS:
            if row.is_open and row.id in self.drafts:
                return "awaiting approval"
            return row.status.label
        if column == OUTLET:
            return row.outlet + (f" ({row.reporter})" if row.reporter else "")
        if column == QUESTION:
            return " ".join(row.question.split())
        if column == ASSIGNEE:
            return row.assignee
        if column == ANSWERED_IN:
            return span_text(time_to_answer(row))
        return ""

    def tooltip(self, row: Inquiry, column: int) -> str | None:
        return row.question if column == QUESTION else None

    def background(self, row: Inquiry, column: int) -> QColor | None:
        return {DeadlineState.OVERDUE: _OVERDUE_BG,
                DeadlineState.DUE_SOON: _SOON_BG}.get(self._states[row.id])

    def foreground(self, row: Inquiry, column: int) -> QColor | None:
        if self._states[row.id] is DeadlineState.OVERDUE:
            return QColor("#7a0000")
        return None if row.is_open else QColor("#666666")

    def bold(self, row: Inquiry, column: int) -> bool:
        return (self._states[row.id] is DeadlineState.OVERDUE
                and column in (DEADLINE, STATE))

    def extra(self, row: Inquiry, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self.display(row, column)
        if role == STATE_ROLE:
            return self._states[row.id].value
        return None
