"""The Timeline page: the current incident's activity log, filtered, added to, corrected, printed.

The whole log of the incident is loaded (a crisis log holds hundreds of entries, not millions)
and filtered in the proxy as the user types: category, text, author and a date range. Adding
and correcting open `EntryDialog`; nothing is ever edited in place or deleted (the store refuses
both). Selecting an entry shows it in full below the table, with the entry it corrects or the
correction that replaced it, and a button to jump between the two. Print makes a dated log
(HICS 214 style) of what the filter shows, rendered in a worker.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from crisisdesk.domain.timeline import Category, LogLine, TimelineEntry, entry_ids
from crisisdesk.printing import crisis_reports
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import next_steps, record_origins
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.localtime import parse_time, zone
from crisisdesk.services.session import Session
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.page import NextStepHook, Page
from crisisdesk.ui.printouts import print_preview, save_pdf
from crisisdesk.ui.timeline.entry_dialog import EntryDialog, EntryValues
from crisisdesk.ui.timeline.model import TEXT, TIME, TimelineModel, TimelineProxy
from crisisdesk.ui.widgets.build import date_edit
from crisisdesk.ui.widgets.buttons import push_button
from crisisdesk.ui.widgets.forms import pydate, qdate
from crisisdesk.ui.widgets.layouts import column, lead_row
from crisisdesk.ui.widgets.search_field import SearchField
from crisisdesk.ui.widgets.table_model import OBJECT_ROLE, time_formatter
from crisisdesk.ui.widgets.tables import selected_object, standard_table
from crisisdesk.ui.workers import Job


class TimelinePage(Page):
    title = "Timeline"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.incident_id = ""
        self.dialog: EntryDialog | None = None
        self.last_job: Job | None = None

        self.incident_label = QLabel(self)
        self.incident_label.setObjectName("pageTitle")
        self.category_combo = QComboBox(self)
        self.category_combo.setAccessibleName("Category filter")
        self.category_combo.addItem("All categories", None)
        for category in Category:
            self.category_combo.addItem(category.value.capitalize(), category)
        self.search_edit = SearchField("Search the log (Ctrl+F)", "Search the log", self)
        self.author_edit = SearchField("Author", "Author filter", self)
        self.author_edit.setMaximumWidth(150)
        self.range_check = QCheckBox("&Dates", self)
        self.range_check.setToolTip("Show only entries between these dates (inclusive)")
        self.from_edit = date_edit(self, name="From date")
        self.until_edit = date_edit(self, name="Until date")
        for edit in (self.from_edit, self.until_edit):
            edit.setEnabled(False)
            edit.dateChanged.connect(lambda _d: self.search_edit.timer.start())  # same pause
        self.range_check.toggled.connect(self._range_toggled)
        self.search_edit.search.connect(lambda _t: self.apply_filter())
        self.author_edit.search.connect(lambda _t: self.apply_filter())
        self.category_combo.currentIndexChanged.connect(lambda _i: self.apply_filter())

        self.model = TimelineModel(self)
        self.proxy = TimelineProxy(self.model, self)
        self.table = standard_table(self, "Timeline entries", self.proxy,
                                    sort=(TIME, Qt.SortOrder.AscendingOrder), alternate=True,
                                    stretch=TEXT,  # the entry gets the room
                                    stretch_last=False, widths=(125, 105, 130, 500, 210))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_detail())
        self.count_label = QLabel(self)
        self.detail = QLabel(self)
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setAccessibleName("Selected entry")
        self.detail.setMinimumHeight(48)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop)

        self.add_button = QPushButton("&Add entry…", self)
        self.add_button.setToolTip("Add an entry to the log (Ctrl+N)")
        self.add_button.clicked.connect(self.add_entry)
        self.correct_button = push_button(self, "&Correct…", self.correct_selected,
                                          "Add a correction; the original stays in the log")
        self.jump_button = push_button(self, "&Go to linked entry", self.jump_to_linked)
        self.pdf_button = QPushButton("Log &PDF…", self)
        self.pdf_button.setToolTip("Save the log as shown (with its filters) as a dated PDF")
        self.pdf_button.clicked.connect(self.print_pdf)
        self.print_button = push_button(self, "Pr&int…", self.print_log)
        for keys, slot in (("Ctrl+N", self.add_entry), (QKeySequence.StandardKey.Print,
                                                        self.print_log)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

        filters = QHBoxLayout()
        filters.addWidget(self.category_combo)
        filters.addWidget(self.search_edit, 1)
        filters.addWidget(self.author_edit)
        filters.addWidget(self.range_check)
        filters.addWidget(self.from_edit)
        filters.addWidget(QLabel("–", self))
        filters.addWidget(self.until_edit)
        column(self, lead_row(self.incident_label, self.add_button, self.correct_button),
               filters, (self.table, 1), self.detail,
               lead_row(self.count_label, self.jump_button, self.pdf_button, self.print_button),
               margin=4)
        self._update_buttons()

    # -- Page -------------------------------------------------------------------------------
    def refresh(self) -> None:
        session = self.ctx.session
        incident = incident_service.current_incident(session)
        self.model.show = time_formatter(zone(session))
        if incident is None:
            self.incident_id = ""
            self.incident_label.setText("No current incident: open one from the Dashboard "
                                        "(Incident…) to start the log.")
            self.model.set_rows([])
        else:
            self.incident_id = incident.id
            self.incident_label.setText(f"Activity log: {incident.title}")
            lines = timeline_service.list_entries(session, incident.id)
            self.model.origins = record_origins.origins(session, entry_ids(lines))
            self.model.set_rows(lines)
            if not self.range_check.isChecked():
                today = session.now().astimezone(zone(session)).date()
                self.from_edit.setDate(qdate(incident.discovered_on))
                self.until_edit.setDate(qdate(today))
        self.apply_filter()
        if self.selected_line() is None:
            self.table.scrollToBottom()  # oldest first, as on paper; open at the newest

    def next_step(self) -> NextStepHook:
        step = next_steps.timeline(self.ctx.session)
        return (step, None) if step else None

    def clear(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()
        self.model.set_rows([])
        for edit in (self.search_edit, self.author_edit):
            edit.clear_quietly()
        self.detail.clear()
        self.count_label.clear()
        self.incident_label.clear()
        self._stale = True

    def focus_search(self) -> bool:
        return self.search_edit.focus_all()

    # -- filter -----------------------------------------------------------------------------
    def _range_toggled(self, on: bool) -> None:
        self.from_edit.setEnabled(on)
        self.until_edit.setEnabled(on)
        self.apply_filter()

    def _day_bound(self, day: QDate, end: bool) -> str:
        moment = dt.datetime.combine(pydate(day), dt.time(23, 59, 59) if end else dt.time())
        return parse_time(self.ctx.session, moment, "until" if end else "since")

    def apply_filter(self) -> None:
        self.search_edit.cancel()
        self.author_edit.cancel()
        if not self.ctx.state.unlocked:
            return
        category = self.category_combo.currentData()
        since = until = ""
        if self.range_check.isChecked():
            since = self._day_bound(self.from_edit.date(), False)
            until = self._day_bound(self.until_edit.date(), True)
        self.proxy.set_filter(categories=(Category(category),) if category else (),
                              text=self.search_edit.text(), author=self.author_edit.text(),
                              since=since, until=until)
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count_label.setText(f"{total} entries" if shown == total
                                 else f"{shown} of {total} entries match the filter")
        self._update_buttons()

    def filters_text(self) -> str:
        parts = []
        if self.category_combo.currentData():
            parts.append(f"category {self.category_combo.currentText().lower()}")
        if self.search_edit.text().strip():
            parts.append(f"text “{self.search_edit.text().strip()}”")
        if self.author_edit.text().strip():
            parts.append(f"author “{self.author_edit.text().strip()}”")
        if self.range_check.isChecked():
            parts.append(f"{self.from_edit.date().toString('yyyy-MM-dd')} to "
                         f"{self.until_edit.date().toString('yyyy-MM-dd')}")
        return "; ".join(parts)

    # -- selection --------------------------------------------------------------------------
    def selected_line(self) -> LogLine | None:
        return selected_object(self.table, LogLine)

    def visible_texts(self) -> list[str]:
        return [self.proxy.index(r, TEXT).data() for r in range(self.proxy.rowCount())]

    def select_entry(self, entry_id: str) -> bool:
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            line = index.data(OBJECT_ROLE)
            if isinstance(line, LogLine) and line.entry.id == entry_id:
                self.table.selectRow(row)
                self.table.scrollTo(index)
                return True
        return False

    def _linked_id(self, line: LogLine | None) -> str:
        if line is None:
            return ""
        if line.corrected_by is not None:
            return line.corrected_by.id
        return line.entry.corrects

    def _show_detail(self) -> None:
        line = self.selected_line()
        if line is None:
            self.detail.clear()
        else:
            show, entry, who = self.model.show, line.entry, self.model.origins.who
            text = (f"{show(entry.at)} · {entry.category.value} · {who(entry.author, entry.id)} "
                    f"(written {show(entry.recorded_at)})\n{entry.text}")
            if line.corrected_by is not None:
                fix = line.corrected_by
                text += f"\n\nCORRECTED by {who(fix.author, fix.id)} at " \
                        f"{show(line.corrected_by.recorded_at)}:\n{line.corrected_by.text}"
            elif entry.corrects:
                original = self.model.line(entry.corrects)
                if original is not None:
                    text += f"\n\nThis corrects the entry written " \
                            f"{show(original.entry.recorded_at)}:\n{original.entry.text}"
            self.detail.setText(text)
        self._update_buttons()

    def _update_buttons(self) -> None:
        line = self.selected_line()
        has_incident = bool(self.incident_id) and self.ctx.state.unlocked
        self.add_button.setEnabled(has_incident)
        self.correct_button.setEnabled(has_incident and line is not None)
        self.jump_button.setEnabled(bool(self._linked_id(line)))
        self.pdf_button.setEnabled(has_incident)
        self.print_button.setEnabled(has_incident)

    def jump_to_linked(self) -> None:
        target = self._linked_id(self.selected_line())
        if target and not self.select_entry(target):
            self.ctx.messages.show_info("The linked entry is hidden by the filter.")

    # -- actions ----------------------------------------------------------------------------
    def _open(self, original: TimelineEntry | None) -> None:
        session = self.ctx.session
        incident_id = self.incident_id

        def save(values: EntryValues) -> TimelineEntry:
            if original is not None:
                return timeline_service.correct_entry(self.ctx.session, original.id,
                                                      values.text, category=values.category)
            return timeline_service.add_entry(
                self.ctx.session, values.text, category=values.category,
                incident_id=incident_id, at=values.at, author=values.author,
                position=values.position)

        now = session.now().astimezone(zone(session)).replace(tzinfo=None)
        dialog = EntryDialog(save, author=session.operator.name, now=now, original=original,
                             original_time=self.model.show(original.at) if original else "",
                             parent=self)
        dialog.submitted.connect(lambda e: self._saved(e, corrected=original is not None))
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()

    def add_entry(self) -> None:
        if self.incident_id:
            self._open(None)

    def correct_selected(self) -> None:
        line = self.selected_line()
        if line is not None:
            self._open(line.corrected_by or line.entry)

    def _saved(self, entry: TimelineEntry, *, corrected: bool) -> None:
        self.ctx.messages.show_info("Correction added; the original stays in the log."
                                    if corrected else "Added to the log.")
        self.ctx.state.notify_changed()
        if not self.select_entry(entry.id):
            self.ctx.messages.show_info("Saved; the current filter hides the new entry.")

    def _log_html(self) -> Callable[[Session], str]:
        """The printout builder, with the filter read now (on the GUI thread): the builder
        itself may run in a worker, which must not touch widgets."""
        incident_id, described, filters = self.incident_id, self.filters_text(), \
            self.proxy.filters()

        def build(session: Session) -> str:
            return crisis_reports.activity_log(session, incident_id, filters_text=described,
                                               **filters)

        return build

    def print_pdf(self) -> None:
        day = dt.date.today().isoformat()
        self.last_job = save_pdf(self.ctx, self, self._log_html(), title="Activity log",
                                 suggested=f"activity-log-{day}.pdf", button=self.pdf_button)

    def print_log(self) -> None:
        if self.incident_id:
            print_preview(self.ctx, self, self._log_html(), title="Activity log")


__all__ = ["TimelinePage"]
