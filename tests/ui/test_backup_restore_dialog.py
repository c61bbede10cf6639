"""Restoring a backup from the GUI into a new folder: clicked through the Settings page."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from crisisdesk.services import audit as audit_service
from crisisdesk.services import backup as backup_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services.credentials import Credentials
from crisisdesk.services.session import Session
from crisisdesk.ui.settings.page import SettingsPage
from crisisdesk.ui.settings.restore_dialog import RestoreDialog
from crisisdesk.ui.workers import JobRunner
from tests.support.desk import PASSPHRASE
from tests.support.ui import RecordingPrompts, show_page, ui_context


@pytest.fixture
def page(qtbot: QtBot, session: Session, prompts: RecordingPrompts,
         runner: JobRunner) -> SettingsPage:
    return show_page(qtbot, SettingsPage(ui_context(qtbot, session, prompts, runner)))


@pytest.fixture
def backup(session: Session, tmp_path: Path) -> Path:
    settings_service.set(session, "autolock_minutes", 17)
    return backup_service.create_backup(session, tmp_path / "b.crisisdesk-backup").path


def open_dialog(qtbot: QtBot, page: SettingsPage, prompts: RecordingPrompts, backup: Path,
                target: Path, monkeypatch: pytest.MonkeyPatch) -> RestoreDialog:
    qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    dialog = page.restore_dialog
    assert dialog is not None
    assert dialog.isVisible()
    prompts.open_path = backup
    qtbot.mouseClick(dialog.file_button, Qt.MouseButton.LeftButton)
    monkeypatch.setattr(prompts, "open_folder", lambda *_a: target)
    qtbot.mouseClick(dialog.folder_button, Qt.MouseButton.LeftButton)
    assert dialog.file_edit.text() == str(backup)
    assert dialog.folder_edit.text() == str(target)
    assert dialog.operator_edit.text() == "alex"  # the operator at the desk, prefilled
    return dialog


def test_restore_checks_then_says_how_to_open_the_new_desk(
        qtbot: QtBot, page: SettingsPage, prompts: RecordingPrompts, backup: Path,
        tmp_path: Path, session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "restored"
    dialog = open_dialog(qtbot, page, prompts, backup, target, monkeypatch)
    qtbot.keyClicks(dialog.passphrase_edit, PASSPHRASE)
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.restored is not None, timeout=15_000)
    text = dialog.intro.text()
    assert "integrity OK, audit chain OK" in text
    assert f"crisisdesk --data-dir {target}" in text
    assert "The desk open now was not changed" in text
    assert dialog.accept_button.isHidden()
    restored = Credentials(operator="alex", passphrase=PASSPHRASE).open(target)
    try:
        assert settings_service.get(restored, "autolock_minutes") == 17
        assert audit_service.show(restored)[-1].action == "backup.restore"
    finally:
        restored.close()
    assert audit_service.show(session)[-1].action == "backup.create"  # live desk untouched


def test_a_wrong_passphrase_restores_nothing_and_says_so(
        qtbot: QtBot, page: SettingsPage, prompts: RecordingPrompts, backup: Path,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "restored"
    dialog = open_dialog(qtbot, page, prompts, backup, target, monkeypatch)
    qtbot.keyClicks(dialog.passphrase_edit, "not the passphrase")
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.message.isVisible(), timeout=15_000)
    assert "passphrase" in dialog.message.text().lower()
    assert dialog.intro.text() == "Nothing was restored."
    assert dialog.accept_button.isEnabled()
    assert not target.exists()
    assert dialog.restored is None


def test_a_folder_that_is_not_empty_is_refused(
        qtbot: QtBot, page: SettingsPage, prompts: RecordingPrompts, backup: Path,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "busy"
    target.mkdir()
    (target / "notes.txt").write_text("keep me")
    dialog = open_dialog(qtbot, page, prompts, backup, target, monkeypatch)
    qtbot.keyClicks(dialog.passphrase_edit, PASSPHRASE)
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.message.isVisible(), timeout=15_000)
    assert "is not empty" in dialog.message.text()
    assert sorted(p.name for p in target.iterdir()) == ["notes.txt"]


def test_empty_fields_are_named(qtbot: QtBot, page: SettingsPage) -> None:
    qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    dialog = page.restore_dialog
    assert dialog is not None
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    assert dialog.errors.text("path") == "Required."
    assert dialog.errors.text("passphrase") == "Required."
    assert dialog.job is None


def test_the_backup_folder_is_chosen_and_saved_on_the_settings_page(
        qtbot: QtBot, page: SettingsPage, prompts: RecordingPrompts, session: Session,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    monkeypatch.setattr(prompts, "open_folder", lambda *_a: usb)
    qtbot.mouseClick(page.folder_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert settings_service.get(session, "backup_folder") == str(usb)


def test_restore_with_the_recovery_key(
        qtbot: QtBot, page: SettingsPage, prompts: RecordingPrompts, tmp_path: Path,
        recovery_backup: tuple[Path, str], monkeypatch: pytest.MonkeyPatch) -> None:
    backup, code = recovery_backup
    target = tmp_path / "restored"
    dialog = open_dialog(qtbot, page, prompts, backup, target, monkeypatch)
    qtbot.mouseClick(dialog.recovery_check, Qt.MouseButton.LeftButton)
    assert not dialog.operator_edit.isEnabled()
    qtbot.keyClicks(dialog.passphrase_edit, code)
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.restored is not None, timeout=15_000)
    assert (target / "desk.db").is_file()


@pytest.fixture
def recovery_backup(session: Session, tmp_path: Path) -> tuple[Path, str]:
    from crisisdesk.services import operators as operator_service

    code = operator_service.replace_recovery_key(session)
    path = backup_service.create_backup(session, tmp_path / "r.crisisdesk-backup").path
    return path, code


def test_back_up_to_the_folder_now(qtbot: QtBot, page: SettingsPage, session: Session,
                                   tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    settings_service.set(session, "backup_folder", str(usb))
    qtbot.mouseClick(page.backup_now_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Wrote and verified" in page.ctx.messages.text, timeout=15_000)
    assert len(list(usb.iterdir())) == 1
    for f in usb.iterdir():
        f.unlink()
    usb.rmdir()
    qtbot.mouseClick(page.backup_now_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "is missing" in page.ctx.messages.text, timeout=15_000)
