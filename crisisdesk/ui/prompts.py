"""Every modal question the app asks, behind one seam.

Screens never call QMessageBox or QFileDialog directly; they call a `Prompts` method. Tests
replace one method (`monkeypatch.setattr(prompts, "confirm", lambda *a, **k: True)`) instead of
fighting a nested modal event loop, and the wording of questions stays in one place.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

# The dialogs are imported where they open: the app builds its `Prompts` before the unlock
# dialog, which needs none of them (each class costs ~1 ms the first time PySide6 meets it).
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from crisisdesk.domain.operators import Role

CSV_FILTER = "CSV files (*.csv)"
PDF_FILTER = "PDF files (*.pdf)"
IMPORT_FILTER = "Contact files (*.csv *.tsv *.txt *.xlsx *.vcf);;All files (*)"


class Prompts:
    """One instance is made by the composition root and handed to every screen."""

    def __init__(self, start_dir: Path | None = None) -> None:
        self.start_dir = start_dir or Path.home()

    def info(self, parent: QWidget | None, title: str, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.information(parent, title, text)

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(parent, title, text)

    def confirm(self, parent: QWidget | None, title: str, text: str, *,
                ok_label: str = "OK", destructive: bool = False) -> bool:
        """Ask yes/no; the safe answer (Cancel) is the default for destructive questions."""
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Warning if destructive else QMessageBox.Icon.Question,
                          title, text, QMessageBox.StandardButton.Cancel, parent)
        ok = box.addButton(ok_label, QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel if destructive else ok)
        box.exec()
        return box.clickedButton() is ok

    def ask_text(self, parent: QWidget | None, title: str, label: str) -> str | None:
        """A short line of free text, e.g. a reason (stripped; None if cancelled)."""
        from PySide6.QtWidgets import QInputDialog

        text, ok = QInputDialog.getText(parent, title, label)
        return text.strip() if ok else None

    def open_file(self, parent: QWidget | None, title: str,
                  filters: str = IMPORT_FILTER) -> Path | None:
        from PySide6.QtWidgets import QFileDialog

        name, _ = QFileDialog.getOpenFileName(parent, title, str(self.start_dir), filters)
        if not name:
            return None
        self.start_dir = Path(name).parent
        return Path(name)

    def open_folder(self, parent: QWidget | None, title: str) -> Path | None:
        """A folder (it may be new and empty, e.g. for a restored desk); None if cancelled."""
        from PySide6.QtWidgets import QFileDialog

        name = QFileDialog.getExistingDirectory(parent, title, str(self.start_dir))
        return Path(name) if name else None

    def save_file(self, parent: QWidget | None, title: str, suggested: str,
                  filters: str) -> Path | None:
        from PySide6.QtWidgets import QFileDialog

        name, _ = QFileDialog.getSaveFileName(parent, title, str(self.start_dir / suggested),
                                              filters)
        if not name:
            return None
        path = Path(name)
        if not path.suffix and "(*." in filters:
            path = path.with_suffix("." + filters.split("(*.", 1)[1].split(")", 1)[0].split()[0])
        self.start_dir = path.parent
        return path

    def new_operator(self, parent: QWidget | None) -> tuple[str, Role, str] | None:
        """Name, role and passphrase (typed twice) for a new operator; None if cancelled."""
        from crisisdesk.ui.settings.dialogs import ask_new_operator

        return ask_new_operator(parent)

    def new_passphrase(self, parent: QWidget | None, whose: str) -> str | None:
        from crisisdesk.ui.settings.dialogs import ask_new_passphrase

        return ask_new_passphrase(parent, whose)

    def show_secret(self, parent: QWidget | None, title: str, text: str, secret: str) -> None:
        """Show a secret once (a recovery key) in large type, selectable for copying."""
        from crisisdesk.ui.settings.dialogs import show_code

        show_code(parent, title, text, secret)

    def crash(self, parent: QWidget | None, report: str) -> None:
        from crisisdesk.ui.crash_dialog import CrashDialog  # loaded by the first crash only

        CrashDialog(report, parent).exec()
