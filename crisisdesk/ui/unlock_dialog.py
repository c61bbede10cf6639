"""Unlocking a desk: operator + passphrase (or the printed recovery key), off the GUI thread.

The Argon2id key derivation takes ~0.3 s on purpose, so it runs as a `Job`; the form shows
"Unlocking…" and stays responsive. When the operator is known and this computer remembers them
(a real OS keychain only), the form tries that first and may never need to ask. A wrong
passphrase is one sentence under the fields; the dialog stays open.

`UnlockForm` is the reusable part: the start-up `UnlockDialog` wraps it, and so does the main
window's lock screen (which never uses the keychain: after an idle lock the passphrase is
needed again).

Looking the keychain up imports `keyring` and asks the OS for its backend, so the form never
does that on the GUI thread: until a worker has done it (the remembered-operator attempt, or a
small probe job) "Remember me" stays disabled, then it is enabled or explained.

The dialog is the first window, so its module stays cheap to import: it does not touch
PySide6's `Qt` namespace (creating its Python enums costs ~14 ms) unless a label's text could
be read as markup, and the error text's colours are worked out when there is an error.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crisisdesk.domain.errors import UserError
from crisisdesk.store.keychain import Keychain
from crisisdesk.ui.crash import report_unexpected
from crisisdesk.ui.widgets.layouts import grow_to_fit
from crisisdesk.ui.widgets.scheme import error_style
from crisisdesk.ui.workers import Job, JobRunner

if TYPE_CHECKING:
    from types import ModuleType

    from crisisdesk.services.session import Session

FORM_START_DELAY_MS = 40  # the dialog drawn first (~10 ms); nobody types within 40 ms


def plain_label(text: str, parent: QWidget) -> QLabel:
    """A label that shows `text` as typed, never as markup (a desk's name, a folder)."""
    label = QLabel(text, parent)
    # Qt reads text as rich text only when it holds "<" (or the "&lt;" entity); setting the
    # format for every label would load the `Qt` namespace before the dialog is on screen.
    if "<" in text or "&" in text:
        from PySide6.QtCore import Qt

        label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def desk_service() -> ModuleType:
    """The unlock service, imported where it runs (the worker), not to show the dialog."""
    from crisisdesk.services import desk

    return desk


class UnlockForm(QWidget):
    unlocked = Signal(object)  # the new Session

    def __init__(self, data_dir: Path, keychain: Keychain, runner: JobRunner, *,
                 operator: str = "", passphrase: str = "", recovery_code: str = "",
                 use_keychain: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.keychain = keychain
        self.runner = runner
        self.use_keychain = use_keychain
        self._initial_passphrase = passphrase
        self._initial_recovery = recovery_code
        self._job: Job | None = None
        self.abandoned = False
        self.recovery_mode = False
        self._keychain_known = False
        self._asked = False  # Unlock pressed (or Return) at least once

        self.operator_edit = QLineEdit(operator, self)
        self.operator_edit.setAccessibleName("Operator name")
        self.passphrase_edit = QLineEdit(self)
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_edit.setAccessibleName("Passphrase")
        self.recovery_edit = QLineEdit(self)
        self.recovery_edit.setAccessibleName("Recovery key")
        self.recovery_edit.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")
        self.remember_check = QCheckBox("&Remember me on this computer", self)
        self.remember_note = QLabel(self)
        self.remember_note.setWordWrap(True)
        self.remember_note.setEnabled(False)
        self.remember_check.setEnabled(False)  # until the keychain is known to be real
        self.recovery_link = QLabel('<a href="#recovery">Use the recovery key instead</a>', self)
        self.recovery_link.setAccessibleName("Use the recovery key instead")
        self.recovery_link.linkActivated.connect(lambda _href: self.toggle_recovery())
        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setObjectName("unlockError")  # styled when first shown
        self.error_label.setAccessibleName("Unlock problem")
        self.status_label = QLabel(self)
        self.unlock_button = QPushButton(self)  # the (text, parent) form makes QIcon's type, ~1 ms
        self.unlock_button.setText("&Unlock")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.submit)

        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.addRow("&Operator:", self.operator_edit)
        self.form.addRow("&Passphrase:", self.passphrase_edit)
        self.form.addRow("Recovery &key:", self.recovery_edit)
        self.form.addRow("", self.remember_check)
        self.form.addRow("", self.remember_note)
        self.form.setRowVisible(self.recovery_edit, False)
        self.form.setRowVisible(self.remember_note, False)
        self.form.setRowVisible(self.remember_check, use_keychain)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.form)
        layout.addWidget(self.recovery_link)
        layout.addWidget(self.error_label)
        layout.addWidget(self.status_label)
        button_row = QHBoxLayout()  # the button on the right, at its own width
        button_row.addStretch(1)
        button_row.addWidget(self.unlock_button)
        layout.addLayout(button_row)
        for edit in (self.operator_edit, self.passphrase_edit, self.recovery_edit):
            edit.returnPressed.connect(self.submit)
        self.error_label.hide()
        self.status_label.hide()
        if use_keychain and keychain.resolved:
            self._show_keychain_state()

    @property
    def busy(self) -> bool:
        return self._job is not None

    @property
    def _keychain_usable(self) -> bool:
        return self.use_keychain and self._keychain_known and self.keychain.usable

    def _show_keychain_state(self, _result: object = None) -> None:
        """The keychain has been looked up: offer "remember me", or say why not."""
        if self._keychain_known or not self.use_keychain:
            return
        self._keychain_known = True
        usable = self.keychain.usable
        if not usable:
            self.remember_check.setToolTip(self.keychain.refusal())
            self.remember_note.setText(
                "Not available: this computer has no secure keychain, so the passphrase is "
                "asked every time.")
            self.remember_note.setToolTip(self.keychain.refusal())
        self.remember_check.setEnabled(usable and not self.busy)
        self.form.setRowVisible(self.remember_note, not usable and not self.recovery_mode)
        grow_to_fit(self)  # the note may come after the dialog is up: its lines stay whole

    def _probe_keychain(self) -> None:
        """Look the keychain up in a worker (the import and the OS query take a while)."""
        if not self.use_keychain or self._keychain_known:
            return
        keychain = self.keychain  # the job must not hold `self`
        job = Job(lambda **_: keychain.usable, name="keychain")
        job.finished.connect(self._show_keychain_state)
        job.failed.connect(report_unexpected)
        self.runner.start(job)

    def start(self) -> None:
        """Called once the form is on screen: unlock straight away if we can."""
        if self._asked:  # the person was quicker than the first paint: no unlock of ours
            self._probe_keychain()
            return
        operator = self.operator_edit.text().strip()
        if not (operator and self.use_keychain and not self._initial_recovery
                and not self._initial_passphrase):
            self._probe_keychain()
        if self._initial_recovery:
            self.toggle_recovery()
            self.recovery_edit.setText(self._initial_recovery)
            self._initial_recovery = ""
            self.submit()
        elif operator and self._initial_passphrase:
            self.passphrase_edit.setText(self._initial_passphrase)
            self._initial_passphrase = ""
            self.submit()
        elif operator and self.use_keychain and (self._keychain_usable
                                                 or not self._keychain_known):
            # Looks the keychain up too (in the worker); nothing remembered or no real
            # keychain: the job returns None and the form asks.
            data_dir, keychain = self.data_dir, self.keychain  # the job must not hold `self`
            self._run(lambda **_: desk_service().unlock_from_keychain(data_dir, operator, keychain),
                      "Checking this computer's keychain…", quiet=True)
        else:
            self.focus_first_empty()

    def focus_first_empty(self) -> None:
        if not self.operator_edit.text().strip():
            self.operator_edit.setFocus()
        elif self.recovery_mode:
            self.recovery_edit.setFocus()
        else:
            self.passphrase_edit.setFocus()

    def toggle_recovery(self) -> None:
        self.recovery_mode = not self.recovery_mode
        recovery = self.recovery_mode
        self.form.setRowVisible(self.recovery_edit, recovery)
        self.form.setRowVisible(self.operator_edit, not recovery)
        self.form.setRowVisible(self.passphrase_edit, not recovery)
        self.form.setRowVisible(self.remember_check, not recovery and self.use_keychain)
        self.form.setRowVisible(self.remember_note, not recovery and self.use_keychain
                                and self._keychain_known and not self.keychain.usable)
        self.recovery_link.setText(
            '<a href="#passphrase">Use my passphrase instead</a>' if recovery
            else '<a href="#recovery">Use the recovery key instead</a>')
        self.error_label.hide()
        self.focus_first_empty()

    def show_error(self, text: str) -> None:
        if not self.error_label.styleSheet():  # the scheme is asked once an error shows
            self.error_label.setStyleSheet(f"#unlockError {{ {error_style()} }}")
        self.error_label.setText(text)
        self.error_label.show()
        grow_to_fit(self)  # the dialog grows for the sentence; the keychain note stays whole

    def submit(self) -> None:
        if self.busy:
            return
        self._asked = True
        data_dir, keychain = self.data_dir, self.keychain
        if self.recovery_mode:
            code = self.recovery_edit.text().strip()
            if not code:
                self.show_error("Type the recovery key printed when the desk was created.")
                return
            self._run(lambda **_: desk_service().unlock_with_recovery(data_dir, code),
                      "Unlocking with the recovery key…")
            return
        operator = self.operator_edit.text().strip()
        passphrase = self.passphrase_edit.text()
        if not operator:
            self.show_error("Type your operator name.")
            self.operator_edit.setFocus()
            return
        if not passphrase:
            self.show_error("Type your passphrase.")
            self.passphrase_edit.setFocus()
            return
        remember = self.remember_check.isChecked() and self.remember_check.isEnabled()
        self._run(lambda **_: desk_service().unlock(
            data_dir, operator, passphrase, keychain=keychain, remember=remember),
            "Unlocking…")

    def _run(self, fn: object, status: str, *, quiet: bool = False) -> None:
        job = Job(fn, name="unlock")  # type: ignore[arg-type]
        job.finished.connect(self._on_finished)
        job.failed.connect(lambda err: self._on_failed(err, quiet))
        job.cancelled.connect(self._idle)
        self._job = job
        self._set_busy(True, status)
        self.runner.start(job)

    def _set_busy(self, busy: bool, status: str = "") -> None:
        for w in (self.operator_edit, self.passphrase_edit, self.recovery_edit,
                  self.unlock_button, self.recovery_link):
            w.setEnabled(not busy)
        self.remember_check.setEnabled(not busy and self._keychain_usable)
        self.status_label.setText(status)
        self.status_label.setVisible(bool(status))
        if busy:
            self.error_label.hide()

    def _idle(self) -> None:
        self._job = None
        if self.use_keychain and self.keychain.resolved:
            self._show_keychain_state()
        self._set_busy(False)
        self.focus_first_empty()

    def _on_finished(self, session: Session | None) -> None:
        self._idle()
        if session is None:  # nothing remembered for this operator: ask
            return
        if self.abandoned:
            session.close()
            return
        self.passphrase_edit.clear()
        self.recovery_edit.clear()
        self.unlocked.emit(session)

    def _on_failed(self, err: BaseException, quiet: bool) -> None:
        self._idle()
        if isinstance(err, UserError):
            if not quiet:
                self.show_error(str(err))
            self.passphrase_edit.clear()
            self.recovery_edit.selectAll()
            return
        report_unexpected(err)


class UnlockDialog(QDialog):
    """The first window: which desk this is, who you are, and your passphrase."""

    unlocked = Signal(object)

    def __init__(self, data_dir: Path, org: str, keychain: Keychain, runner: JobRunner, *,
                 operator: str = "", passphrase: str = "", recovery_code: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Unlock {org} — CrisisDesk")
        self.session: Session | None = None
        heading = plain_label(org, self)  # plain text in a bold font: no HTML to escape
        font = heading.font()  # (markup would be cheaper, but rich text keeps the font it was
        font.setBold(True)     # laid out in when the shipped fonts arrive after the dialog)
        font.setPointSizeF(font.pointSizeF() * 1.4)
        heading.setFont(font)
        where = plain_label(f"Desk folder: {data_dir}", self)
        where.setWordWrap(True)
        where.setEnabled(False)
        self.form = UnlockForm(data_dir, keychain, runner, operator=operator,
                               passphrase=passphrase, recovery_code=recovery_code,
                               parent=self)
        self.form.unlocked.connect(self._on_unlocked)
        buttons = QDialogButtonBox(parent=self)  # by keyword: no `Qt.Orientation` overload tried
        quit_button = buttons.addButton("&Quit", QDialogButtonBox.ButtonRole.RejectRole)
        quit_button.setAutoDefault(False)
        buttons.addButton(self.form.unlock_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(where)
        layout.addWidget(self.form)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def start(self) -> None:
        """Show the dialog; the form starts (the keychain lookup, an unlock from the
        environment) a moment later, once the dialog has been drawn, so those workers'
        imports do not hold the interpreter while the first window is still being drawn.
        A timer, not `ui.first_paint`: watching for the paint would make PySide6 build the
        Python type of QEvent (~180 enum members, 3-7 ms) before the dialog is up."""
        self.show()
        QTimer.singleShot(FORM_START_DELAY_MS, self.form, self.form.start)  # not if gone

    def _on_unlocked(self, session: Session) -> None:
        self.session = session
        self.unlocked.emit(session)
        self.accept()

    def reject(self) -> None:
        self.form.abandoned = True
        super().reject()
