"""The Letters page renders onto a full disk: the message bar shows the same one line as the
CLI (how many letters are safe, which folder to free), and a second click resumes."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from crisisdesk.services import settings as settings_service
from crisisdesk.services.letters import batches as letter_service
from crisisdesk.services.letters import mailing_log
from crisisdesk.services.session import Session
from crisisdesk.store import files as file_store
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.letters.page import LettersPage
from tests.support.letters import add_codes, adult_rows, letter_desk, write_list
from tests.support.ui import show_page


@pytest.fixture
def page(qtbot: QtBot, session: Session, ctx: UiContext, tmp_path: Path) -> LettersPage:
    letter_desk(session)
    settings_service.set(session, "letters_per_file", 2)
    letter_service.import_recipients(session, write_list(tmp_path / "l.csv", adult_rows(6)))
    letter_service.classify_recipients(session)
    add_codes(session, tmp_path, 6)
    letter_service.create_batch(session)
    shown = show_page(qtbot, LettersPage(ctx))
    qtbot.waitUntil(lambda: shown.batches.rowCount() == 1, timeout=3_000)
    shown.batches.selectRow(0)
    return shown


def test_render_onto_a_full_disk_shows_one_line_then_resumes(
        qtbot: QtBot, page: LettersPage, session: Session, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.fsync
    files: list[str] = []  # the part files fsynced so far, in order (each may be synced twice)

    def fsync(fd: int) -> None:  # the second part file loses its bytes, as on a full disk
        if stat.S_ISREG(os.fstat(fd).st_mode):
            name = os.readlink(f"/proc/self/fd/{fd}")
            if name not in files:
                files.append(name)
            if files.index(name) == 1:
                os.ftruncate(fd, 0)
        real(fd)

    monkeypatch.setattr(file_store.os, "fsync", fsync)
    monkeypatch.setattr(file_store, "free_bytes", lambda folder: 0)
    out = tmp_path / "pdf"
    job = page.render_batch(out)
    assert job is not None
    with qtbot.waitSignal(job.failed, timeout=60_000):
        pass
    line = page.ctx.messages.label.text()
    assert line == (f"The disk holding {out} is full: 2 of 6 letters are safe in 1 file; "
                    f"free space in {out} and run the same command again.")
    assert mailing_log.totals(session)["ALL"] == {"pending": 4, "rendered": 2}
    monkeypatch.undo()
    job = page.render_batch(out)
    assert job is not None
    with qtbot.waitSignal(job.finished, timeout=60_000):
        pass
    assert page.last_render is not None
    assert page.last_render.reused_files == 1
    assert mailing_log.totals(session)["ALL"] == {"rendered": 6}
