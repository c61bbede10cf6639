"""The main window: sidebar of sections, the message bar, the status bar, and the desk's lock.

It owns the two timers of an open desk (`ui/watchers.py`): idle auto-lock, and the
`PRAGMA data_version` poll that turns a commit by another connection into `desk_changed`, and
the scheduled backups (`ui/backup_scheduler.py`), whose exit backup closing the window waits for.
Locking drops every page's data, closes the session (and with it the data key's connection),
and shows an unlock form that always asks for the passphrase again.

An operator with the `agent` role gets the same window with the hotline desk only: no other
section in the sidebar, no spokesperson line, no desk polling or scheduled backups (all of them
read what the session refuses an agent); asking for another page is refused and audited.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crisisdesk.domain.errors import PermissionDenied, UserError
from crisisdesk.domain.operators import Role
from crisisdesk.services.session import Session
from crisisdesk.store.keychain import Keychain
from crisisdesk.ui.backup_scheduler import BackupScheduler
from crisisdesk.ui.context import DeskState, UiContext
from crisisdesk.ui.first_paint import FirstPaint
from crisisdesk.ui.lock_screen import LockScreen
from crisisdesk.ui.message_bar import MessageBar
from crisisdesk.ui.page import Page
from crisisdesk.ui.prompts import Prompts
from crisisdesk.ui.sections import Section, default_sections
from crisisdesk.ui.spokesperson import SpokespersonLabel
from crisisdesk.ui.team.folder_watcher import TeamFolderWatcher
from crisisdesk.ui.watchers import POLL_INTERVAL_MS, DataVersionPoller, IdleWatcher
from crisisdesk.ui.widgets.icons import ICONS, decorate_buttons, icon
from crisisdesk.ui.widgets.keyboard import sidebar_shortcut_text
from crisisdesk.ui.widgets.wheel_guard import steady_fields, while_building
from crisisdesk.ui.workers import Job, JobRunner

DEFAULT_AUTOLOCK_MINUTES = 10
WARM_UP_DELAY_MS = 250
AGENT_SECTIONS = ("hotline",)
AGENT_NOTE = "Hotline desk only"
# After the warm-up, the pages not opened yet are built one at a time while the window is
# idle, this long apart, so the first click on a section only fills and shows its page; and
# only once nobody has typed or clicked for PREBUILD_QUIET_MS: right after a click the window
# is busy showing what was asked for, and a page built then would add to that freeze.
PREBUILD_GAP_MS = 100
PREBUILD_QUIET_MS = 250


def autolock_ms(session: Session) -> int:
    """The desk's auto-lock setting, or the default while the settings service is absent."""
    try:
        from crisisdesk.services import settings as settings_service
        from crisisdesk.services.hotline import window as agent_window
    except ImportError:
        return DEFAULT_AUTOLOCK_MINUTES * 60_000
    try:
        minutes = (agent_window.autolock_minutes(session) if is_agent(session)
                   else int(settings_service.get(session, "autolock_minutes")))
    except (UserError, KeyError, TypeError, ValueError):
        minutes = DEFAULT_AUTOLOCK_MINUTES
    return minutes * 60_000


def is_agent(session: Session) -> bool:
    return session.operator.role is Role.AGENT


class MainWindow(QMainWindow):
    locked = Signal()
    unlocked = Signal()
    warmed = Signal()  # the warm-up's imports are done (once)

    def __init__(self, state: DeskState, runner: JobRunner, prompts: Prompts,
                 keychain: Keychain, *, sections: list[Section] | None = None,
                 idle_timeout_ms: int | None = None, poll_interval_ms: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.runner = runner
        self.prompts = prompts
        session = state.session
        self.data_dir = session.data_dir
        self._fixed_timeout = idle_timeout_ms
        self.agent_only = is_agent(session)
        self._warm_done = threading.Event()
        self.setWindowTitle(f"{session.org} — CrisisDesk")
        self.resize(1100, 720)
        self.setMinimumSize(760, 480)

        self.messages = MessageBar(self)
        self.ctx = UiContext(state, runner, prompts, self.messages)
        self.sidebar = QListWidget(self)
        self.sidebar.setAccessibleName("Sections")
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setFrameShape(QFrame.Shape.NoFrame)
        self.sidebar.setStyleSheet("#sidebar { padding-top: 8px; }"
                                   "#sidebar::item { padding: 7px 14px; }")
        self.sidebar.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.pages_stack = QStackedWidget(self)
        # Opening the desk builds only the first page; the others are built when first shown
        # or, hidden and without their data, one per idle turn after the warm-up.
        self.sections = list(sections if sections is not None else default_sections())
        if self.agent_only:
            self.sections = [s for s in self.sections if s.key in AGENT_SECTIONS]
        self.section_keys = [section.key for section in self.sections]
        self.pages: dict[str, Page] = {}
        for section in self.sections:
            self.pages_stack.addWidget(QWidget(self.pages_stack))
            item = QListWidgetItem(section.title, self.sidebar)
            if section.key in ICONS:
                item.setIcon(icon(section.key))
        self.sidebar.setIconSize(QSize(20, 20))
        self.sidebar.setFixedWidth(max(170, self.sidebar.sizeHintForColumn(0) + 36))
        self.sidebar.currentRowChanged.connect(self._show_row)

        work = QWidget(self)
        work_layout = QVBoxLayout(work)
        work_layout.setContentsMargins(8, 8, 8, 0)
        work_layout.addWidget(self.pages_stack, 1)
        self.messages.float_over(self.pages_stack)  # a strip above the page: it never moves
        self.lock_screen = LockScreen(self.data_dir, keychain, runner, self)
        self.lock_screen.form.unlocked.connect(self._on_unlocked)
        self.content = QStackedWidget(self)
        self.content.addWidget(work)
        self.content.addWidget(self.lock_screen)
        central = QWidget(self)
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.sidebar)
        row.addWidget(self.content, 1)
        self.setCentralWidget(central)

        self.spokesperson_label = (QLabel(AGENT_NOTE, self) if self.agent_only
                                   else SpokespersonLabel(state, self))
        self.statusBar().addPermanentWidget(self.spokesperson_label)
        self.org_label = QLabel(self)
        self.operator_label = QLabel(self)
        self.lock_label = QLabel(self)
        for label in (self.org_label, self.operator_label, self.lock_label):
            label.setContentsMargins(10, 0, 10, 0)
            self.statusBar().addPermanentWidget(label)
        self.lock_button = QToolButton(self)
        self.lock_button.setText("Lock now")
        self.lock_button.setAutoRaise(True)
        self.lock_button.setToolTip("Lock the desk now (Ctrl+L); unlocking needs the passphrase")
        self.lock_button.setAccessibleName("Lock the desk now")
        self.lock_button.clicked.connect(lambda: self.lock())
        self.statusBar().addPermanentWidget(self.lock_button)
        self._shortcuts()

        self.idle = IdleWatcher(DEFAULT_AUTOLOCK_MINUTES * 60_000 if idle_timeout_ms is None
                                else idle_timeout_ms, self)
        self.idle.idle.connect(lambda: self.lock(idle=True))
        self.poller = DataVersionPoller(state, poll_interval_ms or POLL_INTERVAL_MS, self)
        state.desk_changed.connect(self._apply_settings)
        self.backups = BackupScheduler(state, runner, parent=self)
        self.backups.made.connect(lambda r: self.statusBar().showMessage(r.message, 15_000))
        self.backups.failed.connect(self._backup_failed)
        self.backups.idle.connect(self._backup_idle)
        self._exit_backup = "none"  # "running", then "done" or "failed"
        self.team_folder = TeamFolderWatcher(state, runner, parent=self)
        self.team_folder.imported.connect(
            lambda r: self.statusBar().showMessage(r.sentence(), 30_000))
        self.team_folder.failed.connect(self._team_folder_failed)
        if not self.agent_only:  # backups read the whole desk, which an agent may not
            self.backups.start()
            self.team_folder.start()
        self._update_status()
        # The first page is built once the window has been drawn, and shown (its data read,
        # drawn) on the turn after: the window, the page's widgets, then its data, three short
        # waits instead of one that kept the window from answering for up to ~100 ms.
        self.sidebar.blockSignals(True)
        self.sidebar.setCurrentRow(0)
        self.sidebar.blockSignals(False)
        self._first_paint = FirstPaint(self.sidebar.viewport(), self._show_first_page)
        # The warm-up starts once the window has painted: started earlier, its imports compete
        # with building and showing the first page for the interpreter lock.
        self._warm_started = False
        self._prebuilding = False
        QTimer.singleShot(WARM_UP_DELAY_MS, self._warm_up)

    def _shortcuts(self) -> None:
        std = QKeySequence.StandardKey
        for keys, slot in (
            ([QKeySequence(std.Find), QKeySequence("Ctrl+F")], self.focus_search),
            ([QKeySequence(std.Refresh), QKeySequence("F5")], self.refresh),
            ([QKeySequence("Ctrl+Q")], self.close),
            ([QKeySequence("Ctrl+L")], self.lock),
        ):
            seen: set[str] = set()
            for key in keys:
                if key.isEmpty() or key.toString() in seen:
                    continue
                seen.add(key.toString())
                shortcut = QShortcut(key, self)
                shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
                shortcut.activated.connect(slot)
        for row in range(min(self.sidebar.count(), 9)):  # Ctrl+1..9 open the pages
            digit = sidebar_shortcut_text(row)
            item = self.sidebar.item(row)
            item.setToolTip(f"{item.text()} ({digit})")
            shortcut = QShortcut(QKeySequence(digit), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(lambda r=row: self._go_to_row(r))

    # -- navigation -------------------------------------------------------------------------
    def page(self, key: str) -> Page:
        """The section's page, built now if it never was."""
        if key not in self.pages:
            if self.pages and self._warm_started:
                # Not the first page: let the running warm-up finish its imports first, so two
                # threads never initialise one module at once.
                self._warm_done.wait(30)
            row = self.section_keys.index(key)
            with while_building():
                page = self.sections[row].build(self.ctx)
            steady_fields(page)
            decorate_buttons(page)
            self.pages[key] = page
            stub = self.pages_stack.widget(row)
            self.pages_stack.insertWidget(row, page)
            if stub is not None:
                self.pages_stack.removeWidget(stub)
                stub.deleteLater()
        return self.pages[key]

    def _show_row(self, row: int) -> None:
        if 0 <= row < len(self.sections):
            self.pages_stack.setCurrentWidget(self.page(self.section_keys[row]))

    def _show_first_page(self) -> None:
        """The window is on screen: build the page its sidebar points at, and show it on the
        next turn, unless that page is there already (asked for meanwhile)."""
        row = self.sidebar.currentRow()
        if 0 <= row < len(self.sections) and self.section_keys[row] not in self.pages:
            self.page(self.section_keys[row])  # built now, shown (its data, drawn) next turn
            QTimer.singleShot(0, self, lambda: self._show_row(self.sidebar.currentRow()))

    def _go_to_row(self, row: int) -> None:
        if self.state.unlocked:
            self.sidebar.setCurrentRow(row)

    @property
    def first_page_shown(self) -> bool:
        """The page the sidebar points at is built and shown (it comes on the event-loop
        turn after the window's first paint)."""
        key = self.section_keys[max(0, self.sidebar.currentRow())]
        return key in self.pages and self.pages_stack.currentWidget() is self.pages[key]

    def current_page(self) -> Page:
        row = max(0, self.sidebar.currentRow())
        self._show_row(row)  # built and on top if the first paint has not come yet
        return self.pages[self.section_keys[row]]

    def show_section(self, key: str) -> Page:
        """Open the `key` page; one this window does not have (an agent's window has the
        hotline only) is refused, audited by the session, and the current page stays."""
        if key not in self.section_keys:
            from crisisdesk.services.hotline import window as agent_window

            title = next((s.title for s in default_sections() if s.key == key), key)
            try:
                agent_window.open_section(self.state.session, f"the {title} page")
            except PermissionDenied:  # audited by the session; said here in the page's words
                self.messages.show_warning(f"{self.state.session.operator.name} is a hotline "
                                           f"agent: the {title} page is not open to agents.")
            return self.current_page()
        self.sidebar.setCurrentRow(self.section_keys.index(key))
        return self.pages[key]

    def focus_search(self) -> None:
        if self.state.unlocked:
            self.current_page().focus_search()

    def refresh(self) -> None:
        if self.state.unlocked:
            self.poller.poll()
            self.current_page().reload()

    # -- locking ----------------------------------------------------------------------------
    @property
    def is_locked(self) -> bool:
        return not self.state.unlocked

    def lock(self, idle: bool = False) -> None:
        if not self.state.unlocked:
            return
        operator = self.state.session.operator.name
        for page in self.pages.values():
            page.clear()
        self.messages.clear()
        self.sidebar.setEnabled(False)
        self.content.setCurrentWidget(self.lock_screen)
        self.state.set_session(None)
        reason = ("Nobody used CrisisDesk for a while, so it locked itself to keep the desk's "
                  "data private. Type your passphrase to continue." if idle else
                  "Type your passphrase to continue.")
        self.lock_screen.start(operator, reason)
        self._update_status()
        self.lock_button.setEnabled(False)
        self.locked.emit()

    def _on_unlocked(self, session: Session) -> None:
        if is_agent(session) and not self.agent_only:
            # This window holds every page: an agent opens the app afresh for the hotline desk.
            name = session.operator.name
            session.close()
            self.lock_screen.form.show_error(
                f"{name} is a hotline agent: close this window and open CrisisDesk again to "
                "reach the hotline desk.")
            return
        self.state.set_session(session)
        for page in self.pages.values():
            page._stale = True
        self.sidebar.setEnabled(True)
        self.content.setCurrentIndex(0)
        self.idle.reset()
        self._apply_settings()
        self._update_status()
        self.current_page().reload()
        self.lock_button.setEnabled(True)
        if self._warm_done.is_set():
            self._prebuild()
        self.unlocked.emit()

    def _warm_up(self) -> None:
        """Import, in a worker, the service modules that pages and settings need (hundreds of
        ms: phonenumbers, openpyxl...), then read the settings. Only this job imports them
        while it runs, so two threads never initialise the same module at once."""
        if self._warm_started:
            return
        self._warm_started = True
        warmers = [section.warm for section in self.sections if section.warm is not None]
        done = self._warm_done

        def work(**_: object) -> None:
            try:
                from crisisdesk.services import settings  # noqa: F401 - the import is the work
                from crisisdesk.services.hotline import window  # noqa: F401 - autolock_ms

                for warm in warmers:
                    warm()
            finally:
                done.set()

        job = Job(work, name="warm up")
        job.finished.connect(self._warmed)
        job.failed.connect(self._warm_failed)
        self.runner.start(job)

    @property
    def warmed_up(self) -> bool:
        return self._warm_done.is_set()

    def _warm_failed(self, err: BaseException) -> None:
        self._warmed()
        self.ctx.show_error(err)

    def _warmed(self, _result: object = None) -> None:
        self._apply_settings()
        self._prebuild()
        self.warmed.emit()

    def _prebuild(self) -> None:
        if not self._prebuilding:
            self._prebuilding = True
            QTimer.singleShot(PREBUILD_GAP_MS, self._prebuild_next)

    def _prebuild_next(self) -> None:
        """Build the next page nobody opened yet (hidden: it loads its data when first shown),
        then come back for the one after. Building a page costs tens of milliseconds (its
        widgets, its module's import); paid on the click, it added to the page's first load
        and drawing in one freeze. One page per idle turn pays it where nobody is waiting."""
        waiting = [key for key in self.section_keys if key not in self.pages]
        if not waiting or not self.isVisible() or not self.state.unlocked:
            self._prebuilding = False  # done, closed, or locked (resumes after unlocking)
            return
        quiet = self.idle.quiet_ms()
        if quiet < PREBUILD_QUIET_MS:  # the person is at work: come back when they pause
            QTimer.singleShot(PREBUILD_QUIET_MS - quiet, self._prebuild_next)
            return
        self.page(waiting[0])
        QTimer.singleShot(PREBUILD_GAP_MS, self._prebuild_next)

    def _apply_settings(self) -> None:
        session = self.state.current
        if session is None or session.closed or not self._warm_done.is_set():
            return  # locked, or the desk closed under a warm-up that ended late
        timeout = self._fixed_timeout if self._fixed_timeout is not None else autolock_ms(session)
        if timeout != self.idle.timeout_ms:
            self.idle.set_timeout(timeout)

    def _update_status(self) -> None:
        session = self.state.current
        if session is not None:
            self.org_label.setText(f"Desk: {session.org}")
            op = session.operator
            self.operator_label.setText(f"Operator: {op.name} ({op.role.value})")
            self.lock_label.setText("Unlocked")
        else:
            self.operator_label.setText("")
            self.lock_label.setText("Locked")
        self.operator_label.setAccessibleName("Operator")
        self.lock_label.setAccessibleName("Lock state")

    # -- backups ----------------------------------------------------------------------------
    def _backup_failed(self, err: object) -> None:
        if self._exit_backup == "running":
            self._exit_backup = "failed"
        if isinstance(err, UserError):
            extra = " Close the window again to quit without it." if (
                self._exit_backup == "failed") else ""
            self.messages.show_warning(f"The scheduled backup failed: {err}{extra}")
        elif isinstance(err, BaseException):
            self.ctx.show_error(err)

    def _team_folder_failed(self, err: object) -> None:
        if isinstance(err, UserError):
            self.statusBar().showMessage(f"Team exchange folder: {err}", 30_000)
        elif isinstance(err, BaseException):
            self.ctx.show_error(err)

    def _backup_idle(self) -> None:
        if self._exit_backup == "running":
            self._exit_backup = "done"
        elif self._exit_backup == "waiting":  # the run closing waited for: now the exit backup
            self._exit_backup = "none"
        else:
            return
        self.close()

    def _wait_for_backup(self) -> bool:
        """Closing first lets a running backup finish, then makes the exit backup if the desk
        changed, both in the worker; the window closes when they end. True: wait."""
        if not self.isVisible() or self._exit_backup != "none" or self.agent_only:
            return False  # closing again: quit (an agent's window makes no backups)
        if self.backups.busy:
            self._exit_backup = "waiting"
            self.messages.show_info("Finishing the backup in progress before closing… (close "
                                    "again to quit without waiting)")
            return True
        if self.backups.exit_backup_needed() and self.backups.tick(on_exit=True):
            self._exit_backup = "running"
            self.messages.show_info("Making a backup before closing… (close again to quit "
                                    "without waiting)")
            return True
        return False

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._wait_for_backup():
            event.ignore()
            return
        self.backups.stop()
        self.team_folder.stop()
        self.idle.stop()
        self.poller.stop()
        super().closeEvent(event)
