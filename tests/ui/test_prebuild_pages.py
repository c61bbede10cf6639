"""After the warm-up, the pages nobody opened yet are built while the window is idle, hidden
and without their data, so the first click on a section does not pay for building it; a locked
desk builds nothing until it is unlocked again."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from crisisdesk.app import CrisisDeskApp
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
