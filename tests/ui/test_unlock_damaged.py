"""The GUI paths say the same one line as the CLI: a damaged desk at unlock, a passphrase that
is too short when adding an operator or changing one's own."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from crisisdesk.app import CrisisDeskApp
from crisisdesk.domain.operators import Role
from crisisdesk.services import settings as settings_service
from crisisdesk.services.session import Session
from crisisdesk.ui.settings.dialogs import PassphraseForm
from crisisdesk.ui.settings.page import SettingsPage
from crisisdesk.ui.workers import JobRunner
from tests.support.damage import checkpoint, flip_byte
from tests.support.desk import PASSPHRASE
from tests.support.ui import RecordingPrompts, show_page, ui_context


def test_unlocking_a_damaged_desk_says_damaged_in_one_line(
        qtbot: QtBot, session: Session, data_dir: Path, desk_app: CrisisDeskApp) -> None:
    checkpoint(session)
    session.close()
    flip_byte(data_dir / "desk.db", 100)
    assert desk_app.start() is None
    dialog = desk_app.unlock_dialog
    assert dialog is not None
    qtbot.addWidget(dialog)
    form = dialog.form
    form.operator_edit.setText("alex")
    form.passphrase_edit.setText(PASSPHRASE)
    form.unlock_button.click()
    qtbot.waitUntil(lambda: not form.busy, timeout=10_000)
    text = form.error_label.text()
    assert text.startswith("The desk file is damaged (its first pages do not decrypt")
    assert "crisisdesk salvage --to NEWDIR" in text
    assert "\n" not in text
    assert desk_app.main_window is None


def test_the_passphrase_form_refuses_ten_spaces(qtbot: QtBot) -> None:
    form = PassphraseForm(None, "Add operator", with_name=True)
    qtbot.addWidget(form)
    form.name_edit.setText("kim")
    form.first.setText(" " * 10)
    form.second.setText(" " * 10)
    form.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert form.problem.text() == "A passphrase needs at least 12 characters that are not spaces."
    assert form.result() != PassphraseForm.DialogCode.Accepted


@pytest.mark.parametrize("button", ["add_operator_button", "passwd_button"])
def test_the_settings_page_shows_the_desks_own_minimum(
        qtbot: QtBot, session: Session, prompts: RecordingPrompts, runner: JobRunner,
        monkeypatch: pytest.MonkeyPatch, button: str) -> None:
    settings_service.set(session, "min_passphrase_chars", 20)
    page = show_page(qtbot, SettingsPage(ui_context(qtbot, session, prompts, runner)))
    monkeypatch.setattr(prompts, "new_operator",
                        lambda parent: ("kim", Role.OPERATOR, "fourteen chars"), raising=False)
    monkeypatch.setattr(prompts, "new_passphrase", lambda parent, whose: "fourteen chars",
                        raising=False)
    getattr(page, button).click()
    assert page.ctx.messages.text == (
        "A passphrase needs at least 20 characters that are not spaces.")
