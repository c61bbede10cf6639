"""The coordinator's warnings above the Roles page's roster, each line starting "Warning:".

The same list as the Dashboard's panel and `crisisdesk roles warnings`
(`services/role_warnings.py`); in words first and in colour second, and hidden when there is
nothing to say or an earlier operational period is shown.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from crisisdesk.domain.dashboard import WARNING
from crisisdesk.domain.role_warnings import RoleWarning


class WarningsLabel(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("roleWarnings")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAccessibleName("Role warnings")
        self.setStyleSheet("#roleWarnings { color: #b00020; font-weight: bold; }")
        self.hide()

    def show_warnings(self, warnings: Sequence[RoleWarning]) -> None:
        self.setText("\n".join(f"{WARNING}: {w.text}" for w in warnings))
        self.setVisible(bool(warnings))
