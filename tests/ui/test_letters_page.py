"""The Letters page driven through its real widgets: import wizard, batch render and cancel."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from crisisdesk.domain.letters import LetterStatus
from crisisdesk.services import settings as settings_service
from crisisdesk.services.letters import batches as letter_service
from crisisdesk.services.letters import mailing_log as mailing_log
from crisisdesk.services.session import Session
from crisisdesk.ui.context import DeskState, UiContext
from crisisdesk.ui.letters.page import LettersPage
from crisisdesk.ui.message_bar import MessageBar
from crisisdesk.ui.workers import JobRunner
from tests.services.letters_support import add_codes, adult_rows, letter_desk, write_list
from tests.ui.conftest import RecordingPrompts


@pytest.fixture
def page(qtbot: QtBot, session: Session, prompts: RecordingPrompts,
         runner: JobRunner) -> Iterator[LettersPage]:
    letter_desk(session)
    bar = MessageBar()
    qtbot.addWidget(bar)
    widget = LettersPage(UiContext(DeskState(session), runner, prompts, bar))
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    runner.shutdown()


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
    assert "22 rows, 21 ready" in summary and "1 ZIP codes missing" in summary
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
    assert not wizard.import_button.isVisible() and not wizard.cancel_button.isVisible()
    wizard.close_button.click()
    assert not wizard.isVisible()
    qtbot.waitUntil(lambda: "21 recipients" in page.summary_label.text(), timeout=5_000)
    assert "1 rows set aside for review" in page.summary_label.text()


def test_returned_letters_scanned_on_the_page_raise_substitute_notice(
        qtbot: QtBot, page: LettersPage, session: Session, tmp_path: Path) -> None:
    letter_service.import_recipients(session, write_list(tmp_path / "l.csv", [
        *adult_rows(12), "Lost,Person,1970-01-01,,,,,,,,,,,,"]))
    add_codes(session, tmp_path, 12)
    letter_service.create_batch(session)
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
            clicked.wait(20)
        return real_add(self, letter)  # type: ignore[arg-type]

    monkeypatch.setattr(printing_letters.LetterPdf, "add", slow_add)
    settings_service.set(session, "letters_per_file", 4)
    letter_service.import_recipients(session, write_list(tmp_path / "l.csv", adult_rows(120)))
    add_codes(session, tmp_path, 120)
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
            assert button is not None and button.text() == "Cancel"
            button.click()
            clicked.set()

    job = page.render_batch(out)
    assert job is not None
    job.progress.connect(on_progress)
    with qtbot.waitSignal(job.cancelled, timeout=20_000):
        pass
    done_files = sorted(out.glob("*.pdf"))
    assert 0 < len(done_files) < 30
    assert not list(out.glob(".*.tmp"))
    assert letter_service.status_counts(session)["ready"] == 120
    assert all(total == 120 for _, total in seen)
    assert any("letters/s" in text and "left" in text for text in labels)
    job = page.render_batch(out)
    assert job is not None
    with qtbot.waitSignal(job.finished, timeout=30_000):
        pass
    assert page.last_render is not None
    assert page.last_render.reused_files == len(done_files)
    assert len(list(out.glob("*.pdf"))) == 30
    qtbot.waitUntil(lambda: page.batches.item(0, 3).text() != "", timeout=3_000)
