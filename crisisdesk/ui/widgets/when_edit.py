"""A date-and-time field in the desk's time zone, for "since when" and "starts at" questions.

The desk's zone (the `timezone` setting) need not be this computer's, so the edit shows plain
wall-clock digits (kept in UTC inside Qt, so this computer's daylight-saving gaps never shift
them) and `moment()` attaches the desk's zone: the service receives an aware `datetime`, which
`services.localtime.parse_time` accepts. `edited` says whether the user changed the value since
it was last set, so a form can send "now" (None) when nobody touched a field that only showed
the current time.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QDateTime, QTime, QTimeZone
from PySide6.QtWidgets import QDateTimeEdit, QWidget

from crisisdesk.ui.widgets.build import MOMENT_SHOWN


class WhenEdit(QDateTimeEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tz: dt.tzinfo = dt.UTC
        self.edited = False
        self.setTimeZone(QTimeZone.utc())
        self.setCalendarPopup(True)
        self.setDisplayFormat(MOMENT_SHOWN)
        self.dateTimeChanged.connect(self._changed)
        self._setting = False

    def _changed(self, _value: QDateTime) -> None:
        if not self._setting:
            self.edited = True

    def set_moment(self, moment: dt.datetime, tz: dt.tzinfo) -> None:
        """Show `moment` (aware) as wall-clock time in `tz`; not counted as an edit."""
        self.tz = tz
        local = moment.astimezone(tz)
        self._setting = True
        try:
            self.setDateTime(QDateTime(QDate(local.year, local.month, local.day),
                                       QTime(local.hour, local.minute), QTimeZone.utc()))
        finally:
            self._setting = False
        self.edited = False

    def moment(self) -> dt.datetime:
        """The shown wall-clock time in the desk's zone, as an aware datetime."""
        day, time = self.date(), self.time()
        return dt.datetime(day.year(), day.month(), day.day(), time.hour(), time.minute(),
                           tzinfo=self.tz)
