"""Patient letters on paper: letterhead, the address inside the envelope window, the approved
text below it, "Page X of Y", and the reference as text and as a Code 128 barcode.

Layout is painted directly with QPainter on a QPdfWriter (or a QImage for previews), one
QTextDocument per letter laid out against the output device, so a batch of any size streams:
one letter in memory at a time, many letters per file. On page 1 the body starts below the
envelope window plus the tap-test allowance, so nothing from the body (above all, the
enrollment code) can show through the window; the pages of a letter are folded together with
page 1 outside, so later pages start right under their continuation line. Pages are cut only
between paragraphs (`page_cuts`): a sentence holding an enrollment code is never split.

In a PDF file, what every letter of one body shares (the letterhead and each paragraph without
a person field) is laid out once per process and written once per file as PDF forms
(`pdf_forms`); each letter's page draws a placeholder for it and then only the letter's own
fields: address, reference and barcode, the paragraphs holding names or the code, page X of Y.
The static part is drawn from a letter's own layout but never includes a paragraph with a
field, and every slice is drawn a hair inside its edges, so it cannot carry that person's data.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPaintDevice,
    QPainter,
    QPdfWriter,
    QTextDocument,
)

from crisisdesk.domain import code128
from crisisdesk.domain.envelopes import MIN_ADDRESS_PT, SHEET_HEIGHT_IN, SHEET_WIDTH_IN
from crisisdesk.domain.errors import UserError
from crisisdesk.domain.letter_pages import CoverSheet, LetterContent, LetterLayout
from crisisdesk.printing.fonts import TAGLINE_FAMILIES, print_family
from crisisdesk.printing.letter_bodies import EDGE, BodyShape, LaidOutBodies
from crisisdesk.printing.pdf_forms import FormError, Placeholder, StaticPages, append_forms
from crisisdesk.store.files import FileNotProven, atomic_path, prove_pdf

DPI = 300
MARGIN_IN = 0.9
BODY_GAP_IN = 0.3  # below the window: the insert may slide 1/4 in or so inside the envelope
FOOTER_IN = 0.55
BODY_PT = 10.0
ADDRESS_PT = 10.5
BARCODE_MODULE_IN = 0.011
BARCODE_HEIGHT_IN = 0.4
CONTINUED_GAP_IN = 0.45  # from the continuation line's top to the body on pages 2..n
KEEP_WHOLE_SHARE = 0.4  # a paragraph up to this share of a page is never split
KEEP_STATIC = 32  # static parts kept per process (a body with each shape of its fields)


class AddressTooLong(UserError):
    """An address line cannot fit the window at the minimum type size."""


def _font(point_size: float, *, bold: bool = False) -> QFont:
    """A copy (callers may change it) of the print font at this size: made once, as every
    letter asks for the same few several times."""
    return QFont(_made_font(print_family(), point_size, bold))


@functools.lru_cache(maxsize=64)
def _made_font(family: str, point_size: float, bold: bool) -> QFont:
    font = QFont(family)
    # Glyphs DejaVu lacks (the Chinese, Japanese and Korean taglines) come from the shipped
    # tagline subsets, never from whatever fonts the printing machine happens to have.
    font.setFamilies([family, *TAGLINE_FAMILIES[1:]])
    font.setPointSizeF(point_size)
    font.setBold(bold)
    return font


@dataclass
class StaticPart:
    """The part of a body's pages every letter with this shape shares (letterhead and every
    paragraph without a person field), written once per file as PDF forms; each page draws
    its placeholder and only the `shape`'s variable ranges."""

    cuts: list[tuple[float, float]]
    shape: BodyShape
    pages: StaticPages
    placeholders: list[Placeholder]


_static_parts: OrderedDict[tuple[object, ...], StaticPart | None] = OrderedDict()


class LetterPainter:
    """Paints letters on one device; `dpi` converts inches to device pixels.

    With `forms` set (a PDF file, see `LetterPdf`), a letter whose body has a shape
    (`letter_bodies.BodyShape`) is painted as its body's static part, laid out and written
    once per file, plus its own fields; `forms` collects the placeholders drawn, for
    `pdf_forms.append_forms` once the file is closed. Otherwise every page is painted whole.
    """

    def __init__(self, painter: QPainter, device: QPaintDevice, layout: LetterLayout,
                 dpi: float) -> None:
        self.p, self.device, self.layout, self.dpi = painter, device, layout, dpi
        w = layout.window
        self.body = QRectF(self.px(MARGIN_IN), self.px(w.bottom + BODY_GAP_IN),
                           self.px(SHEET_WIDTH_IN - 2 * MARGIN_IN),
                           self.px(SHEET_HEIGHT_IN - FOOTER_IN - 0.2 - w.bottom - BODY_GAP_IN))
        self.logo = QImage(layout.logo_path) if layout.logo_path else QImage()
        self.bodies: LaidOutBodies | None = None
        self.forms: dict[int, tuple[StaticPages, int]] | None = None

    def px(self, inches: float) -> float:
        return inches * self.dpi

    def document(self, html: str) -> QTextDocument:
        """The body laid out as one long column the body's width (pages are cut from it by
        `page_cuts`, so each page can have its own height)."""
        doc = QTextDocument()
        doc.documentLayout().setPaintDevice(self.device)
        doc.setDefaultFont(_font(BODY_PT))
        doc.setDocumentMargin(0)
        doc.setHtml(html)
        doc.setTextWidth(self.body.width())
        return doc

    def continued_top(self) -> float:
        """Where the body starts on pages 2..n: under the continuation line, not under the
        window. The pages of one letter are folded together with page 1 outside, so only page
        1 faces the window; a band the window's height on every later page is only waste."""
        return self.px(0.5 + CONTINUED_GAP_IN)

    def body_document(self, content: LetterContent) -> QTextDocument:
        """The letter's body laid out: from a cached marked body with only the person fields
        swapped in when the content allows it, else from its own HTML."""
        if self.bodies is not None and content.marked_html:
            doc = self.bodies.document(content)
            if doc is not None:
                return doc
        return self.document(content.body_html)

    def letter(self, content: LetterContent, new_page: Callable[[], object]) -> int:
        """Paint every page of one letter; `new_page()` is called before pages 2..n."""
        doc, static = self._body(content)
        if static is not None:
            return self._letter_on_static(content, doc, static, new_page)
        bottom = self.body.bottom()
        cuts = page_cuts(doc, bottom - self.body.top(), bottom - self.continued_top())
        pages = len(cuts)
        for i, (start, end) in enumerate(cuts):
            if i:
                new_page()
                self._continuation_header(content)
                top = self.continued_top()
            else:
                self._letterhead()
                self._reference(content.reference)
                self._address(content.address_lines)
                top = self.body.top()
            self.p.save()
            self.p.translate(self.body.left(), top - start)
            # A hair inside the page's slice: a line ending exactly at the cut belongs to the
            # page before, and one starting at it to the page after, never to both.
            doc.drawContents(self.p, QRectF(0, start + EDGE, self.body.width(),
                                            end - start - 2 * EDGE))
            self.p.restore()
            self._footer(content, i + 1, pages)
        return pages

    def _body(self, content: LetterContent) -> tuple[QTextDocument, StaticPart | None]:
        """The letter's body laid out, and its static part when it is drawn on one: only
        the paragraphs with fields are laid out again when the body's static part with
        their shape is known; else all of it, and the static part is made if it can be."""
        if self.forms is None or self.bodies is None or not content.marked_html:
            return self.body_document(content), None
        doc = self.bodies.document(content, whole=False)
        if doc is None:
            return self.document(content.body_html), None
        shape_key = self.bodies.shape_key(doc)
        key = (self.layout, self.dpi, content.marked_html, shape_key)
        if shape_key is not None and key in _static_parts:
            _static_parts.move_to_end(key)
            known = _static_parts[key]
            if known is not None:
                return doc, known
        self.bodies.finish(doc)
        if shape_key is None or key in _static_parts:
            return doc, None
        shape = self.bodies.shape(doc)
        if shape is None or shape.key != shape_key:
            return doc, None
        try:
            static: StaticPart | None = self._make_static(doc, shape)
        except FormError:
            static = None  # drawn whole, letter by letter
        _static_parts[key] = static
        if len(_static_parts) > KEEP_STATIC:
            _static_parts.popitem(last=False)
        return doc, static

    def _make_static(self, doc: QTextDocument, shape: BodyShape) -> StaticPart:
        """Lay out and write the static part once: a small PDF of its pages, in memory."""
        bottom = self.body.bottom()
        cuts = page_cuts(doc, bottom - self.body.top(), bottom - self.continued_top())
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        writer = _writer(buffer, "static")
        painter = QPainter(writer)
        try:
            static = LetterPainter(painter, writer, self.layout, self.dpi)
            for i, (start, end) in enumerate(cuts):
                if i:
                    writer.newPage()
                else:
                    static._letterhead()
                top = self.continued_top() if i else self.body.top()
                for a, b in shape.outside(start + EDGE, end - EDGE):
                    painter.save()
                    painter.translate(self.body.left(), top - start)
                    doc.drawContents(painter, QRectF(0, a, self.body.width(), b - a))
                    painter.restore()
        finally:
            painter.end()
            del painter, writer
            buffer.close()
        return StaticPart(cuts, shape, StaticPages.from_pdf(bytes(data.data())),
                          [Placeholder() for _ in cuts])

    def _letter_on_static(self, content: LetterContent, doc: QTextDocument,
                          static: StaticPart, new_page: Callable[[], object]) -> int:
        """One letter as its body's static part plus its own fields, page by page."""
        assert self.forms is not None
        pages = len(static.cuts)
        sheet = QRectF(0, 0, self.px(SHEET_WIDTH_IN), self.px(SHEET_HEIGHT_IN))
        for i, (start, end) in enumerate(static.cuts):
            if i:
                new_page()
                self._continuation_header(content)
                top = self.continued_top()
            else:
                self._reference(content.reference)
                self._address(content.address_lines)
                top = self.body.top()
            mark = static.placeholders[i]
            self.forms[mark.height] = (static.pages, i)
            self.p.drawImage(sheet, mark.image)
            self.p.save()
            self.p.translate(self.body.left(), top - start)
            for a, b in static.shape.inside(start + EDGE, end - EDGE):
                doc.drawContents(self.p, QRectF(0, a, self.body.width(), b - a))
            self.p.restore()
            self._footer(content, i + 1, pages)
        return pages

    def _letterhead(self) -> None:
        top = self.px(0.5)
        left = self.px(MARGIN_IN)
        if not self.logo.isNull():
            h = self.px(0.6)
            w = h * self.logo.width() / max(1, self.logo.height())
            self.p.drawImage(QRectF(left, top, min(w, self.px(2.5)), h), self.logo)
            top += h + self.px(0.05)
        self.p.setFont(_font(13, bold=True))
        self.p.setPen(QColor("black"))
        fm = QFontMetricsF(self.p.font(), self.device)
        self.p.drawText(QPointF(left, top + fm.ascent()), self.layout.org_name)
        if self.layout.return_address:
            self.p.setFont(_font(8.5))
            fm2 = QFontMetricsF(self.p.font(), self.device)
            self.p.drawText(QPointF(left, top + fm.height() + fm2.ascent()),
                            self.layout.return_address)

    def _reference(self, reference: str) -> None:
        widths = code128.widths(reference)
        module = self.px(BARCODE_MODULE_IN)
        total = (sum(widths) + 2 * code128.QUIET_MODULES) * module
        x = self.px(SHEET_WIDTH_IN - MARGIN_IN) - total + code128.QUIET_MODULES * module
        top = self.px(0.5)
        height = self.px(BARCODE_HEIGHT_IN)
        bar = True
        for wdt in widths:
            if bar:
                self.p.fillRect(QRectF(x, top, wdt * module, height), QColor("black"))
            x += wdt * module
            bar = not bar
        self.p.setFont(_font(9))
        fm = QFontMetricsF(self.p.font(), self.device)
        text = f"Reference {reference}"
        right = self.px(SHEET_WIDTH_IN - MARGIN_IN)
        self.p.drawText(QPointF(right - fm.horizontalAdvance(text), top + height + fm.ascent()
                                + self.px(0.03)), text)

    def _address(self, lines: tuple[str, ...]) -> None:
        """The address inside the safe box (window inset 1/8 in), never below 10 pt."""
        safe = self.layout.window.inset()
        pad = self.px(0.03)  # keep glyphs off the safe box's edge
        box = QRectF(self.px(safe.left) + pad, self.px(safe.top) + pad,
                     self.px(safe.width) - 2 * pad, self.px(safe.height) - 2 * pad)
        for size in (ADDRESS_PT, MIN_ADDRESS_PT):
            for stretch in (100, 90, 80, 70):
                font = _font(size)
                font.setStretch(stretch)
                fm = QFontMetricsF(font, self.device)
                fits_w = all(fm.horizontalAdvance(line) <= box.width() for line in lines)
                if fits_w and fm.lineSpacing() * len(lines) <= box.height():
                    self.p.setFont(font)
                    y = box.top() + fm.ascent()
                    for line in lines:
                        self.p.drawText(QPointF(box.left(), y), line)
                        y += fm.lineSpacing()
                    return
        raise AddressTooLong("An address is too long for the envelope window at 10 pt; "
                             "shorten it (e.g. abbreviate the street type) and render again.")

    def _continuation_header(self, content: LetterContent) -> None:
        self.p.setFont(_font(9))
        fm = QFontMetricsF(self.p.font(), self.device)
        self.p.drawText(QPointF(self.px(MARGIN_IN), self.px(0.5) + fm.ascent()),
                        f"{self.layout.org_name}, continued (reference {content.reference})")

    def _footer(self, content: LetterContent, page: int, pages: int) -> None:
        self.p.setFont(_font(9))
        fm = QFontMetricsF(self.p.font(), self.device)
        y = self.px(SHEET_HEIGHT_IN - FOOTER_IN) + fm.ascent()
        text = (f"Página {page} de {pages}" if content.language == "es"
                else f"Page {page} of {pages}")
        right = self.px(SHEET_WIDTH_IN - MARGIN_IN)
        self.p.drawText(QPointF(right - fm.horizontalAdvance(text), y), text)
        self.p.drawText(QPointF(self.px(MARGIN_IN), y), content.reference)

    def cover(self, cover: CoverSheet) -> None:
        left, y = self.px(MARGIN_IN), self.px(1.2)
        lines = [
            (16, True, cover.org_name),
            (13, True, f"Patient letters: batch {cover.batch_number}, file {cover.part} of "
                       f"{cover.parts}"),
            (11, False, f"Incident: {cover.incident_title}"),
            (11, False, f"Letters {cover.first_seq} to {cover.last_seq} ({cover.letters} "
                        f"letter{'s' if cover.letters != 1 else ''})"),
            (11, False, f"References {cover.first_reference} to {cover.last_reference}"),
            (11, False, f"Printed on {cover.printed_on}"),
            (11, False, ""),
            (11, True, "Confidential: these letters contain patient information."),
            (10, False, "Print at 100% (no fit-to-page), single-sided, on US Letter. Check the "
                        "first letter against the alignment page before printing the rest."),
        ]
        if cover.note:
            lines.append((10, False, cover.note))
        width = self.px(SHEET_WIDTH_IN - 2 * MARGIN_IN)
        for size, bold, text in lines:
            self.p.setFont(_font(size, bold=bold))
            fm = QFontMetricsF(self.p.font(), self.device)
            flags = int(Qt.AlignmentFlag.AlignLeft) | int(Qt.TextFlag.TextWordWrap)
            box = self.p.boundingRect(QRectF(left, y, width, self.px(2)), flags, text)
            self.p.drawText(QRectF(left, y, width, box.height()), flags, text)
            y += max(box.height(), fm.lineSpacing()) + fm.lineSpacing() * 0.4


def _units(doc: QTextDocument, page: float) -> list[tuple[float, float, bool]]:
    """(top, bottom, heading) of what must stay together, in order: a paragraph (a sentence
    holding an enrollment code is never cut in two) or, for a paragraph too tall to keep
    whole, each of its lines."""
    layout = doc.documentLayout()
    units: list[tuple[float, float, bool]] = []
    block = doc.begin()
    while block.isValid():
        box = layout.blockBoundingRect(block)
        fmt = block.blockFormat()
        heading = fmt.headingLevel() > 0
        if box.height() <= page * KEEP_WHOLE_SHARE or block.layout().lineCount() <= 1:
            units.append((box.top(), box.bottom(), heading))
        else:
            lines = block.layout()
            for n in range(lines.lineCount()):
                line = lines.lineAt(n).rect()
                units.append((box.top() + line.top(), box.top() + line.bottom(), False))
        block = block.next()
    return units


def page_cuts(doc: QTextDocument, first: float, later: float) -> list[tuple[float, float]]:
    """Where each page's slice of a laid-out body starts and ends: the first page `first` high,
    the rest `later`; a cut falls only between paragraphs (or, in a very long one, between
    lines), and a heading goes to the next page with the paragraph under it."""
    units = _units(doc, later)
    cuts: list[tuple[float, float]] = []
    start, height = 0.0, first
    for i, (top, bottom, _) in enumerate(units):
        if bottom - start <= height or top <= start:
            continue
        cut = top
        if i and units[i - 1][2] and units[i - 1][0] > start:
            cut = units[i - 1][0]  # keep a heading with what it heads
        cuts.append((start, cut))
        start, height = cut, later
    end = max((bottom for _, bottom, _ in units), default=0.0)
    cuts.append((start, max(end, start)))
    return cuts


def _writer(path: Path | QIODevice, title: str) -> QPdfWriter:
    writer = QPdfWriter(path if isinstance(path, QIODevice) else str(path))
    writer.setResolution(DPI)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.Letter),
                                     QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0),
                                     QPageLayout.Unit.Inch))
    writer.setTitle(title)
    writer.setCreator("CrisisDesk")
    return writer


class LetterPdf:
    """One output file; `add` paints a letter and returns its page count."""

    def __init__(self, writer: QPagedPaintDevice, painter: QPainter, layout: LetterLayout,
                 started: bool) -> None:
        self.writer, self.painter = writer, painter
        self.paint = LetterPainter(painter, writer, layout, DPI)
        self.paint.bodies = LaidOutBodies(self.paint.document)
        self.paint.forms = {}
        self._started = started
        self.letters = 0
        self.pages = 0

    def add(self, letter: LetterContent) -> int:
        if self._started:
            self.writer.newPage()
        self._started = True
        pages = self.paint.letter(letter, self.writer.newPage)
        self.letters += 1
        self.pages += pages
        return pages

    def finish(self, path: Path) -> None:
        """Put the static parts in the closed file at `path` where their placeholders are.

        A file Qt could not finish (a full disk cuts it short) has no cross-reference table
        to add to: that is a file not proven, not a bug."""
        if self.paint.forms:
            try:
                append_forms(path, self.paint.forms)
            except FormError as exc:
                raise FileNotProven(f"the file came out incomplete ({exc})") from None


@contextlib.contextmanager
def open_letter_pdf(path: Path, layout: LetterLayout, cover: CoverSheet | None,
                    proven: Callable[[Path], None] | None = None) -> Iterator[LetterPdf]:
    """Write letters to `path` (a temp file beside it, renamed when complete).

    Before the rename the file is read back and must hold every page painted (the cover
    included): QPdfWriter says nothing when the disk fills, so this is what turns a short file
    into `DiskFull` instead of a part that looks rendered. `proven(tmp)` is then called with the
    proven file, before the rename (a render records the file's digest there, so a file that
    appears under its name is always one the desk knows).
    """
    painted: list[LetterPdf] = []

    def pages() -> int:
        return (painted[0].pages if painted else 0) + (1 if cover is not None else 0)

    def check(tmp: Path) -> None:
        if painted:
            painted[0].finish(tmp)  # here, so a full disk while adding them is `DiskFull`
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
        prove_pdf(tmp, pages())
        if proven is not None:
            proven(tmp)

    with atomic_path(Path(path), verify=check) as tmp:
        writer = _writer(tmp, file_title(cover))
        painter = QPainter(writer)
        try:
            out = LetterPdf(writer, painter, layout, started=cover is not None)
            painted.append(out)
            if cover is not None:
                out.paint.cover(cover)
            yield out
        finally:
            painter.end()
            del painter, writer  # closes and flushes the file before it is renamed


def write_letter_pdf(tmp: Path, layout: LetterLayout, cover: CoverSheet | None,
                     letters: Iterable[LetterContent], title: str,
                     each: Callable[[int], None] | None = None) -> int:
    """Write a whole file of letters to `tmp`, fsync it and prove it; return its pages.

    For a writer in another process: the file keeps its temp name and the caller records it
    and renames it into place (`open_letter_pdf` does all of it in one process). `each(n)` is
    called after the n-th letter (progress; it may raise to stop).
    """
    writer = _writer(tmp, title)
    painter = QPainter(writer)
    try:
        out = LetterPdf(writer, painter, layout, started=cover is not None)
        if cover is not None:
            out.paint.cover(cover)
        for n, letter in enumerate(letters, 1):
            out.add(letter)
            if each is not None:
                each(n)
    finally:
        painter.end()
        del painter, writer  # closes and flushes the file
    out.finish(tmp)
    pages = out.pages + (1 if cover is not None else 0)
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    prove_pdf(tmp, pages)
    return pages


def file_title(cover: CoverSheet | None) -> str:
    return ("Patient letters" if cover is None else
            f"Patient letters, batch {cover.batch_number}, file {cover.part}")


def preview_pages(layout: LetterLayout, content: LetterContent, dpi: float = 72
                  ) -> list[QImage]:
    """The letter's pages as images, exactly as `open_letter_pdf` lays them out."""
    size = (round(SHEET_WIDTH_IN * dpi), round(SHEET_HEIGHT_IN * dpi))
    images: list[QImage] = []

    def page() -> QPainter:
        image = QImage(size[0], size[1], QImage.Format.Format_RGB32)
        image.setDotsPerMeterX(round(dpi / 0.0254))
        image.setDotsPerMeterY(round(dpi / 0.0254))
        image.fill(Qt.GlobalColor.white)
        images.append(image)
        return QPainter(image)

    painters = [page()]

    def new_page() -> None:
        painters[-1].end()
        nxt = page()
        painters.append(nxt)
        lp.p = nxt

    lp = LetterPainter(painters[0], images[0], layout, dpi)
    lp.letter(content, new_page)
    painters[-1].end()
    return images
