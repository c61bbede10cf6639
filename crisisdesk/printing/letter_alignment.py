"""The envelope alignment test page: print it, fold it, put it in the envelope, look.

It draws the window as configured (solid), the safe box 1/8 in inside it where the address
goes (dashed), a sample address exactly where letters put theirs, the two fold lines and inch
rulers, so whoever runs the printer can see at once whether the stock setting matches the
envelopes in the supply room, and measure a custom window if it does not.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen

from crisisdesk.domain.envelopes import FOLD_PANEL_IN, SHEET_WIDTH_IN
from crisisdesk.domain.letter_pages import LetterLayout
from crisisdesk.printing.letters import DPI, LetterPainter, _font, _writer
from crisisdesk.store.files import atomic_path, pdf_proof

SAMPLE_ADDRESS = ("Jane Q. Sample", "123 Any Street Apt 4", "Springfield, IL 62701-1234")


def alignment_pdf(layout: LetterLayout, path: Path) -> None:
    """Write the one-page alignment test for `layout` to `path` (atomically)."""
    with atomic_path(Path(path), verify=pdf_proof(lambda: 1)) as tmp:
        writer = _writer(tmp, "Envelope alignment test")
        painter = QPainter(writer)
        try:
            paint_alignment(painter, LetterPainter(painter, writer, layout, DPI), layout)
        finally:
            painter.end()
            del painter, writer


def paint_alignment(p: QPainter, lp: LetterPainter, layout: LetterLayout) -> None:
    px = lp.px
    w = layout.window
    pen = QPen(QColor("black"))
    pen.setWidthF(px(0.01))
    p.setPen(pen)
    p.drawRect(QRectF(px(w.left), px(w.top), px(w.width), px(w.height)))
    safe = w.inset()
    dashed = QPen(QColor("#555555"))
    dashed.setWidthF(px(0.007))
    dashed.setDashPattern([6, 4])
    p.setPen(dashed)
    p.drawRect(QRectF(px(safe.left), px(safe.top), px(safe.width), px(safe.height)))
    for fold in (FOLD_PANEL_IN, 2 * FOLD_PANEL_IN):
        p.drawLine(QPointF(0, px(fold)), QPointF(px(SHEET_WIDTH_IN), px(fold)))
    p.setPen(pen)
    _rulers(p, lp)
    lp._letterhead()
    lp._address(SAMPLE_ADDRESS)
    p.setFont(_font(9))
    fm = QFontMetricsF(p.font(), lp.device)
    p.drawText(QPointF(px(w.left), px(w.top) - fm.descent() - px(0.03)),
               f"Window: {w.width:g} x {w.height:g} in at {w.left:g} in from the left, "
               f"{w.top:g} in from the top")
    notes = [
        "Envelope alignment test",
        f"Stock: {layout.stock_label}",
        "1. Print this page at 100% (turn off 'fit to page'), single-sided, on US Letter.",
        "2. Fold in three along the dashed fold lines, the address panel facing out.",
        "3. Put it in an envelope of the stock in use and tap it to each side (USPS tap test).",
        "4. The whole sample address must stay inside the window, with clear space all round.",
        "5. If it does not, measure where the window falls on this sheet (use the rulers) and",
        "   enter LEFT,TOP,WIDTH,HEIGHT in inches as the custom envelope window setting.",
        "Solid box: the window. Dashed box: the safe area (1/8 in inside it) for the address.",
    ]
    y = px(FOLD_PANEL_IN + 0.5)
    for i, line in enumerate(notes):
        p.setFont(_font(13 if i == 0 else 10, bold=i == 0))
        fm = QFontMetricsF(p.font(), lp.device)
        y += fm.lineSpacing() * 1.3
        p.drawText(QPointF(px(1.0), y), line)


def _rulers(p: QPainter, lp: LetterPainter) -> None:
    px = lp.px
    p.setFont(_font(7))
    for i in range(int(SHEET_WIDTH_IN * 8) + 1):
        x, tick = px(i / 8), px(0.18 if i % 8 == 0 else 0.1 if i % 4 == 0 else 0.05)
        p.drawLine(QPointF(x, 0), QPointF(x, tick))
        if i % 8 == 0 and 0 < i < SHEET_WIDTH_IN * 8:
            p.drawText(QPointF(x + px(0.02), px(0.3)), str(i // 8))
    for i in range(int(FOLD_PANEL_IN * 8) + 1):
        y, tick = px(i / 8), px(0.18 if i % 8 == 0 else 0.1 if i % 4 == 0 else 0.05)
        p.drawLine(QPointF(0, y), QPointF(tick, y))
        if i % 8 == 0 and i:
            p.drawText(QPointF(px(0.22), y + px(0.04)), str(i // 8))
