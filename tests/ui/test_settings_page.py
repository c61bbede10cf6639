"""The Settings page: a form built from the schema, operators, backups, recovery key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLineEdit, QSpinBox
from pytestqt.qtbot import QtBot

from crisisdesk.domain.errors import WrongPassphrase
from crisisdesk.domain.operators import Role
from crisisdesk.services import desk as desk_service
from crisisdesk.services import operators as operator_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services.backup import verify_backup
from crisisdesk.services.credentials import Credentials
from crisisdesk.services.session import Session
from crisisdesk.ui.settings.page import SettingsPage
from crisisdesk.ui.workers import JobRunner
from tests.support.desk import PASSPHRASE
from tests.support.ui import RecordingPrompts, show_page, ui_context


def _page(qtbot: QtBot, session: Session, prompts: RecordingPrompts,
          runner: JobRunner) -> SettingsPage:
    return show_page(qtbot, SettingsPage(ui_context(qtbot, session, prompts, runner)))


@pytest.fixture
def page(qtbot: QtBot, session: Session, prompts: RecordingPrompts,
         runner: JobRunner) -> Iterator[SettingsPage]:
    return _page(qtbot, session, prompts, runner)


def test_changing_the_autolock_time_is_saved(page: SettingsPage, session: Session) -> None:
    box = page.fields["autolock_minutes"].widget
    assert isinstance(box, QSpinBox)
    assert box.value() == 10
    assert box.maximum() == 240
    box.setValue(25)
    page.save_button.click()
    assert settings_service.get(session, "autolock_minutes") == 25
    assert "Saved 1 setting" in page.ctx.messages.text
    page.reload()
    assert page.reset_buttons["autolock_minutes"].isEnabled()
    page.reset_buttons["autolock_minutes"].click()
    assert settings_service.get(session, "autolock_minutes") == 10


def test_a_bad_value_is_named_next_to_its_field(page: SettingsPage, session: Session) -> None:
    edit = page.fields["timezone"].widget
    assert isinstance(edit, QLineEdit)
    edit.setText("Mars/Olympus_Mons")
    page.save_button.click()
    assert page.errors["timezone"].isVisibleTo(page)
    assert "Time zone" in page.errors["timezone"].text()
    assert settings_service.get(session, "timezone") == "local"


def test_non_admins_see_settings_but_cannot_change_them(
    qtbot: QtBot, session: Session, data_dir: Path, prompts: RecordingPrompts,
    runner: JobRunner,
) -> None:
    operator_service.add_operator(session, "sam", Role.OPERATOR, "sams passphrase")
    sam = desk_service.unlock(data_dir, "sam", "sams passphrase")
    try:
        page = _page(qtbot, sam, prompts, runner)
        assert page.admin_note.isVisibleTo(page)
        assert not page.fields["autolock_minutes"].widget.isEnabled()
        assert not page.add_operator_button.isEnabled()
        assert page.passwd_button.isEnabled()  # everyone may change their own passphrase
    finally:
        sam.close()


def test_add_and_remove_an_operator(qtbot: QtBot, page: SettingsPage, data_dir: Path,
                                    prompts: RecordingPrompts,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prompts, "new_operator",
                        lambda parent: ("kim", Role.APPROVER, "kims passphrase"), raising=False)
    page.add_operator_button.click()
    page.reload()
    assert "kim — approver" in [page.operator_list.item(i).text()
                                for i in range(page.operator_list.count())]
    desk_service.unlock(data_dir, "kim", "kims passphrase").close()
    row = next(i for i in range(page.operator_list.count())
               if page.operator_list.item(i).text().startswith("kim"))
    page.operator_list.setCurrentRow(row)
    page.remove_operator_button.click()
    assert prompts.asked[-1][0] == "confirm"
    qtbot.waitUntil(lambda: "Removed kim" in page.ctx.messages.text, timeout=10_000)
    with pytest.raises(WrongPassphrase):
        desk_service.unlock(data_dir, "kim", "kims passphrase")


def test_backup_from_the_page_opens_with_the_passphrase(
    qtbot: QtBot, page: SettingsPage, prompts: RecordingPrompts, tmp_path: Path
) -> None:
    prompts.save_path = tmp_path / "desk.crisisdesk-backup"
    page.backup_button.click()
    qtbot.waitUntil(lambda: "Backup written" in page.ctx.messages.text, timeout=10_000)
    report = verify_backup(prompts.save_path, Credentials("alex", PASSPHRASE, None, None))
    assert report.ok, report.problems


def test_new_recovery_key_is_shown_once_and_works(
    qtbot: QtBot, page: SettingsPage, data_dir: Path, prompts: RecordingPrompts,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(prompts, "show_secret",
                        lambda parent, title, text, secret: shown.append(secret), raising=False)
    page.recovery_button.click()
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=10_000)
    desk_service.unlock_with_recovery(data_dir, shown[0]).close()


def test_the_not_saved_warning_goes_once_the_settings_are_saved(
        page: SettingsPage, session: Session) -> None:
    edit = page.fields["timezone"].widget
    assert isinstance(edit, QLineEdit)
    edit.setText("Mars/Olympus_Mons")
    page.save_button.click()
    assert "not saved" in page.ctx.messages.text
    edit.setText("America/Chicago")  # fixed: saved, and the warning goes
    page.save_button.click()
    assert settings_service.get(session, "timezone") == "America/Chicago"
    assert "not saved" not in page.ctx.messages.text
    assert not page.errors["timezone"].isVisibleTo(page)
    edit.setText("Mars/Olympus_Mons")  # refused again, then put back as stored
    page.save_button.click()
    assert "not saved" in page.ctx.messages.text
    edit.setText("America/Chicago")
    page.save_button.click()
    assert "not saved" not in page.ctx.messages.text
    assert not page.errors["timezone"].isVisibleTo(page)


def test_the_letterhead_logo_is_chosen_with_browse(
        page: SettingsPage, session: Session, prompts: RecordingPrompts, tmp_path: Path) -> None:
    edit = page.fields["letterhead_logo"].widget
    assert isinstance(edit, QLineEdit)
    assert edit.placeholderText() == "No logo: the letterhead shows the organisation name"
    logo = tmp_path / "logo.png"
    logo.write_bytes(bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000100ffff03000006000557bfab"
        "d40000000049454e44ae426082"))
    prompts.open_path = logo
    filters: list[str] = []
    asked = prompts.open_file
    prompts.open_file = lambda parent, title, f="": (filters.append(f),  # type: ignore[method-assign]
                                                     asked(parent, title, f))[1]
    page.logo_button.click()
    assert prompts.asked[-1][:2] == ("open_file", "Choose the letterhead logo")
    assert "*.png" in filters[0]
    assert "*.jpg" in filters[0]
    assert "*.csv" not in filters[0]
    assert edit.text() == str(logo)
    page.save_button.click()
    assert settings_service.get(session, "letterhead_logo") == str(logo)
