"""Start operational period 1, or end the running period with a handover note.

Both questions end in "how long does the (next) period run?", and both are answered by one
`services.roles` call whose refusal names a field, so they are one dialog:

- `PeriodDialog.first(...)`: without it the first assignment opens a 12-hour period starting
  at that moment; a team that activated at 06:00 and runs 24-hour periods says so here before
  assigning anyone (`start_period` checks the length and that no period is running).
- `PeriodDialog.handover(...)`: HICS hands over at each period's end: what is done, what is
  pending, what the next shift must watch. The service refuses an empty note. The next period
  starts at once with every role's line-up carried over (acknowledgements start again).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtWidgets import QDoubleSpinBox, QPlainTextEdit, QWidget

from crisisdesk.domain.roles import OperationalPeriod
from crisisdesk.ui.widgets.form_dialog import FormDialog
from crisisdesk.ui.widgets.when_edit import WhenEdit

StartPeriod = Callable[[dt.datetime, float], OperationalPeriod]
EndPeriod = Callable[[str, float], OperationalPeriod]


class PeriodDialog(FormDialog):
    """`submitted` carries the new OperationalPeriod."""

    def __init__(self, title: str, accept_label: str, intro: str, hours_name: str,
                 parent: QWidget | None, *, min_width: int) -> None:
        super().__init__(title, accept_label, parent, intro=intro, min_width=min_width)
        self.starts_edit: WhenEdit | None = None
        self.note_edit: QPlainTextEdit | None = None
        self.hours_spin = QDoubleSpinBox(self)
        self.hours_spin.setRange(1, 72)
        self.hours_spin.setDecimals(0)
        self.hours_spin.setValue(12)
        self.hours_spin.setSuffix(" hours")
        self.hours_spin.setAccessibleName(hours_name)
        self._save: Callable[[], OperationalPeriod] | None = None  # set by the constructors

    @classmethod
    def first(cls, now: dt.datetime, tz: dt.tzinfo, start: StartPeriod,
              parent: QWidget | None = None) -> PeriodDialog:
        dialog = cls("Start operational period 1", "&Start period",
                     "Choose when the first operational period began (or begins) and how "
                     "long it runs. Each handover ends a period and starts the next.",
                     "Length of the period", parent, min_width=460)
        starts = dialog.starts_edit = WhenEdit(dialog)
        starts.setAccessibleName("Period starts at")
        starts.set_moment(now, tz)
        dialog.add_row("&Starts at:", starts, "starts_at")
        dialog.add_row("&Lasts:", dialog.hours_spin, "hours")
        dialog._save = lambda: start(starts.moment(), dialog.hours_spin.value())
        starts.setFocus()
        return dialog

    @classmethod
    def handover(cls, period: OperationalPeriod, end: EndPeriod,
                 parent: QWidget | None = None) -> PeriodDialog:
        dialog = cls(f"End operational period {period.number}", "&End period and hand over",
                     f"Operational period {period.number} ends now and period "
                     f"{period.number + 1} starts with the same line-ups. Write the handover "
                     "note for the next shift: what is done, what is pending, what to watch.",
                     "Length of the next period", parent, min_width=520)
        note = dialog.note_edit = QPlainTextEdit(dialog)
        note.setAccessibleName("Handover note")
        note.setMinimumHeight(140)
        dialog.add_row("Handover &note:", note, "handover_note")
        dialog.add_row("Next period &lasts:", dialog.hours_spin, "hours")
        dialog._save = lambda: end(note.toPlainText(), dialog.hours_spin.value())
        note.setFocus()
        return dialog

    def save(self) -> OperationalPeriod:
        assert self._save is not None, "build a PeriodDialog with first() or handover()"
        return self._save()
