"""The update-cadence panel and banner: when each audience's next update is due.

A table of audiences with their interval and next update time, a way to set the interval and a
button to record that an update was given (which restarts that audience's clock). The page
re-reads the status every 30 seconds and, when any audience is near or overdue, shows the
banner and (once per change, if the desktop has a system tray) a tray notification. Offscreen
and on desktops without a tray there is no tray icon: the banner alone carries the warning.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crisisdesk.domain.cadence import CadenceAudience, CadenceState, CadenceStatus
from crisisdesk.domain.media import span_text
from crisisdesk.ui.widgets.buttons import push_button
from crisisdesk.ui.widgets.scheme import for_background, readable_text
from crisisdesk.ui.widgets.tables import read_only_table

_STATE = {CadenceState.OVERDUE: "OVERDUE", CadenceState.NEAR: "due soon", CadenceState.OK: "ok",
          CadenceState.NOT_SET: "no cadence set"}
_BG = {CadenceState.OVERDUE: QColor("#fde2e2"), CadenceState.NEAR: QColor("#fff3cd")}


class CadencePanel(QWidget):
    set_requested = Signal(str, str)  # audience, interval text
    done_requested = Signal(str)  # audience

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = read_only_table(self, "Update cadence",
                                     ["Audience", "Every", "Next update due", "State"])
        self.audience_combo = QComboBox(self)
        for audience in CadenceAudience:
            self.audience_combo.addItem(audience.label, audience.value)
        self.audience_combo.setAccessibleName("Audience")
        self.table.currentCellChanged.connect(
            lambda row, *_: self.audience_combo.setCurrentIndex(max(row, 0)))
        self.interval_edit = QLineEdit(self)
        self.interval_edit.setPlaceholderText("e.g. 4h")
        self.interval_edit.setAccessibleName("Interval")
        self.interval_edit.setMaximumWidth(130)
        self.set_button = push_button(
            self, "&Set interval",
            lambda: self.set_requested.emit(self.audience(), self.interval_edit.text()))
        self.done_button = push_button(
            self, "&Update given now", lambda: self.done_requested.emit(self.audience()),
            "Record that this audience got its update: the clock restarts")
        row = QHBoxLayout()
        row.addWidget(self.audience_combo)
        row.addWidget(self.interval_edit)
        row.addWidget(self.set_button)
        row.addStretch(1)
        row.addWidget(self.done_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)

    def audience(self) -> str:
        return str(self.audience_combo.currentData())

    def set_statuses(self, statuses: list[CadenceStatus], show: object) -> None:
        """`show(datetime) -> str` formats a due time for people."""
        self.table.setRowCount(len(statuses))
        for row, status in enumerate(statuses):
            every = span_text(status.cadence.interval) if status.cadence.interval else "-"
            due = show(status.next_due) if callable(show) and status.next_due else "-"
            cells = [status.audience.label, every, due, _STATE[status.state]]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                background = _BG.get(status.state)
                if background is not None:  # the state's word is in its column too
                    item.setBackground(for_background(background))
                    item.setForeground(readable_text(for_background(background)))
                self.table.setItem(row, column, item)

    def clear(self) -> None:
        self.table.setRowCount(0)
        self.interval_edit.clear()
