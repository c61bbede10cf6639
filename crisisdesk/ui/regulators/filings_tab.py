"""The Filings tab: every notice owed to HHS, the state regulators, the media, the consumer
reporting agencies and the covered entity, each with its due date and step, and the buttons
that move the selected one forward (prepare, approve, mark sent, confirmation, acknowledged).

Each button calls one service (services/filings.py); a refusal (sent before approval, a
confirmation on an unsent filing) is shown in the message bar and nothing changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QLineEdit,
    QSplitter,
    QTextBrowser,
    QWidget,
)

from crisisdesk.domain.filings import Filing, SentHow, Stage
from crisisdesk.services import filings as filing_service
from crisisdesk.services.session import Session
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.printouts import save_pdf
from crisisdesk.ui.widgets.build import date_edit
from crisisdesk.ui.widgets.buttons import push_button
from crisisdesk.ui.widgets.errors import user_errors
from crisisdesk.ui.widgets.form_dialog import FormDialog
from crisisdesk.ui.widgets.layouts import hbox, vbox
from crisisdesk.ui.widgets.table_model import RowTableModel, SortProxy
from crisisdesk.ui.widgets.tables import select_where, selected_object, standard_table

DUE, FILING, TO, STEP, SENT, CONFIRMATION = range(6)
LATE = QColor("#b00020")


class FilingsModel(RowTableModel[Filing]):
    HEADERS = ("Due", "Filing", "To", "Step", "Sent", "Confirmation")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.today = dt.date.today()

    def key(self, row: Filing) -> str:
        return row.key

    def display(self, row: Filing, column: int) -> Any:
        r = row.record
        if column == DUE:
            return row.owed.due.isoformat() if row.owed.due else "no fixed date"
        if column == FILING:
            return row.owed.obligation.title
        if column == TO:
            return row.owed.office
        if column == STEP:
            return ("OVERDUE · " if row.overdue(self.today) else "") + row.stage.value
        if column == SENT:
            return f"{r.sent_on.isoformat()} ({r.sent_how})" if r and r.sent_on else ""
        return r.confirmation if r else ""

    def sort_value(self, row: Filing, column: int) -> Any:
        if column == DUE:
            return row.owed.due or dt.date.max
        return str(self.display(row, column)).casefold()

    def foreground(self, row: Filing, column: int) -> QColor | None:
        return LATE if row.overdue(self.today) and column in (DUE, STEP) else None


def _name(_filing: Filing, _column: str, name: str) -> str:
    return name


def detail_html(f: Filing, who: Callable[[Filing, str, str], str] = _name) -> str:
    """What the selected filing needs, and its prepared letter or content note. `who` names the
    person of a step, with the laptop it was taken on when that is another one."""
    from html import escape

    o, r = f.owed, f.record
    parts = [f"<h3>{escape(o.title)}</h3>",
             f"<p><b>Due:</b> {escape(o.due.isoformat()) if o.due else 'no fixed date'} · "
             f"{escape(o.obligation.rule.citation)}</p>",
             f"<p><b>To:</b> {escape(o.office)}"
             + (f"<br>{escape(o.recipient.address)}" if o.recipient.address else "")
             + (f"<br><i>{escape(o.recipient.submit)}</i>" if o.recipient.submit else "")
             + "</p>"]
    if o.content:
        parts.append("<p><b>Must contain:</b></p><ul>"
                     + "".join(f"<li>{escape(c)}</li>" for c in o.content) + "</ul>")
    if o.sample_notice:
        parts.append("<p><b>Attach a sample of the resident notice.</b></p>")
    if r is not None and r.prepared_at:
        steps = f"Prepared by {escape(who(f, 'prepared_by', r.prepared_by))}"
        if r.approved_by:
            steps += f"; approved by {escape(who(f, 'approved_by', r.approved_by))}"
        if r.sent_on:
            steps += (f"; sent {r.sent_on.isoformat()} by {escape(r.sent_how)} "
                      f"({escape(who(f, 'sent_by', r.sent_by))})")
        parts.append(f"<p><i>{steps}.</i></p><hr>")
        parts.append(r.content if r.template_key else f"<p>{escape(r.content)}</p>")
    return "".join(parts)


class MarkSentDialog(FormDialog):
    """When and how the filing went, who sent it, and the confirmation number if any."""

    def __init__(self, session: Session, filing: Filing, today: dt.date,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"Mark sent: {filing.owed.title}", "Mark &sent", parent,
                         intro=f"To {filing.owed.office}.")
        self.session, self.filing = session, filing
        self.date_edit = date_edit(self, QDate(today.year, today.month, today.day), "Sent on")
        self.how_combo = QComboBox(self)
        self.how_combo.setAccessibleName("How it was sent")
        for how in SentHow:
            self.how_combo.addItem(how.value, how.value)
        self.by_edit = QLineEdit(self)
        self.by_edit.setAccessibleName("Sent by")
        self.by_edit.setPlaceholderText(session.operator.name)
        self.confirmation_edit = QLineEdit(self)
        self.confirmation_edit.setAccessibleName("Confirmation number")
        self.add_row("Sent &on:", self.date_edit, "sent")
        self.add_row("&How:", self.how_combo, "how")
        self.add_row("Sent &by:", self.by_edit)
        self.add_row("&Confirmation number:", self.confirmation_edit, "confirmation", "key")

    def save(self) -> Filing:
        day = self.date_edit.date().toPython()
        assert isinstance(day, dt.date)
        return filing_service.mark_sent(
            self.session, self.filing.key, day, str(self.how_combo.currentData()),
            sent_by=self.by_edit.text(), confirmation=self.confirmation_edit.text())


class AcknowledgedDialog(FormDialog):
    def __init__(self, session: Session, filing: Filing, today: dt.date,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"Acknowledged: {filing.owed.title}", "&Record", parent)
        self.session, self.filing = session, filing
        self.date_edit = date_edit(self, QDate(today.year, today.month, today.day),
                                   "Acknowledged on")
        self.add_row("Acknowledged &on:", self.date_edit, "acknowledged")

    def save(self) -> Filing:
        day = self.date_edit.date().toPython()
        assert isinstance(day, dt.date)
        return filing_service.mark_acknowledged(self.session, self.filing.key, day)


class FilingsTab(QWidget):
    changed = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: FormDialog | None = None
        self._who: Callable[[Filing, str, str], str] = _name
        self.model = FilingsModel(self)
        self.proxy = SortProxy(self.model, self)
        self.table = standard_table(self, "Filings", self.proxy,
                                    sort=(DUE, Qt.SortOrder.AscendingOrder), stretch=TO,
                                    stretch_last=False, widths=(90, 260, 0, 110, 130))
        self.table.selectionModel().selectionChanged.connect(self._show_selected)
        self.detail = QTextBrowser(self)
        self.detail.setAccessibleName("Filing details")
        self.prepare_button = push_button(self, "&Prepare", self.prepare,
                                          "Fill the approved letter template with the "
                                          "incident's recorded facts")
        self.approve_button = push_button(self, "&Approve", self.approve,
                                          "Approve the prepared filing (approvers)")
        self.sent_button = push_button(self, "Mark &sent…", self.mark_sent)
        self.confirmation_button = push_button(self, "&Confirmation…", self.confirmation,
                                               "Add the confirmation number of a sent filing")
        self.ack_button = push_button(self, "Ac&knowledged…", self.acknowledged)
        self.pdf_button = push_button(self, "Letter P&DF…", self.save_letter,
                                      "Save the prepared letter as a PDF to print or attach")
        self.last_job: object = None
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        vbox(self, hbox(self.prepare_button, self.approve_button, self.sent_button,
                        self.confirmation_button, self.ack_button, (QWidget(self), 1),
                        self.pdf_button),
             (splitter, 1), margins=4)
        self._update_buttons()

    # -- data -------------------------------------------------------------------------------
    def refresh(self, session: Session) -> None:
        report = filing_service.tracker(session)
        self._who = filing_service.step_authors(session, report.incident.id)
        self.model.today = report.today
        self.model.set_rows(report.filings)
        self._show_selected()

    def clear(self) -> None:
        self.model.set_rows([])
        self.detail.clear()

    def selected(self) -> Filing | None:
        return selected_object(self.table, Filing)

    def select(self, key: str) -> bool:
        return select_where(self.table, lambda f: isinstance(f, Filing) and f.key == key)

    def _show_selected(self, *_: object) -> None:
        f = self.selected()
        self.detail.setHtml(detail_html(f, self._who) if f else "")
        self._update_buttons()

    def _update_buttons(self) -> None:
        f = self.selected()
        stage = f.stage if f else None
        self.prepare_button.setEnabled(stage in (Stage.OWED, Stage.PREPARED, Stage.APPROVED))
        self.approve_button.setEnabled(stage is Stage.PREPARED)
        self.sent_button.setEnabled(stage is Stage.APPROVED)
        self.confirmation_button.setEnabled(stage in (Stage.SENT, Stage.ACKNOWLEDGED))
        self.ack_button.setEnabled(stage is Stage.SENT)
        self.pdf_button.setEnabled(bool(f and f.record and f.record.template_key))

    # -- actions ----------------------------------------------------------------------------
    def _done(self, f: Filing, what: str) -> None:
        self.ctx.messages.show_info(f"{f.owed.title}: {what}.")
        self.changed.emit()
        self.refresh(self.ctx.session)
        self.select(f.key)

    def prepare(self) -> None:
        f = self.selected()
        if f is None:
            return
        with user_errors(self.ctx.messages):
            self._done(filing_service.prepare(self.ctx.session, f.key), "prepared")

    def approve(self) -> None:
        f = self.selected()
        if f is None:
            return
        with user_errors(self.ctx.messages):
            self._done(filing_service.approve(self.ctx.session, f.key), "approved")

    def _open(self, dialog: FormDialog, what: str) -> None:
        dialog.submitted.connect(lambda f: self._done(f, what))
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()

    def mark_sent(self) -> None:
        f = self.selected()
        if f is not None:
            self._open(MarkSentDialog(self.ctx.session, f, self.model.today, self), "sent")

    def acknowledged(self) -> None:
        f = self.selected()
        if f is not None:
            self._open(AcknowledgedDialog(self.ctx.session, f, self.model.today, self),
                       "acknowledged")

    def save_letter(self) -> None:
        f = self.selected()
        if f is None or f.record is None or not f.record.template_key:
            return
        key = f.key

        def letter(session: Session) -> str:
            record = filing_service.get_filing(session, key).record
            return record.content if record else ""

        self.last_job = save_pdf(self.ctx, self, letter, title="Filing letter",
                                 suggested=f"{key.replace(':', '-')}.pdf", button=self.pdf_button)

    def confirmation(self) -> None:
        f = self.selected()
        if f is None:
            return
        number = self.ctx.prompts.ask_text(self, "Confirmation number",
                                           f"The confirmation number for {f.owed.office}:")
        if number is None:
            return
        with user_errors(self.ctx.messages):
            self._done(filing_service.set_confirmation(self.ctx.session, f.key, number),
                       f"confirmation {number.strip()} recorded")
