"""HTML -> PDF with QTextDocument + QPdfWriter: US Letter, 300 dpi, the shipped font, atomic.

300 dpi, not 1200: QTextDocument output stops after ~700 pages at 1200 dpi (novelWriter#2637),
and 300 is plenty for text. The document's default font is set to the shipped family
explicitly, so a PDF never depends on what fontconfig happens to find. The file is written next
to its target, read back (page count) and renamed into place, so a crash or a full disk never
leaves half a PDF where a person expects a printout.

Thread use: everything here is QtGui and creates its own objects, so it may run in a worker
thread (Qt 6 supports painting on a QPdfWriter outside the GUI thread); `tests/ui/test_pdf_font.py`
renders from a QThreadPool thread to keep that true.

QTextDocument has no "keep together" for table rows: a tall row splits across two pages. A page
that must not split an entry (the obligations sheet) prints one small table per entry and
carries `KEEP_TABLES_TOGETHER`; each top-level table that fits on a page but would straddle a
page break then starts on the next page.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPalette,
    QPdfWriter,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextFrame,
)

from crisisdesk.printing.fonts import print_family, register_fonts
from crisisdesk.store.files import atomic_path, cannot_write, pdf_proof

RESOLUTION_DPI = 300
# QTextDocument.print_ adds its own 2 cm margin (and prints page numbers in it) when the
# document is not paginated, so the writer itself gets none: the page has 2 cm all round.
WRITER_MARGINS_MM = QMarginsF(0, 0, 0, 0)
BASE_POINT_SIZE = 10.0
# QTextDocument.print_'s own margin for a document that is not paginated (2 cm all round).
PRINT_MARGIN_CM = 2.0
# Put in a page's HTML to keep each top-level table on one page when it fits on one.
KEEP_TABLES_TOGETHER = "<!-- crisisdesk:keep-tables-together -->"

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
    """Lay out `html` (already escaped by its builder) and write it to `path` as a PDF.

    The file is proven before it replaces `path`: it must read back with as many pages as were
    laid out, so a full disk raises `DiskFull` (naming the folder) instead of leaving a short
    file that looks written.
    """
    font = QFont(print_family())
    font.setPointSizeF(BASE_POINT_SIZE)
    doc = QTextDocument()
    doc.setDefaultFont(font)
    doc.setHtml(html)
    doc.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, title)
    pages = [0]
    try:
        with atomic_path(Path(path), verify=pdf_proof(lambda: pages[0])) as tmp:
            writer = QPdfWriter(str(tmp))
            writer.setResolution(RESOLUTION_DPI)
            writer.setPageLayout(page_layout())
            writer.setTitle(title)
            writer.setCreator("CrisisDesk")
            if KEEP_TABLES_TOGETHER in html:
                laid_out = keep_tables_together(doc, writer)
                pages[0] = max(1, laid_out.pageCount())
                print_laid_out(laid_out, writer, print_layout(doc, writer)[1])
            else:
                doc.print_(writer)
                # Measured after printing: print_ gives a writer without margins 2 mm ones first.
                pages[0] = max(1, print_layout(doc, writer)[0].pageCount())
            del writer  # closes and flushes the file before it is proven and renamed
    except OSError as exc:
        raise cannot_write(Path(path), exc) from None


def print_layout(doc: QTextDocument, device: QPagedPaintDevice) -> tuple[QTextDocument, float]:
    """A copy of `doc` laid out as `QTextDocument.print_` lays out an unpaginated document: the
    device's page, 2 cm margins given in screen units and scaled to the device. Returns the
    copy and the margin in device units."""
    probe = doc.clone()
    probe.documentLayout().setPaintDevice(device)
    screen = QGuiApplication.primaryScreen()
    source_x = round(screen.logicalDotsPerInchX()) if screen else 100
    source_y = round(screen.logicalDotsPerInchY()) if screen else 100
    root = probe.rootFrame().frameFormat()
    root.setLeftMargin(int(PRINT_MARGIN_CM / 2.54 * source_x))
    root.setRightMargin(int(PRINT_MARGIN_CM / 2.54 * source_x))
    root.setTopMargin(int(PRINT_MARGIN_CM / 2.54 * source_y))
    root.setBottomMargin(int(PRINT_MARGIN_CM / 2.54 * source_y))
    probe.rootFrame().setFrameFormat(root)
    probe.setPageSize(QSizeF(device.width(), device.height()))
    return probe, int(PRINT_MARGIN_CM / 2.54 * source_y) * device.logicalDpiY() / source_y


def keep_tables_together(doc: QTextDocument, device: QPagedPaintDevice) -> QTextDocument:
    """The document laid out for `device` with each top-level table that fits on one page but
    straddles a page break moved to the next page ("page break before").

    A first pass marks every straddling table at once, carrying forward how far each move
    pushes what follows (the page is a simple stack of blocks), so a long list of small tables
    (one per person, one per entry) costs one extra layout rather than one per page. Passes
    that move one table at a time then mop up anything the estimate missed. The result is
    printed as laid out (`print_laid_out`), so what was measured is what is printed.
    """
    probe, margin = print_layout(doc, device)
    page = float(device.height())
    _break_all(probe, page, margin)
    for _ in range(len(probe.rootFrame().childFrames())):
        straddling = straddling_tables(probe, page, margin)
        if not straddling:
            break
        _break_before(probe, straddling[0])
    return probe


def _break_all(doc: QTextDocument, page: float, margin: float) -> None:
    """Mark each top-level table that would straddle a page foot, assuming each move shifts
    everything after it down by the same amount."""
    layout = doc.documentLayout()
    shift = 0.0
    marks = []
    for frame in doc.rootFrame().childFrames():
        box = layout.frameBoundingRect(frame)
        top, bottom = box.top() + shift, box.bottom() + shift
        page_end = (top // page + 1) * page - margin
        if bottom > page_end and box.height() < page - 2 * margin:
            shift += page_end + 2 * margin - top
            marks.append(frame)
    for frame in marks:
        _break_before(doc, frame)


def straddling_tables(doc: QTextDocument, page: float, margin: float) -> list[QTextFrame]:
    """Top-level tables of a laid-out document that cross a page's foot although they would
    fit on one page."""
    layout = doc.documentLayout()
    found = []
    for frame in doc.rootFrame().childFrames():
        box = layout.frameBoundingRect(frame)
        page_end = (box.top() // page + 1) * page - margin
        if box.bottom() > page_end and box.height() < page - 2 * margin:
            found.append(frame)
    return found


def _break_before(doc: QTextDocument, frame: QTextFrame) -> None:
    """Start `frame` on a new page, or the heading right above it, so a heading is never left
    alone at the foot of a page."""
    before = doc.findBlock(frame.firstPosition() - 2)
    if before.isValid() and before.blockFormat().headingLevel() > 0:
        cursor = QTextCursor(before)
        fmt = before.blockFormat()
        fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
        cursor.setBlockFormat(fmt)
        return
    frame_format = frame.frameFormat()
    frame_format.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
    frame.setFrameFormat(frame_format)


def print_laid_out(doc: QTextDocument, device: QPagedPaintDevice, margin: float) -> None:
    """Paint an already paginated document page by page, with the page number bottom right
    (as `QTextDocument.print_` does for an unpaginated one), text in black."""
    painter = QPainter(device)
    try:
        width, height = float(device.width()), float(device.height())
        metrics = QFontMetrics(doc.defaultFont(), device)
        pages = doc.pageCount()
        for number in range(pages):
            if number:
                device.newPage()
            painter.save()
            painter.translate(0, -number * height)
            context = QAbstractTextDocumentLayout.PaintContext()
            context.clip = QRectF(0, number * height, width, height)
            context.palette.setColor(QPalette.ColorRole.Text, Qt.GlobalColor.black)
            painter.setClipRect(context.clip)
            doc.documentLayout().draw(painter, context)
            painter.restore()
            label = str(number + 1)
            painter.setFont(doc.defaultFont())
            painter.drawText(QPointF(width - margin - metrics.horizontalAdvance(label),
                                     height - margin + metrics.ascent()
                                     + 5 * device.logicalDpiY() / 72.0), label)
    finally:
        painter.end()
