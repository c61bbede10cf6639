"""Import contacts from a file: choose it, see exactly what would happen, then import.

The preview (`plan_import`) reads and checks the whole file in a worker and shows the detected
format, encoding and delimiter, the column mapping as editable choices, and every bad row by
its line number, before anything is saved. Import stays disabled while rows are bad unless
"Skip invalid rows" is ticked. A column whose values are phone numbers or e-mail addresses but
that nothing reads is shown in red with the reason, and import stays disabled until it is
given a field or set to "ignore on purpose". The import itself runs in a worker with progress
and Cancel, and is all-or-nothing in the service, so a cancel leaves the desk unchanged; the
last page says what each field was read from.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
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

from crisisdesk.domain.contacts import FIELDS
from crisisdesk.domain.errors import UserError
from crisisdesk.services import contacts as contact_service
from crisisdesk.services.contacts import ImportPlan, ImportReport
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.workers import Job, in_thread_session, run_with_progress

MAX_LISTED_PROBLEMS = 500
NOT_READ_LABEL = "(not read)"
IGNORE_LABEL = "(ignore on purpose)"
ERROR_COLOUR = "#b00020"
FORMAT_NAMES = {"csv": "CSV (comma/tab separated text)", "xlsx": "Excel workbook (.xlsx)",
                "vcf": "vCard (.vcf)"}


def field_label(field: str) -> str:
    return field.replace("_", " ").capitalize()


class ImportWizard(QDialog):
    imported = Signal(object)  # the ImportReport

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.plan: ImportPlan | None = None
        self.busy = False
        self.progress_seen = (0, 0)
        self.setWindowTitle("Import contacts")
        self.resize(780, 660)
        self.steps = QStackedWidget(self)
        self.steps.addWidget(self._choose_step())
        self.steps.addWidget(self._preview_step())
        self.steps.addWidget(self._done_step())
        self.error_label = QLabel(self)
        self.error_label.setObjectName("importError")
        self.error_label.setStyleSheet("#importError { color: #b00020; }")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.status_label = QLabel(self)
        self.status_label.hide()
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
        layout.addWidget(self.status_label)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)
        self.steps.currentChanged.connect(lambda _i: self._update_buttons())
        self._update_buttons()

    def _choose_step(self) -> QWidget:
        page = QWidget(self)
        intro = QLabel(
            "Choose a contact list to import: a CSV or tab-separated file, an Excel workbook "
            "(.xlsx) or vCards (.vcf). You will see what CrisisDesk reads from it, and every "
            "row it cannot use, before anything is saved.", page)
        intro.setWordWrap(True)
        self.path_edit = QLineEdit(page)
        self.path_edit.setAccessibleName("File to import")
        self.path_edit.setPlaceholderText("The file to import")
        self.path_edit.textChanged.connect(lambda _t: self._update_buttons())
        self.path_edit.returnPressed.connect(lambda: self.preview())
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
        self.mapping_table = QTableWidget(0, 3, page)
        self.mapping_table.setHorizontalHeaderLabels(
            ["Column in the file", "Contact field", "Note"])
        self.mapping_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.Stretch)
        self.mapping_table.verticalHeader().hide()
        self.mapping_table.setAccessibleName("Column mapping")
        self.sample_table = QTableWidget(0, 4, page)
        self.sample_table.setHorizontalHeaderLabels(["Name", "Title", "Organisation", "Phones"])
        self.sample_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.Stretch)
        self.sample_table.verticalHeader().hide()
        self.sample_table.setAccessibleName("First rows as they will be read")
        self.problems_label = QLabel(page)
        self.problems_label.setWordWrap(True)
        self.problems_list = QListWidget(page)
        self.problems_list.setAccessibleName("Rows that cannot be imported")
        self.skip_check = QCheckBox("&Skip invalid rows (import only the good ones)", page)
        self.skip_check.toggled.connect(lambda _c: self._update_buttons())
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary_label)
        layout.addWidget(QLabel("<b>Columns</b>: change a choice if a column was misread.", page))
        layout.addWidget(self.mapping_table, 3)
        layout.addWidget(QLabel("<b>First rows</b> as they will be imported:", page))
        layout.addWidget(self.sample_table, 2)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.problems_list, 1)
        for table in (self.mapping_table, self.sample_table):
            table.verticalHeader().setDefaultSectionSize(26)
        layout.addWidget(self.skip_check)
        return page

    def _done_step(self) -> QWidget:
        page = QWidget(self)
        self.done_label = QLabel(page)
        self.done_label.setWordWrap(True)
        self.done_label.setTextFormat(Qt.TextFormat.PlainText)
        self.done_label.setAccessibleName("Import summary")
        layout = QVBoxLayout(page)
        layout.addWidget(self.done_label)
        layout.addStretch(1)
        return page

    # -- step 1 -----------------------------------------------------------------------------
    def browse(self) -> None:
        path = self.ctx.prompts.open_file(self, "Choose a contact list to import")
        if path is not None:
            self.path_edit.setText(str(path))
            self.preview()

    def overrides(self) -> dict[str, str]:
        result = {}
        for row in range(self.mapping_table.rowCount()):
            header_item = self.mapping_table.item(row, 0)
            combo = self.mapping_table.cellWidget(row, 1)
            if header_item is not None and isinstance(combo, QComboBox):
                result[header_item.text()] = combo.currentData() or ""
        return result

    def preview(self, overrides: dict[str, str] | None = None) -> None:
        text = self.path_edit.text().strip()
        if not text or self.busy:
            return
        path = Path(text).expanduser()
        job = Job(lambda progress, is_cancelled: contact_service.plan_import(
            path, overrides or None, progress=progress, is_cancelled=is_cancelled),
            name="plan import")
        job.finished.connect(self.show_plan)
        job.failed.connect(self._failed)
        job.cancelled.connect(lambda: self._set_busy(False))
        self._set_busy(True, "Reading the file…")
        self.ctx.runner.start(job)

    # -- step 2 -----------------------------------------------------------------------------
    def show_plan(self, plan: ImportPlan) -> None:
        self._set_busy(False)
        self.plan = plan
        fmt = FORMAT_NAMES.get(plan.format, plan.format)
        details = [f"<b>{plan.path.name}</b>: {fmt}"]
        if plan.encoding:
            details.append(f"encoding {plan.encoding}")
        if plan.delimiter:
            delim = {"\t": "tab", ",": "comma", ";": "semicolon"}.get(plan.delimiter,
                                                                     repr(plan.delimiter))
            details.append(f"delimiter {delim}")
        details.append(f"{plan.total_rows} rows, {plan.valid_rows} ready to import")
        read = "; ".join(str(source) for source in plan.sources)
        self.summary_label.setText(", ".join(details) + "."
                                   + (f"<br>Will read {html.escape(read)}." if read else ""))
        self._fill_mapping(plan)
        self._fill_sample(plan)
        self.problems_list.clear()
        for problem in plan.problems[:MAX_LISTED_PROBLEMS]:
            self.problems_list.addItem(f"Line {problem.line}: {problem.reason}")
        if plan.blocking:
            self.problems_label.setText(
                f'<span style="color: {ERROR_COLOUR}">{html.escape(plan.blocking)}</span>')
        elif plan.problems:
            more = len(plan.problems) - MAX_LISTED_PROBLEMS
            extra = f" (the first {MAX_LISTED_PROBLEMS} are listed)" if more > 0 else ""
            self.problems_label.setText(
                f"<b>{len(plan.problems)} rows cannot be imported</b>{extra}. Nothing is saved "
                "while they remain: fix the file and preview again, or skip them.")
        else:
            self.problems_label.setText("Every row can be imported.")
        self.problems_list.setVisible(bool(plan.problems))
        self.skip_check.setVisible(bool(plan.problems))
        self.steps.setCurrentIndex(1)
        self._update_buttons()

    def _fill_mapping(self, plan: ImportPlan) -> None:
        self.mapping_table.setRowCount(0)
        for row, header in enumerate(plan.headers):
            self.mapping_table.insertRow(row)
            header_item = QTableWidgetItem(header)
            self.mapping_table.setItem(row, 0, header_item)
            combo = QComboBox(self.mapping_table)
            combo.setAccessibleName(f"Field for column {header}")
            combo.addItem(NOT_READ_LABEL, "")
            for field in FIELDS:
                combo.addItem(field_label(field), field)
            combo.addItem(IGNORE_LABEL, "ignore")
            chosen = "ignore" if header in plan.ignored_on_purpose else plan.mapping.get(
                header, "")
            combo.setCurrentIndex(max(0, combo.findData(chosen)))
            combo.currentIndexChanged.connect(lambda _i: self.preview(self.overrides()))
            self.mapping_table.setCellWidget(row, 1, combo)
            holds = plan.unread.get(header)
            note = QTableWidgetItem(
                f"Holds {holds}: choose a field, or ignore it on purpose" if holds else "")
            if holds:
                red = QBrush(QColor(ERROR_COLOUR))
                for item in (header_item, note):
                    item.setForeground(red)
                    item.setToolTip(note.text())
            self.mapping_table.setItem(row, 2, note)

    def _fill_sample(self, plan: ImportPlan) -> None:
        self.sample_table.setRowCount(0)
        for row, draft in enumerate(plan.sample):
            self.sample_table.insertRow(row)
            phones = "; ".join(f"{label} {number}".strip() for label, number in draft.phones)
            for col, value in enumerate((draft.name, draft.job_title, draft.organisation,
                                         phones)):
                self.sample_table.setItem(row, col, QTableWidgetItem(value))

    def can_import(self) -> bool:
        plan = self.plan
        if plan is None or self.busy or plan.blocking or plan.valid_rows == 0:
            return False
        return not plan.problems or self.skip_check.isChecked()

    def _update_buttons(self) -> None:
        step = self.steps.currentIndex()
        on_preview, done = step == 1, step == 2
        self.back_button.setVisible(on_preview)
        self.preview_button.setVisible(step == 0)
        self.preview_button.setEnabled(bool(self.path_edit.text().strip()) and not self.busy)
        self.import_button.setVisible(on_preview)
        self.import_button.setEnabled(on_preview and self.can_import())
        self.cancel_button.setVisible(not done)
        self.close_button.setVisible(done)

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self.busy = busy
        self.status_label.setText(text)
        self.status_label.setVisible(busy)
        if busy:
            self.error_label.hide()
        self.mapping_table.setEnabled(not busy)
        self._update_buttons()

    def _failed(self, err: BaseException) -> None:
        self._set_busy(False)
        if isinstance(err, UserError):
            self.error_label.setText(str(err))
            self.error_label.show()
            return
        self.ctx.show_error(err)

    # -- import -----------------------------------------------------------------------------
    def start_import(self) -> None:
        plan = self.plan
        if plan is None or not self.can_import():
            return
        path, overrides = plan.path, self.overrides()
        skip = self.skip_check.isChecked()

        def work(session: object, *, progress: object, is_cancelled: object) -> ImportReport:
            return contact_service.import_contacts(
                session, path, mapping_overrides=overrides, skip_invalid=skip,  # type: ignore
                progress=progress, is_cancelled=is_cancelled)  # type: ignore[arg-type]

        job = Job(in_thread_session(self.ctx.session, work), name="import contacts")
        job.progress.connect(self._on_progress)
        job.finished.connect(self._imported)
        job.failed.connect(self._failed)
        job.cancelled.connect(self._import_cancelled)
        self._set_busy(True, "Importing…")
        self.progress_dialog = run_with_progress(
            self.ctx.runner, job, self, title="Importing contacts",
            label=f"Importing contacts from {path.name}…")

    def _on_progress(self, done: int, total: int) -> None:
        self.progress_seen = (done, total)

    def _imported(self, report: ImportReport) -> None:
        self._set_busy(False)
        self.done_label.setText(summary_text(report, self.plan.path.name if self.plan else ""))
        self.steps.setCurrentIndex(2)
        self.imported.emit(report)

    def _import_cancelled(self) -> None:
        self._set_busy(False)
        self.error_label.setText("Import cancelled; nothing was saved.")
        self.error_label.show()


def summary_text(report: ImportReport, file_name: str) -> str:
    """The last page: how many contacts, what each field was read from, what was left out."""
    lines = [f"Imported {report.imported} of {report.total_rows} contacts from {file_name}."]
    if report.skipped:
        lines.append(f"Skipped {report.skipped} rows that could not be imported.")
    lines.extend(f"{source.field.capitalize()}: {source.cells} from {', '.join(source.columns)}."
                 for source in report.sources)
    if report.ignored_columns:
        lines.append(f"Not read: {', '.join(report.ignored_columns)}.")
    return "\n".join(lines)
