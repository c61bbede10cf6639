"""Restore a backup from the GUI into a NEW data folder, never over the open desk.

The person picks the backup file and an empty folder and types a passphrase that opens the
backup (it may be older than their current one), or the recovery key. The check and the
restore run in the worker (`restore_backup` unpacks the backup beside the folder, opens it,
checks integrity and the audit chain, and moves it into place only if all passed); the dialog
then says what was restored and how to open it. The open desk is not touched.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLineEdit, QPushButton, QWidget

from crisisdesk.domain.errors import UserError, ValidationError
from crisisdesk.launcher import command
from crisisdesk.services import backup as backup_service
from crisisdesk.services.credentials import Credentials
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.widgets.build import line_edit
from crisisdesk.ui.widgets.form_dialog import FormDialog
from crisisdesk.ui.workers import Job

BACKUP_FILTER = "CrisisDesk backups (*.crisisdesk-backup);;All files (*)"


def how_to_open(data_dir: Path) -> str:
    where = shlex.quote(str(data_dir))
    return (f"To open it, quit CrisisDesk and start it with:  {command()} --data-dir {where}  "
            f"(or set CRISISDESK_HOME={where} to make it the default desk). "
            "The desk open now was not changed.")


class RestoreDialog(FormDialog):
    """Backup file, new folder, operator and passphrase; Check and restore; the outcome."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(
            "Restore a backup", "Check and restore", parent, min_width=560,
            intro="The backup is checked first (integrity and audit chain), then restored "
                  "into a new, empty folder as a separate desk. The desk open now is not "
                  "changed.")
        self.ctx = ctx
        self.job: Job | None = None
        self.restored: backup_service.RestoreResult | None = None
        self.file_edit = line_edit(self, "Backup file")
        self.folder_edit = line_edit(self, "New folder for the restored desk",
                                     "an empty or new folder")
        self.operator_edit = line_edit(self, "Operator")
        if ctx.state.current is not None:  # (no desk is open yet on the first run)
            self.operator_edit.setText(ctx.state.current.operator.name)
        self.passphrase_edit = line_edit(self, "Passphrase for the backup")
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.recovery_check = QCheckBox("I am typing the recovery key instead", self)
        self.recovery_check.toggled.connect(self.operator_edit.setDisabled)
        self.file_button = QPushButton("Choose…", self)
        self.file_button.setAccessibleName("Choose the backup file")
        self.file_button.clicked.connect(self.choose_file)
        self.folder_button = QPushButton("Choose…", self)
        self.folder_button.setAccessibleName("Choose the new folder")
        self.folder_button.clicked.connect(self.choose_folder)
        self.add_row("Backup file:", self._with(self.file_edit, self.file_button), "path")
        self.add_row("Restore into:", self._with(self.folder_edit, self.folder_button), "to")
        self.add_row("Operator:", self.operator_edit, "operator")
        self.add_row("Passphrase:", self.passphrase_edit, "passphrase")
        self.add_row("", self.recovery_check)

    @staticmethod
    def _with(edit: QLineEdit, button: QPushButton) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(edit, 1)
        row.addWidget(button)
        return row

    def choose_file(self) -> None:
        path = self.ctx.prompts.open_file(self, "Choose a backup to restore", BACKUP_FILTER)
        if path is not None:
            self.file_edit.setText(str(path))

    def choose_folder(self) -> None:
        path = self.ctx.prompts.open_folder(self, "Choose an empty folder for the restored desk")
        if path is not None:
            self.folder_edit.setText(str(path))

    def _request(self) -> tuple[Path, Path, Credentials]:
        recovery = self.recovery_check.isChecked()
        fields = [("path", self.file_edit), ("to", self.folder_edit),
                  ("passphrase", self.passphrase_edit)]
        if not recovery:
            fields.append(("operator", self.operator_edit))
        missing = {key: "required" for key, edit in fields if not edit.text().strip()}
        if missing:
            raise ValidationError("Fill in the fields marked below.", missing)
        secret = self.passphrase_edit.text()
        credentials = (Credentials(recovery_code=secret.strip()) if recovery else
                       Credentials(operator=self.operator_edit.text().strip(), passphrase=secret))
        return (Path(self.file_edit.text().strip()).expanduser(),
                Path(self.folder_edit.text().strip()).expanduser(), credentials)

    def submit(self) -> None:
        """Check and restore in the worker; the dialog stays open to say how it went."""
        if self.job is not None:
            return
        try:
            path, to, credentials = self._request()
        except UserError as err:
            self.show_error(err)
            return
        self.errors.clear()

        def work(**_: Any) -> backup_service.RestoreResult:
            return backup_service.restore_backup(path, to, credentials)

        job = Job(work, name="restore backup")
        job.finished.connect(self._restored)
        job.failed.connect(self._failed)
        self.job = job
        self.accept_button.setEnabled(False)
        self.intro.setText("Checking the backup…")
        self.ctx.runner.start(job)

    def _failed(self, err: object) -> None:
        self.job = None
        self.accept_button.setEnabled(True)
        self.intro.setText("Nothing was restored.")
        if isinstance(err, UserError):
            self.show_error(err)
        elif isinstance(err, BaseException):
            self.ctx.show_error(err)

    def _restored(self, result: object) -> None:
        self.job = None
        if not isinstance(result, backup_service.RestoreResult):
            return
        self.restored = result
        report = result.report
        entries = report.audit.count if report.audit else 0
        self.intro.setText(
            f"Checked and restored the desk of {report.org} (backup made "
            f"{report.created_at or 'at an unknown time'}; integrity OK, audit chain OK with "
            f"{entries} entries) into {result.data_dir}.\n\n{how_to_open(result.data_dir)}")
        self.accept_button.hide()
        for edit in (self.file_edit, self.folder_edit, self.operator_edit,
                     self.passphrase_edit):
            edit.setEnabled(False)
        self.recovery_check.setEnabled(False)
        self.passphrase_edit.clear()
        self.submitted.emit(result)
