"""The first-run window, clicked as a newcomer would: no desk yet, then create, demo or restore."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from crisisdesk.app import CrisisDeskApp
from crisisdesk.services import backup as backup_service
from crisisdesk.services import desk as desk_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services.session import Session
from crisisdesk.store.keychain import Keychain
from crisisdesk.ui.first_run.window import FirstRunWindow
from tests.support.desk import PASSPHRASE
from tests.support.ui import RecordingPrompts

KEY = re.compile(r"^[A-Z0-9]{4}(-[A-Z0-9]{4}){7}$")
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.fixture
def fresh_app(qtbot: QtBot, data_dir: Path, prompts: RecordingPrompts,
              trusted_keychain: Keychain) -> Iterator[CrisisDeskApp]:
    app = CrisisDeskApp(data_dir, keychain=trusted_keychain, prompts=prompts)
    yield app
    app.shutdown()
    if app.unlock_dialog is not None:
        app.unlock_dialog.close()


def _first_run(qtbot: QtBot, app: CrisisDeskApp) -> FirstRunWindow:
    assert app.start() is None
    window = app.first_run
    assert window is not None
    assert window.isVisible()
    assert app.unlock_dialog is None
    return window


def _click(qtbot: QtBot, widget: object) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)  # type: ignore[arg-type]


def test_create_our_desk_end_to_end(qtbot: QtBot, fresh_app: CrisisDeskApp, data_dir: Path,
                                    prompts: RecordingPrompts, tmp_path: Path) -> None:
    window = _first_run(qtbot, fresh_app)
    _click(qtbot, window.create_choice)
    page = window.create_page
    assert window.stack.currentWidget() is page
    qtbot.keyClicks(page.org_edit, "Riverside Clinics")
    logo = tmp_path / "logo.png"
    logo.write_bytes(PNG)
    prompts.open_path = logo
    _click(qtbot, page.browse_button)
    assert page.logo_edit.text() == str(logo)
    qtbot.keyClicks(page.operator_edit, "alex")
    qtbot.keyClicks(page.passphrase_edit, "password")
    assert page.meter.word == "Too short"
    assert "Too short" in page.meter.label.text()
    qtbot.keyClicks(page.passphrase_edit, "12345")
    assert page.meter.word in ("Very weak", "Weak")
    page.passphrase_edit.clear()
    qtbot.keyClicks(page.passphrase_edit, PASSPHRASE)
    assert page.meter.word in ("Good", "Strong")
    assert page.meter.bar.value() >= 3
    qtbot.keyClicks(page.confirm_edit, PASSPHRASE)
    _click(qtbot, page.create_button)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.key_page, timeout=10_000)

    key_page = window.key_page
    code = key_page.key_edit.text()
    assert KEY.match(code), code
    assert "Riverside Clinics" in key_page.intro.text()
    assert not key_page.continue_button.isEnabled()
    _click(qtbot, key_page.continue_button)
    assert fresh_app.main_window is None

    prompts.save_path = tmp_path / "key.txt"
    _click(qtbot, key_page.save_button)
    qtbot.waitUntil(lambda: window.job is None, timeout=10_000)
    assert code in (tmp_path / "key.txt").read_text("utf-8")
    prompts.save_path = tmp_path / "key.pdf"
    _click(qtbot, key_page.print_button)
    qtbot.waitUntil(lambda: window.job is None, timeout=30_000)
    assert "key.pdf" in key_page.status.text(), key_page.status.text()
    reader = PdfReader(str(tmp_path / "key.pdf"))
    assert len(reader.pages) == 1
    assert code in reader.pages[0].extract_text()

    _click(qtbot, key_page.kept_check)
    assert key_page.continue_button.isEnabled()
    _click(qtbot, key_page.continue_button)
    qtbot.waitUntil(lambda: fresh_app.main_window is not None, timeout=5_000)
    assert not window.isVisible()
    assert fresh_app.desk_lock.held
    assert fresh_app.state is not None
    session = fresh_app.state.session
    assert session.operator.name == "alex"
    assert session.vault.org == "Riverside Clinics"
    assert settings_service.get(session, "letterhead_logo") == str(logo.resolve())
    fresh_app.shutdown()
    # The key shown is the desk's real recovery key.
    desk_service.unlock_with_recovery(data_dir, code).close()


def test_mismatched_passphrases_are_named_and_nothing_is_created(
        qtbot: QtBot, fresh_app: CrisisDeskApp, data_dir: Path) -> None:
    window = _first_run(qtbot, fresh_app)
    _click(qtbot, window.create_choice)
    page = window.create_page
    qtbot.keyClicks(page.org_edit, "Riverside Clinics")
    qtbot.keyClicks(page.operator_edit, "alex")
    qtbot.keyClicks(page.passphrase_edit, PASSPHRASE)
    qtbot.keyClicks(page.confirm_edit, PASSPHRASE + "x")
    _click(qtbot, page.create_button)
    assert "not the same" in page.errors.text("confirm")
    assert window.job is None
    assert not (data_dir / "keyslots.json").exists()


def test_a_logo_that_is_not_a_picture_refuses_before_anything_is_written(
        qtbot: QtBot, fresh_app: CrisisDeskApp, data_dir: Path, tmp_path: Path) -> None:
    window = _first_run(qtbot, fresh_app)
    _click(qtbot, window.create_choice)
    page = window.create_page
    bogus = tmp_path / "logo.png"
    bogus.write_text("not a picture")
    qtbot.keyClicks(page.org_edit, "Riverside Clinics")
    page.logo_edit.setText(str(bogus))
    qtbot.keyClicks(page.operator_edit, "alex")
    qtbot.keyClicks(page.passphrase_edit, PASSPHRASE)
    qtbot.keyClicks(page.confirm_edit, PASSPHRASE)
    _click(qtbot, page.create_button)
    qtbot.waitUntil(lambda: window.job is None and page.create_button.isEnabled(),
                    timeout=5_000)
    assert "not a PNG or JPEG" in page.errors.text("logo")
    assert window.stack.currentWidget() is page
    assert not (data_dir / "keyslots.json").exists()


def test_closing_the_first_run_window_quits_with_status_0(
        qtbot: QtBot, fresh_app: CrisisDeskApp) -> None:
    window = _first_run(qtbot, fresh_app)
    with qtbot.waitSignal(fresh_app.finished, timeout=2_000) as finished:
        window.close()
    assert finished.args == [0]


def test_open_the_demo_desk_builds_it_beside_and_opens_it(
        qtbot: QtBot, fresh_app: CrisisDeskApp, data_dir: Path) -> None:
    window = _first_run(qtbot, fresh_app)
    _click(qtbot, window.demo_choice)
    assert not window.create_choice.isEnabled()  # one thing at a time while it builds
    assert "demo" in window.choice_status.text()
    qtbot.waitUntil(lambda: fresh_app.main_window is not None, timeout=120_000)
    assert fresh_app.state is not None
    session = fresh_app.state.session
    assert session.operator.name == "demo"
    assert session.data_dir == data_dir.with_name(data_dir.name + "-demo")
    assert not (data_dir / "keyslots.json").exists()  # the real desk's place stays free


def test_restore_from_a_backup_then_unlock(qtbot: QtBot, session: Session, tmp_path: Path,
                                           prompts: RecordingPrompts,
                                           trusted_keychain: Keychain) -> None:
    backup = backup_service.create_backup(session, tmp_path / "b.crisisdesk-backup").path
    target = tmp_path / "restored"
    app = CrisisDeskApp(target, keychain=trusted_keychain, prompts=prompts)
    try:
        window = _first_run(qtbot, app)
        _click(qtbot, window.restore_choice)
        dialog = window.restore_dialog
        assert dialog is not None
        assert dialog.folder_edit.text() == str(target)
        dialog.file_edit.setText(str(backup))
        dialog.operator_edit.setText("alex")
        dialog.passphrase_edit.setText(PASSPHRASE)
        _click(qtbot, dialog.accept_button)
        qtbot.waitUntil(lambda: dialog.restored is not None, timeout=20_000)
        assert "Close this window to unlock it" in dialog.intro.text()
        dialog.reject()  # the person closes it after reading how it went
        qtbot.waitUntil(lambda: app.unlock_dialog is not None, timeout=5_000)
        assert not window.isVisible()
        unlocked = desk_service.unlock(target, "alex", PASSPHRASE)
        unlocked.close()
    finally:
        app.shutdown()
        if app.unlock_dialog is not None:
            app.unlock_dialog.close()


def test_closing_while_the_desk_is_being_made_waits_and_says_so(
        qtbot: QtBot, fresh_app: CrisisDeskApp, prompts: RecordingPrompts) -> None:
    window = _first_run(qtbot, fresh_app)
    _click(qtbot, window.create_choice)
    page = window.create_page
    qtbot.keyClicks(page.org_edit, "Riverside Clinics")
    qtbot.keyClicks(page.operator_edit, "alex")
    qtbot.keyClicks(page.passphrase_edit, PASSPHRASE)
    qtbot.keyClicks(page.confirm_edit, PASSPHRASE)
    _click(qtbot, page.create_button)
    assert window.busy
    window.close()
    assert window.isVisible()
    assert "Still working" in page.status.text()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.key_page, timeout=10_000)
    prompts.confirm_answer = False
    window.close()  # on the key page before keeping the key: asked first
    assert prompts.asked[-1][:2] == ("confirm", "Close without keeping the recovery key?")
    assert window.isVisible()
    prompts.confirm_answer = True
    with qtbot.waitSignal(fresh_app.finished, timeout=2_000):
        window.close()  # the desk exists, closed and locked
    assert window.created is None
