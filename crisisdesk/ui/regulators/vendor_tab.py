"""The Monitoring vendor tab: write the eligibility file for the credit-monitoring vendor, read
back its enrolment file, and see the enrolment rate by state. Files are written and read in a
worker (a large incident has tens of thousands of rows)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTableWidgetItem, QWidget

from crisisdesk.domain.vendor_files import StateRate
from crisisdesk.services import vendor_exchange as vendor_service
from crisisdesk.services.session import Session
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.prompts import CSV_FILTER
from crisisdesk.ui.widgets.build import note_label
from crisisdesk.ui.widgets.buttons import push_button
from crisisdesk.ui.widgets.layouts import hbox, vbox
from crisisdesk.ui.widgets.tables import read_only_table
from crisisdesk.ui.workers import Job, in_thread_session

ENROLMENT_FILTER = "Enrolment files (*.csv *.xlsx);;All files (*)"


class VendorTab(QWidget):
    changed = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.job: Job | None = None
        self.note = note_label(self, "Monitoring vendor")
        self.note.setText("The eligibility file lists each letter with an enrollment code: "
                          "reference, name, address, date of birth, minor (Y/N) and code. The "
                          "vendor's enrolment file comes back with the reference and the "
                          "enrolment date; one unknown reference and nothing is applied.")
        self.export_button = push_button(self, "&Export eligibility file…", self.export)
        self.import_button = push_button(self, "&Import enrolment file…", self.import_file)
        self.rates = read_only_table(self, "Enrolment rate by state",
                                     ("State", "Eligible", "Enrolled", "Rate"))
        vbox(self, self.note, hbox(self.export_button, self.import_button, (QWidget(self), 1)),
             (self.rates, 1), margins=4)

    def refresh(self, session: Session) -> None:
        self.show_rates(vendor_service.enrolment_rates(session))

    def clear(self) -> None:
        self.rates.setRowCount(0)

    def show_rates(self, rates: list[StateRate]) -> None:
        self.rates.setRowCount(len(rates))
        for row, r in enumerate(rates):
            for column, text in enumerate((r.state, f"{r.eligible:,}", f"{r.enrolled:,}",
                                           f"{r.rate:.0%}")):
                self.rates.setItem(row, column, QTableWidgetItem(text))

    def _run(self, work: Any, done: Any, name: str) -> None:
        job = Job(in_thread_session(self.ctx.session, work), name=name)
        job.finished.connect(done)
        job.failed.connect(self.ctx.show_error)
        self.job = job
        self.ctx.runner.start(job)

    def export(self) -> None:
        path = self.ctx.prompts.save_file(self, "Eligibility file", "eligibility.csv",
                                          CSV_FILTER)
        if path is None:
            return

        def work(twin: Session, **_: object) -> int:
            return vendor_service.export_eligibility(twin, Path(path))

        def done(count: int) -> None:
            self.ctx.messages.show_info(f"Wrote {count:,} people to {path.name}.")
            self.changed.emit()

        self._run(work, done, "eligibility export")

    def import_file(self) -> None:
        path = self.ctx.prompts.open_file(self, "Vendor enrolment file", ENROLMENT_FILTER)
        if path is None:
            return

        def work(twin: Session, **_: object) -> vendor_service.ImportSummary:
            return vendor_service.import_enrolments(twin, Path(path))

        def done(summary: vendor_service.ImportSummary) -> None:
            self.ctx.messages.show_info(f"Applied {summary.applied:,} rows ({summary.new:,} "
                                        "newly enrolled).")
            self.show_rates(list(summary.rates))
            self.changed.emit()

        self._run(work, done, "enrolment import")
