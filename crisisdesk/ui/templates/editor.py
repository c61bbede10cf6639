"""The template editor: the Jinja text, its variables, a live preview and the live checks.

Every edit (text or variables) schedules a check through `LiveChecker`; the report brings
back the preview (rendered with the current incident's facts or the sample values), the
reading-level meter and the findings. Nothing is decided here: whether a template is valid,
submittable or approvable is the services' answer; this view only reflects the last report
so the author sees a problem while typing instead of when pressing Submit.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from crisisdesk.domain.compliance import CheckReport
from crisisdesk.domain.templates import (
    LEGAL_REVIEW_NOTE,
    Status,
    TemplateMeta,
    TemplateVersion,
    Variable,
    check_meta,
)
from crisisdesk.services import templates as template_service
from crisisdesk.ui.templates.checks import CheckPanel, LiveChecker, syntax_error
from crisisdesk.ui.templates.details import DetailsRow
from crisisdesk.ui.templates.highlighter import JinjaHighlighter
from crisisdesk.ui.templates.model import words
from crisisdesk.ui.templates.variables import VariablesPalette
from crisisdesk.ui.workers import JobRunner

SAMPLE_DATA, INCIDENT_FACTS = "sample", "incident"


class TemplateEditor(QWidget):
    """Edits the latest version of one template; `state_changed` when dirty/report change."""

    state_changed = Signal()

    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.version: TemplateVersion | None = None
        self.meta: TemplateMeta | None = None
        self.report: CheckReport | None = None
        self.settings = template_service.CheckSettings()
        self.facts: dict[str, Any] = {}
        self._loading = False
        self.checker = LiveChecker(runner, self)
        self.checker.checked.connect(self._checked)

        self.title_label = QLabel(self)
        self.title_label.setObjectName("editorTitle")
        self.title_label.setStyleSheet("#editorTitle { font-size: 15px; font-weight: bold; }")
        self.title_label.setAccessibleName("Template being edited")
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName("Version status")
        self.details = DetailsRow(self)
        self.details.changed.connect(self._details_changed)
        self.data_combo = QComboBox(self)
        self.data_combo.setAccessibleName("Preview with")
        self.data_combo.addItem("the sample values", SAMPLE_DATA)
        self.data_combo.currentIndexChanged.connect(lambda _i: self.schedule_check())

        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setAccessibleName("Template text")
        self.text_edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text_edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.text_edit.setTabChangesFocus(True)
        self.highlighter = JinjaHighlighter(self.text_edit.document())
        self.text_edit.textChanged.connect(self._edited)
        self.palette_widget = VariablesPalette(self)
        self.palette_widget.insert_requested.connect(self.insert_text)
        self.palette_widget.changed.connect(self._variables_changed)
        self.palette_widget.validate_with = self.validate_variables

        self.preview = QTextBrowser(self)
        self.preview.setAccessibleName("Preview")
        self.preview.setOpenLinks(False)
        self.preview_note = QLabel(self)
        self.preview_note.setWordWrap(True)
        self.checks = CheckPanel(self)
        self.checks.goto_line.connect(self.goto)
        self.checker.started.connect(self.checks.set_checking)

        left = QSplitter(Qt.Orientation.Vertical, self)
        left.addWidget(self.text_edit)
        left.addWidget(self.palette_widget)
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 1)
        preview_box = QWidget(self)
        preview_layout = QVBoxLayout(preview_box)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        data_row = QHBoxLayout()
        data_label = QLabel("Pre&view with:", self)
        data_label.setBuddy(self.data_combo)
        data_row.addWidget(data_label)
        data_row.addWidget(self.data_combo, 1)
        preview_layout.addLayout(data_row)
        preview_layout.addWidget(self.preview_note)
        preview_layout.addWidget(self.preview, 1)
        right = QSplitter(Qt.Orientation.Vertical, self)
        right.addWidget(preview_box)
        right.addWidget(self.checks)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 1)
        right.setSizes([400, 200])
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([520, 440])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title_label)
        layout.addWidget(self.status_label)
        layout.addWidget(self.details)
        layout.addWidget(self.splitter, 1)

    # -- loading ----------------------------------------------------------------------------
    def load(self, version: TemplateVersion, *, settings: template_service.CheckSettings,
             facts: dict[str, Any], incident_title: str | None) -> None:
        """Show `version` (the latest of its template) and check it."""
        same = self.version is not None and self.version.template_id == version.template_id
        self.version, self.meta, self.settings, self.facts = version, version.meta, settings, facts
        self._set_incident_choice(incident_title, keep=same)
        if self.body != version.body:  # after a save the text is the same: keep the cursor
            self._loading = True
            self.text_edit.setPlainText(version.body)
            self._loading = False
        self.palette_widget.set_variables(version.meta.variables)
        self.details.load(version)
        self.checks.clear()
        self.update_labels()
        self.schedule_check()

    def _set_incident_choice(self, incident_title: str | None, *, keep: bool) -> None:
        wanted = self.data_combo.currentData() if keep else INCIDENT_FACTS
        self.data_combo.blockSignals(True)
        while self.data_combo.count() > 1:
            self.data_combo.removeItem(1)
        if incident_title is not None:
            self.data_combo.addItem(f"the current incident: {incident_title}", INCIDENT_FACTS)
        index = self.data_combo.findData(wanted)
        self.data_combo.setCurrentIndex(index if index >= 0 else 0)
        self.data_combo.blockSignals(False)

    def update_labels(self) -> None:
        if self.version is None or self.meta is None:
            return
        v, m = self.version, self.meta
        self.title_label.setText(f"{m.name}  ({m.key})")
        parts = [f"Version {v.version}: {v.status.label}",
                 f"{words(m.audience.value)} · {words(m.channel.value)} · {m.language.value}"]
        if m.hipaa_notice:
            parts.append("HIPAA breach notice")
        if v.approved_by:
            parts.append(f"approved by {v.approved_by}")
        if self.dirty:
            parts.append("unsaved changes" + ("" if v.status is Status.DRAFT else
                                              ": saving makes a new draft version"))
        text = " · ".join(parts)
        if v.needs_legal_review:
            text += f"\n{LEGAL_REVIEW_NOTE}"
        if v.note and v.status is Status.DRAFT:
            text += f"\nNote: {v.note}"
        self.status_label.setText(text)

    # -- editing ----------------------------------------------------------------------------
    @property
    def body(self) -> str:
        return self.text_edit.toPlainText()

    @property
    def dirty(self) -> bool:
        if self.version is None or self.meta is None:
            return False
        old = self.version.meta
        return (self.body != self.version.body or self.meta.variables != old.variables
                or self.meta.name != old.name or self.meta.description != old.description)

    def edited_meta(self) -> TemplateMeta:
        assert self.meta is not None
        return self.meta

    def validate_variables(self, variables: tuple[Variable, ...]) -> None:
        if self.meta is not None:
            check_meta(replace(self.meta, variables=variables))

    def _variables_changed(self, variables: tuple[Variable, ...]) -> None:
        if self.meta is not None:
            self.meta = replace(self.meta, variables=variables)
            self._edited()

    def _details_changed(self) -> None:
        if self.meta is not None:
            self.meta = replace(self.meta, name=self.details.name,
                                description=self.details.description)
            self._edited()

    def _edited(self) -> None:
        if self._loading or self.version is None:
            return
        self.checks.clear_refusal()
        self.update_labels()
        self.schedule_check()
        self.state_changed.emit()

    def insert_text(self, text: str) -> None:
        self.text_edit.insertPlainText(text)
        self.text_edit.setFocus()

    def goto(self, line: int, column: int) -> None:
        block = self.text_edit.document().findBlockByNumber(max(line - 1, 0))
        cursor = QTextCursor(block)
        cursor.movePosition(QTextCursor.MoveOperation.Right, QTextCursor.MoveMode.MoveAnchor,
                            max(min(column - 1, block.length() - 1), 0))
        self.text_edit.setTextCursor(cursor)
        self.text_edit.setFocus()

    # -- checking ---------------------------------------------------------------------------
    def schedule_check(self) -> None:
        if self.meta is None:
            return
        data = self.facts if self.data_combo.currentData() == INCIDENT_FACTS else {}
        self.report = None
        self.checker.schedule(self.body, self.meta, data, self.settings)
        self.state_changed.emit()

    def _checked(self, report: CheckReport) -> None:
        self.report = report
        self.checks.show_report(report)
        if report.preview:
            if report.preview_is_html:
                self.preview.setHtml(report.preview)
            else:
                self.preview.setPlainText(report.preview)
            self.preview_note.hide()
        else:
            self.preview_note.setText("The preview is out of date: it shows again when the "
                                      "errors below are fixed.")
            self.preview_note.show()
        self.state_changed.emit()

    @property
    def has_syntax_error(self) -> bool:
        return self.report is not None and syntax_error(self.report) is not None

    def clear(self) -> None:
        self.checker.cancel()
        self.version = self.meta = self.report = None
        self.facts = {}
        self._loading = True
        self.text_edit.clear()
        self._loading = False
        self.palette_widget.set_variables(())
        self.details.clear()
        self.preview.clear()
        self.checks.clear()
        self.title_label.clear()
        self.status_label.clear()
