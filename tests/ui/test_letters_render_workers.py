"""The Letters page renders through worker processes: one progress for all of them, and Cancel
stops every worker, leaves no temp file, and the next render reuses the finished files."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from crisisdesk.printing import letter_workers
from crisisdesk.services import settings as settings_service
from crisisdesk.services.letters import batches as letter_service
from crisisdesk.services.letters import render as letter_render
from crisisdesk.services.session import Session
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.letters.page import LettersPage
from tests.support.layout import plain
from tests.support.letters import add_codes, adult_rows, letter_desk, write_list
from tests.support.ui import show_page

LETTERS, PER_FILE = 600, 50


def test_render_shows_combined_progress_and_cancel_stops_every_worker(
        qtbot: QtBot, session: Session, ctx: UiContext, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    letter_desk(session)
    page = show_page(qtbot, LettersPage(ctx))
    settings_service.set(session, "letters_per_file", PER_FILE)
    letter_service.import_recipients(session, write_list(tmp_path / "l.csv",
                                                         adult_rows(LETTERS)))
    letter_service.classify_recipients(session)
    add_codes(session, tmp_path, LETTERS)
    letter_service.create_batch(session)
    page.ctx.state.notify_changed()
    qtbot.waitUntil(lambda: page.batches.rowCount() == 1, timeout=5_000)
    page.batches.selectRow(0)
    clicked = threading.Event()
    started: list[letter_workers.LetterWorkers] = []

    class Workers(letter_workers.LetterWorkers):
        """The real workers, whose news stops arriving once 2 files are done until the
        person has clicked Cancel (on a busy machine the GUI may see progress late)."""

        def __init__(self) -> None:
            super().__init__(2)
            started.append(self)
            self.processes = [p.process for p in self.procs]
            self.done = 0

        def events(self, timeout: float) -> list[Any]:
            if self.done >= 2 and not clicked.is_set():
                time.sleep(0.05)  # the news is held back (not the render loop) until Cancel
                return []
            found = super().events(timeout)
            self.done += sum(1 for e in found if e[0] == "done")
            return found

    monkeypatch.setattr(letter_workers, "LetterWorkers", Workers)
    monkeypatch.setattr(letter_render, "PARALLEL_FROM", 0)  # workers even for a small batch
    seen: list[int] = []

    def on_progress(done: int, total: int) -> None:
        assert total == LETTERS
        seen.append(done)

    def cancel_after_two_files() -> None:
        """The person clicks Cancel once two files are finished (the workers then wait)."""
        if started and started[0].done >= 2 and not clicked.is_set():
            button = page.progress_dialog.findChild(QPushButton)
            assert button is not None
            assert plain(button.text()) == "Cancel"  # its mnemonic may be set by now
            button.click()
            clicked.set()

    out = tmp_path / "pdf"
    job = page.render_batch(out)
    assert job is not None
    job.progress.connect(on_progress)
    timer = QTimer(page)
    timer.timeout.connect(cancel_after_two_files)
    timer.start(20)
    ended: list[str] = []
    job.cancelled.connect(lambda: ended.append("cancelled"))
    job.finished.connect(lambda _r: ended.append("finished"))
    job.failed.connect(lambda err: ended.append(f"failed: {err}"))
    qtbot.waitUntil(lambda: bool(ended), timeout=120_000)
    timer.stop()
    assert ended == ["cancelled"], (ended, len(started), started and started[0].done, seen[-3:])
    assert seen == sorted(seen)
    assert seen[-1] >= PER_FILE
    assert any(n % PER_FILE > 0 for n in seen), "progress came only per finished file"
    assert started
    assert not any(p.is_alive() for p in started[0].processes), "Cancel left workers running"
    assert not list(out.glob(".*.tmp"))
    kept = sorted(out.glob("letters-*.pdf"))
    assert 2 <= len(kept) < LETTERS // PER_FILE
    # The person is told what Cancel kept, not only that it stopped.
    assert (f"{len(kept)} of {LETTERS // PER_FILE} files are complete and will be reused"
            in page.ctx.messages.text)
    clicked.set()
    job = page.render_batch(out)
    assert job is not None
    with qtbot.waitSignal(job.finished, timeout=120_000):
        pass
    assert page.last_render is not None
    assert page.last_render.reused_files == len(kept)
    assert len(list(out.glob("letters-*.pdf"))) == LETTERS // PER_FILE
