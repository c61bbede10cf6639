"""The Substitute notice tab: what the 10-or-more substitute notice needs, the web posting, the
major media placements and the toll-free line as recorded, and the reminders before they lapse
(the same reminders the Dashboard and the obligations sheet show)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QLineEdit, QListWidget, QWidget

from crisisdesk.services import substitute_notice as substitute_service
from crisisdesk.services.session import Session
from crisisdesk.services.substitute_notice import SubstituteStatus
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.widgets.build import date_edit, note_label
from crisisdesk.ui.widgets.buttons import push_button
from crisisdesk.ui.widgets.errors import user_errors
from crisisdesk.ui.widgets.layouts import hbox, vbox


def _day(edit: object) -> dt.date:
    day = edit.date().toPython()  # type: ignore[attr-defined]
    assert isinstance(day, dt.date)
    return day


class SubstituteTab(QWidget):
    changed = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.status_label = note_label(self, "Substitute notice needed")
        self.reminders = QListWidget(self)
        self.reminders.setAccessibleName("Substitute notice reminders")
        self.reminders.setWordWrap(True)
        self.url_edit = QLineEdit(self)
        self.url_edit.setAccessibleName("Web posting address")
        self.url_edit.setPlaceholderText("https://example.org/notice")
        self.posted_edit = date_edit(self, name="First posted")
        self.posting_label = note_label(self, "Web posting")
        self.outlet_edit = QLineEdit(self)
        self.outlet_edit.setAccessibleName("Media outlet")
        self.placed_edit = date_edit(self, name="Placed on")
        self.placements = QListWidget(self)
        self.placements.setAccessibleName("Media placements")
        self.number_edit = QLineEdit(self)
        self.number_edit.setAccessibleName("Toll-free number")
        self.until_edit = date_edit(self, name="Open until")
        self.line_label = note_label(self, "Toll-free line")

        web = QGroupBox("Web posting (90 days)", self)
        form = QFormLayout(web)
        form.addRow("&Address:", self.url_edit)
        form.addRow("First &posted:", hbox(self.posted_edit, push_button(
            web, "Record &posting", self.record_posting), (QWidget(web), 1)))
        form.addRow(self.posting_label)
        media = QGroupBox("Major print or broadcast media", self)
        form = QFormLayout(media)
        form.addRow("&Outlet:", self.outlet_edit)
        form.addRow("&Ran on:", hbox(self.placed_edit, push_button(
            media, "Add p&lacement", self.add_placement), (QWidget(media), 1)))
        form.addRow(self.placements)
        line = QGroupBox("Toll-free line (90 days from the first substitute notice)", self)
        form = QFormLayout(line)
        form.addRow("&Number:", self.number_edit)
        form.addRow("Open &until:", hbox(self.until_edit, push_button(
            line, "Record &line", self.record_line), (QWidget(line), 1)))
        form.addRow(self.line_label)
        vbox(self, self.status_label, QLabel("Reminders:", self), self.reminders, web, media,
             line, margins=4)

    def refresh(self, session: Session) -> None:
        self.show_status(substitute_service.status(session))

    def clear(self) -> None:
        for widget in (self.reminders, self.placements):
            widget.clear()
        for label in (self.status_label, self.posting_label, self.line_label):
            label.clear()

    def show_status(self, s: SubstituteStatus) -> None:
        today = QDate(s.today.year, s.today.month, s.today.day)
        self.status_label.setText(f"Substitute notice: {s.notice.short}.")
        self.reminders.clear()
        for r in s.reminders:
            self.reminders.addItem(f"{'Warning: ' if r.warning else ''}{r.text}")
        if not s.reminders:
            self.reminders.addItem("Nothing to do now.")
        p = s.plan
        self.url_edit.setText(p.web_url)
        self.posted_edit.setDate(QDate(p.web_first_posted.year, p.web_first_posted.month,
                                       p.web_first_posted.day) if p.web_first_posted else today)
        self.posting_label.setText(
            f"Up from {p.web_first_posted} until {p.web_posted_until}." if p.web_first_posted
            else "No web posting recorded.")
        self.placed_edit.setDate(today)
        self.placements.clear()
        for m in p.placements:
            self.placements.addItem(f"{m.placed_on.isoformat()}  {m.outlet}")
        self.number_edit.setText(p.hotline_number)
        self.until_edit.setDate(QDate(p.hotline_open_until.year, p.hotline_open_until.month,
                                      p.hotline_open_until.day) if p.hotline_open_until
                                else today.addDays(90))
        needed = p.hotline_required_until
        self.line_label.setText(
            (f"{p.hotline_number} open until {p.hotline_open_until}. " if p.hotline_number
             else "No toll-free line recorded. ")
            + (f"It must stay open until {needed}." if needed else ""))

    def _done(self, s: SubstituteStatus, what: str) -> None:
        self.ctx.messages.show_info(what)
        self.show_status(s)
        self.changed.emit()

    def record_posting(self) -> None:
        with user_errors(self.ctx.messages):
            self._done(substitute_service.set_web_posting(
                self.ctx.session, self.url_edit.text(), _day(self.posted_edit)),
                "Recorded the web posting.")

    def add_placement(self) -> None:
        with user_errors(self.ctx.messages):
            self._done(substitute_service.add_media_placement(
                self.ctx.session, self.outlet_edit.text(), _day(self.placed_edit)),
                "Recorded the media placement.")
            self.outlet_edit.clear()

    def record_line(self) -> None:
        with user_errors(self.ctx.messages):
            self._done(substitute_service.set_hotline(
                self.ctx.session, self.number_edit.text(), _day(self.until_edit)),
                "Recorded the toll-free line.")
