"""Letters drawn on their body's static part (written once per file as PDF forms) are the same
letters as those painted whole, page for page, and never carry another person's data.

The batch is the one of `test_letters_fast`: unique tokens per person, names of many lengths
(so some salutations wrap and a body comes in several shapes), English and Spanish, minors,
state inserts, several information lists.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crisisdesk.services.letters import render as letter_render
from crisisdesk.services.session import Session
from tests.printing.test_letters_fast import check_letters, make_batch
from tests.support.pdf import page_texts, read

pytest.importorskip("PySide6")

from crisisdesk.domain.letter_pages import LetterContent
from crisisdesk.printing import letters as letter_pdf
from crisisdesk.printing.letters import LetterPainter, open_letter_pdf, write_letter_pdf
from crisisdesk.printing.pdf_forms import Placeholder, StaticPages, append_forms

FORM = re.compile(rb"/Subtype /Form\b")
# Between the continuation line and the body of pages 2..n: text there is the last line of
# the page before, drawn again and clipped away (invisible, yet in the file twice).
ABOVE_CONTINUED_BODY_IN = (0.5 + 0.2, 0.5 + letter_pdf.CONTINUED_GAP_IN)


def painted_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every letter painted whole, page by page (the path without static parts)."""
    monkeypatch.setattr(LetterPainter, "_body",
                        lambda self, content: (self.body_document(content), None))


def contents(session: Session, tmp_path: Path, n: int) -> tuple[object, list[LetterContent]]:
    make_batch(session, tmp_path, n, 500)
    return letter_render.preview(session, "1", n)


def test_letters_on_static_parts_read_and_sit_exactly_as_letters_painted_whole(
        session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    layout, batch = contents(session, tmp_path, 90)
    fast, whole = tmp_path / "fast.pdf", tmp_path / "whole.pdf"
    pages = write_letter_pdf(fast, layout, None, batch, "t")  # type: ignore[arg-type]
    with monkeypatch.context() as m:
        painted_whole(m)
        assert write_letter_pdf(whole, layout, None, batch, "t") == pages  # type: ignore[arg-type]
    fast_texts, _ = read(fast)
    whole_texts, _ = read(whole)
    for texts in (fast_texts, whole_texts):  # a line at a cut is on one page, not on both
        later = {t.page for t in texts if "continued (reference" in t.text}
        assert later
        for t in texts:
            if t.page in later:
                assert not ABOVE_CONTINUED_BODY_IN[0] < t.top_in < ABOVE_CONTINUED_BODY_IN[1], t
    data = fast.read_bytes()
    bodies = len({c.marked_html for c in batch})
    assert 0 < len(FORM.findall(data)) <= 3 * 2 * bodies, "static parts not used or not shared"
    assert not FORM.findall(whole.read_bytes())
    appended = data[data.index(b"%%EOF"):]  # the update after what Qt wrote
    assert b"/Subtype /Form" in appended
    assert b"/FontFile2" in appended, "the static parts' fonts are not embedded"
    # the same lines on every page (pdftotext may read a form before the page's own text)
    assert [_lines(p) for p in page_texts(fast)] == [_lines(p) for p in page_texts(whole)]
    assert len(fast_texts) == len(whole_texts)
    for a, b in zip(sorted(fast_texts, key=_where), sorted(whole_texts, key=_where),
                    strict=True):
        assert (a.page, a.text) == (b.page, b.text)
        assert abs(a.x_in - b.x_in) < 0.005, (a, b)
        assert abs(a.top_in - b.top_in) < 0.005, (a, b)


def _lines(page: str) -> list[str]:
    return sorted(line for line in page.splitlines() if line.strip())


def _where(t: object) -> tuple[int, float, float, str]:
    return (t.page, round(t.top_in, 2), round(t.x_in, 2), t.text)  # type: ignore[attr-defined]


def test_a_file_without_static_parts_is_left_as_qt_wrote_it(tmp_path: Path) -> None:
    from crisisdesk.printing.pdf import ensure_gui_app

    ensure_gui_app()
    path = tmp_path / "plain.pdf"
    path.write_bytes(b"")
    from PySide6.QtGui import QPainter

    writer = letter_pdf._writer(path, "t")
    painter = QPainter(writer)
    painter.drawText(10, 10, "x")
    painter.end()
    del painter, writer
    before = path.read_bytes()
    assert append_forms(path, {Placeholder().height: (StaticPages(), 0)}) == 0
    assert path.read_bytes() == before


@pytest.mark.slow
def test_ten_thousand_letters_on_static_parts_each_page_holds_only_its_own_person(
        session: Session, tmp_path: Path) -> None:
    """In this process (no workers): 20 files of 500, every page checked against its letter."""
    own = make_batch(session, tmp_path, 10_000, 500)
    report = letter_render.render_batch(session, "1", tmp_path / "out", open_letter_pdf)
    assert len(report.files) == 20
    for path in report.files:
        assert FORM.search(path.read_bytes()), f"{path.name} painted without static parts"
    check_letters(report.files, own)
