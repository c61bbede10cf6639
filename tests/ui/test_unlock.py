"""Unlocking through the real dialog: right and wrong passphrases, remember-me, recovery key."""

from __future__ import annotations

import keyring
import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from crisisdesk.app import CrisisDeskApp
from crisisdesk.services.session import Session
from crisisdesk.store.keychain import Keychain
from crisisdesk.ui.workers import Job, JobRunner
from tests.support.desk import PASSPHRASE, MemoryKeyring
from tests.support.ui import RecordingPrompts, unlock_via_dialog


def test_right_passphrase_opens_main_window_with_operator(qtbot: QtBot,
                                                          desk_app: CrisisDeskApp) -> None:
    unlock_via_dialog(qtbot, desk_app)
    window = desk_app.main_window
    assert window is not None
    qtbot.addWidget(window)
    assert window.isVisible()
    assert "alex (admin)" in window.operator_label.text()
    assert "Riverside Clinics" in window.org_label.text()
    assert window.lock_label.text() == "Unlocked"
    assert desk_app.unlock_dialog is not None
    assert not desk_app.unlock_dialog.isVisible()


def test_wrong_passphrase_shows_one_sentence_and_stays(qtbot: QtBot,
                                                       desk_app: CrisisDeskApp) -> None:
    assert desk_app.start() is None
    dialog = desk_app.unlock_dialog
    assert dialog is not None
    qtbot.addWidget(dialog)
    form = dialog.form
    form.operator_edit.setText("alex")
    form.passphrase_edit.setText("not the passphrase")
    form.unlock_button.click()
    assert form.busy  # the KDF runs in a worker; the dialog keeps painting
    qtbot.waitUntil(lambda: not form.busy, timeout=10_000)
    assert form.error_label.isVisible()
    assert form.error_label.text() == "Wrong operator name or passphrase."
    assert dialog.isVisible()
    assert desk_app.main_window is None
    assert form.passphrase_edit.text() == ""
    assert form.unlock_button.isEnabled()


def test_empty_fields_are_named_without_unlocking(qtbot: QtBot, desk_app: CrisisDeskApp) -> None:
    desk_app.start()
    form = desk_app.unlock_dialog.form  # type: ignore[union-attr]
    form.operator_edit.setText("alex")
    form.unlock_button.click()
    assert not form.busy
    assert form.error_label.text() == "Type your passphrase."


def test_remember_me_disabled_on_untrusted_backend(qtbot: QtBot, session: Session,
                                                   runner: JobRunner) -> None:
    from crisisdesk.ui.unlock_dialog import UnlockDialog

    untrusted = Keychain(keyring.get_keyring())  # the test MemoryKeyring, not trusted
    assert not untrusted.usable
    dialog = UnlockDialog(session.data_dir, session.org, untrusted, runner)
    qtbot.addWidget(dialog)
    dialog.start()
    check = dialog.form.remember_check
    assert not check.isEnabled()
    assert check.toolTip() == untrusted.refusal()
    assert dialog.form.remember_note.isVisible()
    assert "no secure keychain" in dialog.form.remember_note.text()


def test_remember_me_stores_secret_and_next_start_skips_passphrase(
        qtbot: QtBot, session: Session, prompts: RecordingPrompts) -> None:
    backend = MemoryKeyring()
    keychain = Keychain(backend, trusted=True)
    first = CrisisDeskApp(session.data_dir, keychain=keychain, prompts=prompts)
    assert first.start() is None
    form = first.unlock_dialog.form  # type: ignore[union-attr]
    assert form.remember_check.isEnabled()
    form.operator_edit.setText("alex")
    form.passphrase_edit.setText(PASSPHRASE)
    form.remember_check.setChecked(True)
    form.unlock_button.click()
    qtbot.waitUntil(lambda: first.main_window is not None, timeout=10_000)
    assert len(backend.items) == 1
    first.shutdown()

    second = CrisisDeskApp(session.data_dir, keychain=keychain, prompts=prompts, operator="alex")
    assert second.start() is None  # operator known: the keychain is tried first
    qtbot.waitUntil(lambda: second.main_window is not None, timeout=10_000)
    assert second.unlock_dialog.form.passphrase_edit.text() == ""  # type: ignore[union-attr]
    second.shutdown()


def test_unknown_operator_in_keychain_falls_back_to_asking(
        qtbot: QtBot, desk_app: CrisisDeskApp) -> None:
    desk_app.operator = "alex"
    assert desk_app.start() is None
    form = desk_app.unlock_dialog.form  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: not form.busy, timeout=5_000)
    assert desk_app.main_window is None
    assert not form.error_label.isVisible()
    assert form.passphrase_edit.isEnabled()


def test_recovery_key_unlocks(qtbot: QtBot, recovery: tuple[Session, str],
                              prompts: RecordingPrompts, trusted_keychain: Keychain) -> None:
    session, code = recovery
    app = CrisisDeskApp(session.data_dir, keychain=trusted_keychain, prompts=prompts)
    try:
        app.start()
        form = app.unlock_dialog.form  # type: ignore[union-attr]
        form.recovery_link.linkActivated.emit("#recovery")
        assert form.recovery_mode
        assert form.recovery_edit.isVisible()
        assert not form.passphrase_edit.isVisible()
        form.recovery_edit.setText(code.lower())
        form.unlock_button.click()
        qtbot.waitUntil(lambda: app.main_window is not None, timeout=10_000)
        assert "recovery key (admin)" in app.main_window.operator_label.text()  # type: ignore
    finally:
        app.shutdown()


def test_env_operator_and_passphrase_unlock_straight_away(
        qtbot: QtBot, session: Session, prompts: RecordingPrompts,
        trusted_keychain: Keychain) -> None:
    app = CrisisDeskApp(session.data_dir, keychain=trusted_keychain, prompts=prompts,
                        operator="alex", passphrase=PASSPHRASE)
    try:
        assert app.start() is None
        qtbot.waitUntil(lambda: app.main_window is not None, timeout=10_000)
    finally:
        app.shutdown()


def test_the_keychain_is_asked_only_once_the_dialog_is_drawn(
        qtbot: QtBot, desk_app: CrisisDeskApp, monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker's imports would hold the interpreter while the first window is drawn."""
    order: list[str] = []
    real_start = JobRunner.start

    def start(runner: JobRunner, job: Job) -> Job:
        if runner is desk_app.runner:  # not a window left by an earlier test
            order.append(f"job {job.name}")
        return real_start(runner, job)

    monkeypatch.setattr(JobRunner, "start", start)
    desk_app.operator = "alex"  # remembered operators are tried straight away
    watcher = _PaintWatcher(order)
    assert desk_app.start() is None
    dialog = desk_app.unlock_dialog
    assert dialog is not None
    assert order == []  # nothing started with the dialog: the worker waits for it to be drawn
    dialog.installEventFilter(watcher)
    qtbot.waitUntil(lambda: any(step.startswith("job") for step in order), timeout=5_000)
    assert order[0] == "paint", order
    qtbot.waitUntil(lambda: not dialog.form.busy, timeout=5_000)  # nothing remembered: it asks
    assert dialog.form.passphrase_edit.isEnabled()


class _PaintWatcher(QObject):
    def __init__(self, order: list[str]) -> None:
        super().__init__()
        self.order = order

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and "paint" not in self.order:
            self.order.append("paint")
        return False


def test_the_desk_name_is_shown_as_typed_never_as_markup(
        qtbot: QtBot, session: Session, runner: JobRunner, trusted_keychain: Keychain) -> None:
    from PySide6.QtCore import Qt

    from crisisdesk.ui.unlock_dialog import UnlockDialog

    org = 'St. Anne & <b>North</b> "Clinic"'
    dialog = UnlockDialog(session.data_dir, org, trusted_keychain, runner)
    qtbot.addWidget(dialog)
    heading = dialog.findChildren(QLabel)[0]
    assert heading.text() == org
    assert heading.textFormat() == Qt.TextFormat.PlainText
    assert heading.font().bold()


def test_the_keychain_note_that_comes_after_the_dialog_is_whole(
        qtbot: QtBot, session: Session, runner: JobRunner) -> None:
    """The note is shown once the keychain has been looked up, after the dialog is drawn:
    the dialog grows for its lines instead of cutting the last one."""
    from crisisdesk.ui.unlock_dialog import UnlockDialog

    untrusted = Keychain(keyring.get_keyring())
    dialog = UnlockDialog(session.data_dir, session.org, untrusted, runner)
    qtbot.addWidget(dialog)
    dialog.form.form.setRowVisible(dialog.form.remember_note, False)  # as before the lookup
    dialog.form._keychain_known = False
    dialog.start()
    qtbot.waitExposed(dialog)
    dialog.form._show_keychain_state()  # the lookup's answer, after the first paint
    note = dialog.form.remember_note
    qtbot.waitUntil(note.isVisible)
    assert note.height() >= note.heightForWidth(note.width()), note.text()
