"""The printed letters, read back with pypdf: right text, right place, right count."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from crisisdesk.domain.envelopes import STOCKS
from crisisdesk.services import settings as settings_service
from crisisdesk.services.letters import batches as letter_service
from crisisdesk.services.letters import render as letter_render
from crisisdesk.services.session import Session
from tests.support.letters import add_codes, letter_desk, write_list

pytest.importorskip("PySide6")

from crisisdesk.printing.letter_alignment import alignment_pdf
from crisisdesk.printing.letters import open_letter_pdf
from crisisdesk.printing.pdf import ensure_gui_app
from tests.support.pdf import read

ROWS = [
    "Ann,Smith,1980-05-01,,12 Elm St,Springfield,IL,62701,,,,,,,",
    "José,Núñez-O'Brien Jr.,1975-01-02,,400 Main Street Apt 3,Boston,MA,2134,es,,,,,,",
    "Emma,Jones,2015-03-20,,5 Oak Ave,Dallas,TX,75201,,Robert Jones,,,,,",
    '"=HYPERLINK(""http://evil"")",<script>,1990-01-01,,1 Bad Way,Tulsa,OK,74101,,,,,,,',
    "George,Brown,1940-07-07,2025-12-01,9 Pine Rd,Austin,TX,73301,,,Linda Brown,"
    "77 Birch Ln,Austin,TX,78701",
]
STREETS = ["12 Elm St", "400 Main Street Apt 3", "5 Oak Ave", "1 Bad Way", "77 Birch Ln"]


@pytest.fixture
def rendered(session: Session, tmp_path: Path) -> tuple[Session, list[Path]]:
    ensure_gui_app()
    letter_desk(session)
    settings_service.set(session, "letters_per_file", 2)
    letter_service.import_recipients(session, write_list(tmp_path / "list.csv", ROWS))
    letter_service.classify_recipients(session, notice_date=dt.date(2026, 4, 6))
    add_codes(session, tmp_path, 10)
    letter_service.create_batch(session)
    report = letter_render.render_batch(session, "1", tmp_path / "out", open_letter_pdf)
    return session, report.files


def test_each_letter_once_with_its_code_and_address_in_the_window(
        rendered: tuple[Session, list[Path]]) -> None:
    session, files = rendered
    assert len(files) == 3  # 5 letters, 2 a file
    codes = [r[0] for r in session.db.execute(
        "SELECT code FROM enrollment_codes WHERE letter_id IS NOT NULL")]
    assert len(codes) == 4  # the next-of-kin letter offers no monitoring
    everything = []
    window = STOCKS["single-window-10"][1]
    for path in files:
        texts, pages = read(path)
        assert "/FontFile" in path.read_bytes().decode("latin-1")
        assert pages[0].startswith("Riverside Clinics")
        assert "Confidential" in pages[0]
        everything.extend(pages)
        streets = [t for t in texts if t.text in STREETS]
        for t in streets:
            assert window.inset().contains(t.x_in, t.top_in), t
            assert t.top_in - t.size_pt / 72 >= window.inset().top
            assert t.size_pt >= 10
        for t in texts:
            if any(code in t.text for code in codes):
                assert not window.contains(t.x_in, t.top_in), t
    whole = "\n".join(everything)
    for code in codes:
        assert whole.count(code) == 1
    for street in STREETS:
        assert whole.count(street) == 1
    assert '=HYPERLINK("http://evil") <script>' in whole
    assert "Parent or Guardian" not in whole
    assert "Robert Jones" in whole
    assert "Linda Brown" in whole
    assert "George Brown" in whole


def test_page_x_of_y_per_letter(rendered: tuple[Session, list[Path]]) -> None:
    _, files = rendered
    for path in files:
        _, pages = read(path)
        marks = [re.search(r"(Page|Página) (\d+) (of|de) (\d+)", p) for p in pages[1:]]
        assert all(marks)
        numbers = [(int(m.group(2)), int(m.group(4))) for m in marks if m]
        i = 0
        while i < len(numbers):
            total = numbers[i][1]
            assert [n for n, _ in numbers[i:i + total]] == list(range(1, total + 1))
            assert all(t == total for _, t in numbers[i:i + total])
            i += total


def test_resume_reuses_finished_files_and_never_duplicates(
        rendered: tuple[Session, list[Path]], tmp_path: Path) -> None:
    session, files = rendered
    files[1].unlink()
    stale = files[1].parent / f".{files[1].name}.abc123.tmp"
    stale.write_bytes(b"half a letter")
    report = letter_render.render_batch(session, "1", tmp_path / "out", open_letter_pdf)
    assert report.reused_files == 2
    assert not stale.exists()
    refs = [r[0] for r in session.db.execute("SELECT reference FROM letters")]
    whole = "\n".join(p for path in report.files for p in read(path)[1])
    for ref in refs:
        assert len(re.findall(rf"Reference {ref}\b", whole)) == 1


def test_reprint_a_range_and_the_alignment_page(rendered: tuple[Session, list[Path]],
                                                tmp_path: Path) -> None:
    session, _ = rendered
    out = tmp_path / "reprint.pdf"
    assert letter_render.reprint(session, "1", 2, 3, out, open_letter_pdf) == 2
    _, pages = read(out)
    assert "400 Main Street Apt 3" in pages[0]
    assert "Riverside Clinics" in pages[0]
    align = tmp_path / "align.pdf"
    alignment_pdf(letter_render.letter_layout(session), align)
    texts, pages = read(align)
    assert "Envelope alignment test" in pages[0]
    window = STOCKS["single-window-10"][1]
    sample = [t for t in texts if t.text == "123 Any Street Apt 4"]
    assert sample
    assert window.inset().contains(sample[0].x_in, sample[0].top_in)
