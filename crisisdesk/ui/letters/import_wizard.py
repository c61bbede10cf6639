"""Import an affected-patient list: choose the file, confirm what was read, then import.

The three steps are the shared `ImportWizard`'s. What is particular to patient lists: the
date format is shown and can be changed, above all, since a file re-saved in another locale
swaps day and month; bad rows block the import unless "set aside for review" is ticked (an
unusable address is not a bad row: the person is imported with insufficient address and
counted); and the last page says how many people were counted where, and the substitute
notice that follows.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLayout, QWidget

from crisisdesk.domain.recipient_columns import FIELDS
from crisisdesk.domain.recipients import FORMAT_BY_LABEL
from crisisdesk.services.letters import batches as letter_service
from crisisdesk.services.letters.batches import RecipientImportReport, RecipientPlan
from crisisdesk.ui.widgets.import_wizard import ImportWizard
from crisisdesk.ui.workers import JobFn, in_thread_session

IGNORE_LABEL = "(ignore this column)"
FILTER = "Patient lists (*.csv *.tsv *.txt *.xlsx);;All files (*)"


class RecipientImportWizard(ImportWizard):
    """The affected-patient list import wizard."""

    title = "Import the affected-patient list"
    initial_size = (860, 680)
    intro = ("Choose the list of affected patients (CSV or Excel .xlsx), as exported from the "
             "EHR or sent by the forensics firm. You will see how each column and date is read, "
             "and every row that cannot be used, before anything is saved.")
    browse_title = "Choose the affected-patient list"
    file_filter = FILTER
    field_column = "Recipient field"
    sample_columns = ("Name", "Born", "Address", "Died")
    skip_text = "&Set the bad rows aside in the review list and import the rest"
    fix_hint = "fix the file, or set them aside to fix later."
    progress_title = "Importing patients"

    @property
    def aside_check(self) -> Any:
        """The "set aside for review" box (the shared wizard's skip box)."""
        return self.skip_check

    def extra_preview_layout(self, page: QWidget) -> QLayout | None:
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
        return dates

    def extra_done_widgets(self, page: QWidget) -> list[QWidget]:
        self.substitute_label = QLabel(page)
        self.substitute_label.setWordWrap(True)
        return [self.substitute_label]

    def date_format(self) -> str:
        return str(self.date_combo.currentData() or "") if self.plan is not None else ""

    def plan_job(self, path: Path, overrides: dict[str, str] | None) -> JobFn:
        fmt = self.date_format() if overrides else ""

        def work(session: Any, *, progress: Any, is_cancelled: Any) -> RecipientPlan:
            return letter_service.plan_recipients(session, path, mapping_overrides=overrides,
                                                  date_format=fmt, progress=progress,
                                                  is_cancelled=is_cancelled)

        return in_thread_session(self.ctx.session, work)

    def import_job(self, path: Path, overrides: dict[str, str], skip: bool) -> JobFn:
        fmt = self.date_format()

        def work(session: Any, *, progress: Any, is_cancelled: Any) -> RecipientImportReport:
            return letter_service.import_recipients(
                session, path, mapping_overrides=overrides, date_format=fmt,
                set_aside_invalid=skip, progress=progress, is_cancelled=is_cancelled)

        return in_thread_session(self.ctx.session, work)

    def field_choices(self) -> list[tuple[str, str]]:
        return [(IGNORE_LABEL, ""), *((f.replace("_", " ").replace("nok", "next of kin"), f)
                                      for f in FIELDS)]

    def plan_details(self, plan: RecipientPlan) -> list[str]:
        parts = []
        if plan.valid_rows:
            parts.append(f"{plan.usable} with a usable address, {plan.insufficient} with "
                         "insufficient address (imported and counted toward substitute notice)")
        if plan.zip_repaired:
            parts.append(f"{plan.zip_repaired} ZIP codes missing their leading zero repaired")
        if plan.remembered:
            parts.append("columns as mapped last time for this source")
        return parts

    def show_plan(self, plan: RecipientPlan) -> None:
        super().show_plan(plan)
        self.date_combo.setCurrentIndex(max(0, self.date_combo.findData(plan.date_format)))
        self.date_note.setText("<b>Check this</b>: these dates also read the other way round."
                               if plan.date_ambiguous else "")

    def sample_cells(self, item: Any) -> Sequence[str]:
        return (item.name, item.birth_date.isoformat() if item.birth_date else "",
                ", ".join(item.address.lines()),
                item.death_date.isoformat() if item.death_date else "")

    def show_report(self, report: RecipientImportReport) -> None:
        self.done_label.setText(f"Imported. {report.summary}.")
        self.substitute_label.setText(report.substitute.text if report.substitute else "")
