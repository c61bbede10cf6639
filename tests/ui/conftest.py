"""Fixtures for the GUI tests: recorded prompts, a job runner, the context pages are built from,
and an app on a fresh desk.

Every test here fails on a Qt warning (`qt_log_level_fail`), except the offscreen plugin's
harmless "propagateSizeHints" notice. Modal questions are never shown: `RecordingPrompts`
answers them and remembers what was asked.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from crisisdesk.app import CrisisDeskApp
from crisisdesk.services.session import Session
from crisisdesk.store.keychain import Keychain
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.workers import JobRunner
from tests.support.desk import MemoryKeyring
from tests.support.ui import RecordingPrompts, ui_context


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


@pytest.fixture
def prompts() -> RecordingPrompts:
    return RecordingPrompts()


@pytest.fixture
def runner(qapp: QApplication) -> Iterator[JobRunner]:
    r = JobRunner()
    yield r
    r.shutdown()


@pytest.fixture
def ctx(qtbot: QtBot, session: Session, prompts: RecordingPrompts,
        runner: JobRunner) -> Iterator[UiContext]:
    """A page's context on the `session` desk; the runner stops before the desk closes."""
    yield ui_context(qtbot, session, prompts, runner)
    runner.shutdown()


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
