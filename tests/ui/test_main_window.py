"""The shell: navigation, idle auto-lock, CLI changes showing up, and one window per desk."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from crisisdesk.app import CrisisDeskApp, run_gui
from crisisdesk.cli.common import CliContext
from crisisdesk.services import desk as desk_service
from crisisdesk.services.session import Session
from crisisdesk.store.keychain import Keychain
from crisisdesk.store.lock import DeskLock
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.main_window import MainWindow
from crisisdesk.ui.page import Page
from crisisdesk.ui.prompts import Prompts
from crisisdesk.ui.sections import Section, default_sections
from crisisdesk.ui.workers import JobRunner
from tests.support.desk import PASSPHRASE
from tests.support.ui import RecordingPrompts, ui_context, unlock_via_dialog


class CountingPage(Page):
    """A page that shows how many audit entries the desk holds (any table would do)."""

    title = "Counter"

    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        self.label = QLabel(self)
        self.search = QLineEdit(self)
        self.refreshes = 0

    def refresh(self) -> None:
        self.refreshes += 1
        rows = self.ctx.session.db.execute("select count(*) from operators").fetchone()[0]
        self.label.setText(f"{rows} operators")

    def clear(self) -> None:
        self.label.setText("")

    def focus_search(self) -> bool:
        self.search.setFocus()
        return True


@contextmanager
def counter_desk(qtbot: QtBot, session: Session, prompts: RecordingPrompts, keychain: Keychain,
                 idle_timeout_ms: int | None = None
                 ) -> Iterator[tuple[CrisisDeskApp, MainWindow, CountingPage]]:
    """The app with only the counter page, unlocked through the dialog, shut down afterwards."""
    app = CrisisDeskApp(session.data_dir, keychain=keychain, prompts=prompts,
                        sections=[Section("counter", "Counter", CountingPage)],
                        idle_timeout_ms=idle_timeout_ms)
    try:
        unlock_via_dialog(qtbot, app)
        window = app.main_window
        assert window is not None
        page = window.pages["counter"]
        assert isinstance(page, CountingPage)
        yield app, window, page
    finally:
        app.shutdown()


def test_sidebar_shows_each_page(qtbot: QtBot, desk_app: CrisisDeskApp) -> None:
    unlock_via_dialog(qtbot, desk_app)
    window = desk_app.main_window
    assert window is not None
    titles = [window.sidebar.item(i).text() for i in range(window.sidebar.count())]
    assert titles == ["Dashboard", "Contacts", "Calling trees", "Roles", "Templates", "Letters",
                      "Hotline", "Media desk", "Regulators", "Timeline", "Team",
                      "Settings"]
    assert list(window.pages) == ["dashboard"]  # the others are built when first shown
    for row, key in enumerate(window.section_keys):
        window.sidebar.setCurrentRow(row)
        page = window.pages[key]
        assert window.pages_stack.currentWidget() is page
        assert page.isVisible()
    calling = window.pages["calling_trees"]
    assert calling.title == "Calling trees"
    assert calling.tabs.count() == 3


def test_every_section_builds_its_real_page_and_warms_its_services(
        qtbot: QtBot, session: Session, prompts: RecordingPrompts, runner: JobRunner) -> None:
    ctx = ui_context(qtbot, session, prompts, runner)
    for section in default_sections():
        assert section.warm is not None
        assert section.warm()
        page = section.build(ctx)
        qtbot.addWidget(page)
        assert type(page).__module__.startswith(f"crisisdesk.ui.{section.key}."), section.key


def test_idle_autolock_hides_data_and_needs_passphrase(
        qtbot: QtBot, session: Session, prompts: RecordingPrompts,
        trusted_keychain: Keychain) -> None:
    with counter_desk(qtbot, session, prompts, trusted_keychain,
                      idle_timeout_ms=300) as (app, window, page):
        assert page.label.text() == "1 operators"
        with qtbot.waitSignal(window.locked, timeout=5_000):
            pass
        assert window.is_locked
        assert window.lock_label.text() == "Locked"
        assert page.label.text() == ""
        assert not window.pages_stack.isVisible()
        assert window.lock_screen.isVisible()
        assert app.state is not None
        assert app.state.current is None
        form = window.lock_screen.form
        assert form.operator_edit.text() == "alex"
        assert not form.remember_check.isVisible()  # the keychain cannot skip an idle lock
        form.passphrase_edit.setText("wrong passphrase!")
        form.unlock_button.click()
        qtbot.waitUntil(lambda: form.error_label.isVisible(), timeout=10_000)
        assert window.is_locked
        window.idle.set_timeout(0)  # no second lock while we type
        form.passphrase_edit.setText(PASSPHRASE)
        with qtbot.waitSignal(window.unlocked, timeout=10_000):
            form.unlock_button.click()
        assert not window.is_locked
        assert page.label.text() == "1 operators"
        assert window.pages_stack.isVisible()


def test_change_by_another_connection_shows_after_poll(
        qtbot: QtBot, session: Session, prompts: RecordingPrompts,
        trusted_keychain: Keychain) -> None:
    from crisisdesk.domain.operators import Role
    from crisisdesk.services import operators

    with counter_desk(qtbot, session, prompts, trusted_keychain) as (app, window, page):
        assert page.label.text() == "1 operators"
        cli_session = desk_service.unlock(session.data_dir, "alex", PASSPHRASE)  # as the CLI
        try:
            operators.add_operator(cli_session, "sam", Role.OPERATOR, "another passphrase")
        finally:
            cli_session.close()
        with qtbot.waitSignal(app.state.desk_changed, timeout=5_000):  # type: ignore[union-attr]
            pass  # the 1.5 s data_version poll notices the commit
        assert page.label.text() == "2 operators"


def test_shortcuts_focus_search_and_refresh(qtbot: QtBot, session: Session,
                                            prompts: RecordingPrompts,
                                            trusted_keychain: Keychain) -> None:
    with counter_desk(qtbot, session, prompts, trusted_keychain) as (app, window, page):
        before = page.refreshes
        window.refresh()  # F5
        assert page.refreshes == before + 1
        keys = {s.key().toString() for s in window.findChildren(QObject)
                if hasattr(s, "key") and callable(s.key)}
        assert {"Ctrl+F", "F5", "Ctrl+Q"} <= keys


def test_second_copy_on_same_desk_says_already_open(session: Session,
                                                    prompts: RecordingPrompts,
                                                    trusted_keychain: Keychain) -> None:
    other = DeskLock(session.paths.lock_file)  # the first window's lock
    other.acquire()
    try:
        app = CrisisDeskApp(session.data_dir, keychain=trusted_keychain, prompts=prompts)
        assert app.start() == 1
        assert app.unlock_dialog is None
        kind, title, text = prompts.asked[-1]
        assert kind == "error"
        assert "already open in another CrisisDesk window" in text
    finally:
        other.release()


def test_run_gui_exits_1_when_desk_is_open_elsewhere(
        qapp: object, session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(Prompts, "error", lambda self, parent, title, text: shown.append(text))
    other = DeskLock(session.paths.lock_file)
    other.acquire()
    try:
        cli = CliContext(str(session.data_dir), None, None, None)
        assert run_gui(cli) == 1
    finally:
        other.release()
    assert "already open" in shown[0]


def test_run_gui_without_desk_opens_the_first_run_window(
        qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from crisisdesk.ui.first_run.window import FirstRunWindow

    shown: list[str] = []
    monkeypatch.setattr(Prompts, "error", lambda self, parent, title, text: shown.append(text))
    seen: list[str] = []

    def loop(app: QApplication) -> int:
        """Instead of the real event loop (which quits the test's QApplication for good): see
        which windows are up, then end as the app would."""
        seen.extend(w.windowTitle() for w in app.topLevelWidgets()
                    if isinstance(w, FirstRunWindow) and w.isVisible())
        return 0

    monkeypatch.setattr(QApplication, "exec", loop)
    cli = CliContext(str(tmp_path / "nothing-here"), None, None, None)
    assert run_gui(cli) == 0
    assert seen == ["CrisisDesk: first start"]
    assert shown == []  # no "No desk here" error any more
    assert not any(isinstance(w, FirstRunWindow) and w.isVisible()
                   for w in qapp.topLevelWidgets())  # closed when the app ended


def test_ctrl_q_closes_the_window(qtbot: QtBot, desk_app: CrisisDeskApp) -> None:
    unlock_via_dialog(qtbot, desk_app)
    window = desk_app.main_window
    assert window is not None
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=2_000)


def test_autolock_follows_the_desk_setting(qtbot: QtBot, session: Session,
                                           desk_app: CrisisDeskApp) -> None:
    from crisisdesk.services import settings

    settings.set(session, "autolock_minutes", 3)
    unlock_via_dialog(qtbot, desk_app)
    window = desk_app.main_window
    assert window is not None
    qtbot.waitUntil(lambda: window.idle.timeout_ms == 3 * 60_000, timeout=10_000)
    settings.set(session, "autolock_minutes", 5)  # changed elsewhere while the app is open
    qtbot.waitUntil(lambda: window.idle.timeout_ms == 5 * 60_000, timeout=10_000)


def test_lock_now_button(qtbot: QtBot, desk_app: CrisisDeskApp) -> None:
    unlock_via_dialog(qtbot, desk_app)
    window = desk_app.main_window
    assert window is not None
    assert window.lock_button.accessibleName() == "Lock the desk now"
    with qtbot.waitSignal(window.locked, timeout=2_000):
        window.lock_button.click()
    assert window.is_locked
    assert not window.lock_button.isEnabled()


class _SidebarPaints(QObject):
    """Notes when the main window's sidebar is first drawn (an application-wide filter, so
    it is in place before the window exists)."""

    def __init__(self, order: list[str]) -> None:
        super().__init__()
        self.order = order

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.Paint and "window drawn" not in self.order
                and isinstance(watched, QWidget) and watched.parent() is not None
                and watched.parent().objectName() == "sidebar"):
            self.order.append("window drawn")
        return False


def test_the_window_is_drawn_before_its_first_page_is_built(
        qtbot: QtBot, session: Session, prompts: RecordingPrompts,
        trusted_keychain: Keychain) -> None:
    """Building the first page and drawing the whole window in one go kept the window from
    answering for up to ~100 ms after Unlock: the window comes first, then its page."""
    order: list[str] = []

    class RecordingPage(CountingPage):
        def __init__(self, ctx: UiContext) -> None:
            order.append("page built")
            super().__init__(ctx)

    app = CrisisDeskApp(session.data_dir, keychain=trusted_keychain, prompts=prompts,
                        sections=[Section("counter", "Counter", RecordingPage)])
    watcher = _SidebarPaints(order)
    qt_app = QApplication.instance()
    assert qt_app is not None
    qt_app.installEventFilter(watcher)
    try:
        unlock_via_dialog(qtbot, app)
        window = app.main_window
        assert window is not None
        assert order == ["window drawn", "page built"]
        page = window.current_page()
        assert isinstance(page, RecordingPage)
        assert page.isVisible()
        assert page.label.text() == "1 operators"
    finally:
        qt_app.removeEventFilter(watcher)
        app.shutdown()
