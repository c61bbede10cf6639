"""The Letters page driven through its real widgets: import wizard, batch render and cancel."""

from __future__ import annotations

import csv
import re
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton
from pytestqt.qtbot import QtBot

from crisisdesk.domain.letters import LetterStatus
from crisisdesk.services import settings as settings_service
from crisisdesk.services.letters import batches as letter_service
from crisisdesk.services.letters import mailing_log as mailing_log
from crisisdesk.services.letters import render as letter_render
from crisisdesk.services.session import Session
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.letters.page import LettersPage
from tests.support.layout import plain
from tests.support.letters import add_codes, adult_rows, letter_desk, write_list
from tests.support.pdf import read
from tests.support.ui import RecordingPrompts, show_page


@pytest.fixture
def page(qtbot: QtBot, session: Session, ctx: UiContext) -> LettersPage:
    letter_desk(session)
    return show_page(qtbot, LettersPage(ctx))


def test_import_wizard_names_bad_rows_then_sets_them_aside(
        qtbot: QtBot, page: LettersPage, prompts: RecordingPrompts, tmp_path: Path) -> None:
    rows = adult_rows(20)
    rows[4] = "Pat,X,1970-02-31,,1 Elm St,Springfield,IL,62701,,,,,,,"
    rows.append("Bo,Lee,1990-01-02,,9 Main St,Hartford,CT,6103,,,,,,,")
    rows.append("Cy,Ng,1990-01-02,,9 Main St,Hartford,CT,0,,,,,,,")  # imported, insufficient
    prompts.open_path = write_list(tmp_path / "affected.csv", rows)
    page.import_button.click()
    wizard = page.wizard
    assert wizard is not None
    wizard.browse()
    qtbot.waitUntil(lambda: wizard.plan is not None and not wizard.busy, timeout=5_000)
    summary = wizard.summary_label.text()
    assert "22 rows, 21 ready" in summary
    assert "1 ZIP codes missing" in summary
    assert "20 with a usable address, 1 with insufficient address" in summary
    assert wizard.date_combo.currentText() == "YYYY-MM-DD"
    assert wizard.problems_list.item(0).text().startswith("Line 6: the birth date")
    assert not wizard.import_button.isEnabled()
    wizard.aside_check.setChecked(True)
    assert wizard.import_button.isEnabled()
    wizard.import_button.click()
    qtbot.waitUntil(lambda: wizard.steps.currentIndex() == 2, timeout=10_000)
    assert wizard.done_label.text() == (
        "Imported. 22 people: 20 with a usable address, 1 insufficient address (substitute "
        "notice), 1 set aside; counted in the incident: 22.")
    assert "2 people lack a usable or current address" in wizard.substitute_label.text()
    assert not wizard.import_button.isVisible()
    assert not wizard.cancel_button.isVisible()
    wizard.close_button.click()
    assert not wizard.isVisible()
    qtbot.waitUntil(lambda: "21 recipients" in page.summary_label.text(), timeout=5_000)
    assert "1 row set aside for review" in page.summary_label.text()


def test_returned_letters_scanned_on_the_page_raise_substitute_notice(
        qtbot: QtBot, page: LettersPage, session: Session, tmp_path: Path) -> None:
    letter_service.import_recipients(session, write_list(tmp_path / "l.csv", [
        *adult_rows(12), "Lost,Person,1970-01-01,,,,,,,,,,,,"]))
    add_codes(session, tmp_path, 12)
    letter_service.create_batch(session)
    letter_service.record_direct_print(session, "1")
    mailing_log.mark_batch(session, "1", LetterStatus.PRINTED)
    mailing_log.mark_batch(session, "1", LetterStatus.MAILED)
    refs = [r[0] for r in session.db.execute("SELECT reference FROM letters ORDER BY seq")]
    for ref in refs[:8]:
        mailing_log.mark_returned(session, ref)
    page.ctx.state.notify_changed()
    qtbot.waitUntil(lambda: "9 people lack" in page.substitute_label.text(), timeout=5_000)
    assert "fewer than 10" in page.substitute_label.text()
    assert not page.substitute_button.isVisible()
    page.reference_edit.setText(refs[8])  # the ninth returned envelope, scanned
    qtbot.keyClick(page.reference_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "10 or more" in page.substitute_label.text(), timeout=5_000)
    assert page.substitute_label.text().startswith(
        "10 people lack a usable or current address (1 without a usable address, 9 letters "
        "returned with no new address); 10 or more")
    assert page.substitute_button.isVisible()


def test_classify_render_with_progress_then_cancel_and_resume(
        qtbot: QtBot, page: LettersPage, session: Session, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from crisisdesk.printing import letters as printing_letters

    real_add = printing_letters.LetterPdf.add
    clicked = threading.Event()
    added = [0]

    def slow_add(self: printing_letters.LetterPdf, letter: object) -> int:
        # A printer that stalls after a few letters until the person has clicked Cancel: on a
        # busy machine the GUI may see the progress late, and the render must not finish first.
        added[0] += 1
        if added[0] > 8:
            clicked.wait(60)
        return real_add(self, letter)  # type: ignore[arg-type]

    monkeypatch.setattr(printing_letters.LetterPdf, "add", slow_add)
    settings_service.set(session, "letters_per_file", 4)
    letter_service.import_recipients(session, write_list(tmp_path / "l.csv", adult_rows(120)))
    add_codes(session, tmp_path, 120)
    page.ctx.state.notify_changed()
    settled(qtbot, page)  # the Classify step's button is live once the page has the list
    page.classify_button.click()
    qtbot.waitUntil(lambda: "120 letters" in page.summary_label.text(), timeout=10_000)
    letter_service.create_batch(session)
    page.ctx.state.notify_changed()
    qtbot.waitUntil(lambda: page.batches.rowCount() == 1, timeout=3_000)
    out = tmp_path / "pdf"
    seen: list[tuple[int, int]] = []
    labels: list[str] = []

    def on_progress(done: int, total: int) -> None:
        seen.append((done, total))
        labels.append(page.progress_dialog.labelText())
        if done >= 5 and not clicked.is_set():  # click Cancel, as a person would
            button = page.progress_dialog.findChild(QPushButton)
            assert button is not None
            assert plain(button.text()) == "Cancel"  # its mnemonic may be set by now
            button.click()
            clicked.set()

    job = page.render_batch(out)
    assert job is not None
    job.progress.connect(on_progress)
    with qtbot.waitSignal(job.cancelled, timeout=60_000):
        pass
    done_files = sorted(out.glob("*.pdf"))
    assert 0 < len(done_files) < 30
    assert not list(out.glob(".*.tmp"))
    assert letter_service.status_counts(session)["ready"] == 120
    assert all(total == 120 for _, total in seen)
    # the count as it goes (the speed and time left come after seconds: test_render_speed)
    assert any(re.match(r"Rendering batch 1: \d+ of 120 letters", text) for text in labels)
    job = page.render_batch(out)
    assert job is not None
    with qtbot.waitSignal(job.finished, timeout=60_000):
        pass
    assert page.last_render is not None
    assert page.last_render.reused_files == len(done_files)
    assert len(list(out.glob("*.pdf"))) == 30
    qtbot.waitUntil(lambda: page.batches.item(0, 3).text() != "", timeout=3_000)


# -- the buttons of a mailing: codes, batch, preview, print, mark, alignment, log ----------

def message(page: LettersPage) -> str:
    return page.ctx.messages.label.text()


def ok_button(dialog: QDialog) -> QPushButton:
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    return buttons.button(QDialogButtonBox.StandardButton.Ok)


def settled(qtbot: QtBot, page: LettersPage) -> None:
    """Wait for the counts (read in a worker) to be on screen."""
    qtbot.waitUntil(lambda: page.overview is not None and not page.loading, timeout=30_000)


def with_list(qtbot: QtBot, page: LettersPage, session: Session, tmp_path: Path) -> None:
    """Six recipients in Illinois and three in Texas, classified, refreshed on the page."""
    letter_service.import_recipients(session, write_list(tmp_path / "l.csv", [
        *adult_rows(6), *adult_rows(3, start=10, state="TX", zip_code="75201")]))
    letter_service.classify_recipients(session)
    page.ctx.state.notify_changed()
    settled(qtbot, page)


def select_batch(qtbot: QtBot, page: LettersPage) -> None:
    qtbot.waitUntil(lambda: page.batches.rowCount() == 1, timeout=5_000)
    page.batches.selectRow(0)


def test_import_codes_asks_their_terms_and_new_batch_asks_which_letters(
        qtbot: QtBot, page: LettersPage, session: Session, prompts: RecordingPrompts,
        tmp_path: Path) -> None:
    with_list(qtbot, page, session, tmp_path)
    codes = tmp_path / "vendor-codes.csv"
    codes.write_text("Activation Code\n" + "\n".join(f"ZX{i:05d}-Q" for i in range(9)) + "\n")
    prompts.open_path = codes
    page.codes_button.click()
    dialog = page.codes_dialog
    assert dialog.isModal()
    assert dialog.isVisible()
    dialog.reject()  # cancelled: nothing imported
    assert not dialog.isVisible()
    assert "codes" not in message(page)
    page.codes_button.click()
    dialog = page.codes_dialog
    dialog.expires_edit.setDate(QDate(2026, 9, 30))
    dialog.url_edit.setText("www.vendor.example/enroll")
    dialog.months_spin.setValue(24)
    ok_button(dialog).click()
    assert message(page) == "Imported 9 codes; 9 unused."
    settled(qtbot, page)  # with the codes in, the batch step is no longer blocked
    page.batch_button.click()
    batch_dialog = page.batch_dialog
    assert batch_dialog.isModal()
    assert batch_dialog.isVisible()
    assert [batch_dialog.state_combo.itemText(i) for i in range(batch_dialog.state_combo.count())
            ] == ["All states", "IL", "TX"]
    batch_dialog.state_combo.setCurrentIndex(batch_dialog.state_combo.findData("TX"))
    assert ok_button(batch_dialog).text() == "Create batch"
    ok_button(batch_dialog).click()
    assert message(page) == "Created batch 1 with 3 letters."
    select_batch(qtbot, page)
    assert page.batches.item(0, 1).text() == "3"
    _, letters = letter_render.preview(session, "1", 3)
    assert len(letters) == 3
    for letter in letters:  # the terms typed into the codes dialog are what the letters say
        assert "www.vendor.example/enroll" in letter.body_html
        assert "24 months" in letter.body_html
        assert "September 30, 2026" in letter.body_html
        assert letter.address_lines[-1] == "Springfield, TX 75201"  # only the chosen state


def test_preview_print_to_pdf_then_mark_printed_and_mailed(
        qtbot: QtBot, page: LettersPage, session: Session, tmp_path: Path) -> None:
    page.preview_button.click()  # no batch chosen yet
    assert message(page) == "Choose a batch first (or create one)."
    with_list(qtbot, page, session, tmp_path)
    add_codes(session, tmp_path, 9)
    letter_service.create_batch(session)
    page.ctx.state.notify_changed()
    select_batch(qtbot, page)
    refs = [r[0] for r in session.db.execute("SELECT reference FROM letters ORDER BY seq")]
    assert len(refs) == 9
    page.preview_button.click()
    preview = page.preview_dialog
    assert preview.isModal()
    assert preview.isVisible()
    assert preview.pages >= 3  # the first three letters, page by page
    preview.close()

    page.print_button.click()
    dialog = page.print_dialog
    assert isinstance(dialog, QPrintPreviewDialog)
    assert dialog.isModal()
    assert dialog.isVisible()
    assert dialog.windowTitle() == "Print letters"
    out = tmp_path / "printer.pdf"
    dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)  # never a real printer
    dialog.printer().setOutputFileName(str(out))
    widget = dialog.findChild(QPrintPreviewWidget)
    assert widget is not None
    widget.print_()  # what the dialog's Print button does once a printer is chosen
    dialog.accept()
    assert message(page) == "Sent to the printer; mark the batch printed when the pages are out."
    text = "\n".join(read(out)[1])
    assert all(ref in text for ref in refs)  # every letter of the batch, not just a preview

    page.mailed_button.click()  # not printed yet: refused with the reason
    assert "printed" in message(page)
    assert mailing_log.totals(session)["IL"].get("mailed", 0) == 0
    page.printed_button.click()
    assert message(page) == "Marked 9 letters of batch 1 printed."
    page.mailed_button.click()
    assert message(page) == "Marked 9 letters of batch 1 mailed."
    totals = mailing_log.totals(session)
    assert (totals["IL"]["mailed"], totals["TX"]["mailed"]) == (6, 3)
    qtbot.waitUntil(lambda: page.totals.rowCount() >= 2, timeout=5_000)


def test_alignment_page_and_mailing_log_export_save_where_chosen(
        qtbot: QtBot, page: LettersPage, session: Session, prompts: RecordingPrompts,
        tmp_path: Path) -> None:
    with_list(qtbot, page, session, tmp_path)
    add_codes(session, tmp_path, 9)
    letter_service.create_batch(session)
    prompts.save_path = None  # the person cancels the save dialog: nothing is written
    page.align_button.click()
    page.export_button.click()
    assert not list(tmp_path.glob("*.pdf"))
    assert not list(tmp_path.glob("log*.csv"))
    prompts.save_path = tmp_path / "align.pdf"
    page.align_button.click()
    assert message(page) == (f"Wrote the alignment page to {prompts.save_path}; print it at "
                             "100%.")
    assert "Envelope alignment test" in read(prompts.save_path)[1][0]
    prompts.save_path = tmp_path / "log.csv"
    page.export_button.click()
    assert message(page) == f"Exported 9 letters to {prompts.save_path}."
    rows = list(csv.reader(prompts.save_path.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][:3] == ["Reference", "Batch", "Letter"]
    assert len(rows) == 10
    assert sorted(r[3] for r in rows[1:]) == ["IL"] * 6 + ["TX"] * 3
    assert [kind for kind, *_ in prompts.asked] == ["save_file"] * 4
