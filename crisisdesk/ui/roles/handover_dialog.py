"""End the operational period: the handover note, and how long the next period runs.

HICS hands over at each period's end: what is done, what is pending, what the next shift must
watch. The service refuses an empty note; its reason is shown under the note field. The next
period starts at once with every role's line-up carried over (acknowledgements start again).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from crisisdesk.domain.errors import UserError, ValidationError
from crisisdesk.domain.roles import OperationalPeriod
from crisisdesk.ui.widgets.forms import FieldErrors, error_label

EndPeriod = Callable[[str, float], OperationalPeriod]


class HandoverDialog(QDialog):
    ended = Signal(object)  # the new OperationalPeriod

    def __init__(self, period: OperationalPeriod, end: EndPeriod,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.end_fn = end
        self.setWindowTitle(f"End operational period {period.number}")
        self.setMinimumWidth(520)
        intro = QLabel(f"Operational period {period.number} ends now and period "
                       f"{period.number + 1} starts with the same line-ups. Write the handover "
                       "note for the next shift: what is done, what is pending, what to watch.",
                       self)
        intro.setWordWrap(True)
        self.note_edit = QPlainTextEdit(self)
        self.note_edit.setAccessibleName("Handover note")
        self.note_edit.setMinimumHeight(140)
        self.hours_spin = QDoubleSpinBox(self)
        self.hours_spin.setRange(1, 72)
        self.hours_spin.setDecimals(0)
        self.hours_spin.setValue(12)
        self.hours_spin.setSuffix(" hours")
        self.hours_spin.setAccessibleName("Length of the next period")
        self.message = error_label(self)
        form = QFormLayout()
        self.errors = FieldErrors(form, self.message)
        self.errors.add_row("Handover &note:", self.note_edit, "handover_note")
        self.errors.add_row("Next period &lasts:", self.hours_spin, "hours")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.end_button = buttons.addButton("&End period and hand over",
                                            QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.message)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.note_edit.setFocus()

    def submit(self) -> None:
        try:
            period = self.end_fn(self.note_edit.toPlainText(), self.hours_spin.value())
        except ValidationError as err:
            self.errors.show(str(err), err.fields)
            return
        except UserError as err:
            self.errors.show(str(err), {})
            return
        self.ended.emit(period)
        self.accept()
