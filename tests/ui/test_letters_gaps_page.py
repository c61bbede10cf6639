"""Letters page gaps: the review list, re-mail and returned-by-scanner, reprint after a jam
and the counts report (both in workers), and the substitute web notice proposal."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from crisisdesk.domain.letters import SUBSTITUTE_WEB_TEMPLATE, LetterStatus
from crisisdesk.services.letters import batches as letter_service
from crisisdesk.services.letters import codes as letter_codes
from crisisdesk.services.letters import mailing_log as mailing_log
from crisisdesk.services.session import Session
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.letters.page import LettersPage
from tests.support.letters import add_codes, adult_rows, letter_desk, write_list
from tests.support.ui import show_page


@pytest.fixture
def page(qtbot: QtBot, session: Session, ctx: UiContext) -> LettersPage:
    letter_desk(session)
    return show_page(qtbot, LettersPage(ctx))


def _mailed_batch(session: Session, tmp: Path, extra: list[str] | None = None) -> str:
    rows = [*adult_rows(6), *(extra or [])]
    letter_service.import_recipients(session, write_list(tmp / "l.csv", rows),
                                     date_format="YYYY-MM-DD", set_aside_invalid=True)
    letter_service.classify_recipients(session, notice_date=dt.date(2026, 4, 6))
    add_codes(session, tmp, 10)
    letter_service.create_batch(session)
    letter_service.record_direct_print(session, "1")
    mailing_log.mark_batch(session, "1", LetterStatus.PRINTED)
    mailing_log.mark_batch(session, "1", LetterStatus.MAILED)
    return str(session.db.execute("SELECT reference FROM letters WHERE seq = 2").fetchone()[0])


def _status(session: Session, ref: str) -> str:
    return str(session.db.execute("SELECT status FROM letters WHERE reference = ?",
                                  [ref]).fetchone()[0])


def test_review_list_shows_line_and_reason_and_fixes_a_row(
        qtbot: QtBot, page: LettersPage, session: Session, tmp_path: Path) -> None:
    rows = [*adult_rows(3), "Pat,Xu,1970-02-31,,1 Elm St,Springfield,IL,62701,,,,,,,"]
    letter_service.import_recipients(session, write_list(tmp_path / "l.csv", rows),
                                     date_format="YYYY-MM-DD", set_aside_invalid=True)
    page.ctx.state.notify_changed()
    qtbot.waitUntil(lambda: "Review &list (1)" in page.review_button.text(), timeout=3_000)
    page.review_button.click()
    dialog = page.review_dialog
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 0).text() == "5"
    assert "birth date" in dialog.table.item(0, 1).text()
    dialog.fix_button.click()
    item = dialog.item_dialog
    assert item is not None
    assert item.isVisible()
    assert item.edits["first_name"].text() == "Pat"
    item.accept_button.click()  # still 31 February: refused, reason under the field
    assert item.isVisible()
    assert "1970-02-31" in item.errors.text("birth_date")
    assert item.errors.text("zip") == ""
    item.edits["birth_date"].setText("1970-02-28")
    item.accept_button.click()
    qtbot.waitUntil(lambda: not item.isVisible(), timeout=2_000)
    assert dialog.table.rowCount() == 0
    assert dialog.empty_label.isVisible()
    assert letter_codes.review_list(session) == []
    assert "Added the row from line 5 as a recipient" in page.ctx.messages.text
    qtbot.waitUntil(lambda: "0 rows set aside" in page.summary_label.text(), timeout=3_000)


def test_scanned_reference_marks_returned_then_remail_with_errors_by_field(
        qtbot: QtBot, page: LettersPage, session: Session, tmp_path: Path) -> None:
    ref = _mailed_batch(session, tmp_path)
    page.ctx.state.notify_changed()
    qtbot.keyClicks(page.reference_edit, ref.lower())  # a scanner types, then presses Enter
    qtbot.keyClick(page.reference_edit, Qt.Key.Key_Return)
    assert _status(session, ref) == "returned"
    assert page.reference_edit.text() == ""
    page.reference_edit.setText(ref)
    page.remail_button.click()
    dialog = page.remail_dialog
    assert dialog.reference_edit.text() == ref
    qtbot.keyClick(dialog.reference_edit, Qt.Key.Key_Return)  # Enter from a scanner: no save
    assert dialog.isVisible()
    assert _status(session, ref) == "returned"
    dialog.line1_edit.setText("200 Oak Ave")
    dialog.city_edit.setText("Springfield")
    dialog.state_edit.setText("Zedland")
    dialog.zip_edit.setText("62704")
    dialog.accept_button.click()
    assert dialog.isVisible()
    assert "not a US state" in dialog.errors.text("state")
    dialog.state_edit.setText("IL")
    dialog.accept_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2_000)
    assert _status(session, ref) == "remailed"
    assert f"Letter {ref} recorded as re-mailed" in page.ctx.messages.text


def test_remail_of_a_letter_not_returned_says_so_under_the_reference(
        qtbot: QtBot, page: LettersPage, session: Session, tmp_path: Path) -> None:
    ref = _mailed_batch(session, tmp_path)
    page.remail()
    dialog = page.remail_dialog
    dialog.reference_edit.setText(ref)
    dialog.line1_edit.setText("200 Oak Ave")
    dialog.zip_edit.setText("62704")
    dialog.accept_button.click()
    assert dialog.isVisible()
    assert dialog.errors.text("reference")
    assert _status(session, ref) == "mailed"


def test_reprint_a_range_in_a_worker_and_the_counts_report(
        qtbot: QtBot, page: LettersPage, session: Session, tmp_path: Path) -> None:
    import unicodedata

    from pypdf import PdfReader

    _mailed_batch(session, tmp_path)
    page.ctx.state.notify_changed()
    qtbot.waitUntil(lambda: page.batches.rowCount() == 1, timeout=3_000)
    seen: list[tuple[int, int]] = []
    out = tmp_path / "reprint.pdf"
    job = page.reprint_range((2, 4), out)
    assert job is not None
    job.progress.connect(lambda done, total: seen.append((done, total)))
    with qtbot.waitSignal(job.finished, timeout=60_000):
        pass
    assert out.exists()
    assert seen[-1] == (3, 3)
    text = "".join(p.extract_text() for p in PdfReader(str(out)).pages)
    assert "Pat1" in text
    assert "Pat3" in text
    assert "Pat0 " not in text
    assert "Pat4" not in text
    qtbot.waitUntil(lambda: "Wrote 3 letters" in page.ctx.messages.text, timeout=2_000)
    report = tmp_path / "counts.pdf"
    job = page.counts_report(report)
    assert job is not None
    ended: list[object] = []
    job.failed.connect(ended.append)
    job.finished.connect(ended.append)
    qtbot.waitUntil(lambda: bool(ended), timeout=60_000)
    assert not isinstance(ended[0], BaseException), ended[0]
    first = unicodedata.normalize("NFKC", PdfReader(str(report)).pages[0].extract_text())
    assert "counts for counsel" in " ".join(first.split())
    qtbot.waitUntil(lambda: "Wrote the counts report" in page.ctx.messages.text,
                    timeout=2_000)


def test_ten_without_address_propose_the_substitute_web_notice(
        qtbot: QtBot, page: LettersPage, session: Session, tmp_path: Path) -> None:
    page.ctx.state.notify_changed()
    assert not page.substitute_button.isVisible()
    no_address = [f"Lost{i},Person{i},1970-01-01,,,,,,,,,,,," for i in range(10)]
    _mailed_batch(session, tmp_path, no_address)
    page.ctx.state.notify_changed()
    qtbot.waitUntil(lambda: page.substitute_button.isVisible(), timeout=3_000)
    assert "10 or more" in page.substitute_label.text()
    assert SUBSTITUTE_WEB_TEMPLATE in page.substitute_button.toolTip()
    page.substitute_button.click()
    dialog = getattr(page, "issue_dialog", None)
    if dialog is not None and dialog.isVisible():
        assert dialog.approved.key == SUBSTITUTE_WEB_TEMPLATE
        dialog.reject()
    else:
        assert SUBSTITUTE_WEB_TEMPLATE in page.ctx.messages.text
