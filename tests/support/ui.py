"""GUI test helpers: prompts that answer instead of asking, a page shown on a test desk, and
unlocking through the dialog."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from crisisdesk.app import CrisisDeskApp
from crisisdesk.services.session import Session
from crisisdesk.ui.context import DeskState, UiContext
from crisisdesk.ui.message_bar import MessageBar
from crisisdesk.ui.prompts import Prompts
from crisisdesk.ui.workers import JobRunner
from tests.support.desk import PASSPHRASE

W = TypeVar("W", bound=QWidget)


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


def unlock_via_dialog(qtbot: object, app: CrisisDeskApp, operator: str = "alex",
                      passphrase: str = PASSPHRASE) -> None:
    """Type into the real dialog, click Unlock and wait for the main window."""
    assert app.start() is None
    dialog = app.unlock_dialog
    assert dialog is not None
    dialog.form.operator_edit.setText(operator)
    dialog.form.passphrase_edit.setText(passphrase)
    dialog.form.unlock_button.click()
    # the window, then its first page (built on the turn after the window's first paint)
    qtbot.waitUntil(lambda: app.main_window is not None  # type: ignore[attr-defined]
                    and app.main_window.first_page_shown, timeout=10_000)


def ui_context(qtbot: QtBot, session: Session, prompts: RecordingPrompts,
               runner: JobRunner) -> UiContext:
    """What every page is built from: the desk, the runner, the prompts and a message bar."""
    bar = MessageBar()
    qtbot.addWidget(bar)
    return UiContext(DeskState(session), runner, prompts, bar)


def show_page(qtbot: QtBot, page: W, size: tuple[int, int] | None = None) -> W:
    """Show `page` as the main window would (at `size`, for tests that read wide columns);
    qtbot closes it after the test."""
    qtbot.addWidget(page)
    if size is not None:
        page.resize(*size)
    page.show()
    return page
