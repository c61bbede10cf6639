"""The Letters page's list of re-sends callers asked for on the hotline, with the button that
reprints the chosen ones into one PDF (`services.letters.resend`, in the worker).

It shows where each letter is (batch, place, reference) and when it was asked, in the desk's
zone; nothing about the patient. A reprinted request leaves the list, here and on the
hotline's follow-ups. The panel hides itself when nothing is waiting.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QAbstractItemView, QGroupBox, QTableWidgetItem, QWidget

from crisisdesk.domain.formatting import count_of
from crisisdesk.services.letters import resend
from crisisdesk.services.localtime import zone
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.widgets.buttons import push_button
from crisisdesk.ui.widgets.layouts import WrapLabel, hbox, vbox
from crisisdesk.ui.widgets.table_model import time_formatter
from crisisdesk.ui.widgets.tables import read_only_table
from crisisdesk.ui.workers import Job, in_thread_session, run_with_progress


class ResendsPanel(QGroupBox):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__("Re-sends asked for by callers", parent)
        self.ctx = ctx
        self.ids: list[str] = []
        self._generation = 0  # a read started before a lock or a newer read is dropped
        self.target = Path()
        self.table = read_only_table(self, "Re-sends asked for by callers",
                                     ["Batch", "Letter", "Reference", "Asked"])
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        note = WrapLabel(self)
        note.setText("Reprinted in each caller's current letter language, then marked re-sent "
                     "on the hotline's follow-ups; print and mail the PDF.")
        self.reprint_button = push_button(self, "Reprint selected re-&sends…", self.reprint,
                                          "Write the chosen letters again into one PDF")
        vbox(self, note, self.table, hbox((QWidget(self), 1), self.reprint_button))
        self.hide()

    def refresh(self) -> None:
        """Read the waiting re-sends of the current incident in the worker (the page reads
        its overview there too); `show_waiting` puts them on screen."""
        session = self.ctx.state.current
        if session is None:
            self.clear_rows()
            return
        self._generation += 1
        asked = self._generation

        def work(twin: Any, *, progress: Any, is_cancelled: Any) -> Any:
            return resend.waiting(twin), zone(twin), asked

        job = Job(in_thread_session(session, work), name="re-sends waiting")
        job.finished.connect(self._read)  # bound methods: dropped with the panel
        job.failed.connect(self._read_failed)
        self.ctx.runner.start(job)

    def _read(self, result: tuple[list[resend.ResendRequest], Any, int]) -> None:
        found, tz, asked = result
        if asked == self._generation and self.ctx.state.unlocked:
            self.show_waiting(found, tz)

    def _read_failed(self, err: BaseException) -> None:
        if self.ctx.state.unlocked:
            self.ctx.show_error(err)

    def show_waiting(self, found: list[resend.ResendRequest], tz: Any) -> None:
        show = time_formatter(tz)
        kept = set(self.selected_ids())
        self.table.setRowCount(len(found))
        self.ids = [r.id for r in found]
        for row, r in enumerate(found):
            for col, text in enumerate((str(r.batch), str(r.seq), r.reference, show(r.at))):
                self.table.setItem(row, col, QTableWidgetItem(text))
        for row, rid in enumerate(self.ids):
            if rid in kept:
                self.table.selectRow(row)
        self.setVisible(bool(found))

    def selected_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectedItems()})
        return [self.ids[r] for r in rows if 0 <= r < len(self.ids)]

    def reprint(self, _checked: bool = False, path: Path | None = None) -> Job | None:
        """Reprint the selected re-sends (all of them when none is selected) into one PDF."""
        chosen = self.selected_ids() or list(self.ids)
        if not chosen:
            self.ctx.messages.show_warning("No re-send is waiting.")
            return None
        if path is None:
            path = self.ctx.prompts.save_file(self, "Save the re-sent letters",
                                              "re-sends.pdf", "PDF files (*.pdf)")
            if path is None:
                return None
        from crisisdesk.printing.letters import open_letter_pdf

        target = path

        def work(session: Any, *, progress: Any, is_cancelled: Any) -> Any:
            return resend.reprint_requested(session, chosen, target, open_letter_pdf,
                                            progress=progress, is_cancelled=is_cancelled)

        job = Job(in_thread_session(self.ctx.session, work), name="reprint re-sends")
        job.finished.connect(self._done)
        job.failed.connect(self._failed)
        job.cancelled.connect(lambda: self.ctx.messages.show_info(
            "Reprint cancelled: nothing was marked re-sent."))
        self.target = target
        self.progress_dialog = run_with_progress(self.ctx.runner, job, self,
                                                 title="reprint re-sends",
                                                 label="Reprinting the re-sent letters…")
        return job

    def _done(self, count: int) -> None:
        self.ctx.messages.show_info(f"Wrote {count_of(count, 'letter')} to {self.target}; "
                                    "print and mail them.")
        self.ctx.state.notify_changed()  # the page reads again, this list with it

    def _failed(self, err: BaseException) -> None:
        self.ctx.show_error(err)
        self.refresh()

    def clear_rows(self) -> None:
        self._generation += 1
        self.ids = []
        self.table.setRowCount(0)
        self.hide()
