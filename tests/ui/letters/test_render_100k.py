"""A 100,000-letter batch rendered from the real window: the progress moves while the workers
write, Cancel stops every worker at once and says what it kept, and the next Render reuses it.

Clicks the real buttons of the Letters page and of its progress dialog; the batch is built
through the services (a cheap key derivation, codes added as one pool), as a person's desk
would have it after import, classify, codes and a new batch.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QProgressBar, QProgressDialog, QPushButton
from pytestqt.qtbot import QtBot

from crisisdesk.app import CrisisDeskApp
from crisisdesk.services import settings as settings_service
from crisisdesk.services.letters import batches as letter_service
from crisisdesk.services.letters import codes as letter_codes
from crisisdesk.services.letters import mailing_log
from crisisdesk.services.session import Session
from crisisdesk.ui.letters.page import LettersPage
from tests.support.letters import adult_rows, letter_desk, write_list
from tests.support.ui import RecordingPrompts, unlock_via_dialog

LETTERS, PER_FILE = 100_000, 500
PARTS = LETTERS // PER_FILE
STOP_S = 10  # every worker is gone this long after Cancel (a loaded machine: a few seconds)
NUMBERS = re.compile(r"([\d,]+) of ([\d,]+) letters")


def _children() -> set[int]:
    """This process's live children (the render's workers among them), from /proc."""
    me, found = os.getpid(), set()
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z" and int(fields[1]) == me:
            found.add(int(entry.name))
    return found


def _workers() -> set[int]:
    """The letter workers among them (not, say, multiprocessing's resource tracker)."""
    found = set()
    for pid in _children():
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in command and b"resource_tracker" not in command:
            found.add(pid)
    return found


def _hundred_thousand_letters(session: Session, tmp: Path) -> None:
    started = time.monotonic()
    letter_desk(session)
    settings_service.set(session, "letters_per_file", PER_FILE)
    letter_service.import_recipients(session, write_list(tmp / "list.csv", adult_rows(LETTERS)))
    letter_service.classify_recipients(session)
    letter_codes.add_code_pool(session, [f"AB{i:06d}-Q" for i in range(LETTERS)],
                               expires_on=dt.date(2026, 7, 31),
                               enrollment_url="www.example-monitoring.com/enroll",
                               monitoring_months=12)
    batch = letter_service.create_batch(session)
    assert batch.letter_count == LETTERS
    print(f"built the batch in {time.monotonic() - started:.1f} s")


class Watcher:
    """Samples what the person sees in the progress dialog every 20 ms: the bar's value and
    the letters counted in its label."""

    def __init__(self, page: LettersPage) -> None:
        self.page = page
        self.values: list[int] = []
        self.counted: list[int] = []
        self.labels: list[str] = []
        self.timer = QTimer(page)
        self.timer.timeout.connect(self.sample)
        self.timer.start(20)

    def dialog(self) -> QProgressDialog | None:
        dialog = getattr(self.page, "progress_dialog", None)
        if not isinstance(dialog, QProgressDialog) or not shiboken6.isValid(dialog):
            return None  # none yet, or the last one is closed and deleted
        return dialog if dialog.isVisible() else None

    def sample(self) -> None:
        dialog = self.dialog()
        if dialog is None:
            return
        bar = dialog.findChild(QProgressBar)
        label = dialog.findChild(QLabel)
        assert bar is not None
        assert label is not None
        if bar.maximum() == LETTERS and (not self.values or bar.value() != self.values[-1]):
            self.values.append(bar.value())
        text = label.text()
        if text not in self.labels[-1:]:
            self.labels.append(text)
        found = NUMBERS.search(text)
        if found:
            done = int(found.group(1).replace(",", ""))
            assert int(found.group(2).replace(",", "")) == LETTERS, text
            if done not in self.counted[-1:]:
                self.counted.append(done)

    def reset(self) -> None:
        self.values, self.counted, self.labels = [], [], []

    def stop(self) -> None:
        self.timer.stop()


def _files(out: Path) -> list[Path]:
    return sorted(out.glob("batch-1-part*.pdf"))


def _alive_after(pids: set[int], deadline: float) -> set[int]:
    """The processes of `pids` still alive at `deadline` (or none earlier)."""
    while True:
        alive = pids & _children()
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.05)


def _click_cancel(qtbot: QtBot, dialog: QProgressDialog) -> None:
    button = dialog.findChild(QPushButton)
    assert button is not None
    assert button.text().replace("&", "") == "Cancel"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


@contextmanager
def _letters_window(qtbot: QtBot, app: CrisisDeskApp) -> Iterator[LettersPage]:
    unlock_via_dialog(qtbot, app)
    window = app.main_window
    assert window is not None
    page = window.show_section("letters")
    assert isinstance(page, LettersPage)
    qtbot.waitUntil(lambda: page.batches.rowCount() == 1 and not page.loading, timeout=60_000)
    assert page.batches.item(0, 1).text() == f"{LETTERS:,}"
    yield page


@pytest.mark.slow
def test_a_100k_batch_renders_with_live_progress_and_cancel_keeps_what_is_done(
        qtbot: QtBot, session: Session, desk_app: CrisisDeskApp, prompts: RecordingPrompts,
        tmp_path: Path) -> None:
    _hundred_thousand_letters(session, tmp_path)
    session.close()
    out = tmp_path / "pdf"
    prompts.save_path = out / "batch-1.pdf"
    with _letters_window(qtbot, desk_app) as page:
        before = _children()
        watch = Watcher(page)
        started = time.monotonic()
        qtbot.mouseClick(page.render_button, Qt.MouseButton.LeftButton)
        # Live progress: the bar and the label's count grow at least twice, and two files
        # are proven on disk, before the person clicks Cancel (however fast the machine).
        qtbot.waitUntil(lambda: len(watch.counted) >= 3 and len(watch.values) >= 3
                        and len(_files(out)) >= 2, timeout=180_000)
        dialog = watch.dialog()
        assert dialog is not None
        workers = _workers() - before  # they live as long as the render
        assert len(workers) >= 2, "the render started fewer than two worker processes"
        print(f"cancel after {time.monotonic() - started:.1f} s at {watch.labels[-1]!r}")
        clicked = time.monotonic()
        _click_cancel(qtbot, dialog)
        qtbot.waitUntil(lambda: "files are complete" in page.ctx.messages.text,
                        timeout=30_000)
        print(f"cancelled: the page said so {time.monotonic() - clicked:.1f} s after the click")
        assert not _alive_after(workers, clicked + STOP_S), "Cancel left workers running"
        watch.stop()
        assert watch.counted == sorted(watch.counted), watch.counted
        assert watch.values == sorted(watch.values), watch.values
        assert not list(out.glob(".*.tmp")), "Cancel left temp files with patient data"
        kept = _files(out)
        assert 2 <= len(kept) < PARTS
        assert (f"Cancelled; {len(kept)} of {PARTS} files are complete and will be reused"
                in page.ctx.messages.text)
        # The mailing log on the page counts exactly the letters in the proven files.
        qtbot.waitUntil(lambda: not page.loading, timeout=30_000)
        qtbot.waitUntil(lambda: _rendered_on_page(page) == len(kept) * PER_FILE,
                        timeout=30_000)
        done = len(kept) * PER_FILE
        assert page.pipeline.counts["render"].text() == (
            f"Batch 1: {LETTERS - done:,} of {LETTERS:,} letters left to render "
            f"({len(kept)} of {PARTS} files done)")
        log = mailing_log.totals(page.ctx.session)["ALL"]
        assert log == {"rendered": len(kept) * PER_FILE,
                       "pending": LETTERS - len(kept) * PER_FILE}, log
        marks = {path: path.stat().st_mtime_ns for path in kept}
        # Render again: it starts from the kept files (the first count is at least theirs)
        # and goes on writing new ones; Cancel again keeps more.
        watch = Watcher(page)
        qtbot.mouseClick(page.render_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(_files(out)) >= len(kept) + 1 and len(watch.counted) >= 2,
                        timeout=180_000)
        assert watch.counted[0] >= len(kept) * PER_FILE, watch.counted
        dialog = watch.dialog()
        assert dialog is not None
        said, workers = page.ctx.messages.text, _workers() - before
        assert len(workers) >= 2
        _click_cancel(qtbot, dialog)
        qtbot.waitUntil(lambda: page.ctx.messages.text != said, timeout=30_000)
        watch.stop()
        assert not _alive_after(workers, time.monotonic() + STOP_S)
        assert not list(out.glob(".*.tmp"))
        again = _files(out)
        assert len(again) > len(kept)
        assert {path: path.stat().st_mtime_ns for path in kept} == marks, \
            "the second render wrote the kept files again"
        assert f"Cancelled; {len(again)} of {PARTS} files" in page.ctx.messages.text


def _rendered_on_page(page: LettersPage) -> int:
    """The 'rendered' count of the mailing log's row for all states, as the page shows it."""
    table = page.totals
    columns = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    for row in range(table.rowCount()):
        if table.item(row, 0).text() == "ALL":
            return int(table.item(row, columns.index("rendered")).text().replace(",", ""))
    return -1
