"""Every page of the main window, on the demo desk, shows its texts whole or says them in a
tooltip: no header, label, button, list entry or role name cut off without a way to read it.

Two sizes are walked: the 1280x800 window a laptop gives, and the same screen at 200%. For
200% the application font is doubled and the window doubled (2560x1600 device pixels): text
grows while every size the code gives in pixels (a fixed column width, a sidebar width, a
style sheet's padding) does not, which is what clips text on a scaled screen and what this
check must find. `QT_SCALE_FACTOR=2` was tried first and rejected: it scales text and pixel
sizes together, so in Qt's logical pixels the layout is the one at 100% and it found nothing
new.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from crisisdesk.store.keychain import Keychain
from crisisdesk.ui.workers import JobRunner
from tests.support.layout import demo_window, each_view, elisions, settle
from tests.support.ui import RecordingPrompts


@pytest.fixture
def font_scale(request: pytest.FixtureRequest, qapp: QApplication):  # type: ignore[no-untyped-def]
    factor = request.param
    original = QFont(qapp.font())
    if factor != 1:
        bigger = QFont(original)
        bigger.setPointSizeF(original.pointSizeF() * factor)
        qapp.setFont(bigger)
    yield factor
    qapp.setFont(original)


@pytest.mark.parametrize("font_scale", [1, 2], ids=["100%", "200%"], indirect=True)
def test_no_page_cuts_off_a_text_without_a_tooltip(
        qtbot: QtBot, tmp_path: Path, runner: JobRunner, prompts: RecordingPrompts,
        trusted_keychain: Keychain, font_scale: int) -> None:
    size = (1280 * font_scale, 800 * font_scale)
    with demo_window(qtbot, tmp_path, runner, prompts, trusted_keychain, size) as window:
        found: list[str] = []
        walked = []
        for where in each_view(qtbot, window):
            walked.append(where)
            found.extend(f"{where}: {problem}" for problem in elisions(window))
        assert len(walked) >= len(window.section_keys)
        window.messages.show_warning("A message long enough to wrap onto a second line when "
                                     "the window is narrow, which must not cut anything off.")
        settle(qtbot)
        found.extend(f"message bar: {p}" for p in elisions(window.messages))
    assert not found, "\n".join(found)
