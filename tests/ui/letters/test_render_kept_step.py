"""After a render stopped part way, the Letters page's render step says what is left and
what the next render reuses, not the whole batch as if nothing had been written."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from crisisdesk.domain.errors import Cancelled
from crisisdesk.printing.letters import open_letter_pdf
from crisisdesk.services import settings as settings_service
from crisisdesk.services.letters import batches as letter_service
from crisisdesk.services.letters import render as letter_render
from crisisdesk.services.session import Session
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.letters.page import LettersPage
from tests.support.letters import add_codes, adult_rows, letter_desk, write_list
from tests.support.ui import show_page

LETTERS, PER_FILE = 30, 4


def test_the_render_step_counts_the_files_a_cancelled_render_kept(
        qtbot: QtBot, session: Session, ctx: UiContext, tmp_path: Path) -> None:
    letter_desk(session)
    settings_service.set(session, "letters_per_file", PER_FILE)
    letter_service.import_recipients(session, write_list(tmp_path / "l.csv",
                                                         adult_rows(LETTERS)))
    add_codes(session, tmp_path, LETTERS)
    letter_service.create_batch(session)
    page = show_page(qtbot, LettersPage(ctx))
    step = page.pipeline.counts["render"]
    qtbot.waitUntil(lambda: step.text() == f"Batch 1: {LETTERS} letters to render",
                    timeout=10_000)
    seen: list[int] = []
    with pytest.raises(Cancelled):  # the person cancels once 10 letters are written
        letter_render.render_batch(session, "1", tmp_path / "pdf", open_letter_pdf,
                                   progress=lambda done, _total: seen.append(done),
                                   is_cancelled=lambda: bool(seen) and seen[-1] >= 10)
    kept = sorted((tmp_path / "pdf").glob("*.pdf"))
    assert len(kept) == 2  # letters 1-8; the third file was cancelled at its 10th letter
    page.ctx.state.notify_changed()
    qtbot.waitUntil(lambda: step.text() == f"Batch 1: {LETTERS - 8} of {LETTERS} letters "
                    "left to render (2 of 8 files done)", timeout=10_000)
    assert page.pipeline.buttons["render"].isEnabled()
