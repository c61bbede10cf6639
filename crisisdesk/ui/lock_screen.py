"""What the main window shows while the desk is locked: who may unlock it, and nothing else.

It reuses the `UnlockForm` of the start-up dialog without the keychain: after an idle lock
the passphrase is needed again, or the lock would protect nothing.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from crisisdesk.store.keychain import Keychain
from crisisdesk.ui.unlock_dialog import UnlockForm
from crisisdesk.ui.workers import JobRunner


class LockScreen(QWidget):
    """Shown instead of the pages while the desk is locked: nothing but who may unlock it."""

    def __init__(self, data_dir: Path, keychain: Keychain, runner: JobRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("<b>The desk is locked.</b>", self)
        self.hint = QLabel("Nobody used CrisisDesk for a while, so it locked itself to keep the "
                           "desk's data private. Type your passphrase to continue.", self)
        self.hint.setWordWrap(True)
        self.form = UnlockForm(data_dir, keychain, runner, use_keychain=False, parent=self)
        box = QFrame(self)
        box.setFrameShape(QFrame.Shape.StyledPanel)
        box.setMinimumWidth(420)
        box.setMaximumWidth(520)
        inner = QVBoxLayout(box)
        inner.setContentsMargins(24, 20, 24, 20)
        inner.addWidget(self.title)
        inner.addWidget(self.hint)
        inner.addWidget(self.form)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

    def start(self, operator: str, reason: str) -> None:
        self.hint.setText(reason)
        self.form.operator_edit.setText(operator)
        self.form.passphrase_edit.clear()
        self.form.error_label.hide()
        self.form.start()
