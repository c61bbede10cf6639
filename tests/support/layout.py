"""The main window on the demo desk, and what the layout and keyboard walks look for.

`demo_window` opens the real main window on a freshly built demo desk (the same data a newcomer
sees after `crisisdesk demo`), `each_view` shows every sidebar page and every tab inside it,
and `elisions` lists the texts a user cannot read whole on screen: a label, button, header
section, list entry or table cell narrower than its text, with no tooltip giving the full text.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6 import QtGui
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFontMetrics, QTextDocumentFragment
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QLabel,
    QListView,
    QStyle,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from crisisdesk.services import desk as desk_service
from crisisdesk.services.demo import desk as demo_service
from crisisdesk.services.demo.data import DEMO_OPERATOR, DEMO_PASSPHRASE
from crisisdesk.store.keychain import Keychain
from crisisdesk.ui.context import DeskState
from crisisdesk.ui.main_window import MainWindow
from crisisdesk.ui.prompts import Prompts
from crisisdesk.ui.workers import JobRunner
from tests.support.desk import FAST_KDF

DISPLAY = Qt.ItemDataRole.DisplayRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole


def build_demo(data_dir: Path) -> Path:
    """A demo desk in `data_dir` with the tests' cheap key derivation (a module builds one
    and each test opens a copy: building takes seconds, copying a blink)."""
    demo_service.create_demo(data_dir, kdf=FAST_KDF)
    return data_dir


@contextmanager
def demo_window(qtbot: QtBot, tmp_path: Path, runner: JobRunner, prompts: Prompts,
                keychain: Keychain, size: tuple[int, int] = (1280, 800),
                built: Path | None = None) -> Iterator[MainWindow]:
    """The main window, shown at `size`, on a demo desk unlocked as its admin: a copy of
    `built` (from `build_demo`) if given, else one built now."""
    data_dir = tmp_path / "demo-desk"
    if built is not None:
        shutil.copytree(built, data_dir)
    else:
        build_demo(data_dir)
    session = desk_service.unlock(data_dir, DEMO_OPERATOR, DEMO_PASSPHRASE)
    state = DeskState(session)
    window = MainWindow(state, runner, prompts, keychain)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.warmed_up and window.first_page_shown, timeout=20_000)
    try:
        yield window
    finally:
        runner.shutdown()
        window.backups.stop()
        window.close()
        state.close()


def settle(qtbot: QtBot, page: QWidget | None = None) -> None:
    """Let queued layout, refresh and worker results land (a page that reads its data in a
    worker, like Letters, says so with `loading`: wait until it has arrived)."""
    QApplication.processEvents()
    qtbot.wait(30)
    if page is not None:
        qtbot.waitUntil(lambda: not getattr(page, "loading", False), timeout=30_000)
    QApplication.processEvents()


def each_view(qtbot: QtBot, window: MainWindow) -> Iterator[str]:
    """Show every page, and inside it every tab of every tab widget; yields where we are."""
    for row, key in enumerate(window.section_keys):
        window.sidebar.setCurrentRow(row)
        page = window.pages[key]
        settle(qtbot, page)
        tabs = [t for t in page.findChildren(QTabWidget) if t.isVisible()]
        yield key
        for tab_widget in tabs:
            for index in range(1, tab_widget.count()):
                tab_widget.setCurrentIndex(index)
                settle(qtbot)
                yield f"{key} / {tab_widget.tabText(index).replace('&', '')}"
            tab_widget.setCurrentIndex(0)


def plain(text: str) -> str:
    """The text as shown: mnemonics' '&' gone, rich text without its tags."""
    if QtGui.Qt.mightBeRichText(text):
        text = QTextDocumentFragment.fromHtml(text).toPlainText()
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _shown(widget: QWidget) -> bool:
    return widget.isVisibleTo(widget.window()) and widget.isVisible() and widget.width() > 0


def _tip_covers(tip: object, text: str) -> bool:
    if not isinstance(tip, str):
        return False
    if QtGui.Qt.mightBeRichText(tip):
        tip = QTextDocumentFragment.fromHtml(tip).toPlainText()
    return " ".join(text.split()) in " ".join(tip.split())


def _label(label: QLabel) -> str | None:
    text = plain(label.text()).strip()
    if not text or label.pixmap() is not None and not label.pixmap().isNull():
        return None
    room = label.contentsRect()
    room.adjust(label.margin(), label.margin(), -label.margin(), -label.margin())
    metrics = QFontMetrics(label.font())
    if label.wordWrap():
        needed = label.heightForWidth(label.width())
        if needed > label.height() + 1:
            return f"label '{text[:60]}' needs {needed}px of height, has {label.height()}"
        return None
    widest = max(metrics.horizontalAdvance(line) for line in text.splitlines())
    if widest > room.width() + 1:
        return f"label '{text[:60]}' is {widest}px wide in {room.width()}px"
    return None


def _button(button: QAbstractButton) -> str | None:
    text = plain(button.text()).strip()
    if not text:
        return None
    needed = button.sizeHint().width()
    if needed > button.width() + 1:
        return f"button '{text}' needs {needed}px, has {button.width()}"
    return None


def _headers(view: QAbstractItemView, header: QHeaderView) -> Iterator[str]:
    model = header.model()
    if model is None or not _shown(header):
        return
    orientation = header.orientation()
    style = header.style()
    margin = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    arrow = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header)
    metrics = QFontMetrics(header.font())
    for section in range(header.count()):
        if header.isSectionHidden(section) or orientation != Qt.Orientation.Horizontal:
            continue
        text = model.headerData(section, orientation, DISPLAY)
        if not isinstance(text, str) or not text:
            continue
        needed = metrics.horizontalAdvance(text) + 2 * margin
        if header.isSortIndicatorShown() and header.sortIndicatorSection() == section:
            needed += arrow + margin
        if needed > header.sectionSize(section) + 1 and not _tip_covers(
                model.headerData(section, orientation, TOOLTIP), text):
            yield (f"{view.accessibleName() or type(view).__name__}: header '{text}' needs "
                   f"{needed}px, has {header.sectionSize(section)}, no tooltip")


def _cells(view: QAbstractItemView) -> Iterator[str]:
    """Cells in the rows on screen whose text is wider than their column, with no tooltip."""
    model = view.model()
    if model is None or not _shown(view):
        return
    viewport = view.viewport().rect()
    metrics = QFontMetrics(view.font())
    style = view.style()
    pad = 2 * (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1)
    columns = model.columnCount(QModelIndex()) if not isinstance(view, QListView) else 1
    for row in range(min(model.rowCount(QModelIndex()), 60)):
        for column in range(columns):
            index = model.index(row, column)
            rect = view.visualRect(index)
            if not rect.isValid() or not rect.intersects(viewport):
                continue
            text = index.data(DISPLAY)
            if not isinstance(text, str) or not text.strip() or rect.width() <= 0:
                continue
            if getattr(view, "wordWrap", lambda: False)() and "\n" not in text:
                continue  # a wrapping table shows the whole text on more lines
            icon = 0 if index.data(Qt.ItemDataRole.DecorationRole) is None else (
                view.iconSize().width() + 4)
            width = min(rect.width(), viewport.right() - rect.left())
            needed = metrics.horizontalAdvance(text.splitlines()[0]) + pad + icon
            if needed > width + 1 and not _tip_covers(index.data(TOOLTIP), text):
                yield (f"{view.accessibleName() or type(view).__name__}: cell '{text[:50]}' "
                       f"needs {needed}px, has {width}, no tooltip")


def elisions(root: QWidget) -> list[str]:
    """Every text under `root` that is cut off on screen without a tooltip giving it whole."""
    found: list[str] = []
    for label in root.findChildren(QLabel):
        if _shown(label) and not _tip_covers(label.toolTip(), plain(label.text()).strip()):
            problem = _label(label)
            if problem:
                found.append(problem)
    for button in root.findChildren(QAbstractButton):
        if _shown(button) and not _tip_covers(button.toolTip(), plain(button.text()).strip()):
            problem = _button(button)
            if problem:
                found.append(problem)
    for view in root.findChildren(QAbstractItemView):
        if not _shown(view):
            continue
        header = getattr(view, "horizontalHeader", None)
        if header is not None:
            found.extend(_headers(view, header()))
        found.extend(_cells(view))
    return found
