"""`crisisdesk letters report --pdf` and `crisisdesk letters purge` as a user types them."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from crisisdesk.services.letters import batches as letter_service
from crisisdesk.services.session import Session
from tests.support.cli import cli
from tests.support.letters import adult_rows, letter_desk, write_list


@pytest.mark.slow
def test_report_pdf_then_purge_needs_yes(session: Session, tmp_path: Path) -> None:
    incident = letter_desk(session)
    rows = [*adult_rows(3), *adult_rows(2, start=5, state="TX", zip_code="75201"),
            *(f"Lost{i},Person{i},1970-01-01,,,,,,,,,,,," for i in range(12))]
    letter_service.import_recipients(session, write_list(tmp_path / "l.csv", rows))
    letter_service.classify_recipients(session)
    session.close()
    pdf = tmp_path / "counts.pdf"
    out = cli(session.data_dir, "letters", "report", "--pdf", str(pdf))
    assert out.returncode == 0, out.stderr
    assert "17 rows in 3 states" in out.stdout
    text = " ".join(unicodedata.normalize("NFKC", "".join(
        p.extract_text() for p in PdfReader(str(pdf)).pages)).split())
    assert "Insufficient address 12" in text
    assert "Substitute notice required" in text
    out = cli(session.data_dir, "letters", "purge", "--incident", incident)
    assert out.returncode != 0
    assert "--yes" in out.stderr
    out = cli(session.data_dir, "letters", "purge", "--incident", incident, "--yes")
    assert out.returncode == 0, out.stderr
    assert "Purged 17 recipients and 0 letters." in out.stdout
    out = cli(session.data_dir, "letters", "status", "--json")
    assert '"recipients": 0' in out.stdout
