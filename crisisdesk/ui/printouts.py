"""Putting a crisis printout on paper from a screen: a PDF made in a worker, or the printer.

Every crisis printout is HTML built by `printing/crisis_reports.py` from the open desk. Two ways
out, because in a long downtime the laptop may be the only thing left and a printer may or may
not be attached:

* `save_pdf` asks where to save (through `Prompts`), then builds the HTML and renders the PDF in
  a worker on its own connection (`in_thread_session`), since layout of a long log takes longer
  than the GUI thread may block. The message bar says where the file went.
* `print_binder` makes the downtime binder (every paper above and more, as one PDF) in the
  worker behind a progress dialog with Cancel; when it is written the desk records the print
  and every page refreshes, so Settings and the Dashboard show the binder's new age.
* `print_preview` lays the same HTML out for a `QPrinter` behind a `QPrintPreviewDialog`. It
  lives in `ui/` (not `printing/`) because importing QtPrintSupport loads QtWidgets. The dialog
  is opened with `open()`, so there is no nested event loop.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtGui import QFont, QTextDocument
from PySide6.QtWidgets import QAbstractButton, QDialog, QWidget

from crisisdesk.services.session import Session
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.prompts import PDF_FILTER
from crisisdesk.ui.widgets.errors import user_errors
from crisisdesk.ui.workers import Job, in_thread_session, run_with_progress

HtmlBuilder = Callable[[Session], str]
_open_previews: dict[int, tuple[Any, ...]] = {}  # the open preview per screen, kept alive


def render_pdf(session: Session, html: HtmlBuilder, path: Path, title: str) -> Path:
    """Worker body: build the printout from the desk and write it as a PDF."""
    from crisisdesk.printing.pdf import html_to_pdf

    html_to_pdf(html(session), path, title=title)
    return path


def save_pdf(ctx: UiContext, parent: QWidget, html: HtmlBuilder, *, title: str,
             suggested: str, button: QAbstractButton | None = None,
             done: Callable[[Path], None] | None = None) -> Job | None:
    """Ask for a file name, then render in a worker; None if the user cancelled."""
    path = ctx.prompts.save_file(parent, f"Save the {title.lower()} as PDF", suggested,
                                 PDF_FILTER)
    if path is None:
        return None
    if button is not None:
        button.setEnabled(False)

    def finished(result: Any) -> None:
        if button is not None:
            button.setEnabled(True)
        ctx.messages.show_info(f"Saved the {title.lower()} to {result}.")
        if done is not None:
            done(Path(result))

    def failed(err: BaseException) -> None:
        if button is not None:
            button.setEnabled(True)
        ctx.show_error(err)

    job = Job(in_thread_session(ctx.session,
                                lambda s, **_: render_pdf(s, html, path, title)),
              name=f"print {title.lower()}")
    job.finished.connect(finished)
    job.failed.connect(failed)
    job.cancelled.connect(lambda: button.setEnabled(True) if button is not None else None)
    ctx.runner.start(job)
    return job


def print_binder(ctx: UiContext, parent: QWidget, *, button: QAbstractButton | None = None,
                 done: Callable[[Any], None] | None = None) -> Job | None:
    """Ask where to save the downtime binder, then make it in the worker with progress; None
    if the user cancelled the file dialog."""
    path = ctx.prompts.save_file(parent, "Save the downtime binder as PDF",
                                 "downtime-binder.pdf", PDF_FILTER)
    if path is None:
        return None

    def work(session: Session, *, progress: Callable[[int, int], None],
             is_cancelled: Callable[[], bool]) -> Any:
        from crisisdesk.printing.binder import make_binder

        return make_binder(session, path, progress=progress, is_cancelled=is_cancelled)

    def enable(*_args: object) -> None:
        if button is not None:
            button.setEnabled(True)

    def finished(result: Any) -> None:
        enable()
        ctx.messages.show_info(f"Saved the downtime binder ({result.pages} pages) to "
                               f"{result.path}.")
        ctx.state.notify_changed()
        if done is not None:
            done(result)

    def failed(err: BaseException) -> None:
        enable()
        ctx.show_error(err)

    if button is not None:
        button.setEnabled(False)
    job = Job(in_thread_session(ctx.session, work), name="print downtime binder")
    job.finished.connect(finished)
    job.failed.connect(failed)
    job.cancelled.connect(enable)
    run_with_progress(ctx.runner, job, parent, title="Downtime binder",
                      label="Laying out the downtime binder…")
    return job


def print_preview(ctx: UiContext, parent: QWidget, html: HtmlBuilder, *, title: str,
                  printed: Callable[[], None] | None = None) -> None:
    """Show the printout in Qt's print preview, with its Print button for a real printer.

    `printed` is called if the user printed (the dialog accepts only after printing), e.g. to
    record that personal details left the desk on paper."""
    from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

    from crisisdesk.printing.fonts import print_family

    with user_errors(ctx.messages):
        text = html(ctx.session)
        doc = QTextDocument(parent)
        font = QFont(print_family())
        font.setPointSizeF(10.0)
        doc.setDefaultFont(font)
        doc.setHtml(text)
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(title)
        dialog = QPrintPreviewDialog(printer, parent)
        dialog.setWindowTitle(f"Print {title.lower()}")
        dialog.paintRequested.connect(doc.print_)
        # Keep the printer and document alive as long as the dialog; tidy up when it closes.
        _open_previews[id(parent)] = (dialog, printer, doc)

        def closed(result: int) -> None:
            _open_previews.pop(id(parent), None)
            doc.deleteLater()
            dialog.deleteLater()
            if printed is not None and result == QDialog.DialogCode.Accepted.value:
                printed()

        dialog.finished.connect(closed)
        dialog.open()
