"""The three-step import wizard every list import shares: choose a file, preview, import.

Contacts and affected-patient lists are imported the same way: the preview reads and checks
the whole file in a worker and shows what was detected (format, encoding, delimiter), the
column mapping as editable choices, the first rows as they will be stored and every bad row by
its line, before anything is saved. Import stays disabled while rows are bad unless the
"skip"/"set aside" box is ticked. The import runs in a worker with progress and Cancel and is
all-or-nothing in the service, so a cancel leaves the desk unchanged.

A subclass says only what differs: the texts, the fields a column can be read as, how a plan
and a sample row are shown, and which service functions make the plan and do the import.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
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
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.prompts import IMPORT_FILTER
from crisisdesk.ui.workers import Job, JobFn, run_with_progress

MAX_LISTED_PROBLEMS = 500
ERROR_COLOUR = "#b00020"
DELIMITER_NAMES = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "bar"}
CHOOSE, PREVIEW, DONE = range(3)


class ImportWizard(QDialog):
    """Choose -> preview -> done, for one kind of list; see the module docstring."""

    imported = Signal(object)  # the service's import report

    # -- what a subclass sets -------------------------------------------------------------
    title = "Import"
    initial_size = (780, 660)
    intro = ""
    browse_title = "Choose a file to import"
    file_filter = IMPORT_FILTER
    field_column = "Field"  # the mapping table's second column heading
    notes_column = False  # a third column saying why a column needs a choice
    sample_columns: Sequence[str] = ()
    skip_text = "&Skip invalid rows"
    fix_hint = "fix the file and preview again, or skip them."
    progress_title = "Importing"
    progress_label = "Importing {name}…"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.plan: Any = None
        self.busy = False
        self.progress_seen = (0, 0)
        self.setWindowTitle(self.title)
        self.resize(*self.initial_size)
        self.steps = QStackedWidget(self)
        self.steps.addWidget(self._choose_step())
        self.steps.addWidget(self._preview_step())
        self.steps.addWidget(self._done_step())
        self.error_label = QLabel(self)
        self.error_label.setObjectName("importError")
        self.error_label.setStyleSheet(f"#importError {{ color: {ERROR_COLOUR}; }}")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.status_label = QLabel(self)
        self.status_label.hide()
        self.back_button = QPushButton("< &Back", self)
        self.back_button.clicked.connect(lambda: self.steps.setCurrentIndex(CHOOSE))
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

    # -- hooks ----------------------------------------------------------------------------
    def plan_job(self, path: Path, overrides: dict[str, str] | None) -> JobFn:
        """The worker function that previews `path` with the user's column choices."""
        raise NotImplementedError

    def import_job(self, path: Path, overrides: dict[str, str], skip: bool) -> JobFn:
        """The worker function that imports `path` (all or nothing, in the service)."""
        raise NotImplementedError

    def field_choices(self) -> list[tuple[str, str]]:
        """(label, field) for each entry of a column's field list."""
        raise NotImplementedError

    def chosen_field(self, plan: Any, header: str) -> str:
        return str(plan.mapping.get(header, ""))

    def column_note(self, plan: Any, header: str) -> str:
        """Why a column needs the user's choice ("" when it does not); shown in red."""
        return ""

    def plan_details(self, plan: Any) -> list[str]:
        """What the plan adds to the summary line after the row counts."""
        return []

    def plan_footer(self, plan: Any) -> str:
        """HTML shown under the summary line."""
        return ""

    def sample_cells(self, item: Any) -> Sequence[str]:
        raise NotImplementedError

    def show_report(self, report: Any) -> None:
        """Fill the last page from the import report."""
        raise NotImplementedError

    def extra_preview_layout(self, page: QWidget) -> QLayout | None:
        """Widgets shown under the summary on the preview page (e.g. the date format)."""
        return None

    def extra_done_widgets(self, page: QWidget) -> list[QWidget]:
        return []

    def format_name(self, fmt: str) -> str:
        return fmt.upper()

    # -- pages ----------------------------------------------------------------------------
    def _choose_step(self) -> QWidget:
        page = QWidget(self)
        intro = QLabel(self.intro, page)
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

    def _table(self, page: QWidget, headings: Sequence[str], name: str) -> QTableWidget:
        table = QTableWidget(0, len(headings), page)
        table.setHorizontalHeaderLabels(list(headings))
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(26)
        table.setAccessibleName(name)
        return table

    def _preview_step(self) -> QWidget:
        page = QWidget(self)
        self.summary_label = QLabel(page)
        self.summary_label.setWordWrap(True)
        headings = ["Column in the file", self.field_column] + (["Note"] if self.notes_column
                                                                else [])
        self.mapping_table = self._table(page, headings, "Column mapping")
        self.sample_table = self._table(page, self.sample_columns,
                                        "First rows as they will be read")
        self.problems_label = QLabel(page)
        self.problems_label.setWordWrap(True)
        self.problems_list = QListWidget(page)
        self.problems_list.setAccessibleName("Rows that cannot be imported")
        self.skip_check = QCheckBox(self.skip_text, page)
        self.skip_check.toggled.connect(lambda _c: self._update_buttons())
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary_label)
        extra = self.extra_preview_layout(page)
        if extra is not None:
            layout.addLayout(extra)
        layout.addWidget(QLabel("<b>Columns</b>: change a choice if a column was misread.", page))
        layout.addWidget(self.mapping_table, 3)
        layout.addWidget(QLabel("<b>First rows</b> as they will be imported:", page))
        layout.addWidget(self.sample_table, 2)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.problems_list, 1)
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
        for widget in self.extra_done_widgets(page):
            layout.addWidget(widget)
        layout.addStretch(1)
        return page

    # -- step 1 ---------------------------------------------------------------------------
    def browse(self) -> None:
        path = self.ctx.prompts.open_file(self, self.browse_title, self.file_filter)
        if path is not None:
            self.path_edit.setText(str(path))
            self.preview()

    def overrides(self) -> dict[str, str]:
        """{column: field} as the mapping table's choices stand."""
        result = {}
        for row in range(self.mapping_table.rowCount()):
            item, combo = self.mapping_table.item(row, 0), self.mapping_table.cellWidget(row, 1)
            if item is not None and isinstance(combo, QComboBox):
                result[item.text()] = combo.currentData() or ""
        return result

    def preview(self, overrides: dict[str, str] | None = None) -> None:
        text = self.path_edit.text().strip()
        if not text or self.busy:
            return
        job = Job(self.plan_job(Path(text).expanduser(), overrides), name="plan import")
        job.finished.connect(self.show_plan)
        job.failed.connect(self._failed)
        job.cancelled.connect(lambda: self._set_busy(False))
        self._set_busy(True, "Reading the file…")
        self.ctx.runner.start(job)

    # -- step 2 ---------------------------------------------------------------------------
    def show_plan(self, plan: Any) -> None:
        self._set_busy(False)
        self.plan = plan
        details = [f"<b>{html.escape(plan.path.name)}</b>: {self.format_name(plan.format)}"]
        if plan.encoding:
            details.append(f"encoding {plan.encoding}")
        if plan.delimiter:
            details.append("delimiter " + DELIMITER_NAMES.get(plan.delimiter,
                                                              repr(plan.delimiter)))
        details.append(f"{plan.total_rows} rows, {plan.valid_rows} ready to import")
        details.extend(self.plan_details(plan))
        self.summary_label.setText(", ".join(details) + "." + self.plan_footer(plan))
        self._fill_mapping(plan)
        self._fill_sample(plan)
        self._show_problems(plan)
        self.steps.setCurrentIndex(PREVIEW)
        self._update_buttons()

    def _fill_mapping(self, plan: Any) -> None:
        self.mapping_table.setRowCount(0)
        choices = self.field_choices()
        for row, header in enumerate(plan.headers):
            self.mapping_table.insertRow(row)
            header_item = QTableWidgetItem(header)
            self.mapping_table.setItem(row, 0, header_item)
            combo = QComboBox(self.mapping_table)
            combo.setAccessibleName(f"Field for column {header}")
            for label, field in choices:
                combo.addItem(label, field)
            combo.setCurrentIndex(max(0, combo.findData(self.chosen_field(plan, header))))
            combo.currentIndexChanged.connect(lambda _i: self.preview(self.overrides()))
            self.mapping_table.setCellWidget(row, 1, combo)
            if not self.notes_column:
                continue
            note = QTableWidgetItem(self.column_note(plan, header))
            if note.text():
                red = QBrush(QColor(ERROR_COLOUR))
                for item in (header_item, note):
                    item.setForeground(red)
                    item.setToolTip(note.text())
            self.mapping_table.setItem(row, 2, note)

    def _fill_sample(self, plan: Any) -> None:
        self.sample_table.setRowCount(0)
        for row, item in enumerate(plan.sample):
            self.sample_table.insertRow(row)
            for col, value in enumerate(self.sample_cells(item)):
                self.sample_table.setItem(row, col, QTableWidgetItem(value))

    def _show_problems(self, plan: Any) -> None:
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
                f"while they remain: {self.fix_hint}")
        else:
            self.problems_label.setText("Every row can be imported.")
        self.problems_list.setVisible(bool(plan.problems))
        self.skip_check.setVisible(bool(plan.problems))

    def can_import(self) -> bool:
        plan = self.plan
        if plan is None or self.busy or plan.blocking or plan.valid_rows == 0:
            return False
        return not plan.problems or self.skip_check.isChecked()

    def _update_buttons(self) -> None:
        step = self.steps.currentIndex()
        on_preview = step == PREVIEW
        self.back_button.setVisible(on_preview)
        self.preview_button.setVisible(step == CHOOSE)
        self.preview_button.setEnabled(bool(self.path_edit.text().strip()) and not self.busy)
        self.import_button.setVisible(on_preview)
        self.import_button.setEnabled(on_preview and self.can_import())
        self.cancel_button.setVisible(step != DONE)
        self.close_button.setVisible(step == DONE)

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

    # -- step 3 ---------------------------------------------------------------------------
    def start_import(self) -> None:
        plan = self.plan
        if plan is None or not self.can_import():
            return
        job = Job(self.import_job(plan.path, self.overrides(), self.skip_check.isChecked()),
                  name="import")
        job.progress.connect(self._on_progress)
        job.finished.connect(self._imported)
        job.failed.connect(self._failed)
        job.cancelled.connect(self._import_cancelled)
        self._set_busy(True, "Importing…")
        self.progress_dialog = run_with_progress(
            self.ctx.runner, job, self, title=self.progress_title,
            label=self.progress_label.format(name=plan.path.name))

    def _on_progress(self, done: int, total: int) -> None:
        self.progress_seen = (done, total)

    def _imported(self, report: Any) -> None:
        self._set_busy(False)
        self.show_report(report)
        self.steps.setCurrentIndex(DONE)
        self.imported.emit(report)

    def _import_cancelled(self) -> None:
        self._set_busy(False)
        self.error_label.setText("Import cancelled; nothing was saved.")
        self.error_label.show()
