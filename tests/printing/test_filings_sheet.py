"""The obligations sheet lists every filing owed with its due date, recipient, how to send it
and its step, and the substitute-notice reminders; pypdf reads them back from the PDF."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

from pypdf import PdfReader

from crisisdesk.printing import crisis_reports
from crisisdesk.printing.pdf import html_to_pdf
from crisisdesk.services import filings as filing_service
from crisisdesk.services import substitute_notice as substitute_service
from crisisdesk.services.session import Session
from tests.services.test_filings import DISCOVERED, FIVE_STATES, desk_details
from tests.support.crisis import TODAY, freeze, open_incident


def squash(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def test_the_sheet_lists_each_filing_dated_with_its_office_and_step(
        session: Session, tmp_path: Path) -> None:
    freeze(session)
    desk_details(session)
    open_incident(session, discovered_on=DISCOVERED, affected_by_state=FIVE_STATES,
                  summary="someone locked our file servers with ransomware")
    filing_service.prepare(session, "state.IL.ag")
    filing_service.approve(session, "state.IL.ag")
    filing_service.mark_sent(session, "state.IL.ag", TODAY, "portal", confirmation="IL-77")
    substitute_service.set_hotline(session, "1-833-555-0142", dt.date(2026, 4, 1))
    substitute_service.set_web_posting(session, "https://example.org/notice", TODAY)
    path = tmp_path / "obligations.pdf"
    html_to_pdf(crisis_reports.obligations(session), path, title="Obligations")
    text = squash("".join(p.extract_text() for p in PdfReader(path).pages))
    assert squash("Filings (HHS, regulators, media, credit bureaus)") in text
    for f in filing_service.tracker(session).filings:
        assert squash(f.owed.office) in text, f.key
    assert squash("New York Department of State, Division of Consumer Protection") in text
    assert squash("One Commerce Plaza, 99 Washington Avenue, Albany, NY 12231") in text
    assert squash("Attach a sample of the resident notice") in text
    assert squash("Conf. IL-77") in text
    assert squash("2026-05-08") in text  # the 5-business-days-after-HHS copies
    # the line is booked to April 1, short of 90 days from the posting (June 18)
    assert squash("it must stay open until 2026-06-18") in text
