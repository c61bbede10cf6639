"""Every page of the main window, on the demo desk, shows its texts whole or says them in a
tooltip: no header, label, button, list entry or role name cut off without a way to read it.

Two sizes are walked: the 1280x800 window a laptop gives, and the same screen at 200%. For
200% the application font is doubled and the window doubled (2560x1600 device pixels): text
grows while every size the code gives in pixels (a fixed column width, a sidebar width, a
style sheet's padding) does not, which is what clips text on a scaled screen and what this
check must find. `QT_SCALE_FACTOR=2` was tried and not kept: it scales text and pixel sizes
together (device pixel ratio 2, yet "Answered in" measures 79 logical pixels as at 100%), so in
Qt's logical pixels every page is laid out as at 100% and the walk can find nothing new there.
"""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QVBoxLayout
from pytestqt.qtbot import QtBot

from crisisdesk.domain.errors import UserError
from crisisdesk.services.session import Session
from crisisdesk.store.keychain import Keychain
from crisisdesk.ui.context import DeskState, UiContext
from crisisdesk.ui.main_window import MainWindow
from crisisdesk.ui.page import Page
from crisisdesk.ui.sections import Section
from crisisdesk.ui.unlock_dialog import UnlockDialog
from crisisdesk.ui.widgets.form_dialog import FormDialog
from crisisdesk.ui.workers import JobRunner
from tests.support.layout import build_demo, demo_window, each_view, elisions, settle
from tests.support.ui import RecordingPrompts


@pytest.fixture(scope="module")
def demo_desk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo desk for the module; each test opens its own copy."""
    return build_demo(tmp_path_factory.mktemp("demo") / "desk")


@pytest.fixture
def font_scale(request: pytest.FixtureRequest, qapp: QApplication):  # type: ignore[no-untyped-def]
    factor = request.param
    original = QFont(qapp.font())
    if factor != 1:
        bigger = QFont(original)
        bigger.setPointSizeF(original.pointSizeF() * factor)
        qapp.setFont(bigger)
    yield factor
    qapp.setFont(original)


@pytest.mark.parametrize("font_scale", [1, 2], ids=["100%", "200%"], indirect=True)
def test_no_page_cuts_off_a_text_without_a_tooltip(
        qtbot: QtBot, tmp_path: Path, runner: JobRunner, prompts: RecordingPrompts,
        trusted_keychain: Keychain, demo_desk: Path, font_scale: int) -> None:
    size = (1280 * font_scale, 800 * font_scale)
    with demo_window(qtbot, tmp_path, runner, prompts, trusted_keychain, size,
                     built=demo_desk) as window:
        found: list[str] = []
        walked = []
        for where in each_view(qtbot, window):
            walked.append(where)
            found.extend(f"{where}: {problem}" for problem in elisions(window))
        assert len(walked) >= len(window.section_keys)
        window.messages.show_warning("A message long enough to wrap onto a second line when "
                                     "the window is narrow, which must not cut anything off.")
        settle(qtbot)
        found.extend(f"message bar: {p}" for p in elisions(window.messages))
    assert not found, "\n".join(found)


class ButtonPage(Page):
    """A page with a button at its very top: where a pushed-down page would be clicked wrong."""

    title = "Buttons"

    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        self.button = QPushButton("&Top button", self)
        QVBoxLayout(self).addWidget(self.button, 0, Qt.AlignmentFlag.AlignTop)


def test_a_message_appears_and_goes_without_moving_the_page(
        qtbot: QtBot, session: Session, runner: JobRunner, prompts: RecordingPrompts,
        trusted_keychain: Keychain) -> None:
    window = MainWindow(DeskState(session), runner, prompts, trusted_keychain,
                        sections=[Section("buttons", "Buttons", ButtonPage)])
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.first_page_shown)
    page = window.pages["buttons"]
    assert isinstance(page, ButtonPage)

    def where() -> tuple[QRect, QPoint]:
        return page.geometry(), page.button.mapTo(window, QPoint(0, 0))

    before = where()
    window.messages.show_error(
        "The letter batch could not be rendered: the disk holding /media/usb/letters is full. "
        "2 of 6 letters are safe in 1 file; free some space on the disk, or choose another "
        "folder, and render the same batch again: the letters already written are kept.")
    settle(qtbot)
    assert window.messages.isVisible()

    def rects() -> tuple[QRect, QRect]:
        return (QRect(window.messages.mapTo(window, QPoint(0, 0)), window.messages.size()),
                QRect(window.pages_stack.mapTo(window, QPoint(0, 0)), window.pages_stack.size()))

    # The bar starts in the strip above the page and reaches at least to the page's top
    # (a message longer than the strip goes on over the page instead of pushing it down).
    qtbot.waitUntil(lambda: rects()[0].bottom() >= rects()[1].top(), timeout=5_000)
    assert where() == before
    bar, stack = rects()
    assert bar.top() < stack.top()
    assert bar.left() == stack.left()
    assert bar.width() == stack.width()
    assert elisions(window.messages) == []  # the whole message can be read
    assert window.messages.kind_label.text() == "Error:"  # not said by colour alone
    assert window.messages.kind_label.isVisible()
    window.messages.close_button.click()
    settle(qtbot)
    assert not window.messages.isVisible()
    assert where() == before
    window.resize(900, 700)  # the bar follows the page area's width
    window.messages.show_info("Saved.")
    settle(qtbot)
    assert window.messages.width() == window.pages_stack.width()
    strip = window.messages.reserved
    assert strip is not None
    assert window.messages.height() == strip.height()  # one line: it covers nothing
    assert window.messages.geometry().bottom() < window.pages_stack.geometry().top()
    qtbot.waitUntil(lambda: window.warmed_up, timeout=20_000)
    runner.shutdown()
    window.backups.stop()
    window.close()


def test_the_unlock_dialog_grows_for_its_message_and_clips_no_note(
        qtbot: QtBot, session: Session, runner: JobRunner) -> None:
    untrusted = Keychain(keyring.get_keyring())  # no secure keychain: the note is shown
    dialog = UnlockDialog(session.data_dir, session.org, untrusted, runner)
    qtbot.addWidget(dialog)
    dialog.start()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.form.remember_note.isVisible(), timeout=5_000)
    settle(qtbot)
    height = dialog.height()
    dialog.form.operator_edit.setText("alex")
    dialog.form.unlock_button.click()  # no passphrase typed
    settle(qtbot)
    assert dialog.form.error_label.text() == "Type your passphrase."
    assert elisions(dialog) == []
    assert dialog.height() > height
    assert dialog.form.remember_note.isVisible()


class LongRefusalDialog(FormDialog):
    def __init__(self) -> None:
        super().__init__("Add a thing", "&Add")
        self.add_row("&Name:", QLineEdit(self), "name")

    def save(self) -> object:
        raise UserError("This thing cannot be added now because the desk is read-only while a "
                        "backup is being restored; wait for the restore to finish, then try "
                        "again, or ask the administrator which backup is being restored.")


def test_a_form_dialog_grows_to_show_its_whole_error(qtbot: QtBot) -> None:
    dialog = LongRefusalDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    settle(qtbot)
    height = dialog.height()
    dialog.accept_button.click()
    settle(qtbot)
    assert dialog.isVisible()
    assert dialog.message.isVisible()
    assert dialog.height() > height
    assert elisions(dialog) == []
