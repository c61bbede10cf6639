"""The new-batch dialog: the language-assistance page is a per-batch choice."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from crisisdesk.ui.letters.dialogs import BatchDialog


def test_the_tagline_page_is_off_unless_ticked(qtbot: QtBot) -> None:
    dialog = BatchDialog(["IL", "MA"], dt.date(2026, 4, 6))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.spec().taglines is False
    qtbot.mouseClick(dialog.taglines_check, Qt.MouseButton.LeftButton)
    spec = dialog.spec()
    assert spec.taglines is True
    assert spec.letter_date == dt.date(2026, 4, 6)
