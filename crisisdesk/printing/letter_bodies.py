"""Letter bodies laid out once per distinct body; each letter only swaps its person fields.

Laying out the same few pages of static text again for every letter is most of what printing
a letter costs. A `LetterContent` that carries a marked body (see `services/letters/fill.py`)
is laid out once; for each letter the text of each field (the recipient's name, the patient's
name, the enrollment code) is replaced in place with the letter's own value, in the format the
marker had, and Qt re-lays out only the paragraphs that changed. The document then holds
exactly the text the letter's own HTML would give, so pages are cut the same way.

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

    def document(self, content: LetterContent) -> QTextDocument | None:
        """The body with this letter's fields swapped in, or None when it cannot be."""
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
        # Qt can leave paragraphs after an edit unlaid (no lines) until an idle timer that
        # never runs here, so every edited paragraph and all that follows the last edit are
        # marked for layout again: what is painted is never a layout of the last letter.
        for span in body.spans:
            body.doc.markContentsDirty(span.start, len(span.text))
        last = body.spans[-1].start
        body.doc.markContentsDirty(last, body.doc.characterCount() - last)
        body.doc.pageCount()
        return body.doc

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
