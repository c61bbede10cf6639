"""Showing a service's `ValidationError` next to the fields it names, in any form dialog.

Services raise `ValidationError(message, fields={"discovered_on": "in the future", ...})`. A
dialog registers one error label per field key under its input (`FieldErrors.add_row`); `show`
puts each reason under its field, and the whole message at the top when a reason names a field
the form does not have, so the user always sees what to fix and nothing typed is lost. The
same helper serves the incident, assign, timeline-entry, mark-done and system dialogs, which is
why it is not inside any one of them.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QFormLayout, QLabel, QLayout, QWidget

from crisisdesk.domain.errors import UserError, ValidationError
from crisisdesk.ui.widgets.scheme import error_style

ERROR_STYLE = "color: #b00020;"  # the light scheme's; a widget built now uses error_style()


def error_label(parent: QWidget) -> QLabel:
    """A line saying what is wrong, red on a light window and light red on a dark one."""
    label = QLabel(parent)
    label.setObjectName("fieldError")
    label.setStyleSheet(error_style())
    label.setWordWrap(True)
    label.hide()
    return label


def sentence(reason: str) -> str:
    return reason[:1].upper() + reason[1:] + ("" if reason.endswith(".") else ".")


class FieldErrors:
    """Error labels of one QFormLayout, keyed by the service's field names."""

    def __init__(self, form: QFormLayout, message: QLabel) -> None:
        self.form = form
        self.message = message
        self.labels: dict[str, QLabel] = {}
        self.forms: dict[str, QFormLayout] = {}
        self.aliases: dict[str, str] = {}

    def add_row(self, text: str | QLabel, widget: QWidget | QLayout, *keys: str,
                form: QFormLayout | None = None) -> None:
        """A form row, and under it the error label for `keys` (the first is its own).
        `form` puts the row in a nested form (e.g. inside a group box) instead."""
        target = form or self.form
        parent = target.parentWidget() or self.message.parentWidget()
        target.addRow(text, widget)
        if not keys:
            return
        label = error_label(parent)  # type: ignore[arg-type]
        target.addRow("", label)
        target.setRowVisible(label, False)
        self.labels[keys[0]] = label
        self.forms[keys[0]] = target
        for key in keys[1:]:
            self.aliases[key] = keys[0]

    def show(self, message: str, fields: dict[str, str]) -> None:
        placed: dict[str, list[str]] = {}
        unplaced = []
        for key, reason in fields.items():
            own = self.aliases.get(key, key)
            if own in self.labels:
                placed.setdefault(own, []).append(reason)
            else:
                unplaced.append(reason)
        for key, label in self.labels.items():
            reasons = placed.get(key, [])
            # The service's own sentence is clearer than the short reason when there is one.
            label.setText(message if len(reasons) == 1 and len(fields) == 1
                          else " ".join(sentence(r) for r in reasons))
            self.forms[key].setRowVisible(label, bool(reasons))
        top = message if unplaced or not fields else "Please correct the fields marked below."
        self.message.setText(top)
        self.message.setVisible(bool(top))

    def show_user_error(self, err: UserError) -> None:
        """A service's refusal: a ValidationError's reasons under their fields, else on top."""
        self.show(str(err), err.fields if isinstance(err, ValidationError) else {})

    def clear(self) -> None:
        self.show("", {})

    def clear_field(self, key: str) -> None:
        """The value under `key` is right now: its reason goes, and the top line too when no
        other field still has one (an error that stays after the fix reads as a new one)."""
        own = self.aliases.get(key, key)
        label = self.labels.get(own)
        if label is None or label.isHidden() and not label.text():
            return
        label.clear()
        self.forms[own].setRowVisible(label, False)
        if not any(lbl.text() for lbl in self.labels.values()):
            self.message.clear()
            self.message.hide()

    def text(self, key: str) -> str:
        label = self.labels[key]
        return label.text() if not label.isHidden() else ""


def qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


def buddy_label(text: str, parent: QWidget, buddy: QWidget) -> QLabel:
    """A label whose &mnemonic moves the focus to `buddy`."""
    label = QLabel(text, parent)
    label.setBuddy(buddy)
    return label
