"""The crash dialog: the report (crisisdesk/ui/crash.py), with a button to copy it.

Its own module so the crash hook installed at start-up does not load these widgets: they are
needed only when something has gone wrong.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


class CrashDialog(QDialog):
    def __init__(self, report: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("CrisisDesk hit a bug")
        self.report = report
        intro = QLabel(
            "Something went wrong inside CrisisDesk. Your saved work is safe: every change is "
            "saved as you make it. Copy the report below and send it to your IT contact; it "
            "contains no contact or patient details.", self)
        intro.setWordWrap(True)
        self.text = QPlainTextEdit(report, self)
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Crash report")
        self.text.setMinimumSize(560, 240)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        copy = buttons.addButton("Copy report", QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)

    def copy(self) -> None:
        QApplication.clipboard().setText(self.report)
