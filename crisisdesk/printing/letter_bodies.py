"""Letter bodies laid out once per distinct body; each letter only swaps its person fields.

Laying out the same few pages of static text again for every letter is most of what printing
a letter costs. A `LetterContent` that carries a marked body (see `services/letters/fill.py`)
is laid out once; for each letter the text of each field (the recipient's name, the patient's
name, the enrollment code) is replaced in place with the letter's own value, in the format the
marker had, and Qt re-lays out only the paragraphs that changed. The document then holds
exactly the text the letter's own HTML would give, so pages are cut the same way.

`BodyShape` says which height ranges of a laid-out body hold the fields, so a printer can draw
the rest once (see `letters.StaticPart`) and per letter only those ranges; a letter whose
fields wrap differently has another shape, with a static part of its own.

A value the HTML parser would have changed (runs of spaces, line breaks, leading or trailing
space) or an empty one is not swapped: that letter is laid out from its own HTML instead.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtGui import QTextCursor, QTextDocument

from crisisdesk.domain.letter_pages import LetterContent

KEEP = 8  # distinct bodies kept laid out (a batch usually has a handful)
EDGE = 0.01  # device pixels: a clip this far inside a paragraph's box never touches the next


@dataclass
class _Span:
    start: int
    text: str
    mark: str


@dataclass
class _Body:
    doc: QTextDocument
    spans: list[_Span] = field(default_factory=list)


class LaidOutBodies:
    """Marked bodies laid out by `make(html)`, the most recently used `KEEP` of them."""

    def __init__(self, make: Callable[[str], QTextDocument]) -> None:
        self.make = make
        self.bodies: OrderedDict[str, _Body] = OrderedDict()
        self.current: _Body | None = None  # the body `document` returned last

    def document(self, content: LetterContent, whole: bool = True) -> QTextDocument | None:
        """The body with this letter's fields swapped in, or None when it cannot be.

        With `whole` False only the paragraphs holding fields are laid out again (enough to
        draw just those, see `shape_key`); `finish` then lays out the rest when needed."""
        values = dict(content.fields)
        body = self._body(content.marked_html, tuple(values))
        if not body.spans or any(not _swappable(values.get(s.mark, "")) for s in body.spans):
            return None
        for span in reversed(body.spans):  # from the end, so earlier starts stay right
            new = values[span.mark]
            if span.text != new:
                cursor = QTextCursor(body.doc)
                cursor.setPosition(span.start)
                cursor.setPosition(span.start + len(span.text),
                                   QTextCursor.MoveMode.KeepAnchor)
                cursor.insertText(new, cursor.charFormat())
        shift = 0
        for span in body.spans:
            new = values[span.mark]
            span.start += shift
            shift += len(new) - len(span.text)
            span.text = new
        for span in body.spans:
            body.doc.markContentsDirty(span.start, len(span.text))
        self.current = body
        if whole:
            self.finish(body.doc)
        else:
            body.doc.pageCount()
        return body.doc

    def finish(self, doc: QTextDocument) -> None:
        """Lay out all of `doc` after the last field again.

        Qt can leave paragraphs after an edit unlaid (no lines) until an idle timer that never
        runs here, so all that follows the last edit is marked for layout again: what is
        painted whole is never a layout of the last letter."""
        body = self.current
        if body is not None and body.doc is doc and body.spans:
            last = body.spans[-1].start
            doc.markContentsDirty(last, doc.characterCount() - last)
        doc.pageCount()

    def shape_key(self, doc: QTextDocument) -> tuple[tuple[int, float, float, int], ...] | None:
        """Which paragraphs of `doc` hold the fields, where and in how many lines: the key of
        its static part (see `BodyShape`). None when it has none or they are not laid out."""
        body = self.current
        if body is None or body.doc is not doc or not body.spans:
            return None
        return _variable_blocks(doc, [s.start for s in body.spans])

    def shape(self, doc: QTextDocument) -> BodyShape | None:
        """Where the person fields sit in `doc` as `document` just returned it, or None when
        the rest of the body cannot be drawn apart from them (see `BodyShape`); `doc` must
        be laid out whole (`finish`)."""
        body = self.current
        if body is None or body.doc is not doc or not body.spans:
            return None
        return body_shape(doc, [s.start for s in body.spans])

    def _body(self, html: str, marks: tuple[str, ...]) -> _Body:
        body = self.bodies.get(html)
        if body is not None:
            self.bodies.move_to_end(html)
            return body
        doc = self.make(html)
        doc.setUndoRedoEnabled(False)  # the edits would pile up in the undo stack
        body = _Body(doc)
        text = doc.toPlainText()
        for mark in marks:
            at = text.find(mark)
            while at >= 0:
                body.spans.append(_Span(at, mark, mark))
                at = text.find(mark, at + len(mark))
        body.spans.sort(key=lambda s: s.start)
        self.bodies[html] = body
        if len(self.bodies) > KEEP:
            self.bodies.popitem(last=False)
        return body


def _swappable(value: str) -> bool:
    """True when the HTML parser would keep `value` as it is (no runs of white space, none at
    either end, no line breaks) and it is not empty."""
    return bool(value) and " ".join(value.split()) == value and "\u00a0" not in value


@dataclass(frozen=True)
class BodyShape:
    """The paragraphs of a laid-out body that hold person fields, as ranges of its height.

    Everything outside `variable` is the same for every letter of the body with this shape
    (`key`: which paragraphs, where, how many lines), so a printer may draw it once and per
    letter draw only the `variable` ranges. A body has no shape when a paragraph without
    fields shares height with one that has them (a table cell beside it): drawing the range
    would draw that paragraph twice.
    """

    key: tuple[tuple[int, float, float, int], ...]
    variable: tuple[tuple[float, float], ...]

    def outside(self, top: float, bottom: float) -> list[tuple[float, float]]:
        """The parts of [top, bottom] outside every variable range, each kept `EDGE` clear
        of them so no field's paragraph is drawn in them."""
        parts, start = [], top
        for v_top, v_bottom in self.variable:
            if v_top >= bottom:
                break
            if v_top - EDGE > start:
                parts.append((start, v_top - EDGE))
            start = max(start, v_bottom + EDGE)
        if start < bottom:
            parts.append((start, bottom))
        return parts

    def inside(self, top: float, bottom: float) -> list[tuple[float, float]]:
        """The variable ranges within [top, bottom], each `EDGE` inside its paragraph's box
        so the paragraphs around it are not drawn."""
        return [(max(top, a + EDGE), min(bottom, b - EDGE)) for a, b in self.variable
                if a + EDGE < bottom and b - EDGE > top]


def _variable_blocks(doc: QTextDocument, positions: list[int]
                     ) -> tuple[tuple[int, float, float, int], ...] | None:
    layout = doc.documentLayout()
    root = doc.rootFrame()
    found: dict[int, tuple[int, float, float, int]] = {}
    for at in positions:
        block = doc.findBlock(at)
        if not block.isValid() or QTextCursor(block).currentFrame() != root:
            return None  # a field inside a table cell: not drawn apart
        lines = block.layout().lineCount()
        if lines == 0:
            return None  # not laid out
        box = layout.blockBoundingRect(block)
        found[block.blockNumber()] = (block.blockNumber(), round(box.top(), 3),
                                      round(box.bottom(), 3), lines)
    return tuple(found[n] for n in sorted(found))


def body_shape(doc: QTextDocument, positions: list[int]) -> BodyShape | None:
    """The shape of `doc` whose person fields start at `positions`."""
    key = _variable_blocks(doc, positions)
    if key is None:
        return None
    layout = doc.documentLayout()
    variable = {n for n, *_ in key}
    ranges = [(top, bottom) for _, top, bottom, _ in key]
    for frame in doc.rootFrame().childFrames():
        box = layout.frameBoundingRect(frame)
        if any(box.top() < b and box.bottom() > a for a, b in ranges):
            return None
    block = doc.begin()
    while block.isValid():
        if block.blockNumber() not in variable:
            box = layout.blockBoundingRect(block)
            if any(box.top() < b and box.bottom() > a for a, b in ranges):
                return None
        block = block.next()
    merged: list[tuple[float, float]] = []
    for a, b in ranges:
        if merged and a <= merged[-1][1] + 2 * EDGE:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return BodyShape(key, tuple(merged))
