"""The incident's free-text facts in Spanish: each English fact beside a box for its wording.

A Spanish letter is refused while a fact it uses has no Spanish wording, and a batch sends
such readers the English letter instead (saying so); this is where the team fills the gaps.
The dialog only gathers text; `services.incident_translations` checks and records it (one
action for the whole form), and its `ValidationError.fields` are shown under the fields.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QLabel,
    QPlainTextEdit,
    QWidget,
)

from crisisdesk.services.incident_translations import FactWording
from crisisdesk.ui.widgets.form_dialog import FormDialog

Save = Callable[[dict[str, str]], list[FactWording]]


class TranslationsDialog(FormDialog):
    """Spanish wording of the incident summary, help-line hours, signer's title, ...
    `submitted` carries how many facts were saved."""

    def __init__(self, rows: list[FactWording], save: Save,
                 parent: QWidget | None = None) -> None:
        super().__init__("Spanish wording of the incident's facts", "&Save", parent,
                         intro="Spanish letters use these words. A Spanish letter is held back "
                               "while a fact it needs is only in English.")
        self.setModal(True)
        self.resize(640, 520)
        self._save = save
        self.rows = {r.field: r for r in rows}
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
            self.form.addRow(f"{row.label.capitalize()}:", english)
            self.add_row("Español:", edit, row.field)

    def changes(self) -> dict[str, str]:
        """Only the facts whose Spanish text the user changed."""
        return {f: e.toPlainText() for f, e in self.edits.items()
                if " ".join(e.toPlainText().split()) != self.rows[f].text}

    def submit(self) -> None:
        if not self.changes():
            self.accept()  # nothing typed: nothing to save or report
            return
        super().submit()

    def save(self) -> int:
        return len(self._save(self.changes()))
