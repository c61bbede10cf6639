"""The first-run window: the data folder holds no desk yet, so say so and offer three ways on.

"Create our desk" (`pages.CreatePage`, then the recovery key once on `pages.KeyPage`), "Open
the demo desk" (the `crisisdesk demo` builder, in a folder of its own beside this one), and
"Restore from a backup" (the Settings page's `RestoreDialog`, into this folder). Every slow
step (key derivation, the demo's ~90 contacts, checking a backup) runs as a `Job` on the one
runner, with the window saying what it is doing. The window never opens the main window
itself: it hands the open session (or the restored folder) to the composition root through
`opened` / `restored`, and `abandoned` when closed without a desk.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCommandLinkButton,
    QDialogButtonBox,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from crisisdesk.domain.errors import UserError
from crisisdesk.printing.recovery_sheet import recovery_text, write_recovery_pdf
from crisisdesk.services import first_run as first_run_service
from crisisdesk.services.demo.desk import DEMO_ORG
from crisisdesk.services.desk import InitResult
from crisisdesk.services.session import Session
from crisisdesk.store.files import write_bytes_atomic
from crisisdesk.ui.context import DeskState, UiContext
from crisisdesk.ui.crash import report_unexpected
from crisisdesk.ui.first_run.pages import CreatePage, KeyPage, heading
from crisisdesk.ui.message_bar import MessageBar
from crisisdesk.ui.prompts import PDF_FILTER, Prompts
from crisisdesk.ui.settings.restore_dialog import RestoreDialog
from crisisdesk.ui.widgets.build import note_label
from crisisdesk.ui.workers import Job, JobRunner

LOGO_FILTER = "Pictures (*.png *.jpg *.jpeg);;All files (*)"
TEXT_FILTER = "Text files (*.txt)"


class FirstRunWindow(QWidget):
    opened = Signal(object)  # an open Session: the new desk, or the demo
    restored = Signal(object)  # the folder a backup was restored into
    abandoned = Signal()  # closed without a desk

    def __init__(self, data_dir: Path, runner: JobRunner, prompts: Prompts,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.runner = runner
        self.prompts = prompts
        self.job: Job | None = None
        self.created: InitResult | None = None
        self.org = ""
        self.handed_over = False
        self.restore_dialog: RestoreDialog | None = None
        self.setWindowTitle("CrisisDesk: first start")
        self.setMinimumSize(640, 520)

        self.stack = QStackedWidget(self)
        self.choices = self._choices_page()
        self.create_page = CreatePage(self)
        self.key_page = KeyPage(self)
        self.stack.addWidget(self.choices)
        self.stack.addWidget(self.create_page)
        self.stack.addWidget(self.key_page)
        QVBoxLayout(self).addWidget(self.stack)

        self.create_page.back_requested.connect(lambda: self.stack.setCurrentWidget(self.choices))
        self.create_page.browse_requested.connect(self.browse_logo)
        self.create_page.create_requested.connect(self.create_desk)
        self.key_page.print_requested.connect(self.print_key)
        self.key_page.save_requested.connect(self.save_key)
        self.key_page.continue_requested.connect(self.continue_to_desk)

    def _choices_page(self) -> QWidget:
        page = QWidget(self)
        self.create_choice = QCommandLinkButton(
            "&Create our desk",
            "Set up the desk for your organisation: its name and logo, you as the first "
            "operator, and a recovery key to print.", page)
        self.demo_choice = QCommandLinkButton(
            "Open the &demo desk",
            f"Practise on {DEMO_ORG}, a fictional clinic with made-up people. Built in its own "
            "folder; your real desk is not touched.", page)
        self.restore_choice = QCommandLinkButton(
            "&Restore from a backup",
            "Bring back a desk from a .crisisdesk-backup file (for example from a USB stick), "
            "checked before it is restored.", page)
        self.choice_status = note_label(page, "Progress")
        self.create_choice.clicked.connect(self.show_create)
        self.demo_choice.clicked.connect(self.open_demo)
        self.restore_choice.clicked.connect(self.restore)
        where = QLabel(f"There is no desk in {self.data_dir} yet. What would you like to do?",
                       page)
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(page)
        layout.addWidget(heading(page, "Welcome to CrisisDesk"))
        layout.addWidget(where)
        for widget in (self.create_choice, self.demo_choice, self.restore_choice,
                       self.choice_status):
            layout.addWidget(widget)
        layout.addStretch(1)
        return page

    @property
    def busy(self) -> bool:
        return self.job is not None

    def _set_choices_enabled(self, enabled: bool) -> None:
        for button in (self.create_choice, self.demo_choice, self.restore_choice):
            button.setEnabled(enabled)

    def _start(self, fn: Any, name: str, done: Any, failed: Any) -> None:
        job = Job(fn, name=name)
        job.finished.connect(done)
        job.failed.connect(failed)
        self.job = job
        self.runner.start(job)

    def _problem(self, err: object, show: Any) -> None:
        if isinstance(err, UserError):
            show(err)
        elif isinstance(err, BaseException):
            report_unexpected(err)

    # -- create -----------------------------------------------------------------------------
    def show_create(self) -> None:
        self.stack.setCurrentWidget(self.create_page)
        self.create_page.org_edit.setFocus()

    def browse_logo(self) -> None:
        path = self.prompts.open_file(self, "Choose the logo for the letterhead", LOGO_FILTER)
        if path is not None:
            self.create_page.logo_edit.setText(str(path))

    def create_desk(self, request: dict[str, Any]) -> None:
        if self.busy:
            return
        data_dir = self.data_dir
        self.create_page.set_busy(True, "Creating the desk and deriving the key from your "
                                        "passphrase…")

        def work(**_: object) -> InitResult:
            return first_run_service.create_desk(data_dir, **request)

        self._start(work, "create desk", self._created, self._create_failed)

    def _create_failed(self, err: object) -> None:
        self.job = None
        self.create_page.set_busy(False, "Nothing was created.")
        self._problem(err, self.create_page.errors.show_user_error)

    def _created(self, result: object) -> None:
        self.job = None
        assert isinstance(result, InitResult)
        self.created = result
        self.org = result.session.vault.org
        self.key_page.show_key(self.org, result.recovery_code)
        self.stack.setCurrentWidget(self.key_page)

    def _key_args(self) -> tuple[str, str, Path, dt.date]:
        assert self.created is not None
        return self.org, self.created.recovery_code, self.data_dir, dt.date.today()

    def print_key(self) -> None:
        path = self.prompts.save_file(self, "Save the recovery key sheet to print",
                                      "recovery-key.pdf", PDF_FILTER)
        if path is None or self.busy:
            return
        args = self._key_args()
        self._key_busy(True, "Writing the sheet…")
        self._start(lambda **_: write_recovery_pdf(path, *args), "recovery sheet",
                    lambda _r: self._kept(f"Saved the one-page sheet to {path}: print it now."),
                    self._keep_failed)

    def save_key(self) -> None:
        path = self.prompts.save_file(self, "Save the recovery key to a file",
                                      "crisisdesk-recovery-key.txt", TEXT_FILTER)
        if path is None or self.busy:
            return
        text = recovery_text(*self._key_args())
        self._key_busy(True, "Saving…")
        self._start(lambda **_: write_bytes_atomic(path, text.encode("utf-8")), "recovery file",
                    lambda _r: self._kept(f"Saved the recovery key to {path}."),
                    self._keep_failed)

    def _key_busy(self, busy: bool, text: str) -> None:
        for button in (self.key_page.print_button, self.key_page.save_button,
                       self.key_page.continue_button):
            button.setEnabled(not busy and (button is not self.key_page.continue_button
                                            or self.key_page.kept_check.isChecked()))
        self.key_page.status.setText(text)

    def _kept(self, text: str) -> None:
        self.job = None
        self._key_busy(False, text)

    def _keep_failed(self, err: object) -> None:
        self.job = None
        self._key_busy(False, "")
        self._problem(err, lambda e: self.key_page.status.setText(f"Not saved: {e}"))

    def continue_to_desk(self) -> None:
        if self.created is None or not self.key_page.kept_check.isChecked() or self.busy:
            return
        session, self.created = self.created.session, None
        self._hand_over(session)

    # -- demo -------------------------------------------------------------------------------
    def open_demo(self) -> None:
        if self.busy:
            return
        data_dir = self.data_dir
        self._set_choices_enabled(False)
        folder = first_run_service.demo_folder(data_dir)
        self.choice_status.setText(f"Opening the demo desk in {folder} (the first time it is "
                                   "built, which takes a little while)…")
        self._start(lambda **_: first_run_service.open_demo(data_dir), "demo desk",
                    self._demo_ready, self._demo_failed)

    def _demo_ready(self, session: object) -> None:
        self.job = None
        assert isinstance(session, Session)
        self._hand_over(session)

    def _demo_failed(self, err: object) -> None:
        self.job = None
        self._set_choices_enabled(True)
        self.choice_status.setText("")
        self._problem(err, lambda e: self.choice_status.setText(f"The demo did not open: {e}"))

    # -- restore ----------------------------------------------------------------------------
    def restore(self) -> None:
        if self.busy or self.restore_dialog is not None:
            return
        bar = MessageBar(self)
        ctx = UiContext(DeskState(None, self), self.runner, self.prompts, bar)
        dialog = RestoreDialog(ctx, self)
        dialog.folder_edit.setText(str(self.data_dir))
        dialog.intro.setText("The backup is checked first (integrity and audit chain), then "
                             f"restored into {self.data_dir}; then you unlock it.")
        dialog.submitted.connect(lambda result: self._restored_note(dialog, result))
        dialog.finished.connect(lambda _r: self._restore_closed(dialog))
        self.restore_dialog = dialog
        dialog.open()

    @staticmethod
    def _restored_note(dialog: RestoreDialog, result: object) -> None:
        """Here the next step is unlocking, not restarting the app as on the Settings page."""
        folder = getattr(result, "data_dir", "")
        dialog.intro.setText(f"Checked and restored the desk into {folder}. Close this window "
                             "to unlock it.")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("&Close")

    def _restore_closed(self, dialog: RestoreDialog) -> None:
        self.restore_dialog = None
        if dialog.restored is not None:
            self.handed_over = True
            self.restored.emit(dialog.restored.data_dir)  # the next window first, then close:
            self.close()  # closing the last window would quit the app

    # -- leaving ----------------------------------------------------------------------------
    def _hand_over(self, session: Session) -> None:
        self.handed_over = True
        self.opened.emit(session)  # the main window first, then close: closing the last
        self.close()  # window first would quit the app

    def discard(self) -> None:
        """The app is quitting: close quietly, and close a made-but-not-handed-over desk."""
        if self.created is not None:
            self.created.session.close()
            self.created = None
        self.handed_over = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.busy and not self.handed_over:
            event.ignore()  # a desk half-made by a job still running: wait for it
            page = self.stack.currentWidget()
            for shown, label in ((self.choices, self.choice_status),
                                 (self.create_page, self.create_page.status),
                                 (self.key_page, self.key_page.status)):
                if page is shown:
                    label.setText("Still working; close the window again when this is done.")
            return
        if (self.created is not None and not self.handed_over
                and not self.key_page.kept_check.isChecked()
                and not self.prompts.confirm(
                    self, "Close without keeping the recovery key?",
                    "The recovery key is never shown again. Without it, a forgotten passphrase "
                    "cannot be recovered. Close anyway?", ok_label="Close anyway",
                    destructive=True)):
            event.ignore()
            return
        super().closeEvent(event)
        if not self.handed_over:
            if self.created is not None:  # closed on the key page: the desk exists, locked
                self.created.session.close()
                self.created = None
            self.handed_over = True
            self.abandoned.emit()
