"""The Calling trees page's file and paper actions: PDF or printer, CSV and vCard, import.

Paper and exports run in workers (a 5,000-person tree's call sheets take a few seconds to lay
out). Printing builds the same HTML in a worker, then shows it in Qt's print preview
(`ui/printouts.print_preview`), whose Print button goes to a real printer; printed tree paper
is recorded like a saved PDF. An import is one service call whose rows are all checked before
anything is written. Kept apart from the page so the page module stays about the screen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from PySide6.QtWidgets import QComboBox, QWidget

from crisisdesk.domain.times import PAPER_MINUTES
from crisisdesk.printing.calling_tree_paper import BUILDERS, paper_html, report_html
from crisisdesk.printing.pdf import html_to_pdf
from crisisdesk.services import settings as settings_service
from crisisdesk.services.calling_trees import files as tree_files
from crisisdesk.services.calling_trees import paper as tree_paper
from crisisdesk.services.calling_trees import reports as report_service
from crisisdesk.services.localtime import show, zone
from crisisdesk.services.session import Session
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.printouts import print_preview
from crisisdesk.ui.prompts import CSV_FILTER, PDF_FILTER
from crisisdesk.ui.workers import Job, in_thread_session


def print_paper(session: Session, tree_id: str, what: str, path: Path) -> str:
    """Worker body: one kind of tree paper as PDF."""
    html, title = paper_html(tree_paper.tree_paper(session, tree_id), what)
    html_to_pdf(html, path, title=title)
    tree_paper.note_printed(session, tree_id, what)
    return title


def report_page(session: Session, activation_id: str) -> str:
    """The closing report as HTML (worker body when printing)."""
    data = report_service.report(session, activation_id)
    return report_html(data, org=settings_service.display_org(session),
                       printed=show(session, session.now_iso(), PAPER_MINUTES), tz=zone(session))


def print_report(session: Session, activation_id: str, path: Path) -> str:
    html_to_pdf(report_page(session, activation_id), path, title="Calling tree report")
    return "the report"


class FileActions:
    """Mixed into the page: needs `ctx`, `tree_id()`, `activation_id()`, `refresh()`."""

    ctx: UiContext
    tree_combo: QComboBox

    def _parent(self) -> QWidget:
        return cast(QWidget, self)

    def _try(self, work: Any, message: str) -> Any:
        raise NotImplementedError

    def refresh(self) -> None:
        raise NotImplementedError

    def tree_id(self) -> str | None:
        raise NotImplementedError

    def activation_id(self) -> str | None:
        raise NotImplementedError

    def _add_tree(self, work: Any, message: str) -> None:
        """Run a service call that makes a tree; once made, list it and choose it."""
        tree = self._try(work, message)
        if tree is not None:
            self.refresh()
            self.tree_combo.setCurrentIndex(self.tree_combo.findData(tree.id))

    def _start_job(self, work: Any, name: str, on_done: Any) -> Job:
        """Run `work` in a worker (kept as `last_job`); a failure goes to the error dialog."""
        job = Job(in_thread_session(self.ctx.session, work), name=name)
        job.finished.connect(on_done)
        job.failed.connect(self.ctx.show_error)
        self.last_job = job
        self.ctx.runner.start(job)
        return job

    def _in_worker(self, work: Any, done: str) -> Job:
        return self._start_job(work, "calling tree file",
                               lambda r: self.ctx.messages.show_info(done.format(r)))

    def save_paper(self, what: str) -> None:
        tree_id = self.tree_id()
        path = self.ctx.prompts.save_file(self._parent(), "Save as PDF",
                                          f"calling-tree-{what}.pdf", PDF_FILTER)
        if tree_id and path is not None:
            self._in_worker(lambda s, **_: print_paper(s, tree_id, what, path),
                            f"Saved {{}} to {path}.")

    def save_report(self) -> None:
        act_id = self.activation_id()
        path = self.ctx.prompts.save_file(self._parent(), "Save the report as PDF",
                                          "calling-tree-report.pdf", PDF_FILTER)
        if act_id and path is not None:
            self._in_worker(lambda s, **_: print_report(s, act_id, path), f"Saved {{}} to {path}.")

    def _then_preview(self, work: Any, title: str, printed: Any = None) -> Job:
        """Build the HTML in a worker, then open the print preview with it."""
        return self._start_job(work, "calling tree printout", lambda html: print_preview(
            self.ctx, self._parent(), lambda _s: str(html), title=title, printed=printed))

    def preview_paper(self, what: str) -> None:
        """Print… : one kind of tree paper through the print preview."""
        tree_id = self.tree_id()
        if tree_id is None:
            return
        title = BUILDERS[what][1]

        def printed() -> None:
            self._try(lambda: tree_paper.note_printed(self.ctx.session, tree_id, what),
                      f"Printed the {title.lower()}.")

        self._then_preview(
            lambda s, **_: paper_html(tree_paper.tree_paper(s, tree_id), what)[0], title,
            printed)

    def preview_report(self) -> None:
        act_id = self.activation_id()
        if act_id is not None:
            self._then_preview(lambda s, **_: report_page(s, act_id), "Calling tree report")

    def import_tree(self) -> None:
        path = self.ctx.prompts.open_file(self._parent(),
                                          "Import a calling tree (person, caller, backup)")
        if path is None:
            return
        self._add_tree(lambda: tree_files.import_tree(self.ctx.session, path),
                       f"Imported {path.name}.")

    def export_csv(self) -> None:
        tree_id = self.tree_id()
        path = self.ctx.prompts.save_file(self._parent(), "Export the tree", "calling-tree.csv",
                                          CSV_FILTER)
        if tree_id and path is not None:
            self._in_worker(lambda s, **_: tree_files.export_tree_csv(s, tree_id, path),
                            f"Exported {{}} people to {path}.")

    def export_vcards(self) -> None:
        tree_id = self.tree_id()
        path = self.ctx.prompts.save_file(self._parent(), "Export vCards", "calling-tree.vcf",
                                          "vCard files (*.vcf)")
        if tree_id and path is not None:
            self._in_worker(lambda s, **_: tree_files.export_tree_vcard(s, tree_id, path),
                            f"Exported {{}} people to {path}.")


