"""Removing an operator from the Settings page re-encrypts the desk in the worker, with a
progress dialog, and the open window carries on under the new key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QProgressDialog
from pytestqt.qtbot import QtBot

from crisisdesk.domain.contacts import ContactDraft, ContactKind
from crisisdesk.domain.errors import WrongPassphrase
from crisisdesk.domain.operators import Role
from crisisdesk.services import contacts as contact_service
from crisisdesk.services import desk as desk_service
from crisisdesk.services import operators as operator_service
from crisisdesk.services.session import Session
from crisisdesk.store.db import DamagedDeskFile, connect
from crisisdesk.store.vault import SLOTS_FILE, Vault
from crisisdesk.ui.settings.page import SettingsPage
from crisisdesk.ui.workers import JobRunner
from tests.support.ui import RecordingPrompts, show_page, ui_context


def test_remove_from_the_page_rekeys_with_progress_and_the_window_carries_on(
    qtbot: QtBot, session: Session, data_dir: Path, tmp_path: Path,
    prompts: RecordingPrompts, runner: JobRunner,
) -> None:
    operator_service.add_operator(session, "bea", Role.OPERATOR, "beas passphrase")
    kept = tmp_path / "kept"
    kept.mkdir()
    shutil.copy(data_dir / SLOTS_FILE, kept / SLOTS_FILE)
    page = show_page(qtbot, SettingsPage(ui_context(qtbot, session, prompts, runner)))
    page.reload()
    row = next(i for i in range(page.operator_list.count())
               if page.operator_list.item(i).text().startswith("bea"))
    page.operator_list.setCurrentRow(row)
    steps: list[tuple[int, int]] = []

    page.remove_operator_button.click()
    assert page.rekey_job is not None
    page.rekey_job.progress.connect(lambda done, total: steps.append((done, total)))
    assert isinstance(page.rekey_progress, QProgressDialog)
    qtbot.waitUntil(lambda: "Removed bea" in page.ctx.messages.text, timeout=20_000)

    assert steps, "no progress reached the dialog"
    assert steps[-1][0] == steps[-1][1]  # the dialog was told the work finished
    assert "bea" not in [page.operator_list.item(i).text().split(" ")[0]
                         for i in range(page.operator_list.count())]
    with pytest.raises(WrongPassphrase):
        desk_service.unlock(data_dir, "bea", "beas passphrase")
    old_key = Vault.load(kept).unlock("bea", "beas passphrase")
    with pytest.raises(DamagedDeskFile):  # her kept slot file's key no longer reads the file
        connect(data_dir / "desk.db", old_key)
    # the window's own session works under the new key
    contact_service.add_contact(page.ctx.session, ContactDraft(
        "After Removal", "Nurse", "ICU", ContactKind.STAFF, [("mobile", "(312) 555-0142")]))
    assert contact_service.count_contacts(page.ctx.session) == 1

