"""Paper output for issued messages: PDF in a worker, or a printer with a preview first.

`QPrinter` lives in the UI layer (importing QtPrintSupport loads QtWidgets; see the style
guide), so printing is here while PDF writing stays in `printing/pdf.py`. Plain-text channels
(scripts, e-mails, texts) are wrapped as preformatted HTML so their line breaks survive.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from markupsafe import escape
from PySide6.QtGui import QFont, QTextDocument
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

from crisisdesk.printing.fonts import print_family
from crisisdesk.printing.pdf import BASE_POINT_SIZE, html_to_pdf


def printable_html(text: str, is_html: bool) -> str:
    if is_html:
        return text
    return f"<pre style='white-space: pre-wrap; font-family: sans-serif'>{escape(text)}</pre>"


def save_pdf(html: str, path: Path, title: str, **_: Any) -> Path:
    """Worker body: write the PDF; returns where."""
    html_to_pdf(html, path, title=title)
    return path


def print_with_preview(parent: QWidget, html: str, title: str) -> QPrintPreviewDialog:
    """Open a print preview (window-modal, no nested event loop); the user prints from it."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(f"Print: {title}")

    def paint(target: QPrinter) -> None:
        font = QFont(print_family())
        font.setPointSizeF(BASE_POINT_SIZE)
        doc = QTextDocument()
        doc.setDefaultFont(font)
        doc.setHtml(html)
        doc.print_(target)

    dialog.paintRequested.connect(paint)
    dialog.finished.connect(lambda _r: dialog.deleteLater())
    dialog.resize(820, 900)
    dialog.open()
    return dialog
