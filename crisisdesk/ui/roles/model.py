"""The roster table: one row per role, with its line-up and who is acting right now.

Rows are the service's `RoleStatus` objects; the model only decides how they read. The acting
holder's cell is highlighted: amber when a backup is acting (the primary is unavailable), red
when the role is uncovered, grey text when nobody is assigned, so a glance down the column
shows where the command structure has gaps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from typing import Any

from PySide6.QtGui import QColor

from crisisdesk.domain.roles import RoleStatus, Slot
from crisisdesk.ui.widgets.table_model import RowTableModel, time_formatter

ROLE, ACTING, PHONE, PRIMARY, BACKUPS, ACKNOWLEDGED = range(6)
HEADERS = ("Role", "Acting now", "Phone", "Primary", "Backups (in order)", "Acknowledged")

BACKUP_ACTING = QColor("#fff0c2")
UNCOVERED = QColor("#fbd5d5")
COVERED = QColor("#dff3e3")
MUTED = QColor("#777777")

Show = Callable[[str], str]  # UTC ISO -> the desk's local time for people


def slot_name(slot: Slot) -> str:
    return slot.person.name + ("" if slot.available else " (unavailable)")


def acknowledged_text(slot: Slot, show: Show) -> str:
    if not slot.acknowledged_at:
        return "not yet"
    who = f" by {slot.acknowledged_by}" if slot.acknowledged_by != slot.person.name else ""
    return f"{show(slot.acknowledged_at)}{who}"


class RosterModel(RowTableModel[RoleStatus]):
    HEADERS = HEADERS

    def __init__(self, parent: Any = None, show: Show | None = None) -> None:
        super().__init__(parent)
        self.show: Show = show or time_formatter(dt.UTC)

    def key(self, row: RoleStatus) -> Hashable:
        return row.role.key

    def display(self, row: RoleStatus, column: int) -> str:
        acting = row.acting.slot if row.acting else None
        if column == ROLE:
            return f"{row.role.title} ({row.role.short})" if row.role.short != row.role.title \
                else row.role.title
        if column == ACTING:
            if row.state == "unassigned":
                return "nobody assigned"
            if acting is None:
                return "UNCOVERED"
            return acting.person.name + (f" (acting, {acting.label})" if acting.rank else "")
        if column == PHONE:
            return acting.person.phone if acting else ""
        if column == PRIMARY:
            return slot_name(row.slots[0]) if row.slots else ""
        if column == BACKUPS:
            return ", ".join(f"{s.rank}. {slot_name(s)}" for s in row.slots[1:])
        if column == ACKNOWLEDGED:
            return acknowledged_text(acting, self.show) if acting else ""
        return ""

    def background(self, row: RoleStatus, column: int) -> QColor | None:
        if column != ACTING:
            return None
        return {"backup_acting": BACKUP_ACTING, "uncovered": UNCOVERED,
                "covered": COVERED}.get(row.state)

    def foreground(self, row: RoleStatus, column: int) -> QColor | None:
        if row.state == "unassigned" and column != ROLE:
            return MUTED
        if column == ACTING and row.state in ("backup_acting", "uncovered", "covered"):
            return QColor("#1b1b1b")  # readable on the highlight in dark palettes too
        return None

    def bold(self, row: RoleStatus, column: int) -> bool:
        return column == ACTING and row.acting is not None

    def tooltip(self, row: RoleStatus, column: int) -> str | None:
        if column == ROLE:
            return row.role.description
        if column in (ACTING, BACKUPS, PRIMARY, ACKNOWLEDGED) and row.slots:
            return "\n".join(
                f"{s.label}: {slot_name(s)}"
                + (f", {s.person.phone}" if s.person.phone else "")
                + (f"; acknowledged {acknowledged_text(s, self.show)}"
                   if s.acknowledged_at else "")
                + (f"; unavailable: {s.unavailable_reason}" if s.unavailable_reason else "")
                for s in row.slots)
        return None

    def sort_value(self, row: RoleStatus, column: int) -> Any:
        if column == ROLE:
            return self.rows().index(row) if row in self._rows else 0
        return super().sort_value(row, column)
