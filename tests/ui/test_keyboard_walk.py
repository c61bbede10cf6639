"""Every page can be worked from the keyboard: Tab visits each control in screen order, each
has a name a screen reader says, each button shows its key, and Ctrl+1..9 open the pages.

The walk runs on the demo desk, where every page has data (buttons enabled, tables filled),
through the real main window: focus starts in the sidebar and Tab is pressed until it comes
back there, recording each control that took the focus.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QAccessible, QColor, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QPushButton,
    QScrollArea,
    QTabBar,
    QToolButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from crisisdesk.store.keychain import Keychain
from crisisdesk.ui.main_window import MainWindow
from crisisdesk.ui.message_bar import MessageBar
from crisisdesk.ui.widgets.keyboard import mnemonic
from crisisdesk.ui.widgets.scheme import is_dark
from crisisdesk.ui.widgets.table_model import RowTableModel
from crisisdesk.ui.workers import JobRunner
from tests.support.layout import build_demo, demo_window, each_view, settle
from tests.support.ui import RecordingPrompts


@pytest.fixture(scope="module")
def demo_desk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo desk for the module; each test opens its own copy."""
    return build_demo(tmp_path_factory.mktemp("demo") / "desk")

KEY_IN_TIP = re.compile(r"\((?:(?:Ctrl|Alt|Shift|Meta)\+)*\w+\)")


def focus_target(widget: QWidget) -> QWidget:
    """The widget that really takes the focus for `widget` (a spin box's line edit...)."""
    while widget.focusProxy() is not None:
        widget = widget.focusProxy()
    return widget


def tab_stops(page: QWidget) -> list[QWidget]:
    """The enabled, visible controls of `page` that Tab should reach."""
    found: dict[int, QWidget] = {}
    for widget in page.findChildren(QWidget):
        if not (widget.isVisible() and widget.isEnabled()) or widget.isWindow():
            continue
        if not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            continue
        target = focus_target(widget)
        found[id(target)] = target
    return list(found.values())


def spoken_name(widget: QWidget) -> str:
    iface = QAccessible.queryAccessibleInterface(widget)
    name = iface.text(QAccessible.Text.Name) if iface is not None else ""
    if not name and widget.parentWidget() is not None:  # a spin box's edit: the box's name
        outer = widget.parentWidget()
        if focus_target(outer) is widget:
            return spoken_name(outer)
    return name.strip()


def where(widget: QWidget, window: QWidget) -> QRect:
    """Where `widget` is on screen, as if no scroll area were scrolled (Tab scrolls them)."""
    for area in window.findChildren(QScrollArea):
        content = area.widget()
        if content is not None and content.isAncestorOf(widget):
            corner = area.viewport().mapTo(window, QPoint(0, 0))
            return QRect(widget.mapTo(content, QPoint(0, 0)) + corner, widget.size())
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def tab_walk(window: MainWindow, page: QWidget) -> list[QWidget]:
    """Press Tab from the sidebar until the focus is back there; the page's controls in the
    order they took the focus."""
    window.sidebar.setFocus(Qt.FocusReason.OtherFocusReason)
    QApplication.processEvents()
    visited: list[QWidget] = []
    for _ in range(400):
        focused = QApplication.focusWidget()
        assert focused is not None, "the focus left the window"
        QTest.keyClick(focused, Qt.Key.Key_Tab)
        focused = QApplication.focusWidget()
        if focused is window.sidebar:
            return visited
        if focused is not None and page.isAncestorOf(focused) and focused not in visited:
            visited.append(focused)
    stuck = QApplication.focusWidget()
    raise AssertionError(f"Tab never came back to the sidebar: {type(stuck).__name__} "
                         f"'{spoken_name(stuck) if stuck else ''}' keeps the Tab key")


def goes_back_up(before: QWidget, after: QWidget, window: QWidget) -> bool:
    """`after` sits above `before` in the same column: Tab jumped back up the screen."""
    a, b = where(before, window), where(after, window)
    same_column = b.left() < a.right() and a.left() < b.right()
    return same_column and b.bottom() < a.top()


def test_tab_reaches_every_control_in_screen_order_and_each_has_a_name(
        qtbot: QtBot, tmp_path: Path, runner: JobRunner, prompts: RecordingPrompts,
        trusted_keychain: Keychain, demo_desk: Path) -> None:
    with demo_window(qtbot, tmp_path, runner, prompts, trusted_keychain,
                     built=demo_desk) as window:
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        problems: list[str] = []
        for view in each_view(qtbot, window):
            page = window.pages_stack.currentWidget()
            stops = tab_stops(page)
            visited = tab_walk(window, page)
            for missed in (s for s in stops if s not in visited):
                problems.append(f"{view}: Tab never reaches {type(missed).__name__} "
                                f"'{spoken_name(missed)}'")
            for control in visited:
                if not spoken_name(control):
                    problems.append(f"{view}: {type(control).__name__} at "
                                    f"{where(control, window).topLeft().toTuple()} has no name")
            for before, after in zip(visited, visited[1:], strict=False):
                if goes_back_up(before, after, window):
                    problems.append(f"{view}: Tab goes back up from '{spoken_name(before)}' "
                                    f"to '{spoken_name(after)}'")
        assert not problems, "\n".join(problems)


def test_every_button_shows_its_key(qtbot: QtBot, tmp_path: Path, runner: JobRunner,
                                    prompts: RecordingPrompts,
                                    trusted_keychain: Keychain, demo_desk: Path) -> None:
    """A button has a mnemonic (Alt+letter, underlined) or says its key in its tooltip, as
    "(Ctrl+Up)"; no two buttons on one screen share a mnemonic. A button repeated on every row
    of a form ("Reset") is exempt: Tab reaches it beside its field, whose name it carries."""
    with demo_window(qtbot, tmp_path, runner, prompts, trusted_keychain,
                     built=demo_desk) as window:
        problems: list[str] = []
        for view in each_view(qtbot, window):
            page = window.pages_stack.currentWidget()
            letters: dict[str, str] = {}
            buttons = [b for b in page.findChildren(QAbstractButton)
                       if b.isVisible() and b.text().strip() and not isinstance(b, QTabBar)
                       and not (isinstance(b, QToolButton) and b.autoRaise()
                                and len(b.text()) <= 2)]
            repeated = Counter(b.text() for b in buttons)
            for button in buttons:
                text = button.text()
                letter = mnemonic(text)
                if letter:
                    other = letters.setdefault(letter, text)
                    if other != text:
                        problems.append(f"{view}: '{text}' and '{other}' share Alt+{letter}")
                elif repeated[text] == 1 and isinstance(button, QPushButton | QToolButton) \
                        and not KEY_IN_TIP.search(button.toolTip()):
                    problems.append(f"{view}: {type(button).__name__} '{text}' has no key")
        assert not problems, "\n".join(problems)


def test_ctrl_and_a_digit_opens_each_page(qtbot: QtBot, tmp_path: Path, runner: JobRunner,
                                          prompts: RecordingPrompts,
                                          trusted_keychain: Keychain, demo_desk: Path) -> None:
    with demo_window(qtbot, tmp_path, runner, prompts, trusted_keychain,
                     built=demo_desk) as window:
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        for row, key in enumerate(window.section_keys[:9]):
            QTest.keyClick(window, Qt.Key(Qt.Key.Key_1 + row),
                           Qt.KeyboardModifier.ControlModifier)
            settle(qtbot)
            assert window.pages_stack.currentWidget() is window.pages[key]
            assert f"Ctrl+{row + 1}" in window.sidebar.item(row).toolTip()
        assert isinstance(window.findChild(QPushButton), QPushButton)


class StatusModel(RowTableModel[tuple[str, str]]):
    """Two rows as a page shows them: a status word, and a pale status colour behind it."""

    HEADERS = ("System", "Status")

    def key(self, row: tuple[str, str]) -> str:
        return row[0]

    def display(self, row: tuple[str, str], column: int) -> str:
        return row[column]

    def background(self, row: tuple[str, str], column: int) -> QColor | None:
        return QColor("#f4b4b4") if row[1] == "DOWN" else None

    def foreground(self, row: tuple[str, str], column: int) -> QColor | None:
        return QColor("#7a0000") if row[1] == "DOWN" else None


@pytest.fixture
def dark_palette(qapp: QApplication) -> Iterator[None]:
    """A dark desktop: the offscreen platform reports no scheme, so the palette says it."""
    original = QPalette(qapp.palette())
    dark = QPalette(original)
    for role, colour in ((QPalette.ColorRole.Window, "#202124"),
                         (QPalette.ColorRole.Base, "#1b1b1d"),
                         (QPalette.ColorRole.WindowText, "#e8e8e8"),
                         (QPalette.ColorRole.Text, "#e8e8e8")):
        dark.setColor(role, QColor(colour))
    qapp.setPalette(dark)
    yield
    qapp.setPalette(original)


def contrast(a: QColor, b: QColor) -> int:
    return abs(a.lightness() - b.lightness())


def test_a_dark_scheme_gets_dark_messages_and_readable_status_cells(
        qtbot: QtBot, dark_palette: None) -> None:
    assert is_dark()
    bar = MessageBar()
    qtbot.addWidget(bar)
    bar.show_warning("The scheduled backup failed.")
    text = bar.label.palette().color(QPalette.ColorRole.WindowText)
    found = re.search(r"background: (#\w+)", bar.styleSheet())
    assert found is not None
    background = QColor(found.group(1))
    assert background.lightness() < 100  # not a pale box on a dark window
    assert contrast(text, background) >= 110
    assert bar.kind_label.text() == "Warning:"  # the word, not only the colour

    model = StatusModel()
    model.set_rows([("EHR", "DOWN"), ("Phones", "up")])
    down = model.index(0, 1)
    assert down.data() == "DOWN"
    cell = down.data(Qt.ItemDataRole.BackgroundRole).color()
    ink = down.data(Qt.ItemDataRole.ForegroundRole).color()
    assert cell.lightness() < 100
    assert contrast(ink, cell) >= 110


def test_tab_scrolls_a_long_page_to_the_control_it_reaches(
        qtbot: QtBot, tmp_path: Path, runner: JobRunner, prompts: RecordingPrompts,
        trusted_keychain: Keychain, demo_desk: Path) -> None:
    with demo_window(qtbot, tmp_path, runner, prompts, trusted_keychain,
                     built=demo_desk) as window:
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        page = window.show_section("settings")
        settle(qtbot)
        area = page.findChild(QScrollArea)
        assert area is not None
        visited = tab_walk(window, page)
        last = visited[-1]
        assert area.verticalScrollBar().value() > 0  # the bottom of the page was reached
        corner = last.mapTo(area.viewport(), QPoint(0, 0))
        assert area.viewport().rect().contains(QRect(corner, last.size()))
