"""The Letters page driven through its real widgets: import wizard, batch render and cancel."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from crisisdesk.services import letters as letter_service
from crisisdesk.services import settings as settings_service
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
    prompts.open_path = write_list(tmp_path / "affected.csv", rows)
    page.import_button.click()
    wizard = page.wizard
    assert wizard is not None
    wizard.browse()
    qtbot.waitUntil(lambda: wizard.plan is not None and not wizard.busy, timeout=5_000)
    summary = wizard.summary_label.text()
    assert "21 rows, 20 ready" in summary and "1 ZIP codes missing" in summary
    assert wizard.date_combo.currentText() == "YYYY-MM-DD"
    assert wizard.problems_list.item(0).text().startswith("Line 6: the birth date")
    assert not wizard.import_button.isEnabled()
    wizard.aside_check.setChecked(True)
    assert wizard.import_button.isEnabled()
    wizard.import_button.click()
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: "20 recipients" in page.summary_label.text(), timeout=5_000)
    assert "1 rows set aside for review" in page.summary_label.text()


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
    assert letter_service.dashboard_summary(session)["ready"] == 120
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
