"""The composition root: the only place that builds the app's objects and wires them together.

Order matters and is kept here, in one function, so it can be read top to bottom: Qt
application (name, Fusion style) -> crash path -> which desk -> "no desk here" -> the
single-instance lock (before any secret is asked for) -> unlock dialog -> (once it is on
screen) the shipped fonts and, in a thread, the main window's modules -> main window with the
unlocked session. Objects are handed down; nothing is looked up in a global registry.
"""

from __future__ import annotations

import gc
import importlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

# What the unlock dialog needs from the Qt-free side is imported before PySide6, on purpose.
# Importing PySide6 replaces `builtins.__import__` with a Python wrapper that, for every module
# imported afterwards, reads that module's source looking for "PySide6"
# (shibokensupport.feature). The rest of the storage stack (sqlite_utils, SQLCipher, the
# roster) is not needed to show the dialog: it loads in a thread while the person types
# (`MAIN_WINDOW_MODULES`), where that cost no longer delays anything on screen.
from crisisdesk import __version__
from crisisdesk.domain.errors import DeskAlreadyOpen, UserError
from crisisdesk.paths import DeskPaths
from crisisdesk.services.desk_folder import load_vault
from crisisdesk.store.keychain import Keychain
from crisisdesk.store.lock import DeskLock

# isort: split
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from crisisdesk.ui import crash
from crisisdesk.ui.prompts import Prompts
from crisisdesk.ui.unlock_dialog import UnlockDialog
from crisisdesk.ui.workers import JobRunner

if TYPE_CHECKING:
    from crisisdesk.cli.context import CliContext
    from crisisdesk.services.session import Session
    from crisisdesk.ui.context import DeskState
    from crisisdesk.ui.first_run.window import FirstRunWindow
    from crisisdesk.ui.main_window import MainWindow
    from crisisdesk.ui.sections import Section
    from crisisdesk.ui.watchdog import StallWatchdog

# What the main window needs and the unlock dialog does not: imported in a thread once the
# dialog is on screen (while the person types), so the dialog appears sooner and opening the
# window after Unlock does not wait for them either.
MAIN_WINDOW_MODULES = ("crisisdesk.services.desk", "crisisdesk.ui.context",
                       "crisisdesk.ui.main_window",
                       # the first page and the status bar's spokesperson line
                       "crisisdesk.ui.dashboard.page", "crisisdesk.services.roles")
PRELOAD_DELAY_MS = 50

_ALIAS_FAMILIES = {"Sans Serif", "Serif", "Monospace"}


class CrisisDeskApp(QObject):
    """One open desk: its lock, its unlock dialog, then its main window. Testable without exec."""

    finished = Signal(int)
    locked = Signal()  # the main window locked the desk (idle, or Lock now)
    warmed_up = Signal()  # the main window's warm-up has imported what its pages need

    def __init__(self, data_dir: Path, *, keychain: Keychain, prompts: Prompts,
                 operator: str = "", passphrase: str = "", recovery_code: str = "",
                 sections: list[Section] | None = None, idle_timeout_ms: int | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.paths = DeskPaths(Path(data_dir))
        self.keychain = keychain
        self.prompts = prompts
        self.operator = operator
        self.passphrase = passphrase
        self.recovery_code = recovery_code
        self.sections = sections
        self.idle_timeout_ms = idle_timeout_ms
        self.runner = JobRunner(self)
        self.desk_lock = DeskLock(self.paths.lock_file)
        self.state: DeskState | None = None
        self.unlock_dialog: UnlockDialog | None = None
        self.first_run: FirstRunWindow | None = None
        self.main_window: MainWindow | None = None
        self.exit_code = 0
        self.preloaded = threading.Event()
        self.opening = threading.Event()  # the main window is being built

    def start(self) -> int | None:
        """Show the unlock dialog (the first-run window when the folder holds no desk yet);
        an exit code instead if the desk cannot be opened here."""
        if not self.paths.exists() and not self.paths.desk_file.exists():
            self.show_first_run()
            return None
        try:
            vault = load_vault(self.paths.data_dir)
        except UserError as err:
            self.prompts.error(None, "No desk here", str(err))
            return 1
        try:
            self.desk_lock.acquire()
        except DeskAlreadyOpen as err:
            self.prompts.error(None, "Desk already open", str(err))
            return 1
        dialog = UnlockDialog(self.paths.data_dir, vault.org, self.keychain, self.runner,
                              operator=self.operator, passphrase=self.passphrase,
                              recovery_code=self.recovery_code)
        self.passphrase = self.recovery_code = ""
        dialog.unlocked.connect(self.open_main_window)
        dialog.rejected.connect(lambda: self.finish(0))
        self.unlock_dialog = dialog
        dialog.start()
        QTimer.singleShot(PRELOAD_DELAY_MS, self._preload)
        return None

    def _preload(self) -> None:
        """The dialog is on screen: what it did not need to appear is done now, while the
        person types (`finish_qt_app` here, the main window's modules in a thread)."""
        finish_qt_app()
        data_dir = self.paths.data_dir

        def run() -> None:
            try:
                for name in MAIN_WINDOW_MODULES:
                    importlib.import_module(name)
                # The rule files several pages decode when they first open (tens of ms each).
                from crisisdesk.store import rule_files

                rule_files.warm(data_dir)
                # and what the Dashboard and the status bar make of them, parsed once
                from crisisdesk.services import clocks, roles

                clocks.warm(data_dir)
                roles.warm()
                # What the first page's panels compute in a worker as the window appears, and
                # the phone metadata its table of role holders formats numbers with; not once
                # the window is being built (a remembered key): this thread would only slow it.
                from crisisdesk.domain import phones
                from crisisdesk.ui.dashboard import panels

                for warm in (panels.warm, phones.warm):
                    if not self.opening.is_set():
                        warm()
            finally:  # a failure shows when the window is built, on the GUI thread
                self.preloaded.set()

        if not self.preloaded.is_set():
            threading.Thread(target=run, name="preload-main-window", daemon=True).start()

    def show_first_run(self) -> FirstRunWindow:
        from crisisdesk.ui.first_run.window import FirstRunWindow

        finish_qt_app()
        window = FirstRunWindow(self.paths.data_dir, self.runner, self.prompts)
        window.opened.connect(self._first_run_opened)
        window.restored.connect(self._first_run_restored)
        window.abandoned.connect(lambda: self.finish(0))
        self.first_run = window
        window.show()
        return window

    def _move_to(self, data_dir: Path) -> None:
        """The desk the first-run window made or restored may live elsewhere (the demo's own
        folder): the lock follows it."""
        self.desk_lock.release()
        self.paths = DeskPaths(data_dir)
        self.desk_lock = DeskLock(self.paths.lock_file)

    def _first_run_opened(self, session: Session) -> None:
        self._move_to(session.data_dir)
        try:
            self.desk_lock.acquire()
        except DeskAlreadyOpen as err:
            session.close()
            self.prompts.error(None, "Desk already open", str(err))
            self.finish(1)
            return
        self.open_main_window(session)

    def _first_run_restored(self, data_dir: Path) -> None:
        self._move_to(data_dir)
        code = self.start()
        if code is not None:
            self.finish(code)

    def open_main_window(self, session: Session) -> MainWindow:
        from crisisdesk.ui.context import DeskState
        from crisisdesk.ui.main_window import MainWindow
        from crisisdesk.ui.widgets.wheel_guard import steady_fields, while_building

        self.opening.set()
        finish_qt_app()  # done already unless the unlock beat the preload
        self.state = DeskState(session, self)
        with while_building():
            window = MainWindow(self.state, self.runner, self.prompts, self.keychain,
                                sections=self.sections, idle_timeout_ms=self.idle_timeout_ms)
            self.main_window = window
            window.locked.connect(self.locked)
            window.warmed.connect(self.warmed_up)
            window.show()
        steady_fields(window)
        return window

    def finish(self, code: int) -> None:
        self.exit_code = code
        self.shutdown()
        self.finished.emit(code)

    def shutdown(self) -> None:
        """Wait for workers, close the desk, release the lock (idempotent)."""
        self.runner.shutdown()
        if self.first_run is not None:
            self.first_run.discard()
        if self.main_window is not None:
            self.main_window.close()
        if self.state is not None:
            self.state.close()
        self.desk_lock.release()


class GuiThreadGc(QObject):
    """Run Python's cyclic GC on the GUI thread only, in short pauses.

    Left alone, the collector runs in whichever thread allocates, and may then destroy a
    QObject from a worker thread, which Qt does not allow (see platform notes, section 5).

    A full collection examines every object the collector tracks: once the main window's
    modules are loaded that took 90-115 ms on the GUI thread here (`make bench`, the stall
    journey), due after every hundred young collections. So:
    - until the main window has warmed up (the modules imported while the person types, then
      by the warm-up), only the young generations are collected;
    - then everything is frozen (`gc.freeze`: left out of later collections) without being
      examined, and after each full collection what survived is frozen too: a full
      collection examines only what is newer than the last one;
    - frozen objects that later became unreachable cycles are freed when the desk locks and
      nobody is working: `thaw` examines everything once and freezes what is left.
    """

    def __init__(self, desk: CrisisDeskApp, *, interval_ms: int = 500) -> None:
        super().__init__(desk)
        gc.disable()
        self.settled = False
        desk.warmed_up.connect(self.settle)
        desk.locked.connect(self.thaw)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(interval_ms)

    def check(self) -> None:
        t0, t1, t2 = gc.get_threshold()
        c0, c1, c2 = gc.get_count()
        if c0 > t0:
            generation = 2 if c2 > t2 and self.settled else 1 if c1 > t1 else 0
            gc.collect(generation)
            if generation == 2:
                gc.freeze()

    def settle(self) -> None:
        """The window has warmed up: what exists now (modules, the window) is long-lived."""
        if not self.settled:
            self.settled = True
            gc.freeze()

    def thaw(self) -> None:
        """The desk locked: collect among everything, frozen or not, and freeze what is left."""
        gc.unfreeze()
        gc.collect(2)
        gc.freeze()


def make_qt_app(argv: list[str] | None = None) -> QApplication:
    """The QApplication, named and styled: all the unlock dialog needs. The rest waits until
    it is on screen (`finish_qt_app`)."""
    app = QApplication.instance()
    if app is None:
        # Fusion asked for on the command line rather than by `setStyle`, which returns the
        # style and so makes PySide6 build the Python type of QStyle (~700 enum members,
        # ~10 ms) before the unlock dialog is on screen. Same style; the last -style wins.
        app = QApplication([*(argv or sys.argv[:1]), "-style", "Fusion"])
    else:  # made elsewhere (tests)
        assert isinstance(app, QApplication)
        app.setStyle("Fusion")
    assert isinstance(app, QApplication)
    app.setApplicationName("CrisisDesk")
    app.setOrganizationName("CrisisDesk")
    app.setApplicationVersion(__version__)
    return app


def finish_qt_app() -> None:
    """What the windows after the unlock dialog need, done once (the dialog needs neither):

    - the wheel guard, an application-wide event filter written in Python. Every event then
      crosses into Python with its object, and the first object of a kind PySide has not met
      yet (the text document behind a rich-text label) makes it create the Python enums of
      nearly every QtCore and QtGui class at once, a third of an empty window's start-up;
    - the shipped fonts, for the pages and printouts that name them (six font files and the
      font database). On a machine with no system fonts at all the shipped sans becomes the
      app's font rather than leave widgets blank; the unlock dialog, already up, redraws in it.
    """
    from PySide6.QtGui import QFont, QFontDatabase  # here: their types and enums take ~2 ms

    from crisisdesk.printing.fonts import SANS, register_fonts
    from crisisdesk.ui.widgets.wheel_guard import guard_wheel

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    guard_wheel(app)
    families = register_fonts()
    real = set(QFontDatabase.families()) - set(families) - _ALIAS_FAMILIES
    if not real:
        app.setFont(QFont(SANS, max(9, app.font().pointSize())))


# Qt platforms that draw without a display server (tests, VNC, a kiosk framebuffer).
_HEADLESS_PLATFORMS = {"offscreen", "minimal", "minimalegl", "vnc", "eglfs", "linuxfb",
                       "vkkhrdisplay"}
NO_DISPLAY = ("crisisdesk: no display to open the window on (DISPLAY and WAYLAND_DISPLAY are "
              "not set, e.g. over SSH); use the command line instead: {command} --help")


def display_missing(env: Mapping[str, str] | None = None, platform: str = sys.platform) -> bool:
    """True when Qt could not open a window here (Linux without a display server): Qt would
    otherwise abort the process with a misleading message about xcb libraries."""
    if not platform.startswith("linux"):
        return False
    env = os.environ if env is None else env
    wanted = [p.split(":", 1)[0].strip() for p in env.get("QT_QPA_PLATFORM", "").split(";")]
    for name in [p for p in wanted if p] or ["xcb", "wayland"]:
        if name in _HEADLESS_PLATFORMS:
            return False
        if name.startswith("wayland") and env.get("WAYLAND_DISPLAY"):
            return False
        if name == "xcb" and env.get("DISPLAY"):
            return False
    return True


def _secret(read: Callable[[], str | None]) -> str:
    value = read()
    return value or ""


def run_gui(cli: CliContext) -> int:
    """Open the app for `cli`'s desk and run until it closes; returns the exit status."""
    from crisisdesk.cli.context import read_secret_file

    if display_missing():
        from crisisdesk.launcher import command

        print(NO_DISPLAY.format(command=command()), file=sys.stderr)
        return 1
    app = make_qt_app()
    prompts = Prompts()
    crash.install(prompts, parent=QApplication.activeWindow)
    try:
        data_dir = cli.data_dir
        operator = cli.operator_name(required=False) or ""
        passphrase = _secret(lambda: read_secret_file(cli.passphrase_file)
                             if cli.passphrase_file else os.environ.get("CRISISDESK_PASSPHRASE"))
        recovery = _secret(lambda: read_secret_file(cli.recovery_key_file)
                           if cli.recovery_key_file else None)
    except UserError as err:
        prompts.error(None, "CrisisDesk", str(err))
        return 1
    desk = CrisisDeskApp(data_dir, keychain=Keychain(), prompts=prompts, operator=operator,
                         passphrase=passphrase, recovery_code=recovery, parent=app)
    code = desk.start()
    if code is not None:
        return code
    desk.finished.connect(app.exit)
    app.aboutToQuit.connect(desk.shutdown)
    GuiThreadGc(desk)  # its timer also lets Python see Ctrl+C / SIGTERM while Qt waits
    from crisisdesk.ui import smoke_exit

    smoke_exit.install(app)  # test-only: CRISISDESK_TEST_QUIT_AFTER_MS
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: app.quit())
    watchdog = _stall_watchdog(desk)
    rc = app.exec()
    desk.shutdown()
    if watchdog is not None:
        print(f"crisisdesk: {watchdog.summary()}", file=sys.stderr)
    return desk.exit_code or rc


def _stall_watchdog(parent: QObject) -> StallWatchdog | None:
    """With CRISISDESK_STALL_WATCHDOG=1, a watchdog that records the longest stall (debug)."""
    from crisisdesk.ui.watchdog import ENV_VAR, StallWatchdog

    if os.environ.get(ENV_VAR) != "1":
        return None
    watchdog = StallWatchdog(parent=parent)
    watchdog.start()
    return watchdog
