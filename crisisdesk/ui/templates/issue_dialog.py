"""Issue a message from an approved template: choose the incident, fill in, render, log.

The incident's facts fill what they can (dates, counts, the organisation), the sample values
never do: a letter must not go out with "Ann Smith" in it. "Preview" renders without logging;
"Issue and log" calls `messages.issue_message`, which renders the approved version again and
writes the communication-log entry. Only then can the text be copied, saved as PDF or
printed, so every message that leaves the desk is in the log.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from crisisdesk.domain.errors import UserError, ValidationError
from crisisdesk.domain.templates import LEGAL_REVIEW_NOTE
from crisisdesk.services import messages as message_service
from crisisdesk.services import templates as template_service
from crisisdesk.services.facts import facts_for
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.prompts import PDF_FILTER
from crisisdesk.ui.templates.facts import incidents
from crisisdesk.ui.templates.inputs import ValueField
from crisisdesk.ui.templates.model import words
from crisisdesk.ui.templates.printer import print_with_preview, printable_html, save_pdf
from crisisdesk.ui.widgets.buttons import push_button
from crisisdesk.ui.widgets.errors import user_errors
from crisisdesk.ui.workers import Job


def _error_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setObjectName("fieldError")
    label.setStyleSheet("#fieldError { color: #b00020; }")
    label.setWordWrap(True)
    label.hide()
    return label


class IssueDialog(QDialog):
    issued = Signal(object)  # the IssuedMessage

    def __init__(self, ctx: UiContext, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.approved = template_service.require_approved(ctx.session, key)
        self.result_message: message_service.IssuedMessage | None = None
        self.last_job: Job | None = None
        meta = self.approved.meta
        self.setWindowTitle(f"Issue: {meta.name}")
        self.resize(980, 640)
        intro = (f"<b>{meta.name}</b> ({self.approved.key}), approved version "
                 f"{self.approved.version} · {words(meta.audience.value)} by "
                 f"{words(meta.channel.value)} · {meta.language.value}")
        header = QLabel(intro, self)
        header.setWordWrap(True)
        self.legal_label = QLabel(LEGAL_REVIEW_NOTE, self)
        self.legal_label.setWordWrap(True)
        self.legal_label.setStyleSheet("color: #8a5a00;")
        self.legal_label.setVisible(self.approved.needs_legal_review)
        self.message = _error_label(self)

        self.incident_combo = QComboBox(self)
        self.incident_combo.setAccessibleName("Incident")
        self.incident_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.incident_combo.setMinimumContentsLength(16)
        self.incident_combo.addItem("(no incident)", "")
        found, current = incidents(ctx.session)
        for incident in found:
            self.incident_combo.addItem(f"{incident.title} ({incident.discovered_on})",
                                        incident.id)
        if current is not None:
            self.incident_combo.setCurrentIndex(self.incident_combo.findData(current.id))
        self.incident_combo.currentIndexChanged.connect(lambda _i: self.fill_from_facts())
        self.recipients_spin = QSpinBox(self)
        self.recipients_spin.setRange(1, message_service.MAX_RECIPIENTS)
        self.recipients_spin.setGroupSeparatorShown(True)
        self.recipients_spin.setAccessibleName("Number of recipients")
        self.note_edit = QLineEdit(self)
        self.note_edit.setPlaceholderText("For the log; no patient names or details")
        self.note_edit.setAccessibleName("Note for the log")

        self.fields: dict[str, ValueField] = {}
        self.field_errors: dict[str, QLabel] = {}
        form_widget = QWidget(self)
        form = QFormLayout(form_widget)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(4)
        form.addRow("&Incident:", self.incident_combo)
        for variable in meta.variables:
            field = ValueField(variable, form_widget)
            self.fields[variable.name] = field
            label = QLabel(f"{variable.name.replace('_', ' ')}"
                           f"{'' if variable.required else ' (optional)'}:", form_widget)
            label.setToolTip(variable.description)
            label.setBuddy(field.widget)
            form.addRow(label, field.widget)
            hint = QLabel(variable.description, form_widget)
            hint.setWordWrap(True)
            hint.setStyleSheet("color: #5f6b76; font-size: 11px;")
            form.addRow("", hint)
            self.field_errors[variable.name] = _error_label(form_widget)
            form.addRow("", self.field_errors[variable.name])
            form.setRowVisible(self.field_errors[variable.name], False)
        form.addRow("&Recipients:", self.recipients_spin)
        form.addRow("N&ote:", self.note_edit)
        self.form, self.form_widget = form, form_widget
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(form_widget)

        self.preview = QTextBrowser(self)
        self.preview.setAccessibleName("Message preview")
        self.preview.setOpenLinks(False)
        self.preview.setPlaceholderText("Press Preview to see the filled-in message.")
        splitter = QSplitter(self)
        splitter.addWidget(scroll)
        splitter.addWidget(self.preview)
        splitter.setSizes([430, 530])
        splitter.setChildrenCollapsible(False)

        self.preview_button = push_button(self, "&Preview", self.render_preview)
        self.issue_button = QPushButton("Issue and &log", self)
        self.issue_button.setDefault(True)
        self.issue_button.clicked.connect(self.issue)
        self.copy_button = push_button(self, "&Copy", self.copy)
        self.pdf_button = push_button(self, "Save P&DF…", self.save_pdf)
        self.print_button = push_button(self, "Prin&t…", self.print_)
        close = push_button(self, "Close", self.reject)
        for button in (self.copy_button, self.pdf_button, self.print_button):
            button.setEnabled(False)
            button.setToolTip("Issue the message first: everything that leaves the desk is "
                              "logged")
        buttons = QHBoxLayout()
        for button in (self.preview_button, self.issue_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        for button in (self.copy_button, self.pdf_button, self.print_button, close):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(header)
        layout.addWidget(self.legal_label)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)
        self.fill_from_facts()

    # -- values -----------------------------------------------------------------------------
    def fill_from_facts(self) -> None:
        facts = facts_for(self.ctx.session, self.incident_combo.currentData() or None)
        for name, field in self.fields.items():
            if name in facts:
                field.set_value(facts[name])

    def values(self) -> dict[str, Any]:
        return {name: value for name, field in self.fields.items()
                if (value := field.value()) is not None}

    def show_errors(self, err: UserError) -> None:
        fields = err.fields if isinstance(err, ValidationError) else {}
        for name, label in self.field_errors.items():
            label.setText(str(err) if name in fields else "")
            self.form.setRowVisible(label, name in fields)
        placed = any(name in self.field_errors for name in fields)
        self.message.setText("Please correct the fields marked below." if placed else str(err))
        self.message.show()

    def clear_errors(self) -> None:
        self.message.hide()
        for label in self.field_errors.values():
            self.form.setRowVisible(label, False)

    def _show(self, rendered: template_service.Rendered) -> None:
        if rendered.is_html:
            self.preview.setHtml(rendered.text)
        else:
            self.preview.setPlainText(rendered.text)

    # -- actions ----------------------------------------------------------------------------
    def render_preview(self) -> None:
        with user_errors(self.show_errors):
            rendered = template_service.render_approved(self.ctx.session, self.approved,
                                                        self.values())
            self.clear_errors()
            self._show(rendered)

    def issue(self) -> None:
        with user_errors(self.show_errors):
            result = message_service.issue_message(
                self.ctx.session, self.approved.key, recipient_count=self.recipients_spin.value(),
                values=self.values(), version=self.approved.version,
                incident_id=self.incident_combo.currentData() or "",
                note=self.note_edit.text())
            self.clear_errors()
            self.result_message = result
            self._show(result.rendered)
            self.issue_button.setEnabled(False)
            self.preview_button.setEnabled(False)
            self.form_widget.setEnabled(False)  # what was logged is what is shown
            self.issue_button.setText("Issued and logged")
            for button in (self.copy_button, self.pdf_button, self.print_button):
                button.setEnabled(True)
                button.setToolTip("")
            self.issued.emit(result)

    def copy(self) -> None:
        if self.result_message is None:
            return
        rendered = self.result_message.rendered
        data = QMimeData()
        data.setText(rendered.plain)
        if rendered.is_html:
            data.setHtml(rendered.text)
        QGuiApplication.clipboard().setMimeData(data)
        self.ctx.messages.show_info("Copied the message to the clipboard.")

    def _html(self) -> str:
        assert self.result_message is not None
        rendered = self.result_message.rendered
        return printable_html(rendered.text, rendered.is_html)

    def save_pdf(self) -> None:
        if self.result_message is None:
            return
        path = self.ctx.prompts.save_file(self, "Save the message as PDF",
                                          f"{self.approved.key}.pdf", PDF_FILTER)
        if path is None:
            return
        html, title = self._html(), self.approved.meta.name
        self.pdf_button.setEnabled(False)
        job = Job(lambda **kw: save_pdf(html, path, title, **kw), name="message pdf")
        job.finished.connect(self._pdf_saved)
        job.failed.connect(self._pdf_failed)
        self.last_job = job
        self.ctx.runner.start(job)

    def _pdf_saved(self, path: Path) -> None:
        self.pdf_button.setEnabled(True)
        self.ctx.messages.show_info(f"Saved the message to {path}.")

    def _pdf_failed(self, err: BaseException) -> None:
        self.pdf_button.setEnabled(True)
        if isinstance(err, OSError):
            err = UserError(f"Cannot write the PDF: {err.strerror or err}.")
        self.ctx.show_error(err)

    def print_(self) -> None:
        if self.result_message is not None:
            print_with_preview(self, self._html(), self.approved.meta.name)
