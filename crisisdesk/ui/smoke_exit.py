"""A test-only timed exit, so a packaged app can be started and checked with no one at it.

With `CRISISDESK_TEST_QUIT_AFTER_MS=N` in the environment, the app quits as soon as its main
window is up (the desk unlocked), or after N milliseconds whatever is showing (the unlock
dialog, when no passphrase was given), the way a user closing it does (workers stopped, desk
closed, lock released). Before quitting it prints the title of every visible window
(`window: TITLE`, one line each). The bundle's smoke test (tests/packaging/test_bundle.py)
uses it to see the unlock dialog and the main window come up inside the frozen app. Unset,
nothing happens; it is not a setting and is not documented for users.
"""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

ENV_QUIT_AFTER = "CRISISDESK_TEST_QUIT_AFTER_MS"
POLL_MS = 200


def report_and_quit(app: QApplication) -> None:
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible() and widget.windowTitle():
            print(f"window: {widget.windowTitle()}", flush=True)
    app.quit()


def install(app: QApplication) -> None:
    """Arm the timed exit when the test-only variable asks for it."""
    value = os.environ.get(ENV_QUIT_AFTER, "")
    if not value.isdigit():
        return
    print(f"{ENV_QUIT_AFTER}: quitting after {value} ms", file=sys.stderr, flush=True)
    deadline = time.monotonic() + int(value) / 1000
    timer = QTimer(app)

    def check() -> None:
        main_up = any(isinstance(w, QMainWindow) and w.isVisible()
                      for w in QApplication.topLevelWidgets())
        if main_up or time.monotonic() >= deadline:
            timer.stop()
            report_and_quit(app)

    timer.timeout.connect(check)
    timer.start(POLL_MS)
