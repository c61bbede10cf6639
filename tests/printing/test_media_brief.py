"""The spokesperson brief on paper: one page, the key messages, the print time, escaped."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from pypdf import PdfReader

from crisisdesk.printing.media_brief import brief_html
from crisisdesk.printing.pdf import ensure_gui_app, html_to_pdf
from crisisdesk.services.media import cadence as cadence_service
from crisisdesk.services.media import inquiries as media_service
from crisisdesk.services.media.brief import gather_brief
from crisisdesk.services.session import Session
from tests.support.crisis import open_incident
from tests.support.media import approved_answer, freeze


def test_brief_is_one_page_with_key_messages_and_print_time(session: Session,
                                                             tmp_path: Path) -> None:
    freeze(session)
    open_incident(session)
    approved_answer(session, "key-message-care", "Care continues",
                    "Our clinics are open and patient care continues safely.")
    approved_answer(session, "key-message-facts", "Facts first",
                    "We will share facts as we confirm them <and> never guess.")
    for n in range(8):
        approved_answer(session, f"qa-question-{n}", f"Question number {n}?",
                        "An approved answer of a realistic length. " * 6)
    media_service.log_inquiry(session, outlet="Ledger", question="Q?", deadline="2020-01-01")
    cadence_service.set_cadence(session, "staff", "2h")
    data = gather_brief(session)
    assert [e.key for e in data.key_messages] == ["key-message-care", "key-message-facts"]
    assert len(data.top_qa) == 6
    html = brief_html(data)
    assert "&lt;and&gt;" in html  # every value escaped
    ensure_gui_app()
    path = tmp_path / "brief.pdf"
    html_to_pdf(html, path, title="Spokesperson brief")
    reader = PdfReader(path)
    assert len(reader.pages) == 1
    # NFKC: the PDF font sets "fi" as a ligature
    text = " ".join(unicodedata.normalize("NFKC", reader.pages[0].extract_text()).split())
    assert "Our clinics are open and patient care continues safely." in text
    assert "We will share facts as we confirm them <and> never guess." in text
    assert f"Printed {unicodedata.normalize('NFKC', data.printed)}" in text
    assert "What not to say" in text
    assert "1 past their deadline" in text
