"""The incident's free-text facts in Spanish: each English fact beside a box for its wording.

A Spanish letter is refused while a fact it uses has no Spanish wording, and a batch sends
such readers the English letter instead (saying so); this is where the team fills the gaps.
The dialog only gathers text; `services.incident_translations` checks and records it (one
action for the whole form), and its `ValidationError.fields` are shown under the fields.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from crisisdesk.services.incident_translations import FactWording
from crisisdesk.ui.widgets.errors import user_errors
from crisisdesk.ui.widgets.forms import FieldErrors, error_label

Save = Callable[[dict[str, str]], list[FactWording]]


class TranslationsDialog(QDialog):
    """Spanish wording of the incident summary, help-line hours, signer's title, ..."""

    saved = Signal(int)  # how many facts were saved

    def __init__(self, rows: list[FactWording], save: Save,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Spanish wording of the incident's facts")
        self.setModal(True)
        self.resize(640, 520)
        self._save = save
        self.rows = {r.field: r for r in rows}
        self.message = error_label(self)
        intro = QLabel("Spanish letters use these words. A Spanish letter is held back while "
                       "a fact it needs is only in English.", self)
        intro.setWordWrap(True)
        form = QFormLayout()
        self.errors = FieldErrors(form, self.message)
        self.edits: dict[str, QPlainTextEdit] = {}
        for row in rows:
            english = QLabel(row.english or "(not recorded in English)", self)
            english.setWordWrap(True)
            english.setAccessibleName(f"English {row.label}")
            edit = QPlainTextEdit(row.text, self)
            edit.setAccessibleName(f"Spanish {row.label}")
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(64)
            self.edits[row.field] = edit
            form.addRow(f"{row.label.capitalize()}:", english)
            self.errors.add_row("Español:", edit, row.field)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.message)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def changes(self) -> dict[str, str]:
        """Only the facts whose Spanish text the user changed."""
        return {f: e.toPlainText() for f, e in self.edits.items()
                if " ".join(e.toPlainText().split()) != self.rows[f].text}

    def submit(self) -> None:
        changed = self.changes()
        if not changed:
            self.accept()
            return
        with user_errors(self.errors):
            saved = self._save(changed)
            self.saved.emit(len(saved))
            self.accept()
