"""The Media desk page: the inquiry log, the answer bank, statements and the update cadence.

Everything the page does is one call into `services.media`, `services.media_bank`,
`services.statements` or `services.cadence`; the page only arranges it. The log and the
cadence are cheap to read and are read on the GUI thread; the bank renders every approved
answer with the incident's facts and the brief lays out a PDF, so both run in a worker.
A 30-second timer re-evaluates deadlines and the cadence so "overdue" appears on its own.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QSystemTrayIcon,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from crisisdesk.domain.contacts import ContactKind
from crisisdesk.domain.media import Inquiry, average_time_to_answer, span_text
from crisisdesk.domain.times import parse_utc
from crisisdesk.services import contacts as contact_service
from crisisdesk.services import next_steps
from crisisdesk.services.localtime import show
from crisisdesk.services.media import bank as media_bank
from crisisdesk.services.media import cadence as cadence_service
from crisisdesk.services.media import inquiries as media_service
from crisisdesk.services.session import Session
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.media.bank_panel import BankPanel
from crisisdesk.ui.media.cadence_panel import CadencePanel
from crisisdesk.ui.media.log_dialog import EditInquiryDialog, LogInquiryDialog
from crisisdesk.ui.media.model import HEADERS, QUESTION, STATE_ROLE, InquiryModel
from crisisdesk.ui.media.statements_controller import StatementsController
from crisisdesk.ui.page import NextStepHook, Page
from crisisdesk.ui.prompts import PDF_FILTER
from crisisdesk.ui.widgets.buttons import push_button
from crisisdesk.ui.widgets.errors import user_errors
from crisisdesk.ui.widgets.scheme import is_dark
from crisisdesk.ui.widgets.table_model import OBJECT_ROLE
from crisisdesk.ui.widgets.tables import Resize, selected_object, standard_table
from crisisdesk.ui.workers import Job, in_thread_session

TICK_MS = 30_000
# The answer bank loads in a worker this long after a refresh: started at once, its Python
# competed for the interpreter lock with the page being drawn for the first time.
BANK_AFTER_MS = 150


def banner_style() -> str:
    """The overdue-update banner: red on a light window, dark red on a dark one."""
    background, text = ("#471818", "#fbd5d5") if is_dark() else ("#fde7e7", "#5c0f0f")
    return (f"#cadenceBanner {{ background: {background}; border: 1px solid #d64545; "
            f"border-radius: 4px; color: {text}; padding: 6px; font-weight: bold; }}")


def print_brief(session: Session, path: Path) -> Path:
    """Worker body: gather, lay out and write the one-page brief; record that it was printed."""
    from crisisdesk.printing.media_brief import brief_html
    from crisisdesk.printing.pdf import html_to_pdf
    from crisisdesk.services.media.brief import gather_brief, note_printed

    html_to_pdf(brief_html(gather_brief(session)), path, title="Spokesperson brief")
    note_printed(session, "PDF")
    return path


class MediaPage(Page):
    title = "Media desk"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.dialog: LogInquiryDialog | None = None
        self.tray: QSystemTrayIcon | None = None
        self.last_banner = ""
        self._bank_generation = 0
        self._bank_timer = QTimer(self)
        self._bank_timer.setSingleShot(True)
        self._bank_timer.setInterval(BANK_AFTER_MS)
        self._bank_timer.timeout.connect(self._start_bank_job)
        self.banner = QLabel(self)
        self.banner.setObjectName("cadenceBanner")
        self.banner.setStyleSheet(banner_style())
        self.banner.setWordWrap(True)
        self.banner.setAccessibleName("Update cadence warning")
        self.banner.hide()

        self.model = InquiryModel(self._show_due, self)
        widths = (92, 74, 100, 140, 200, 55, 78)[:len(HEADERS)]
        self.table = standard_table(self, "Media inquiries, by deadline", self.model,
                                    resize=Resize.Interactive, stretch=QUESTION,
                                    stretch_last=False,
                                    widths=[0 if c == QUESTION else w
                                            for c, w in enumerate(widths)])
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_selected())
        self.table.doubleClicked.connect(lambda _index: self.open_edit_dialog())
        self.log_button = push_button(self, "&Log inquiry…", self.open_log_dialog)
        self.edit_button = push_button(self, "&Edit…", self.open_edit_dialog,
                                       "Correct the selected inquiry: outlet, reporter, deadline, "
                                       "question, who answers it")
        self.overdue_only = QCheckBox("&Overdue only", self)
        self.overdue_only.toggled.connect(lambda _c: self._apply_filter())
        self.summary_label = QLabel(self)
        self.summary_label.setAccessibleName("Inquiry summary")
        self.detail = QTextBrowser(self)
        self.detail.setAccessibleName("Selected inquiry")
        self.detail.setMaximumHeight(130)
        self.assign_edit = QLineEdit(self)
        self.assign_edit.setPlaceholderText("Assign to…")
        self.assign_edit.setAccessibleName("Assign to")
        self.assign_button = push_button(self, "Assi&gn", self.assign_selected)
        self.decline_button = push_button(self, "&Decline", lambda: self.close_selected("declined"))
        self.no_response_button = QPushButton("No response &needed", self)
        self.no_response_button.clicked.connect(lambda: self.close_selected(
            "no_response_needed"))
        self.brief_button = push_button(self, "&Print spokesperson brief (PDF)…", self.print_brief)

        self.bank = BankPanel(self)
        self.bank.attach_requested.connect(self.answer_selected)
        self.bank.ask_requested.connect(self.ask_approver)
        self.bank.copied.connect(lambda key: self.ctx.messages.show_info(
            f"Copied the approved answer {key} to the clipboard."))
        self.cadence = CadencePanel(self)
        self.cadence.set_requested.connect(self.set_cadence)
        self.cadence.done_requested.connect(self.record_update)
        self.statements = StatementsController(ctx, self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.bank, "Answer &bank")
        self.tabs.addTab(self.statements.panel, "&Statements")
        self.tabs.addTab(self.cadence, "Update &cadence")

        top = QHBoxLayout()
        top.addWidget(self.log_button)
        top.addWidget(self.overdue_only)
        top.addWidget(self.summary_label, 1)
        actions = QHBoxLayout()  # what can be done to the selected inquiry
        actions.addWidget(self.edit_button)
        actions.addWidget(self.assign_edit, 1)
        for button in (self.assign_button, self.decline_button, self.no_response_button):
            actions.addWidget(button)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(top)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.detail)
        left_layout.addLayout(actions)
        self.splitter = splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 1)
        self._sized = False
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.brief_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.banner)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        self._show_selected()

    def showEvent(self, event: QShowEvent) -> None:
        if not self._sized and self.splitter.width() > 0:
            self._sized = True  # the log gets most of the width; the tabs are for reading
            width = self.splitter.width()
            self.splitter.setSizes([width * 5 // 8, width * 3 // 8])
        super().showEvent(event)

    # -- Page -------------------------------------------------------------------------------
    def refresh(self) -> None:
        session = self.ctx.session
        inquiries = media_service.list_inquiries(session)
        self.model.near = media_service.due_soon_window(session)
        self.model.set_inquiries(inquiries, session.now(), media_service.pending_drafts(session))
        self._apply_filter()
        self._update_summary()
        self._refresh_cadence()
        self._load_bank()
        self.statements.refresh()
        self.timer.start()

    def next_step(self) -> NextStepHook:
        step = next_steps.media(self.ctx.session)
        return (step, None) if step else None

    def clear(self) -> None:
        self.timer.stop()
        self._bank_generation += 1
        self._bank_timer.stop()
        if self.dialog is not None:
            self.dialog.reject()
        self.model.set_inquiries([], self._now_or_epoch())
        self.detail.clear()
        self.bank.clear()
        self.cadence.clear()
        self.statements.clear()
        self.banner.hide()
        self.summary_label.clear()
        self._stale = True

    def focus_search(self) -> bool:
        self.tabs.setCurrentWidget(self.bank)
        self.bank.search_edit.setFocus()
        self.bank.search_edit.selectAll()
        return True

    # -- reading ----------------------------------------------------------------------------
    def _now_or_epoch(self) -> dt.datetime:
        current = self.ctx.state.current
        return current.now() if current is not None else dt.datetime.now(dt.UTC)

    def _show_time(self, utc_iso: str) -> str:
        current = self.ctx.state.current
        return show(current, utc_iso) if current is not None else utc_iso

    def _show_due(self, utc_iso: str) -> str:
        """Deadlines as 'today 16:30' or 'tomorrow 09:00': short, and hard to misread."""
        current = self.ctx.state.current
        if current is None:
            return utc_iso
        moment = parse_utc(utc_iso)
        return cadence_service.show_local(current, moment)

    def tick(self) -> None:
        if not self.ctx.state.unlocked:
            return
        self.model.near = media_service.due_soon_window(self.ctx.session)
        self.model.set_inquiries(self.model.inquiries(), self.ctx.session.now(),
                                 self.model.drafts)
        self._apply_filter()
        self._update_summary()
        self._refresh_cadence()

    def _apply_filter(self) -> None:
        only = self.overdue_only.isChecked()
        for row in range(self.model.rowCount()):
            state = self.model.data(self.model.index(row, 0), STATE_ROLE)
            self.table.setRowHidden(row, only and state != "overdue")

    def visible_inquiries(self) -> list[Inquiry]:
        return [self.model.data(self.model.index(r, 0), OBJECT_ROLE)
                for r in range(self.model.rowCount()) if not self.table.isRowHidden(r)]

    def _update_summary(self) -> None:
        items = self.model.inquiries()
        open_count = sum(1 for q in items if q.is_open)
        average = average_time_to_answer(items)
        text = f"{open_count} open, {self.model.overdue_count()} overdue"
        if average is not None:
            text += f"; average time to answer {span_text(average)}"
        self.summary_label.setText(text)

    def _refresh_cadence(self) -> None:
        session = self.ctx.session
        statuses = cadence_service.cadence_status(session)
        self.cadence.set_statuses(statuses, lambda m: cadence_service.show_local(session, m))
        text = cadence_service.banner(session)
        self.banner.setText(text)
        self.banner.setVisible(bool(text))
        if text and text != self.last_banner:
            self._notify_tray(text)
        self.last_banner = text

    def _notify_tray(self, text: str) -> None:
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return  # offscreen, or a desktop without a tray: the banner is enough
        if self.tray is None:
            self.tray = QSystemTrayIcon(QApplication.windowIcon(), self)
            self.tray.show()
        self.tray.showMessage("CrisisDesk: update due", text,
                              QSystemTrayIcon.MessageIcon.Warning, 15_000)

    def _load_bank(self) -> None:
        self._bank_generation += 1  # what a job started earlier brings is out of date
        self._bank_timer.start()

    def _start_bank_job(self) -> None:
        session = self.ctx.state.current
        if session is None or session.closed:
            return  # locked or closed meanwhile
        generation = self._bank_generation
        job = Job(in_thread_session(session, lambda s, **_: media_bank.bank(s)),
                  name="load answer bank")
        job.finished.connect(lambda entries: self._bank_loaded(generation, entries))
        job.failed.connect(self.ctx.show_error)
        self.bank_job = job
        self.ctx.runner.start(job)

    def _bank_loaded(self, generation: int, entries: list[media_bank.BankEntry]) -> None:
        if generation == self._bank_generation and self.ctx.state.unlocked:
            self.bank.set_entries(entries)

    # -- selection --------------------------------------------------------------------------
    def selected(self) -> Inquiry | None:
        return selected_object(self.table, Inquiry)

    def select(self, inquiry_id: str) -> None:
        row = self.model.row_of(inquiry_id)
        if row >= 0:
            self.table.selectRow(row)

    def _show_selected(self) -> None:
        q = self.selected()
        self.edit_button.setEnabled(q is not None)
        for widget in (self.assign_button, self.decline_button, self.no_response_button,
                       self.assign_edit):
            widget.setEnabled(q is not None and q.is_open)
        if q is None:
            self.detail.setHtml("<i>Select an inquiry to see its question and answer.</i>")
            return
        lines = [f"<b>{escape(q.outlet)}</b>"
                 + (f", {escape(q.reporter)}" if q.reporter else "")
                 + (f" ({escape(q.contact_details)})" if q.contact_details else "")
                 + f", {escape(q.channel.label)}, received "
                 + escape(self._show_time(q.received_at)),
                 f"<p>{escape(q.question)}</p>"]
        if q.answer_text:
            lines.append(f"<p><b>Answered</b> {escape(self._show_time(q.answered_at))} with "
                         f"{escape(q.answer_key)} v{q.answer_version}: "
                         f"{escape(q.answer_text)}</p>")
        if q.closed_note:
            lines.append(f"<p>Closed: {escape(q.closed_note)}</p>")
        if q.id in self.model.drafts:
            lines.append(f"<p>Draft answer {escape(self.model.drafts[q.id])} is waiting for "
                         "the approver.</p>")
        self.detail.setHtml("".join(lines))
        self.assign_edit.setText(q.assignee)

    # -- actions ----------------------------------------------------------------------------
    def _run(self, fn: Any, done: str) -> Any:
        """One service call on the GUI thread (a single small transaction)."""
        with user_errors(self.ctx.messages):
            result = fn()
            self.ctx.messages.show_info(done)
            self.ctx.state.notify_changed()
            return result

    def open_log_dialog(self) -> None:
        reporters = contact_service.list_contacts(self.ctx.session, kind=ContactKind.MEDIA)

        def save(values: dict[str, Any]) -> Inquiry:
            return media_service.log_inquiry(self.ctx.session, **values)

        self.dialog = LogInquiryDialog(save, reporters, self)
        self.dialog.submitted.connect(self._logged)
        self.dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog.open()

    def open_edit_dialog(self) -> None:
        q = self.selected()
        if q is None or self.dialog is not None:
            return
        session = self.ctx.session
        reporters = contact_service.list_contacts(session, kind=ContactKind.MEDIA)

        def save(values: dict[str, Any]) -> Inquiry:
            return media_service.edit_inquiry(self.ctx.session, q.id, **values)

        deadline = show(session, q.deadline) if q.deadline else ""
        self.dialog = EditInquiryDialog(q, save, reporters, deadline, self)
        self.dialog.submitted.connect(self._edited)
        self.dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog.open()

    def _edited(self, inquiry: Inquiry) -> None:
        self.ctx.messages.show_info(f"Saved the changes to the inquiry from {inquiry.outlet}.")
        self.ctx.state.notify_changed()
        self.select(inquiry.id)

    def _logged(self, inquiry: Inquiry) -> None:
        self.ctx.messages.show_info(f"Logged the inquiry from {inquiry.outlet}.")
        self.ctx.state.notify_changed()
        self.select(inquiry.id)

    def answer_selected(self, entry: media_bank.BankEntry) -> None:
        q = self.selected()
        if q is None or not q.is_open:
            self.ctx.messages.show_warning("Select an open inquiry in the log first.")
            return
        if self._run(lambda: media_service.answer_inquiry(self.ctx.session, q.id, entry.key),
                     f"Answered {q.outlet} with {entry.key}; logged.") is not None:
            self.select(q.id)

    def ask_approver(self) -> None:
        q = self.selected()
        if q is None:
            self.ctx.messages.show_warning("Select the inquiry whose question needs an answer.")
            return
        self._run(lambda: media_service.request_answer(self.ctx.session, q.id),
                  "Sent the question to the approver as a new draft answer (Templates).")

    def assign_selected(self) -> None:
        q = self.selected()
        if q is not None:
            name = self.assign_edit.text()
            self._run(lambda: media_service.assign(self.ctx.session, q.id, name),
                      f"Assigned the {q.outlet} inquiry.")

    def close_selected(self, status: str) -> None:
        q = self.selected()
        if q is None:
            return
        label = status.replace("_", " ")
        if not self.ctx.prompts.confirm(self, "Close inquiry", f"Close the inquiry from "
                                        f"{q.outlet} as {label}?", ok_label="Close inquiry"):
            return
        self._run(lambda: media_service.close_inquiry(self.ctx.session, q.id, status),
                  f"Closed the {q.outlet} inquiry ({label}).")

    def set_cadence(self, audience: str, every: str) -> None:
        self._run(lambda: cadence_service.set_cadence(self.ctx.session, audience, every),
                  "Update cadence set.")

    def record_update(self, audience: str) -> None:
        self._run(lambda: cadence_service.record_update(self.ctx.session, audience),
                  "Update recorded; the clock restarted.")

    def print_brief(self) -> None:
        path = self.ctx.prompts.save_file(self, "Save the spokesperson brief as PDF",
                                          "spokesperson-brief.pdf", PDF_FILTER)
        if path is None:
            return
        self.brief_button.setEnabled(False)
        job = Job(in_thread_session(self.ctx.session, lambda s, **_: print_brief(s, path)),
                  name="print brief")

        def finished(result: Path) -> None:
            self.brief_button.setEnabled(True)
            self.ctx.messages.show_info(f"Saved the spokesperson brief to {result}.")

        def failed(err: BaseException) -> None:
            self.brief_button.setEnabled(True)
            self.ctx.show_error(err)

        job.finished.connect(finished)
        job.failed.connect(failed)
        self.brief_job = job
        self.ctx.runner.start(job)


__all__ = ["MediaPage"]
