"""Import an affected-patient list: choose the file, confirm what was read, then import.

The preview (`plan_recipients`) reads and checks the whole file in a worker and shows what
was detected (format, encoding, delimiter and, above all, the date format, since a file
re-saved in another locale swaps day and month), the column mapping as editable choices, the
first rows exactly as they will be stored, and every bad row by line. Nothing is saved until
Import; bad rows block it unless "set aside for review" is ticked (an unusable address is not
a bad row: the person is imported with insufficient address and counted). The import runs in a
worker with progress and Cancel, and is all-or-nothing in the service; the last page says how
many people were counted where, and the substitute notice that follows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crisisdesk.domain.errors import UserError
from crisisdesk.domain.recipient_columns import FIELDS
from crisisdesk.domain.recipients import FORMAT_BY_LABEL
from crisisdesk.services.letters import batches as letter_service
from crisisdesk.services.letters.batches import RecipientImportReport, RecipientPlan
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.workers import Job, in_thread_session, run_with_progress

MAX_LISTED = 500
IGNORE_LABEL = "(ignore this column)"
FILTER = "Patient lists (*.csv *.tsv *.txt *.xlsx);;All files (*)"


class RecipientImportWizard(QDialog):
    imported = Signal(object)  # the RecipientImportReport

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.plan: RecipientPlan | None = None
        self.busy = False
        self.setWindowTitle("Import the affected-patient list")
        self.resize(860, 680)
        self.steps = QStackedWidget(self)
        self.steps.addWidget(self._choose_step())
        self.steps.addWidget(self._preview_step())
        self.steps.addWidget(self._done_step())
        self.error_label = QLabel(self)
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.back_button = QPushButton("< &Back", self)
        self.back_button.clicked.connect(lambda: self.steps.setCurrentIndex(0))
        self.preview_button = QPushButton("&Preview >", self)
        self.preview_button.clicked.connect(lambda: self.preview())
        self.import_button = QPushButton("&Import", self)
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.clicked.connect(self.reject)
        self.close_button = QPushButton("&Close", self)
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        for button in (self.preview_button, self.import_button, self.cancel_button,
                       self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.steps, 1)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)
        self.steps.currentChanged.connect(lambda _i: self._update_buttons())
        self._update_buttons()

    def _choose_step(self) -> QWidget:
        page = QWidget(self)
        intro = QLabel("Choose the list of affected patients (CSV or Excel .xlsx), as exported "
                       "from the EHR or sent by the forensics firm. You will see how each column "
                       "and date is read, and every row that cannot be used, before anything is "
                       "saved.", page)
        intro.setWordWrap(True)
        self.path_edit = QLineEdit(page)
        self.path_edit.setAccessibleName("File to import")
        self.path_edit.textChanged.connect(lambda _t: self._update_buttons())
        browse = QPushButton("&Choose file…", page)
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addStretch(1)
        return page

    def _preview_step(self) -> QWidget:
        page = QWidget(self)
        self.summary_label = QLabel(page)
        self.summary_label.setWordWrap(True)
        self.date_combo = QComboBox(page)
        self.date_combo.setAccessibleName("Date format")
        for label in FORMAT_BY_LABEL:
            self.date_combo.addItem(label, label)
        self.date_combo.activated.connect(lambda _i: self.preview(self.overrides()))
        self.date_note = QLabel(page)
        self.date_note.setWordWrap(True)
        dates = QHBoxLayout()
        dates.addWidget(QLabel("Dates are written as", page))
        dates.addWidget(self.date_combo)
        dates.addWidget(self.date_note, 1)
        self.mapping_table = QTableWidget(0, 2, page)
        self.mapping_table.setHorizontalHeaderLabels(["Column in the file", "Recipient field"])
        self.mapping_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.Stretch)
        self.mapping_table.verticalHeader().hide()
        self.sample_table = QTableWidget(0, 4, page)
        self.sample_table.setHorizontalHeaderLabels(["Name", "Born", "Address", "Died"])
        self.sample_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.Stretch)
        self.sample_table.verticalHeader().hide()
        self.problems_label = QLabel(page)
        self.problems_label.setWordWrap(True)
        self.problems_list = QListWidget(page)
        self.problems_list.setAccessibleName("Rows that cannot be imported")
        self.aside_check = QCheckBox("&Set the bad rows aside in the review list and import "
                                     "the rest", page)
        self.aside_check.toggled.connect(lambda _c: self._update_buttons())
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary_label)
        layout.addLayout(dates)
        layout.addWidget(self.mapping_table, 3)
        layout.addWidget(QLabel("<b>First rows</b> as they will be stored:", page))
        layout.addWidget(self.sample_table, 2)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.problems_list, 1)
        layout.addWidget(self.aside_check)
        return page

    def _done_step(self) -> QWidget:
        page = QWidget(self)
        self.done_label = QLabel(page)
        self.done_label.setWordWrap(True)
        self.done_label.setAccessibleName("Import result")
        self.substitute_label = QLabel(page)
        self.substitute_label.setWordWrap(True)
        layout = QVBoxLayout(page)
        layout.addWidget(self.done_label)
        layout.addWidget(self.substitute_label)
        layout.addStretch(1)
        return page

    def browse(self) -> None:
        path = self.ctx.prompts.open_file(self, "Choose the affected-patient list", FILTER)
        if path is not None:
            self.path_edit.setText(str(path))
            self.preview()

    def overrides(self) -> dict[str, str]:
        result = {}
        for row in range(self.mapping_table.rowCount()):
            item, combo = self.mapping_table.item(row, 0), self.mapping_table.cellWidget(row, 1)
            if item is not None and isinstance(combo, QComboBox):
                result[item.text()] = combo.currentData() or ""
        return result

    def date_format(self) -> str:
        return str(self.date_combo.currentData() or "") if self.plan is not None else ""

    def preview(self, overrides: dict[str, str] | None = None) -> None:
        text = self.path_edit.text().strip()
        if not text or self.busy:
            return
        path, fmt = Path(text).expanduser(), self.date_format() if overrides else ""

        def work(session: Any, *, progress: Any, is_cancelled: Any) -> RecipientPlan:
            return letter_service.plan_recipients(session, path, mapping_overrides=overrides,
                                                  date_format=fmt, progress=progress,
                                                  is_cancelled=is_cancelled)

        job = Job(in_thread_session(self.ctx.session, work), name="plan recipients")
        job.finished.connect(self.show_plan)
        job.failed.connect(self._failed)
        job.cancelled.connect(lambda: self._set_busy(False))
        self._set_busy(True)
        self.ctx.runner.start(job)

    def show_plan(self, plan: RecipientPlan) -> None:
        self._set_busy(False)
        self.plan = plan
        delim = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "bar"}.get(plan.delimiter,
                                                                             plan.delimiter)
        parts = [f"<b>{plan.path.name}</b>: {plan.format.upper()}"]
        if plan.encoding:
            parts.append(f"encoding {plan.encoding}")
        if delim:
            parts.append(f"delimiter {delim}")
        parts.append(f"{plan.total_rows} rows, {plan.valid_rows} ready to import")
        if plan.valid_rows:
            parts.append(f"{plan.usable} with a usable address, {plan.insufficient} with "
                         "insufficient address (imported and counted toward substitute notice)")
        if plan.zip_repaired:
            parts.append(f"{plan.zip_repaired} ZIP codes missing their leading zero repaired")
        if plan.remembered:
            parts.append("columns as mapped last time for this source")
        self.summary_label.setText(", ".join(parts) + ".")
        self.date_combo.setCurrentIndex(max(0, self.date_combo.findData(plan.date_format)))
        self.date_note.setText("<b>Check this</b>: these dates also read the other way round."
                               if plan.date_ambiguous else "")
        self.mapping_table.setRowCount(0)
        for row, header in enumerate(plan.headers):
            self.mapping_table.insertRow(row)
            self.mapping_table.setItem(row, 0, QTableWidgetItem(header))
            combo = QComboBox(self.mapping_table)
            combo.setAccessibleName(f"Field for column {header}")
            combo.addItem(IGNORE_LABEL, "")
            for field in FIELDS:
                combo.addItem(field.replace("_", " ").replace("nok", "next of kin"), field)
            combo.setCurrentIndex(max(0, combo.findData(plan.mapping.get(header, ""))))
            combo.activated.connect(lambda _i: self.preview(self.overrides()))
            self.mapping_table.setCellWidget(row, 1, combo)
        self.sample_table.setRowCount(0)
        for row, person in enumerate(plan.sample):
            self.sample_table.insertRow(row)
            cells = (person.name, person.birth_date.isoformat() if person.birth_date else "",
                     ", ".join(person.address.lines()),
                     person.death_date.isoformat() if person.death_date else "")
            for col, value in enumerate(cells):
                self.sample_table.setItem(row, col, QTableWidgetItem(value))
        self.problems_list.clear()
        for problem in plan.problems[:MAX_LISTED]:
            self.problems_list.addItem(f"Line {problem.line}: {problem.reason}")
        if plan.blocking:
            self.problems_label.setText(plan.blocking)
        elif plan.problems:
            self.problems_label.setText(f"<b>{len(plan.problems)} rows cannot be imported.</b> "
                                        "Nothing is saved while they remain: fix the file, or "
                                        "set them aside to fix later.")
        else:
            self.problems_label.setText("Every row can be imported.")
        self.problems_list.setVisible(bool(plan.problems))
        self.aside_check.setVisible(bool(plan.problems))
        self.steps.setCurrentIndex(1)
        self._update_buttons()

    def can_import(self) -> bool:
        plan = self.plan
        if plan is None or self.busy or plan.blocking or plan.valid_rows == 0:
            return False
        return not plan.problems or self.aside_check.isChecked()

    def _update_buttons(self) -> None:
        on_preview = self.steps.currentIndex() == 1
        done = self.steps.currentIndex() == 2
        self.back_button.setVisible(on_preview)
        self.cancel_button.setVisible(not done)
        self.close_button.setVisible(done)
        self.preview_button.setVisible(self.steps.currentIndex() == 0)
        self.preview_button.setEnabled(bool(self.path_edit.text().strip()) and not self.busy)
        self.import_button.setVisible(on_preview)
        self.import_button.setEnabled(on_preview and self.can_import())

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        if busy:
            self.error_label.hide()
        self._update_buttons()

    def _failed(self, err: BaseException) -> None:
        self._set_busy(False)
        if isinstance(err, UserError):
            self.error_label.setText(str(err))
            self.error_label.show()
            return
        self.ctx.show_error(err)

    def start_import(self) -> None:
        plan = self.plan
        if plan is None or not self.can_import():
            return
        path, overrides, fmt = plan.path, self.overrides(), self.date_format()
        aside = self.aside_check.isChecked()

        def work(session: Any, *, progress: Any, is_cancelled: Any) -> RecipientImportReport:
            return letter_service.import_recipients(
                session, path, mapping_overrides=overrides, date_format=fmt,
                set_aside_invalid=aside, progress=progress, is_cancelled=is_cancelled)

        job = Job(in_thread_session(self.ctx.session, work), name="import recipients")
        job.finished.connect(self._imported)
        job.failed.connect(self._failed)
        job.cancelled.connect(self._cancelled)
        self._set_busy(True)
        self.progress_dialog = run_with_progress(self.ctx.runner, job, self,
                                                 title="Importing patients",
                                                 label=f"Importing {path.name}…")

    def _imported(self, report: RecipientImportReport) -> None:
        self._set_busy(False)
        self.done_label.setText(f"Imported. {report.summary}.")
        self.substitute_label.setText(report.substitute.text if report.substitute else "")
        self.steps.setCurrentIndex(2)
        self.imported.emit(report)

    def _cancelled(self) -> None:
        self._set_busy(False)
        self.error_label.setText("Import cancelled; nothing was saved.")
        self.error_label.show()
