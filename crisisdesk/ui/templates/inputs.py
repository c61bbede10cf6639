"""One input per template variable, chosen by the variable's type.

A date gets a calendar, a number a spin box, a list one line per item: the person issuing a
message in a crisis should not have to know that dates are typed as 2026-03-02 or that list
items are separated by semicolons. Each field hands back a Python value (or None when left
empty); converting and checking it stays with the service (`coerce_values`), whose errors
name the variable so the dialog can show them under the right field.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal
from typing import Any, TypeVar

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import (
    QDateEdit,
    QDateTimeEdit,
    QDoubleSpinBox,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from crisisdesk.domain.templates import Variable, VarType
from crisisdesk.ui.widgets.build import MOMENT_SHOWN, date_edit

NOT_SET = "not set"
_NO_DATE = QDate(1900, 1, 1)
Spin = TypeVar("Spin", QSpinBox, QDoubleSpinBox)


def _unset_at_minus_one(box: Spin) -> Spin:
    """A number box that starts at -1, shown as "not set": a variable left empty, not zero."""
    box.setSpecialValueText(NOT_SET)
    box.setValue(-1)
    box.setGroupSeparatorShown(True)
    return box


class ValueField:
    """A widget for one variable, with `value()` and `set_value()`."""

    def __init__(self, variable: Variable, parent: QWidget) -> None:
        self.variable = variable
        self.widget = self._make(variable.type, parent)
        self.widget.setAccessibleName(variable.name.replace("_", " "))
        self.widget.setToolTip(f"{variable.description}\n({variable.type.example})")

    def _make(self, vt: VarType, parent: QWidget) -> QWidget:
        if vt is VarType.DATE:
            edit = date_edit(parent)
            edit.setMinimumDate(_NO_DATE)
            edit.setSpecialValueText(NOT_SET)
            edit.setDate(_NO_DATE)
            return edit
        if vt is VarType.DATETIME:
            stamp = QDateTimeEdit(parent)
            stamp.setCalendarPopup(True)
            stamp.setDisplayFormat(MOMENT_SHOWN)
            stamp.setMinimumDateTime(QDateTime(_NO_DATE, QTime(0, 0)))
            stamp.setSpecialValueText(NOT_SET)
            stamp.setDateTime(stamp.minimumDateTime())
            return stamp
        if vt is VarType.NUMBER:
            spin = QSpinBox(parent)
            spin.setRange(-1, 2_000_000_000)
            return _unset_at_minus_one(spin)
        if vt is VarType.MONEY:
            money = QDoubleSpinBox(parent)
            money.setRange(-1, 1e12)
            money.setDecimals(2)
            return _unset_at_minus_one(money)
        if vt is VarType.LIST:
            lines = QPlainTextEdit(parent)
            lines.setPlaceholderText("One item per line")
            lines.setTabChangesFocus(True)
            lines.setFixedHeight(84)
            return lines
        line = QLineEdit(parent)
        line.setPlaceholderText(vt.example[:1].upper() + vt.example[1:])
        return line

    def value(self) -> Any:
        w = self.widget
        if isinstance(w, QDateEdit):  # before QDateTimeEdit: QDateEdit is one
            date = w.date()
            return None if date == _NO_DATE else dt.date(date.year(), date.month(), date.day())
        if isinstance(w, QDateTimeEdit):
            stamp = w.dateTime()
            if stamp == w.minimumDateTime():
                return None
            d, t = stamp.date(), stamp.time()
            return dt.datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())
        if isinstance(w, QSpinBox):
            return None if w.value() < 0 else w.value()
        if isinstance(w, QDoubleSpinBox):
            return None if w.value() < 0 else Decimal(f"{w.value():.2f}")
        if isinstance(w, QPlainTextEdit):
            items = [x.strip() for x in w.toPlainText().splitlines() if x.strip()]
            return items or None
        assert isinstance(w, QLineEdit)
        return w.text().strip() or None

    def set_value(self, value: Any) -> None:
        w = self.widget
        if value is None:
            return
        if isinstance(w, QDateEdit):  # before QDateTimeEdit: QDateEdit is one
            if isinstance(value, dt.date):
                w.setDate(QDate(value.year, value.month, value.day))
            elif isinstance(value, str):
                parsed = QDate.fromString(value[:10], "yyyy-MM-dd")
                if parsed.isValid():
                    w.setDate(parsed)
        elif isinstance(w, QDateTimeEdit):
            if isinstance(value, dt.datetime):
                w.setDateTime(QDateTime(QDate(value.year, value.month, value.day),
                                        QTime(value.hour, value.minute)))
        elif isinstance(w, QDoubleSpinBox):
            with contextlib.suppress(TypeError, ValueError, ArithmeticError):
                w.setValue(float(value))
        elif isinstance(w, QSpinBox):
            with contextlib.suppress(TypeError, ValueError, ArithmeticError):
                w.setValue(int(value))
        elif isinstance(w, QPlainTextEdit):
            items = value if isinstance(value, list | tuple) else str(value).split(";")
            w.setPlainText("\n".join(str(x).strip() for x in items))
        elif isinstance(w, QLineEdit):
            w.setText(str(value))

