"""The communication log: every issued message, filterable by incident, exportable.

This log is the documentation the organisation keeps for six years (45 CFR 164.530(j)), so
the view offers the two forms an auditor asks for: a spreadsheet-safe CSV (the service's
`export_log_csv`) and a printable PDF (the service's HTML report, laid out in a worker).
Selecting an entry shows the exact text that went out; it may hold patient data, so it is
only shown, never logged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from crisisdesk.domain.errors import UserError
from crisisdesk.domain.messages import LogEntry
from crisisdesk.domain.templates import Channel
from crisisdesk.domain.times import show_utc
from crisisdesk.printing.pdf import html_to_pdf
from crisisdesk.services import localtime, record_origins
from crisisdesk.services import messages as message_service
from crisisdesk.services.session import Session
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.prompts import CSV_FILTER, PDF_FILTER
from crisisdesk.ui.templates.facts import incidents
from crisisdesk.ui.templates.model import WHEN, LogModel
from crisisdesk.ui.widgets.buttons import push_button
from crisisdesk.ui.widgets.errors import user_errors
from crisisdesk.ui.widgets.table_model import SortProxy
from crisisdesk.ui.widgets.tables import Resize, selected_object, standard_table
from crisisdesk.ui.workers import Job, in_thread_session

ALL = "*"


def export_pdf(session: Session, path: Path, incident_id: str | None) -> int:
    """Worker body: the log report as PDF, recorded in the audit log; returns the rows."""
    entries = message_service.communication_log(session, incident_id=incident_id)
    try:
        html_to_pdf(message_service.log_report_html(session, entries), path,
                    title="Communication log")
    except OSError as exc:
        raise UserError(f"Cannot write {path}: {exc.strerror or exc}.") from None
    message_service.note_export(session, "PDF", len(entries))
    return len(entries)


def export_csv(session: Session, path: Path, incident_id: str | None) -> int:
    try:
        return message_service.export_log_csv(session, path, incident_id=incident_id)
    except OSError as exc:
        raise UserError(f"Cannot write {path}: {exc.strerror or exc}.") from None


class LogView(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.last_job: Job | None = None
        self.incident_combo = QComboBox(self)
        self.incident_combo.setAccessibleName("Show messages for incident")
        self.incident_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.model = LogModel(self)
        self.proxy = SortProxy(self.model, self)
        self.table = standard_table(self, "Communication log", self.proxy,
                                    sort=(WHEN, Qt.SortOrder.DescendingOrder), alternate=True,
                                    resize=Resize.Interactive,
                                    widths=(125, 220, 55, 145, 80, 80, 180))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.show_selected())
        self.content = QTextBrowser(self)
        self.content.setAccessibleName("Issued text")
        self.content.setPlaceholderText("Select an entry to see the exact text that was issued.")
        self.count_label = QLabel(self)
        self.csv_button = push_button(self, "Export &CSV…", self.export_csv)
        self.pdf_button = push_button(self, "Export P&DF…", self.export_pdf)
        top = QHBoxLayout()
        label = QLabel("&Incident:", self)
        label.setBuddy(self.incident_combo)
        top.addWidget(label)
        top.addWidget(self.incident_combo, 1)
        top.addWidget(self.csv_button)
        top.addWidget(self.pdf_button)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.content)
        splitter.setSizes([380, 200])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.count_label)

    def incident_filter(self) -> str | None:
        value = self.incident_combo.currentData()
        return None if value in (None, ALL) else str(value)

    def refresh(self) -> None:
        session = self.ctx.session
        # The zone read once here, not per painted cell (a query each, on the GUI thread).
        tz = localtime.zone(session)
        self.model.show_time = lambda iso: show_utc(iso, tz)
        found, _current = incidents(session)
        self.model.incident_titles = {i.id: i.title for i in found}
        self._fill_incidents(found)
        entries = message_service.communication_log(session, incident_id=self.incident_filter())
        self.model.origins = record_origins.origins(session, (e.id for e in entries))
        self.model.set_rows(entries)
        recipients = sum(e.recipient_count for e in entries)
        messages = "1 message" if len(entries) == 1 else f"{len(entries)} messages"
        people = "1 recipient" if recipients == 1 else f"{recipients:,} recipients"
        self.count_label.setText(f"{messages} issued to {people} in all. Keep this log for "
                                 "six years.")
        self.show_selected()

    def _fill_incidents(self, found: list[Any]) -> None:
        wanted = self.incident_combo.currentData() or ALL
        self.incident_combo.blockSignals(True)
        self.incident_combo.clear()
        self.incident_combo.addItem("All incidents", ALL)
        for incident in found:
            self.incident_combo.addItem(incident.title, incident.id)
        index = self.incident_combo.findData(wanted)
        self.incident_combo.setCurrentIndex(max(index, 0))
        self.incident_combo.blockSignals(False)

    def selected(self) -> LogEntry | None:
        return selected_object(self.table, LogEntry)

    def show_selected(self) -> None:
        entry = self.selected()
        if entry is None or not self.ctx.state.unlocked:
            self.content.clear()
            return
        with user_errors(self.ctx.messages):
            text = message_service.issued_content(self.ctx.session, entry.id)
            if Channel(entry.channel).is_html:
                self.content.setHtml(text)
            else:
                self.content.setPlainText(text)

    def _export(self, title: str, suggested: str, filters: str, work: Any) -> None:
        path = self.ctx.prompts.save_file(self, title, suggested, filters)
        if path is None:
            return
        incident = self.incident_filter()
        for button in (self.csv_button, self.pdf_button):
            button.setEnabled(False)

        def done() -> None:
            for button in (self.csv_button, self.pdf_button):
                button.setEnabled(True)

        def finished(count: int) -> None:
            done()
            self.ctx.messages.show_info(f"Exported {count} log entries to {path}.")

        def failed(err: BaseException) -> None:
            done()
            self.ctx.show_error(err)

        job = Job(in_thread_session(self.ctx.session,
                                    lambda s, **_: work(s, path, incident)), name=title)
        job.finished.connect(finished)
        job.failed.connect(failed)
        self.last_job = job
        self.ctx.runner.start(job)

    def export_csv(self) -> None:
        self._export("Export the communication log", "communication-log.csv", CSV_FILTER,
                     export_csv)

    def export_pdf(self) -> None:
        self._export("Save the communication log as PDF", "communication-log.pdf", PDF_FILTER,
                     export_pdf)

    def clear(self) -> None:
        self.model.set_rows([])
        self.content.clear()
        self.count_label.clear()
