"""Fixtures for the GUI tests: recorded prompts, a job runner, and an app on a fresh desk.

Every test here fails on a Qt warning (`qt_log_level_fail`), except the offscreen plugin's
harmless "propagateSizeHints" notice. Modal questions are never shown: `RecordingPrompts`
answers them and remembers what was asked.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from crisisdesk.app import CrisisDeskApp
from crisisdesk.services.session import Session
from crisisdesk.store.keychain import Keychain
from crisisdesk.ui.prompts import Prompts
from crisisdesk.ui.workers import JobRunner
from tests.conftest import PASSPHRASE, MemoryKeyring


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/ui" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.qt_log_level_fail("WARNING"))
            item.add_marker(pytest.mark.qt_log_ignore("propagateSizeHints"))


@pytest.fixture(autouse=True)
def _gc_on_gui_thread(qapp: QApplication) -> Iterator[None]:
    """As in the app (`crisisdesk.app.GuiThreadGc`): the cyclic GC must not run in a worker
    thread, where it could destroy a QObject left over from an earlier test and crash Qt."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()


class RecordingPrompts(Prompts):
    """Answers every question from `answers` and records (kind, title, text)."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[tuple[str, str, str]] = []
        self.confirm_answer = True
        self.open_path: Path | None = None
        self.save_path: Path | None = None
        self.text_answer: str | None = ""

    def info(self, parent: object, title: str, text: str) -> None:
        self.asked.append(("info", title, text))

    def error(self, parent: object, title: str, text: str) -> None:
        self.asked.append(("error", title, text))

    def confirm(self, parent: object, title: str, text: str, **kwargs: object) -> bool:
        self.asked.append(("confirm", title, text))
        return self.confirm_answer

    def ask_text(self, parent: object, title: str, label: str) -> str | None:
        self.asked.append(("ask_text", title, label))
        return self.text_answer

    def open_file(self, parent: object, title: str, filters: str = "") -> Path | None:
        self.asked.append(("open_file", title, ""))
        return self.open_path

    def save_file(self, parent: object, title: str, suggested: str, filters: str) -> Path | None:
        self.asked.append(("save_file", title, suggested))
        return self.save_path

    def crash(self, parent: object, report: str) -> None:
        self.asked.append(("crash", "", report))
        raise AssertionError(f"unexpected crash report:\n{report}")


@pytest.fixture
def prompts() -> RecordingPrompts:
    return RecordingPrompts()


@pytest.fixture
def runner(qapp: QApplication) -> Iterator[JobRunner]:
    r = JobRunner()
    yield r
    r.shutdown()


@pytest.fixture
def trusted_keychain() -> Keychain:
    return Keychain(MemoryKeyring(), trusted=True)


@pytest.fixture
def desk_app(qtbot: object, session: Session, prompts: RecordingPrompts,
             trusted_keychain: Keychain) -> Iterator[CrisisDeskApp]:
    """The app on the `session` fixture's desk (operator 'alex'), not yet started."""
    app = CrisisDeskApp(session.data_dir, keychain=trusted_keychain, prompts=prompts)
    yield app
    app.shutdown()
    if app.unlock_dialog is not None:
        app.unlock_dialog.close()


def unlock_via_dialog(qtbot: object, app: CrisisDeskApp, operator: str = "alex",
                      passphrase: str = PASSPHRASE) -> None:
    """Type into the real dialog, click Unlock and wait for the main window."""
    assert app.start() is None
    dialog = app.unlock_dialog
    assert dialog is not None
    dialog.form.operator_edit.setText(operator)
    dialog.form.passphrase_edit.setText(passphrase)
    dialog.form.unlock_button.click()
    qtbot.waitUntil(lambda: app.main_window is not None, timeout=10_000)  # type: ignore[attr-defined]
