"""What a newcomer tripped over on the Letters page: the Render dialog's file name, a preview
without a Close button, and a batch shown Printed with Rendered empty."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from crisisdesk.services import settings as settings_service
from crisisdesk.services.letters import batches as letter_service
from crisisdesk.services.letters import mailing_log
from crisisdesk.services.session import Session
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.letters.page import LettersPage
from tests.support.letters import add_codes, adult_rows, letter_desk, write_list
from tests.support.ui import RecordingPrompts, show_page


@pytest.fixture
def page(qtbot: QtBot, session: Session, ctx: UiContext, tmp_path: Path) -> LettersPage:
    return batch_page(qtbot, session, ctx, tmp_path)


def batch_page(qtbot: QtBot, session: Session, ctx: UiContext, tmp_path: Path,
               per_file: int = 500) -> LettersPage:
    """A page with batch 1 of nine letters (`per_file` letters a file), selected."""
    letter_desk(session)
    settings_service.set(session, "letters_per_file", per_file)
    letter_service.import_recipients(session, write_list(tmp_path / "l.csv", adult_rows(9)))
    add_codes(session, tmp_path, 9)
    letter_service.create_batch(session)
    page = show_page(qtbot, LettersPage(ctx))
    qtbot.waitUntil(lambda: page.overview is not None and not page.loading
                    and page.batches.rowCount() == 1, timeout=30_000)
    page.batches.selectRow(0)
    return page


def message(page: LettersPage) -> str:
    return page.ctx.messages.label.text()


def render(qtbot: QtBot, page: LettersPage, prompts: RecordingPrompts, path: Path) -> None:
    prompts.save_path = path
    page.render_button.click()
    qtbot.waitUntil(lambda: message(page).startswith("Rendered"), timeout=60_000)


@pytest.mark.parametrize("typed", ["april-mailing.pdf", "april-mailing"])
def test_render_writes_the_file_name_typed_in_the_dialog(
        qtbot: QtBot, page: LettersPage, prompts: RecordingPrompts, tmp_path: Path,
        typed: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    render(qtbot, page, prompts, out / typed)
    assert sorted(p.name for p in out.iterdir()) == ["april-mailing.pdf"]
    assert message(page) == f"Rendered 9 letters into {out / 'april-mailing.pdf'}."
    assert prompts.asked[-1] == ("save_file", "Where to save the batch's PDF files",
                                 "batch-1.pdf")


def test_a_batch_of_several_files_numbers_the_typed_name(
        qtbot: QtBot, session: Session, ctx: UiContext, prompts: RecordingPrompts,
        tmp_path: Path) -> None:
    page = batch_page(qtbot, session, ctx, tmp_path, per_file=4)
    out = tmp_path / "out"
    out.mkdir()
    render(qtbot, page, prompts, out / "april.pdf")
    assert sorted(p.name for p in out.iterdir()) == [
        "april-part001-of003.pdf", "april-part002-of003.pdf", "april-part003-of003.pdf"]
    assert not list(out.glob("letters-*"))


def test_the_preview_closes_with_its_close_button_and_with_escape(
        qtbot: QtBot, page: LettersPage) -> None:
    page.preview_button.click()
    preview = page.preview_dialog
    assert preview.isVisible()
    assert preview.close_button.text() == "Close"
    preview.close_button.click()
    assert not preview.isVisible()
    page.preview_button.click()
    preview = page.preview_dialog
    assert preview.isVisible()
    qtbot.keyClick(preview, Qt.Key.Key_Escape)
    assert not preview.isVisible()


def test_a_batch_is_not_marked_printed_before_it_is_rendered(
        qtbot: QtBot, page: LettersPage, session: Session, prompts: RecordingPrompts,
        tmp_path: Path) -> None:
    page.printed_button.click()
    assert message(page) == ("Letter batch 1 is not rendered yet: render it to PDF (or print "
                             "it from the Letters page) before marking it printed.")
    assert mailing_log.totals(session)["ALL"] == {"pending": 9}
    assert (page.batches.item(0, 3).text(), page.batches.item(0, 4).text()) == ("", "")
    render(qtbot, page, prompts, tmp_path / "b1.pdf")
    page.printed_button.click()
    assert message(page) == "Marked 9 letters of batch 1 printed."
    qtbot.waitUntil(lambda: page.batches.item(0, 4).text() != "", timeout=10_000)
    assert page.batches.item(0, 3).text() == page.batches.item(0, 4).text() == "2026-03-20"
