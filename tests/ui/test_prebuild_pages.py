"""After the warm-up, the pages nobody opened yet are built while the window is idle, hidden
and without their data, so the first click on a section does not pay for building it; not
while the person is typing or clicking; a locked desk builds nothing until it is unlocked
again."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from crisisdesk.app import CrisisDeskApp
from crisisdesk.ui import main_window
from tests.support.desk import PASSPHRASE
from tests.support.ui import unlock_via_dialog


def test_unopened_pages_are_built_when_idle_but_load_only_when_shown(
        qtbot: QtBot, desk_app: CrisisDeskApp) -> None:
    unlock_via_dialog(qtbot, desk_app)
    window = desk_app.main_window
    assert window is not None
    qtbot.waitUntil(lambda: window.warmed_up, timeout=30_000)
    qtbot.waitUntil(lambda: list(window.pages) == window.section_keys, timeout=30_000)
    hidden = [window.pages[key] for key in window.section_keys[1:]]
    assert not any(page.isVisible() for page in hidden)
    assert all(page._stale for page in hidden)  # no data read for a page nobody looked at
    window.sidebar.setCurrentRow(window.section_keys.index("templates"))
    templates = window.pages["templates"]
    assert window.pages_stack.currentWidget() is templates
    assert templates.isVisible()
    assert not templates._stale  # loaded on the way to the screen, as before


def test_a_locked_window_builds_no_pages_until_unlocked(
        qtbot: QtBot, desk_app: CrisisDeskApp) -> None:
    unlock_via_dialog(qtbot, desk_app)
    window = desk_app.main_window
    assert window is not None
    window.lock()  # before the warm-up is over
    qtbot.waitUntil(lambda: window.warmed_up, timeout=30_000)
    qtbot.wait(600)
    assert list(window.pages) == ["dashboard"]
    form = window.lock_screen.form
    form.passphrase_edit.setText(PASSPHRASE)
    form.unlock_button.click()
    qtbot.waitUntil(lambda: not window.is_locked, timeout=10_000)
    qtbot.waitUntil(lambda: list(window.pages) == window.section_keys, timeout=30_000)


def test_no_page_is_built_while_the_person_is_typing_or_clicking(
        qtbot: QtBot, desk_app: CrisisDeskApp, monkeypatch: pytest.MonkeyPatch) -> None:
    # A page built right after a key press or click adds its freeze to the one the person
    # is already waiting through; the window builds them when the person pauses.
    monkeypatch.setattr(main_window, "PREBUILD_QUIET_MS", 1_500)  # margin for a slow machine
    unlock_via_dialog(qtbot, desk_app)
    window = desk_app.main_window
    assert window is not None
    typed_until = None
    while typed_until is None or time.monotonic() < typed_until:
        QTest.keyClick(window.sidebar, Qt.Key.Key_Shift)  # pressed and let go, every 100 ms
        qtbot.wait(100)
        if typed_until is None and window.warmed_up:
            typed_until = time.monotonic() + 1.0  # the prebuild would have begun by now
    assert list(window.pages) == ["dashboard"]
    qtbot.waitUntil(lambda: list(window.pages) == window.section_keys, timeout=30_000)
