"""Start operational period 1 at a chosen time and for a chosen length.

Without this the first assignment opens a 12-hour period starting at that moment. A team that
activated at 06:00 and runs 24-hour periods says so here before assigning anyone. Later periods
start at each handover (`HandoverDialog`). `services.roles.start_period` checks the length and
that no period is running; its reason is shown next to the field it names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from crisisdesk.domain.errors import UserError, ValidationError
from crisisdesk.domain.roles import OperationalPeriod
from crisisdesk.ui.widgets.forms import FieldErrors, error_label
from crisisdesk.ui.widgets.when_edit import WhenEdit

StartPeriod = Callable[[dt.datetime, float], OperationalPeriod]


class StartPeriodDialog(QDialog):
    started = Signal(object)  # the new OperationalPeriod

    def __init__(self, now: dt.datetime, tz: dt.tzinfo, start: StartPeriod,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.start_fn = start
        self.setWindowTitle("Start operational period 1")
        self.setMinimumWidth(460)
        intro = QLabel("Choose when the first operational period began (or begins) and how "
                       "long it runs. Each handover ends a period and starts the next.", self)
        intro.setWordWrap(True)
        self.starts_edit = WhenEdit(self)
        self.starts_edit.setAccessibleName("Period starts at")
        self.starts_edit.set_moment(now, tz)
        self.hours_spin = QDoubleSpinBox(self)
        self.hours_spin.setRange(1, 72)
        self.hours_spin.setDecimals(0)
        self.hours_spin.setValue(12)
        self.hours_spin.setSuffix(" hours")
        self.hours_spin.setAccessibleName("Length of the period")
        self.message = error_label(self)
        form = QFormLayout()
        self.errors = FieldErrors(form, self.message)
        self.errors.add_row("&Starts at:", self.starts_edit, "starts_at")
        self.errors.add_row("&Lasts:", self.hours_spin, "hours")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.start_button = buttons.addButton("&Start period",
                                              QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.message)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.starts_edit.setFocus()

    def submit(self) -> None:
        try:
            period = self.start_fn(self.starts_edit.moment(), self.hours_spin.value())
        except UserError as err:
            self.errors.show(str(err), err.fields if isinstance(err, ValidationError) else {})
            self.resize(self.width(), max(self.height(), self.sizeHint().height()))  # room
            return
        self.started.emit(period)
        self.accept()
