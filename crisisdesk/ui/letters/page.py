"""The Letters page: from the affected-patient list to printed, mailed and tracked letters.

The top of the page is the guided pipeline (import -> classify -> codes -> batch -> render ->
print -> mailed), each step with its state in words, its count and the one button that moves it
on; the buttons open the same wizard, dialogs and services as the rest of the page. Below it:
the substitute-notice rule as soon as it applies, the batches (preview, render, print, mark
printed and mailed, reprint) and the mailing log. Everything long (import, classify, render)
runs in a worker with progress and Cancel, and so does reading the counts
(`services.letters.pipeline.overview`): on a 100,000-recipient desk they take longer than the
window may stall.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crisisdesk.domain.errors import UserError
from crisisdesk.domain.formatting import count_of
from crisisdesk.domain.letters import SUBSTITUTE_WEB_TEMPLATE, LetterStatus
from crisisdesk.services.letters import batches as letter_service
from crisisdesk.services.letters import codes as letter_codes
from crisisdesk.services.letters import mailing_log as mailing_log
from crisisdesk.services.letters import pipeline as letter_pipeline
from crisisdesk.services.letters import render as letter_render
from crisisdesk.services.letters import report as letter_report
from crisisdesk.services.letters.batches import BatchSpec
from crisisdesk.services.localtime import today
from crisisdesk.services.next_steps import letters_step
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.letters.dialogs import BatchDialog, CodesDialog, PreviewDialog, print_letters
from crisisdesk.ui.letters.import_wizard import RecipientImportWizard
from crisisdesk.ui.letters.mailing import RemailDialog, ReprintDialog
from crisisdesk.ui.letters.pipeline_panel import PipelinePanel
from crisisdesk.ui.letters.render_speed import RenderSpeed
from crisisdesk.ui.letters.resends_panel import ResendsPanel
from crisisdesk.ui.letters.review import ReviewDialog
from crisisdesk.ui.page import NextStepHook, Page
from crisisdesk.ui.widgets.errors import user_errors
from crisisdesk.ui.widgets.layouts import WrapLabel
from crisisdesk.ui.widgets.tables import read_only_table
from crisisdesk.ui.workers import Job, in_thread_session, run_with_progress

STATUSES = [s.value for s in LetterStatus]
MNEMONICS = {"Import patient list…": "&Import patient list…", "Import more…": "&Import more…",
             "Classify": "&Classify", "Classify again": "&Classify again",
             "Import codes…": "Import &codes…", "Import more codes…": "Import more &codes…",
             "New batch…": "&New batch…"}


class LettersPage(Page):
    title = "Letters"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.wizard: RecipientImportWizard | None = None
        self.last_render: letter_render.RenderReport | None = None
        self.overview: letter_pipeline.LettersOverview | None = None
        self.loading = False  # an overview is being read in the worker
        self._reading = False
        self._generation = self._read_generation = 0
        self._closed_at = 0  # the generation when the desk last locked
        heading = QLabel("Patient letters", self)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        heading.setFont(font)
        self.incident_label = QLabel(self)
        self.summary_label = WrapLabel(self)
        self.summary_label.setWordWrap(True)
        self.summary_label.setAccessibleName("Letter counts")
        self.substitute_label = WrapLabel(self)
        self.substitute_label.setWordWrap(True)
        substitute_row = QHBoxLayout()
        substitute_row.addWidget(self.substitute_label, 1)
        self.substitute_button = self._button("Issue substitute &web notice…",
                                              self.open_substitute_notice, substitute_row)
        self.substitute_button.setToolTip(f"Opens the approved {SUBSTITUTE_WEB_TEMPLATE} "
                                          "template to fill and issue (Templates page).")
        self.substitute_button.hide()
        self.pipeline = PipelinePanel(
            {"import": self.open_import, "classify": self.classify, "codes": self.import_codes,
             "batch": self.new_batch, "render": lambda: self.step_action("render"),
             "print": lambda: self.step_action("print"),
             "mailed": lambda: self.step_action("mailed")},
            {"import": "&Import patient list…", "classify": "&Classify",
             "codes": "Import &codes…", "batch": "&New batch…"}, self)
        self.import_button = self.pipeline.buttons["import"]
        self.classify_button = self.pipeline.buttons["classify"]
        self.codes_button = self.pipeline.buttons["codes"]
        self.batch_button = self.pipeline.buttons["batch"]
        paper_bar = QHBoxLayout()
        self.review_button = self._button("Review &list…", self.open_review, paper_bar)
        self.align_button = self._button("&Alignment page…", self.alignment, paper_bar)
        self.export_button = self._button("&Export mailing log…", self.export_log, paper_bar)
        self.report_button = self._button("Counts rep&ort…", self.counts_report, paper_bar)
        paper_bar.addStretch(1)
        self.batches = read_only_table(self, "Letter batches",
                                       ["Batch", "Letters", "Dated", "Rendered", "Printed"])
        batch_bar = QHBoxLayout()
        self.preview_button = self._button("Pre&view", self.preview, batch_bar)
        self.render_button = self._button("&Render to PDF…", self.render_batch, batch_bar)
        self.print_button = self._button("&Print…", self.print_batch, batch_bar)
        self.printed_button = self._button("Mark p&rinted", lambda: self.mark("printed"),
                                           batch_bar)
        self.mailed_button = self._button("Mark &mailed", lambda: self.mark("mailed"), batch_bar)
        self.reprint_button = self._button("Reprint ran&ge…", self.reprint_range, batch_bar)
        batch_bar.addStretch(1)
        self.resends = ResendsPanel(ctx, self)
        self.totals = read_only_table(self, "Letters by state and status",
                                      ["State", *STATUSES])
        returned = QHBoxLayout()
        self.reference_edit = QLineEdit(self)
        self.reference_edit.setPlaceholderText("Scan or type the reference of a returned letter")
        self.reference_edit.setAccessibleName("Returned letter reference")
        self.reference_edit.returnPressed.connect(self.mark_returned)
        returned.addWidget(self.reference_edit, 1)
        self._button("Mark re&turned", self.mark_returned, returned)
        self.remail_button = self._button("Re-mail to new a&ddress…", self.remail, returned)
        # The pipeline, the batches and the mailing log need more height than a laptop screen
        # has: the page scrolls rather than squeezing a wrapped line or a table to nothing.
        content = QWidget(self)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        layout = QVBoxLayout(content)
        layout.setContentsMargins(24, 20, 24, 20)
        for widget in (heading, self.incident_label, self.pipeline, self.summary_label):
            layout.addWidget(widget)
        layout.addLayout(substitute_row)
        layout.addLayout(paper_bar)
        layout.addWidget(QLabel("<b>Batches</b>", self))
        layout.addWidget(self.batches, 2)
        layout.addLayout(batch_bar)
        layout.addWidget(self.resends)
        layout.addWidget(QLabel("<b>Mailing log</b>: letters by state and status", self))
        layout.addWidget(self.totals, 3)
        layout.addLayout(returned)

    def _button(self, text: str, slot: Any, row: QHBoxLayout) -> QPushButton:
        button = QPushButton(text, self)
        button.clicked.connect(lambda _c=False: slot())
        row.addWidget(button)
        return button

    # -- reading ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the overview in the worker; `show_overview` puts it on screen. One read at a
        time: a change during a read asks for one more read when it ends."""
        self._generation += 1
        self.loading = True
        if self._reading:
            return
        self._reading = True
        self._read_generation = self._generation

        def work(session: Any, *, progress: Any, is_cancelled: Any) -> Any:
            return letter_pipeline.overview(session)

        job = Job(in_thread_session(self.ctx.session, work), name="letters overview")
        # Bound methods, not lambdas: Qt drops them with the page, so a read that ends after
        # the page is gone never touches its widgets.
        job.finished.connect(self._loaded)
        job.failed.connect(self._load_failed)
        self.ctx.runner.start(job)

    def _load_failed(self, err: BaseException) -> None:
        self._loaded(None, err)

    def _loaded(self, overview: letter_pipeline.LettersOverview | None,
                err: BaseException | None = None) -> None:
        self._reading = False
        if self._read_generation != self._generation:  # changed (or locked) during the read
            if self._generation > self._closed_at and self.ctx.state.unlocked:
                self.refresh()  # changed, not locked since the last request: read again
            return
        if not self.ctx.state.unlocked:
            return
        self.loading = False
        if err is not None:
            self.ctx.show_error(err)
        elif overview is not None:
            self.show_overview(overview)

    def show_overview(self, overview: letter_pipeline.LettersOverview) -> None:
        self.overview = overview
        self.pipeline.show_steps(overview.steps, MNEMONICS)
        has_incident = bool(overview.incident_title)
        for w in (self.export_button, self.review_button, self.report_button):
            w.setEnabled(has_incident)
        if not has_incident:
            self.incident_label.setText("There is no current incident: create one first.")
            self.summary_label.clear()
            self.substitute_label.clear()
            self.substitute_button.hide()
            self.batches.setRowCount(0)
            self.totals.setRowCount(0)
            self.resends.clear_rows()
            self.show_next_step()
            return
        self.incident_label.setText(f"Incident: {overview.incident_title}")
        self.summary_label.setText(overview.summary)
        notice = overview.substitute
        listed = overview.steps[0].state is letter_pipeline.StepState.DONE
        self.substitute_label.setText(notice.text if notice is not None and (
            listed or notice.required) else "")
        self.substitute_button.setVisible(notice is not None
                                          and notice.required == "web_or_media")
        review = overview.review
        self.review_button.setText(f"Review &list ({review})…" if review else "Review &list…")
        chosen = self.batches.selectedItems()
        kept = self.batches.item(chosen[0].row(), 0) if chosen else None
        keep = kept.text() if kept is not None else ""
        batches = overview.batches
        self.batches.setRowCount(len(batches))
        for row, b in enumerate(batches):
            cells = (str(b.number), f"{b.letter_count:,}", b.letter_date, b.rendered_at[:10],
                     b.printed_at[:10])
            for col, text in enumerate(cells):
                self.batches.setItem(row, col, QTableWidgetItem(text))
        if keep:
            self.select_number(int(keep))
        if batches and not self.batches.selectedItems():
            self.batches.selectRow(len(batches) - 1)
        totals = overview.totals
        self.totals.setRowCount(len(totals))
        for row, (state, counts) in enumerate(totals.items()):
            self.totals.setItem(row, 0, QTableWidgetItem(state))
            for col, status in enumerate(STATUSES, start=1):
                self.totals.setItem(row, col, QTableWidgetItem(f"{counts.get(status, 0):,}"))
        self.resends.refresh()
        self.show_next_step()

    def next_step(self) -> NextStepHook:
        step = self.overview.next if self.overview is not None else None
        if step is None:
            return None
        detail = step.count if step.state is letter_pipeline.StepState.READY else step.reason
        slot = self.pipeline.buttons[step.key].click if step.action and \
            step.state is letter_pipeline.StepState.READY else None
        return letters_step(step.title, detail, step.action), slot

    def select_number(self, number: int) -> bool:
        """Select batch `number` in the table (True when it is there)."""
        for row in range(self.batches.rowCount()):
            item = self.batches.item(row, 0)
            if item is not None and item.text() == str(number):
                self.batches.selectRow(row)
                return True
        return False

    def step_action(self, key: str) -> None:
        """The render, print and mail steps act on the batch their row names."""
        step = self.pipeline.steps.get(key)
        if step is None or step.batch is None or not self.select_number(step.batch):
            return
        if key == "render":
            self.render_batch()
        elif key == "print":
            self.mark("printed")
        else:
            self.mark("mailed")

    def clear(self) -> None:
        self._generation += 1
        self._closed_at = self._generation
        self.loading = False
        self.overview = None
        self.pipeline.clear()
        for label in (self.incident_label, self.summary_label, self.substitute_label):
            label.clear()
        self.substitute_button.hide()
        self.batches.setRowCount(0)
        self.totals.setRowCount(0)
        self.resends.clear_rows()
        self.reference_edit.clear()

    def selected_batch(self) -> str | None:
        items = self.batches.selectedItems()
        if not items:
            self.ctx.messages.show_warning("Choose a batch first (or create one).")
            return None
        number = self.batches.item(items[0].row(), 0)
        return number.text() if number is not None else None

    # -- actions ----------------------------------------------------------------------------
    def _run(self, work: Any, name: str, label: str, done: Any) -> Job:
        job = Job(in_thread_session(self.ctx.session, work), name=name)
        job.finished.connect(done)
        job.failed.connect(self._failed)
        job.cancelled.connect(lambda: self._cancelled(name, job))
        self.progress_dialog = run_with_progress(self.ctx.runner, job, self, title=name,
                                                 label=label)
        return job

    def _cancelled(self, name: str, job: Job) -> None:
        """Say what the work said as it stopped (what is kept), and show what it left."""
        self.ctx.messages.show_info(job.cancel_note or f"{name.capitalize()} cancelled.")
        self.ctx.state.notify_changed()

    def _failed(self, err: BaseException) -> None:
        self.ctx.show_error(err)
        self.ctx.state.notify_changed()

    def _done(self, text: str) -> None:
        self.ctx.messages.show_info(text)
        self.ctx.state.notify_changed()

    def open_import(self) -> None:
        self.wizard = RecipientImportWizard(self.ctx, self)
        self.wizard.imported.connect(lambda _r: self.ctx.state.notify_changed())
        self.wizard.open()

    def classify(self) -> None:
        def work(session: Any, *, progress: Any, is_cancelled: Any) -> Any:
            return letter_service.classify_recipients(session, progress=progress,
                                                      is_cancelled=is_cancelled)

        self._run(work, "classify", "Classifying recipients…", lambda r: self._done(
            f"Classified {r.total:,} recipients. {r.substitute.text}"))

    def import_codes(self) -> None:
        path = self.ctx.prompts.open_file(self, "Choose the enrollment code file",
                                          "Code lists (*.csv *.txt *.xlsx);;All files (*)")
        if path is None:
            return
        dialog = CodesDialog(today(self.ctx.session), self)
        dialog.accepted.connect(lambda: self._import_codes(path, *dialog.values()))
        self.codes_dialog = dialog
        dialog.open()

    def _import_codes(self, path: Path, expires: dt.date, url: str, months: int) -> None:
        with user_errors(self.ctx.messages):
            report = letter_codes.import_codes(self.ctx.session, path, expires_on=expires,
                                               enrollment_url=url, monitoring_months=months)
            self._done(f"Imported {report.imported:,} codes; {report.free_codes:,} unused.")

    def new_batch(self) -> None:
        report = letter_service.classification(self.ctx.session)
        dialog = BatchDialog(sorted(report.by_state), today(self.ctx.session), self)
        dialog.accepted.connect(lambda: self._create_batch(dialog.spec()))
        self.batch_dialog = dialog
        dialog.open()

    def _create_batch(self, spec: BatchSpec) -> None:
        with user_errors(self.ctx.messages):
            batch = letter_service.create_batch(self.ctx.session, spec=spec)
            note = f" Note: {batch.language_note}." if batch.language_note else ""
            self._done(f"Created batch {batch.number} with {batch.letter_count:,} letters.{note}")

    def preview(self) -> None:
        number = self.selected_batch()
        if number is None:
            return
        with user_errors(self.ctx.messages):
            layout, letters = letter_render.preview(self.ctx.session, number, 3)
            self.preview_dialog = PreviewDialog(layout, letters, self)
            self.preview_dialog.open()

    def render_batch(self, folder: Path | None = None, name: str = "") -> Job | None:
        """Render the selected batch into `folder` under the file name the person typed (a
        batch of several files gets the name with -part001-of003 and so on)."""
        number = self.selected_batch()
        if number is None:
            return None
        if folder is None:
            chosen = self.ctx.prompts.save_file(self, "Where to save the batch's PDF files",
                                                f"batch-{number}.pdf", "PDF files (*.pdf)")
            if chosen is None:
                return None
            folder, name = chosen.parent, chosen.name
        from crisisdesk.printing.letter_workers import LetterWorkers
        from crisisdesk.printing.letters import open_letter_pdf

        def work(session: Any, *, progress: Any, is_cancelled: Any) -> Any:
            return letter_render.render_batch(session, number, folder, open_letter_pdf,
                                              progress=progress, is_cancelled=is_cancelled,
                                              printer=LetterWorkers, name=name)

        def rendered(report: letter_render.RenderReport) -> None:
            self.last_render = report
            where = (report.files[0] if len(report.files) == 1 else
                     f"{count_of(len(report.files), 'file')} in {folder}")
            self._done(f"Rendered {count_of(report.letters, 'letter')} into {where}.")

        job = self._run(work, "render letters", f"Rendering batch {number}…", rendered)
        dialog, speed = self.progress_dialog, RenderSpeed(f"Rendering batch {number}")

        def show_speed(done: int, total: int) -> None:
            if not job.is_cancelled():  # "Cancelling…" stays until the workers are stopped
                dialog.setLabelText(speed.text(done, total))

        job.progress.connect(show_speed)
        return job

    def print_batch(self) -> None:
        number = self.selected_batch()
        if number is None:
            return
        session = self.ctx.session
        layout = letter_render.letter_layout(session)
        count = letter_service.get_batch(session, number).letter_count
        dialog = print_letters(self, layout,
                               lambda: letter_render.preview(session, number, count)[1])
        dialog.accepted.connect(lambda: self._sent_to_printer(number))
        self.print_dialog = dialog
        dialog.open()

    def _sent_to_printer(self, number: str) -> None:
        with user_errors(self.ctx.messages):
            letter_service.record_direct_print(self.ctx.session, number)
            self._done("Sent to the printer; mark the batch printed when the pages are out.")

    def mark(self, status: str) -> None:
        number = self.selected_batch()
        if number is None:
            return
        with user_errors(self.ctx.messages):
            report = mailing_log.mark_batch(self.ctx.session, number, LetterStatus(status))
            self._done(f"Marked {report.changed} letters of batch {number} {status}.")

    def mark_returned(self) -> None:
        text = self.reference_edit.text().strip()
        if not text:
            return
        with user_errors(self.ctx.messages):
            ref = mailing_log.mark_returned(self.ctx.session, text)
            self.reference_edit.clear()
            self._done(f"Letter {ref} marked returned.")

    def alignment(self) -> None:
        path = self.ctx.prompts.save_file(self, "Save the envelope alignment page",
                                          "envelope-alignment.pdf", "PDF files (*.pdf)")
        if path is None:
            return
        from crisisdesk.printing.letter_alignment import alignment_pdf

        alignment_pdf(letter_render.letter_layout(self.ctx.session), path)
        self.ctx.messages.show_info(f"Wrote the alignment page to {path}; print it at 100%.")

    def export_log(self) -> None:
        path = self.ctx.prompts.save_file(self, "Export the mailing log", "mailing-log.csv",
                                          "CSV files (*.csv)")
        if path is None:
            return
        with user_errors(self.ctx.messages):
            count = mailing_log.export_csv(self.ctx.session, path)
            self._done(f"Exported {count} letters to {path}.")

    # -- review list, mailing-log corrections, reports --------------------------------------
    def open_review(self) -> None:
        self.review_dialog = ReviewDialog(self.ctx, self)
        self.review_dialog.changed.connect(self.ctx.state.notify_changed)
        self.review_dialog.open()

    def remail(self) -> None:
        self.remail_dialog = RemailDialog(self.ctx, self.reference_edit.text().strip(), self)
        self.remail_dialog.submitted.connect(self._remailed)
        self.remail_dialog.open()

    def _remailed(self, ref: str) -> None:
        self.reference_edit.clear()
        self._done(f"Letter {ref} recorded as re-mailed to the corrected address.")

    def reprint_range(self, span: tuple[int, int] | None = None,
                      path: Path | None = None) -> Job | None:
        """Print letters first..last of the selected batch again, into one PDF (a worker)."""
        number = self.selected_batch()
        if number is None:
            return None
        if span is None:
            count = letter_service.get_batch(self.ctx.session, number).letter_count
            dialog = ReprintDialog(number, count, self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            span = dialog.span()
        first, last = span
        if path is None:
            path = self.ctx.prompts.save_file(
                self, "Save the reprinted letters",
                f"reprint-batch{number}-letters-{first}-{last}.pdf", "PDF files (*.pdf)")
            if path is None:
                return None
        from crisisdesk.printing.letters import open_letter_pdf

        target = path

        def work(session: Any, *, progress: Any, is_cancelled: Any) -> Any:
            return letter_render.reprint(session, number, first, last, target,
                                         open_letter_pdf, progress=progress,
                                         is_cancelled=is_cancelled)

        return self._run(work, "reprint letters", f"Reprinting letters {first}-{last} of "
                         f"batch {number}…", lambda n: self._done(
                             f"Wrote {n} letters (batch {number}, {first}-{last}) to {target}; "
                             "print it, then mark the batch printed if it was not."))

    def counts_report(self, path: Path | None = None) -> Job | None:
        """The counts report for counsel as a PDF, laid out in a worker."""
        if path is None:
            path = self.ctx.prompts.save_file(self, "Save the counts report for counsel",
                                              "letter-counts.pdf", "PDF files (*.pdf)")
            if path is None:
                return None
        from crisisdesk.printing.letter_report import write_pdf

        target = path

        def work(session: Any, *, progress: Any, is_cancelled: Any) -> Any:
            return letter_report.save_counsel_report(session, target, write_pdf)

        return self._run(work, "counts report", "Writing the counts report…", lambda r: self._done(
            f"Wrote the counts report ({r.total.rows} rows, {len(r.states)} states) to "
            f"{target}."))

    def open_substitute_notice(self) -> None:
        """Open the shipped substitute web notice in the Templates page's issue dialog."""
        from crisisdesk.ui.templates.issue_dialog import IssueDialog

        with user_errors(self._no_substitute_notice):
            self.issue_dialog = IssueDialog(self.ctx, SUBSTITUTE_WEB_TEMPLATE, self)
            self.issue_dialog.issued.connect(lambda _m: self._done(
                "Substitute web notice issued; it is in the communication log. Record the "
                "posting dates on the deadlines when it is live."))
            self.issue_dialog.open()

    def _no_substitute_notice(self, err: UserError) -> None:
        self.ctx.messages.show_warning(
            f"{err} Approve the {SUBSTITUTE_WEB_TEMPLATE} template on the Templates page, "
            "then issue it from there or with this button.")
