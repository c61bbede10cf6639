"""HTML -> PDF with QTextDocument + QPdfWriter: US Letter, 300 dpi, the shipped font, atomic.

300 dpi, not 1200: QTextDocument output stops after ~700 pages at 1200 dpi (novelWriter#2637),
and 300 is plenty for text. The document's default font is set to the shipped family
explicitly, so a PDF never depends on what fontconfig happens to find. The file is written next
to its target and renamed into place, so a crash never leaves half a PDF where a person expects
a printout.

Thread use: everything here is QtGui and creates its own objects, so it may run in a worker
thread (Qt 6 supports painting on a QPdfWriter outside the GUI thread); `tests/ui/test_pdf_font.py`
renders from a QThreadPool thread to keep that true.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QFont, QGuiApplication, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from crisisdesk.printing.fonts import print_family, register_fonts
from crisisdesk.store.files import atomic_path

RESOLUTION_DPI = 300
# QTextDocument.print_ adds its own 2 cm margin (and prints page numbers in it) when the
# document is not paginated, so the writer itself gets none: the page has 2 cm all round.
WRITER_MARGINS_MM = QMarginsF(0, 0, 0, 0)
BASE_POINT_SIZE = 10.0

_headless_app: list[QGuiApplication] = []


def ensure_gui_app() -> QGuiApplication:
    """The running Qt application, or a new offscreen QGuiApplication for headless commands.

    Qt aborts the process when a QTextDocument lays out text without one. The offscreen
    platform is chosen unless the caller set QT_QPA_PLATFORM, so a CLI never needs a display.
    """
    existing = QGuiApplication.instance()
    if existing is not None:
        register_fonts()
        return existing  # type: ignore[return-value]
    argv = [sys.argv[0] if sys.argv else "crisisdesk"]
    if not os.environ.get("QT_QPA_PLATFORM"):
        argv += ["-platform", "offscreen"]
    app = QGuiApplication(argv)
    _headless_app.append(app)  # keep it alive for the life of the process
    register_fonts()
    return app


def page_layout() -> QPageLayout:
    return QPageLayout(QPageSize(QPageSize.PageSizeId.Letter), QPageLayout.Orientation.Portrait,
                       WRITER_MARGINS_MM, QPageLayout.Unit.Millimeter)


def html_to_pdf(html: str, path: Path, *, title: str) -> None:
    """Lay out `html` (already escaped by its builder) and write it to `path` as a PDF."""
    font = QFont(print_family())
    font.setPointSizeF(BASE_POINT_SIZE)
    doc = QTextDocument()
    doc.setDefaultFont(font)
    doc.setHtml(html)
    doc.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, title)
    with atomic_path(Path(path)) as tmp:
        writer = QPdfWriter(str(tmp))
        writer.setResolution(RESOLUTION_DPI)
        writer.setPageLayout(page_layout())
        writer.setTitle(title)
        writer.setCreator("CrisisDesk")
        doc.print_(writer)
        del writer  # closes and flushes the file before it is renamed
