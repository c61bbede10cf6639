"""The Settings page: desk settings from the schema, operators, backups (make one, restore one
into a new folder) and the recovery key.

Every change goes through a service (settings, operators, backup), which enforces the role
again; the page only mirrors it by disabling what the operator may not do, with a sentence
saying why. Secrets (new passphrases) are asked through `Prompts`, so tests answer them
without a modal loop; the recovery key is shown once and never stored.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressDialog,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.operators import Role
from crisisdesk.domain.settings import SETTINGS
from crisisdesk.services import backup as backup_service
from crisisdesk.services import backup_schedule, next_steps
from crisisdesk.services import binder as binder_service
from crisisdesk.services import operators as operator_service
from crisisdesk.services import rekey as rekey_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services.rekey import Progress
from crisisdesk.services.session import Session
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.page import NextStepHook, Page
from crisisdesk.ui.printouts import print_binder
from crisisdesk.ui.settings.fields import SettingField
from crisisdesk.ui.settings.restore_dialog import RestoreDialog
from crisisdesk.ui.widgets.errors import user_errors
from crisisdesk.ui.widgets.scheme import error_style
from crisisdesk.ui.workers import Job, in_thread_session, run_with_progress

BACKUP_FILTER = "CrisisDesk backups (*.crisisdesk-backup);;All files (*)"
IMAGE_FILTER = "Pictures (*.png *.jpg *.jpeg)"
NO_LOGO = "No logo: the letterhead shows the organisation name"
NOT_SAVED = "were not saved"
MAX_LINE_CHARS = 120  # the page's widest line, in average characters (860 px at 9 pt)


class SettingsPage(Page):
    title = "Settings"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.rekey_job: Job | None = None  # the running re-encryption (tests wait on it)
        self.rekey_progress: QProgressDialog | None = None
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(24, 16, 24, 16)
        heading = QLabel("Settings", body)
        heading.setObjectName("pageTitle")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        heading.setFont(font)
        layout.addWidget(heading)
        # Long lines of fields are hard to scan on a wide screen; the limit is in characters,
        # so a larger font (or a 200% screen) widens the page instead of squeezing its buttons.
        body.setMaximumWidth(body.fontMetrics().averageCharWidth() * MAX_LINE_CHARS)
        layout.addWidget(self._build_settings(body))
        layout.addWidget(self._build_operators(body))
        layout.addWidget(self._build_backups(body))
        layout.addWidget(self._build_binder(body))
        layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    # -- building --------------------------------------------------------------------------
    def _build_settings(self, parent: QWidget) -> QGroupBox:
        box = QGroupBox("Desk settings", parent)
        form = QFormLayout(box)
        self.admin_note = QLabel("Only an admin can change settings.", box)
        self.admin_note.setEnabled(False)
        form.addRow(self.admin_note)
        self.fields: dict[str, SettingField] = {}
        self.errors: dict[str, QLabel] = {}
        self.reset_buttons: dict[str, QToolButton] = {}
        for spec in SETTINGS:
            field = SettingField(spec, box)
            reset = QToolButton(box)
            reset.setText("Reset")
            reset.setAccessibleName(f"Reset {spec.label} to its default")
            reset.setToolTip(f"Back to the default ({spec.default!r})")
            reset.clicked.connect(lambda _=False, k=spec.key: self._reset(k))
            error = QLabel(box)
            error.setObjectName("fieldError")
            error.setStyleSheet(error_style())
            error.hide()
            row = QHBoxLayout()
            row.addWidget(field.widget, 1)
            if spec.key == "backup_folder":  # a USB stick is easier chosen than typed
                self.folder_button = QToolButton(box)
                self.folder_button.setText("Choose…")
                self.folder_button.setAccessibleName("Choose the scheduled backup folder")
                self.folder_button.clicked.connect(self.choose_backup_folder)
                row.addWidget(self.folder_button)
            if spec.key == "letterhead_logo":  # a picture is found by looking, not typed
                self.logo_button = QToolButton(box)
                self.logo_button.setText("Bro&wse…")
                self.logo_button.setAccessibleName("Browse for the letterhead logo")
                self.logo_button.setToolTip("Choose a PNG or JPEG picture for the letterhead")
                self.logo_button.clicked.connect(self.choose_logo)
                row.addWidget(self.logo_button)
                assert isinstance(field.widget, QLineEdit)
                field.widget.setPlaceholderText(NO_LOGO)
            row.addWidget(reset)
            column = QVBoxLayout()
            column.addLayout(row)
            column.addWidget(error)
            label = QLabel(spec.label + ":", box)
            label.setBuddy(field.widget)
            label.setToolTip(spec.help)
            form.addRow(label, column)
            self.fields[spec.key] = field
            self.errors[spec.key] = error
            self.reset_buttons[spec.key] = reset
        self.save_button = QPushButton("&Save settings", box)
        self.save_button.clicked.connect(self.save_settings)
        form.addRow(self.save_button)
        return box

    def _build_operators(self, parent: QWidget) -> QGroupBox:
        box = QGroupBox("Operators", parent)
        layout = QVBoxLayout(box)
        self.operator_list = QListWidget(box)
        self.operator_list.setAccessibleName("Operators")
        self.operator_list.setMaximumHeight(140)
        layout.addWidget(self.operator_list)
        row = QHBoxLayout()
        self.add_operator_button = QPushButton("Add operator…", box)
        self.remove_operator_button = QPushButton("Remove…", box)
        self.passwd_button = QPushButton("Change my passphrase…", box)
        for button in (self.add_operator_button, self.remove_operator_button,
                       self.passwd_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.add_operator_button.clicked.connect(self.add_operator)
        self.remove_operator_button.clicked.connect(self.remove_operator)
        self.passwd_button.clicked.connect(self.change_passphrase)
        return box

    def _build_backups(self, parent: QWidget) -> QGroupBox:
        box = QGroupBox("Backups and recovery", parent)
        layout = QVBoxLayout(box)
        text = QLabel("A backup is an encrypted copy of the whole desk and its key slots; it "
                      "opens with the same passphrases and recovery key. Keep one on a USB "
                      "stick in the crisis binder.", box)
        text.setWordWrap(True)
        layout.addWidget(text)
        row = QHBoxLayout()
        self.backup_button = QPushButton("Create backup…", box)
        self.recovery_button = QPushButton("Replace recovery key…", box)
        self.backup_now_button = QPushButton("Back up to the folder now", box)
        self.backup_now_button.setToolTip("Make a scheduled backup into the backup folder now, "
                                          "check it and rotate the folder")
        self.restore_button = QPushButton("Restore a backup…", box)
        self.restore_button.setToolTip("Check a backup and restore it into a new folder as a "
                                       "separate desk; the open desk is not changed")
        row.addWidget(self.backup_button)
        row.addWidget(self.recovery_button)
        row.addWidget(self.backup_now_button)
        row.addWidget(self.restore_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.backup_button.clicked.connect(self.create_backup)
        self.recovery_button.clicked.connect(self.replace_recovery_key)
        self.restore_button.clicked.connect(self.restore_backup)
        self.backup_now_button.clicked.connect(self.backup_to_folder_now)
        self.restore_dialog: RestoreDialog | None = None
        return box

    def _build_binder(self, parent: QWidget) -> QGroupBox:
        box = QGroupBox("Downtime binder", parent)
        layout = QVBoxLayout(box)
        text = QLabel("Every paper the team needs when this laptop is gone, as one PDF to "
                      "print and keep in the crisis binder: procedures, role chart, call "
                      "sheets, phone list, approved scripts, obligations and blank forms.", box)
        text.setWordWrap(True)
        layout.addWidget(text)
        self.binder_label = QLabel(box)
        self.binder_label.setAccessibleName("Downtime binder age")
        self.binder_label.setWordWrap(True)
        layout.addWidget(self.binder_label)
        row = QHBoxLayout()
        self.binder_button = QPushButton("Print downtime &binder…", box)
        self.binder_button.clicked.connect(
            lambda: print_binder(self.ctx, self, button=self.binder_button))
        row.addWidget(self.binder_button)
        row.addStretch(1)
        layout.addLayout(row)
        return box

    # -- Page protocol ---------------------------------------------------------------------
    def refresh(self) -> None:
        session = self.ctx.session
        is_admin = session.operator.role is Role.ADMIN
        for state in settings_service.all_settings(session):
            field = self.fields[state.spec.key]
            field.set_value(state.value)
            field.widget.setEnabled(is_admin)
            self.reset_buttons[state.spec.key].setEnabled(is_admin and not state.is_default)
            self.errors[state.spec.key].hide()
        self.save_button.setEnabled(is_admin)
        self.folder_button.setEnabled(is_admin)
        self.logo_button.setEnabled(is_admin)
        self.admin_note.setVisible(not is_admin)
        self.operator_list.clear()
        for op in operator_service.list_operators(session):
            item = QListWidgetItem(f"{op.name} — {op.role.value}")
            item.setData(Qt.ItemDataRole.UserRole, op.name)
            self.operator_list.addItem(item)
        for button in (self.add_operator_button, self.remove_operator_button,
                       self.backup_button, self.recovery_button):
            button.setEnabled(is_admin)
        self.binder_label.setText(binder_service.status_text(session))

    def next_step(self) -> NextStepHook:
        step = next_steps.settings(self.ctx.session)
        return (step, self.create_backup) if step else None

    def clear(self) -> None:
        self.operator_list.clear()
        for field in self.fields.values():
            field.set_value(field.spec.default)

    # -- actions ---------------------------------------------------------------------------
    def _changed(self) -> None:
        self.ctx.state.notify_changed()

    def save_settings(self) -> None:
        session = self.ctx.session
        current = {s.spec.key: s.value for s in settings_service.all_settings(session)}
        saved, failed = 0, 0
        with user_errors(self.ctx.messages):  # a refusal that is not about one setting
            for key, field in self.fields.items():
                self.errors[key].hide()
                value = field.value()
                if value == current[key]:
                    continue
                try:
                    settings_service.set(session, key, value)
                    saved += 1
                except ValidationError as err:  # about this setting: shown next to it
                    failed += 1
                    self.errors[key].setText(err.message)
                    self.errors[key].show()
            if saved:
                self._changed()
            if failed:
                self.ctx.messages.show_warning(
                    f"{failed} setting(s) {NOT_SAVED}; see the messages next to them.")
            elif saved:
                self.ctx.messages.show_info(f"Saved {saved} setting(s).")
            elif NOT_SAVED in self.ctx.messages.text:
                self.ctx.messages.clear()  # every field is as stored again: nothing is unsaved

    def choose_backup_folder(self) -> None:
        folder = self.ctx.prompts.open_folder(self, "Choose the scheduled backup folder")
        if folder is not None:
            self.fields["backup_folder"].set_value(str(folder))

    def choose_logo(self) -> None:
        path = self.ctx.prompts.open_file(self, "Choose the letterhead logo", IMAGE_FILTER)
        if path is not None:
            self.fields["letterhead_logo"].set_value(str(path))

    def _reset(self, key: str) -> None:
        with user_errors(self.ctx.messages):
            settings_service.reset(self.ctx.session, key)
            self._changed()

    def _selected_operator(self) -> str | None:
        item = self.operator_list.currentItem()
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    def add_operator(self) -> None:
        answer = self.ctx.prompts.new_operator(self)
        if answer is None:
            return
        name, role, passphrase = answer
        with user_errors(self.ctx.messages):
            op = operator_service.add_operator(self.ctx.session, name, role, passphrase)
            self.ctx.messages.show_info(f"Added {op.name} as {op.role.value}.")
            self._changed()

    def remove_operator(self) -> None:
        """Remove in two halves: the worker makes the re-encrypted copy (with progress), then
        this thread, which owns the desk's connection, switches over to it."""
        name = self._selected_operator()
        if name is None:
            self.ctx.messages.show_warning("Choose an operator in the list first.")
            return
        if not self.ctx.prompts.confirm(
                self, "Remove operator",
                f"Remove {name}? The desk is re-encrypted with a new key, so their passphrase "
                "(and any copy of the key file) stops opening it. Old backups keep the old key.",
                ok_label="Remove", destructive=True):
            return

        def work(twin: Session, *, progress: Progress,
                 is_cancelled: Callable[[], bool]) -> rekey_service.PreparedRekey:
            return operator_service.prepare_removal(twin, name, progress=progress,
                                                    is_cancelled=is_cancelled)[0]

        self._rekey(work, f"Removing {name} and re-encrypting the desk…",
                    lambda _code: self.ctx.messages.show_info(
                        f"Removed {name}; the desk was re-encrypted with a new key."))

    def _rekey(self, work: Callable[..., rekey_service.PreparedRekey], label: str,
               done: Callable[[str | None], None]) -> None:
        job = Job(in_thread_session(self.ctx.session, work), name="rekey")
        self.rekey_job = job

        def finished(prepared: object) -> None:
            assert isinstance(prepared, rekey_service.PreparedRekey)
            with user_errors(self.ctx.messages):
                done(rekey_service.finish(self.ctx.session, prepared))
            self._changed()

        job.finished.connect(finished)
        job.failed.connect(self.ctx.show_error)
        job.cancelled.connect(
            lambda: self.ctx.messages.show_info("Cancelled; nothing was changed."))
        self.rekey_progress = run_with_progress(self.ctx.runner, job, self,
                                                title="Re-encrypting the desk", label=label)

    def change_passphrase(self) -> None:
        session = self.ctx.session
        passphrase = self.ctx.prompts.new_passphrase(self, session.operator.name)
        if passphrase is None:
            return
        with user_errors(self.ctx.messages):
            operator_service.change_passphrase(session, session.operator.name, passphrase)
            self.ctx.messages.show_info("Your passphrase was changed.")
            self._changed()

    def create_backup(self) -> None:
        session = self.ctx.session
        path = self.ctx.prompts.save_file(self, "Save a backup of the desk",
                                          backup_service.default_file_name(session),
                                          BACKUP_FILTER)
        if path is None:
            return

        def work(twin: Session, *, progress: object, is_cancelled: object) -> Path:
            return backup_service.create_backup(twin, path, force=True).path

        job = Job(in_thread_session(session, work), name="backup")
        self.backup_button.setEnabled(False)
        job.finished.connect(lambda _r: self.backup_button.setEnabled(True))  # before "done"
        job.failed.connect(lambda _e: self.backup_button.setEnabled(True))
        job.finished.connect(self._backup_done)
        job.failed.connect(self.ctx.show_error)
        self.ctx.runner.start(job)

    def _backup_done(self, path: object) -> None:
        self.ctx.messages.show_info(f"Backup written to {path}.")
        self._changed()

    def backup_to_folder_now(self) -> None:
        """A scheduled backup now (any operator), in the worker; e.g. to try a new USB stick."""
        def work(twin: Session, **_: object) -> backup_schedule.ScheduledResult:
            return backup_schedule.scheduled_backup(twin, force=True)

        job = Job(in_thread_session(self.ctx.session, work), name="backup to folder")
        self.backup_now_button.setEnabled(False)
        # The button comes back before the message says the backup is done (each queued
        # slot runs on its own, so the other order showed "done" beside a greyed button).
        job.finished.connect(lambda _r: self.backup_now_button.setEnabled(True))
        job.failed.connect(lambda _e: self.backup_now_button.setEnabled(True))
        job.finished.connect(self._backed_up_to_folder)
        job.failed.connect(self.ctx.show_error)
        self.ctx.runner.start(job)

    def _backed_up_to_folder(self, result: object) -> None:
        if isinstance(result, backup_schedule.ScheduledResult):
            if result.status == "made":
                self.ctx.messages.show_info(result.message)
                self._changed()
            else:
                self.ctx.messages.show_warning(result.message)

    def restore_backup(self) -> RestoreDialog:
        """Open the restore dialog (not modal-blocking: the check runs in the worker)."""
        dialog = RestoreDialog(self.ctx, self)
        self.restore_dialog = dialog
        dialog.open()
        return dialog

    def replace_recovery_key(self) -> None:
        if not self.ctx.prompts.confirm(
                self, "Replace recovery key",
                "Make a new recovery key? The printed one stops working at once (the desk is "
                "re-encrypted with a new key).",
                ok_label="Replace", destructive=True):
            return

        def work(twin: Session, *, progress: Progress,
                 is_cancelled: Callable[[], bool]) -> rekey_service.PreparedRekey:
            return operator_service.prepare_recovery_key(twin, progress=progress,
                                                         is_cancelled=is_cancelled)

        def show(code: str | None) -> None:
            assert code is not None
            self.ctx.prompts.show_secret(
                self, "New recovery key",
                "Print this and keep it with the crisis plan; it is shown only now:", code)

        self._rekey(work, "Making a new recovery key and re-encrypting the desk…", show)
