"""The obligations sheet as a PDF: no entry split across two pages, pages numbered.

A long incident (many states, a delay, rules not in force) gives tall entries; QTextDocument on
its own splits a table row at the page foot, so the sheet prints one table per entry and the
PDF writer moves an entry that would straddle a page break to the next page.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtGui import QFont, QPdfWriter, QTextDocument
from PySide6.QtWidgets import QApplication

from crisisdesk.domain.clocks import compute_obligations, rules_not_in_force
from crisisdesk.domain.incidents import (
    DelayForm,
    Incident,
    IncidentKind,
    IncidentStatus,
    LawEnforcementDelay,
)
from crisisdesk.printing.fonts import print_family
from crisisdesk.printing.obligations_sheet import obligations_html
from crisisdesk.printing.pdf import (
    BASE_POINT_SIZE,
    html_to_pdf,
    keep_tables_together,
    page_layout,
    print_layout,
    straddling_tables,
)
from tests.support.rules import RULES

STATES = {"CA": 800, "CO": 40, "TX": 300, "FL": 600, "NY": 20, "IL": 700, "WA": 520, "MD": 30,
          "VT": 3, "OR": 260, "PA": 510, "AL": 1000}


def sheet_html() -> tuple[str, list[str]]:
    delay = LawEnforcementDelay("Det. Ana Ruiz", "FBI", DelayForm.ORAL, dt.date(2026, 2, 20),
                                dt.date(2026, 6, 1))
    incident = Incident("i1", "Ransomware", IncidentKind.RANSOMWARE, IncidentStatus.OPEN,
                        dt.date(2026, 2, 1), affected_by_state=STATES,
                        affected_unknown_residence=600, delay=delay)
    obligations = compute_obligations(RULES, incident)
    html = obligations_html(incident, obligations, RULES, today=dt.date(2026, 3, 1),
                            not_in_force=rules_not_in_force(RULES, incident))
    return html, [o.title for o in obligations]


def squash(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def test_no_entry_straddles_a_page_break(qapp: QApplication, tmp_path: Path) -> None:
    html, _titles = sheet_html()
    writer = QPdfWriter(str(tmp_path / "probe.pdf"))
    writer.setResolution(300)
    writer.setPageLayout(page_layout())
    font = QFont(print_family())
    font.setPointSizeF(BASE_POINT_SIZE)
    doc = QTextDocument()
    doc.setDefaultFont(font)
    doc.setHtml(html)
    plain, margin = print_layout(doc, writer)
    assert straddling_tables(plain, writer.height(), margin), "the case must need moving"
    fixed = keep_tables_together(doc, writer)
    assert straddling_tables(fixed, writer.height(), margin) == []
    assert fixed.pageCount() >= 3


def test_the_pdf_has_every_entry_whole_on_a_numbered_page(qapp: QApplication,
                                                          tmp_path: Path) -> None:
    html, titles = sheet_html()
    path = tmp_path / "obligations.pdf"
    html_to_pdf(html, path, title="Notification obligations")
    pages = [squash(page.extract_text()) for page in PdfReader(path).pages]
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert text.endswith(str(number)), number  # the page number, bottom right
    for title in titles:
        assert any(squash(title) in text for text in pages), title
    assert all(text.count("Date:") == text.count("Ref:") for text in pages)
