"""The HHS report tab: every portal field in the portal's order, each with a Copy button, so the
person filing pastes the answers one by one the moment the portal is reachable.

Fields that do not apply are greyed out; missing ones are listed at the top and can be answered
here (one service call per answer, checked before anything is saved). "Save version" keeps the
report as filed (initial, then addenda); the print buttons write the one-page-per-section
report and the annual log of breaches under 500 as PDFs in a worker.
"""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QWidget,
)

from crisisdesk.domain.errors import NotFound
from crisisdesk.domain.hhs_report import BY_KEY, FIELDS, FieldValue, HhsReport
from crisisdesk.services import hhs_report as hhs_service
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.page import Page
from crisisdesk.ui.printouts import save_pdf
from crisisdesk.ui.widgets.build import line_edit, note_label
from crisisdesk.ui.widgets.buttons import push_button
from crisisdesk.ui.widgets.errors import user_errors
from crisisdesk.ui.widgets.layouts import column, hbox


class FieldRow:
    """One portal field on screen: its label, the answer to copy, the Copy button, the source."""

    def __init__(self, parent: QWidget, tab: HhsReportTab) -> None:
        self.label = QLabel(parent)
        self.label.setWordWrap(True)
        self.value = QLineEdit(parent)
        self.value.setReadOnly(True)
        self.copy_button = QPushButton("Copy", parent)
        self.copy_button.clicked.connect(lambda: tab.copy(self))
        self.source = QLabel(parent)
        self.source.setWordWrap(True)
        self.shown: FieldValue | None = None

    def show(self, v: FieldValue) -> None:
        self.shown = v
        self.label.setText(v.field.label)
        self.value.setAccessibleName(v.field.label)
        if not v.applies:
            self.value.setText("")
            self.value.setPlaceholderText("does not apply")
        elif v.missing:
            self.value.setText("")
            self.value.setPlaceholderText("MISSING")
        else:
            self.value.setText(v.text)
            self.value.setPlaceholderText("(optional)" if v.field.optional else "")
        self.copy_button.setEnabled(bool(v.value) and v.applies)
        self.source.setText(v.source)
        for w in (self.label, self.value, self.source):
            w.setEnabled(v.applies)


class HhsReportTab(Page):
    title = "HHS report"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.report: HhsReport | None = None
        self.notes = note_label(self, "Report notes")
        self.missing_label = note_label(self, "Missing fields")
        self.field_combo = QComboBox(self)
        self.field_combo.setAccessibleName("Field to answer")
        for f in FIELDS:
            self.field_combo.addItem(f"{f.section}: {f.label}", f.key)
        self.answer_edit = line_edit(self, "Answer")
        self.field_combo.currentIndexChanged.connect(lambda _i: self._hint())
        self._hint()
        self.answer_button = push_button(self, "Record answer", self.record_answer)
        self.save_button = push_button(self, "&Save version", self.save_version,
                                       "Keep the report as filed (initial, then addenda)")
        self.print_button = push_button(self, "&Print…", self.print_pdf)
        self.log_button = push_button(self, "Annual &log…", self.print_log,
                                      "Breaches under 500 people of the year, one each")
        inner = QWidget(self)
        self.grid = QGridLayout(inner)
        self.rows: dict[str, FieldRow] = {}
        self.section_labels: list[QLabel] = []
        line = 0
        section = ""
        for f in FIELDS:
            if f.section != section:
                section = f.section
                heading = QLabel(f"<b>{section}</b>", inner)
                self.section_labels.append(heading)
                self.grid.addWidget(heading, line, 0, 1, 4)
                line += 1
            row = FieldRow(inner, self)
            self.rows[f.key] = row
            for col, w in enumerate((row.label, row.value, row.copy_button, row.source)):
                self.grid.addWidget(w, line, col)
            line += 1
        self.grid.setColumnStretch(1, 2)
        self.grid.setColumnStretch(3, 1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        column(self, self.notes, self.missing_label, (scroll, 1),
               hbox((self.field_combo, 1), (self.answer_edit, 1), self.answer_button),
               hbox(self.save_button, self.print_button, self.log_button), margin=6)

    def _hint(self) -> None:
        """What the chosen field takes, as a placeholder: its choices' short keys."""
        f = BY_KEY[str(self.field_combo.currentData())]
        keys = ", ".join(k for k, _label in f.options)
        hint = {"date": "a date, e.g. 2026-03-02", "number": "a whole number",
                "states": "state codes, e.g. IL, WI", "state": "a state code, e.g. IL"}
        text = (f"one of: {keys}" if f.kind == "choice" else
                f"one or more, with ';': {keys}" if f.kind == "multi" else
                hint.get(f.kind, "the answer"))
        self.answer_edit.setPlaceholderText(f"{text} (empty clears)")

    def refresh(self) -> None:
        with user_errors(self.ctx.messages):
            try:
                report = hhs_service.draft(self.ctx.session)
            except NotFound as err:
                self.clear()
                self.notes.setText(str(err))
                return
            self.report = report
            self.notes.setText(" ".join(report.notes) + f" Report type: {report.report_type}.")
            missing = report.missing
            self.missing_label.setText(
                f"Missing ({len(missing)}): " + "; ".join(f.label for f in missing)
                if missing else "Every field has an answer.")
            for v in report.values:
                self.rows[v.field.key].show(v)

    def clear(self) -> None:
        self.report = None
        self.notes.setText("")
        self.missing_label.setText("")
        for row in self.rows.values():
            row.value.clear()
            row.source.clear()

    def copy(self, row: FieldRow) -> None:
        if row.shown is None or not row.shown.value:
            return
        QGuiApplication.clipboard().setText(row.shown.text)
        self.ctx.messages.show_info(f"Copied {row.shown.field.label}.")

    def record_answer(self) -> None:
        key = str(self.field_combo.currentData())
        with user_errors(self.ctx.messages):
            report = hhs_service.set_answers(self.ctx.session, {key: self.answer_edit.text()})
            self.answer_edit.clear()
            self.ctx.messages.show_info(f"Recorded; {len(report.missing)} field(s) missing.")
            self.ctx.state.notify_changed()
            self.refresh()

    def save_version(self) -> None:
        report = self.report
        if report is None or not self.ctx.prompts.confirm(
                self, "Save the HHS report",
                f"Keep this report as filed ({report.report_type})? Later changes become an "
                "addendum."):
            return
        with user_errors(self.ctx.messages):
            saved = hhs_service.save_version(self.ctx.session)
            self.ctx.messages.show_info(f"Saved HHS report version {saved.version} "
                                        f"({saved.report_type}).")
            self.ctx.state.notify_changed()
            self.refresh()

    def print_pdf(self) -> None:
        from crisisdesk.printing.hhs_report import report_html

        report = self.report
        if report is None:
            return
        incident = report.incident_id
        save_pdf(self.ctx, self, lambda s: report_html(s, incident), title="HHS breach report",
                 suggested="hhs-breach-report.pdf", button=self.print_button)

    def print_log(self) -> None:
        from crisisdesk.printing.hhs_report import annual_log_html

        with user_errors(self.ctx.messages):
            year = hhs_service.annual_year(self.ctx.session)
            save_pdf(self.ctx, self, lambda s: annual_log_html(s, year),
                     title=f"Breaches under 500 ({year})",
                     suggested=f"hhs-annual-log-{year}.pdf", button=self.log_button)
