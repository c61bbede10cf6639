"""Keyboard and screen-reader readiness of a whole page, done once here instead of per page.

A page built by hand forgets some of it: a button without its Alt+letter, two buttons on one
screen sharing a letter (Alt then only cycles between them), a table that keeps the Tab key
(Tab then walks its cells and never reaches the buttons below), a field with no name a screen
reader can say. `make_keyboard_ready(page)` runs when a page (or one of its tabs) is shown:

- every push or tool button with text gets a mnemonic: its own if unique on the screen, else
  the first free letter (word starts first), the way KDE's accelerator manager does it (a
  check box keeps the one it was given: Tab reaches it and Space ticks it);
- a button with a shortcut says it in its tooltip;
- tables and text boxes give Tab back to the page (arrows move inside a table; Ctrl+Tab still
  works in a text box), and Tab follows the screen (`move_focus`, which a page calls for Tab:
  controls in reading order rather than in the order the code happened to create them);
- a control with no accessible name and no label gets one from its placeholder or tooltip.

Buttons repeated on every row of a form ("Reset") keep no mnemonic: Tab reaches them next to
their field, and their accessible name says which field.
"""

from __future__ import annotations

import re
from collections import Counter

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QBoxLayout,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTabBar,
    QTabWidget,
    QTextEdit,
    QToolButton,
    QWidget,
)

_CONNECTED = "_keyboard_tabs_connected"
# A key named in a tooltip, as "(Ctrl+Up)" or "(R)".
_KEY_IN_TIP = re.compile(r"\((?:(?:Ctrl|Alt|Shift|Meta)\+)*(?:[A-Z0-9]|F\d+|Up|Down|Left|Right|"
                         r"Insert|Delete|Del|Ins|Return|Enter|Esc|Space)\)")


def mnemonic(text: str) -> str | None:
    """The lower-case letter after a single '&' in `text`, if any."""
    plain = text.replace("&&", "")
    at = plain.find("&")
    return plain[at + 1].lower() if 0 <= at < len(plain) - 1 else None


def with_mnemonic(text: str, taken: set[str]) -> str | None:
    """`text` with '&' before its first free letter (word starts first); None if none is."""
    bare = text.replace("&&", "\0").replace("&", "").replace("\0", "&&")
    starts = [i for i, c in enumerate(bare)
              if c.isalnum() and (i == 0 or not bare[i - 1].isalnum())]
    rest = [i for i, c in enumerate(bare) if c.isalnum() and i not in starts]
    for i in starts + rest:
        if bare[i].lower() not in taken and (i == 0 or bare[i - 1] != "&"):
            return bare[:i] + "&" + bare[i:]
    return None


def _on_screen(widget: QWidget, root: QWidget) -> bool:
    return widget.isVisibleTo(root)


def _is_symbol_button(button: QAbstractButton) -> bool:
    return isinstance(button, QToolButton) and button.autoRaise() and len(button.text()) <= 2


def give_mnemonics(root: QWidget) -> None:
    """Unique Alt+letters for the buttons on screen under `root`."""
    buttons = [b for b in root.findChildren(QAbstractButton)
               if _on_screen(b, root) and b.text().strip() and not isinstance(b, QTabBar)
               and not _is_symbol_button(b)]
    repeated = Counter(b.text() for b in buttons)
    taken: set[str] = set()
    for label in root.findChildren(QLabel):  # a field's label with its own &letter
        letter = mnemonic(label.text()) if label.buddy() is not None else None
        if letter and _on_screen(label, root):
            taken.add(letter)
    for box in root.findChildren(QGroupBox):
        letter = mnemonic(box.title()) if box.isCheckable() else None
        if letter:
            taken.add(letter)
    for tabs in root.findChildren(QTabWidget):
        for index in range(tabs.count()):
            letter = mnemonic(tabs.tabText(index))
            if letter:
                taken.add(letter)
    needing: list[QAbstractButton] = []
    for button in buttons:
        letter = mnemonic(button.text())
        if letter and letter not in taken:
            taken.add(letter)
        elif repeated[button.text()] == 1 and (letter or isinstance(button, QPushButton
                                                                   | QToolButton)):
            needing.append(button)  # a check box is reached with Tab and ticked with Space
    for button in needing:
        text = with_mnemonic(button.text(), taken)
        if text is None and mnemonic(button.text()) and _KEY_IN_TIP.search(button.toolTip()):
            text = button.text().replace("&&", "\0").replace("&", "").replace("\0", "&&")
            button.setText(text)  # no letter left: its shortcut, in its tooltip, is its key
            continue
        if text is not None:
            if not button.accessibleName():
                button.setAccessibleName(text.replace("&", ""))
            button.setText(text)
            letter = mnemonic(text)
            if letter:
                taken.add(letter)


def show_shortcuts(root: QWidget) -> None:
    """A button's shortcut, where it has one, is said in its tooltip."""
    for button in root.findChildren(QAbstractButton):
        keys = button.shortcut().toString(button.shortcut().SequenceFormat.NativeText)
        if keys and mnemonic(button.text()) is None and keys not in button.toolTip():
            tip = button.toolTip() or button.text().replace("&", "")
            button.setToolTip(f"{tip} ({keys})")


def give_tab_back(root: QWidget) -> None:
    """Tab leaves tables and text boxes instead of moving inside them."""
    for view in root.findChildren(QAbstractItemView):
        view.setTabKeyNavigation(False)
    for edit in root.findChildren(QPlainTextEdit):
        edit.setTabChangesFocus(True)
    for rich in root.findChildren(QTextEdit):
        rich.setTabChangesFocus(True)


def name_controls(root: QWidget) -> None:
    """A name for every control a screen reader would otherwise announce as nothing."""
    named_by_label = {id(label.buddy()) for label in root.findChildren(QLabel)
                      if label.buddy() is not None and label.text().strip()}
    kinds = (QLineEdit, QComboBox, QAbstractSpinBox, QAbstractScrollArea, QAbstractButton)
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, kinds) or widget.accessibleName() or (
                id(widget) in named_by_label):
            continue
        if isinstance(widget, QAbstractButton) and widget.text().strip():
            continue
        if isinstance(widget, QLineEdit) and isinstance(widget.parentWidget(),
                                                        (QComboBox, QAbstractSpinBox)):
            continue  # the combo or spin box it belongs to carries the name
        name = ""
        if isinstance(widget, (QLineEdit, QPlainTextEdit)):
            name = widget.placeholderText()
        if not name:
            name = widget.toolTip().split("\n")[0]
        if not name and isinstance(widget, QScrollArea):  # the page it scrolls
            inner = widget.widget()
            name = (inner.accessibleName() if inner is not None else "") or root.accessibleName()
        if name:
            widget.setAccessibleName(name.strip().rstrip(".:"))


def make_keyboard_ready(root: QWidget) -> None:
    """All of the above for `root`, and again whenever one of its tabs is chosen (the buttons
    on screen change with the tab)."""
    give_tab_back(root)
    enter_first(root)
    name_controls(root)
    show_shortcuts(root)
    give_mnemonics(root)
    for tabs in root.findChildren(QTabWidget):
        if not tabs.property(_CONNECTED):
            tabs.setProperty(_CONNECTED, True)
            tabs.currentChanged.connect(lambda _i, r=root: give_mnemonics(r))


def sidebar_shortcut_text(row: int) -> str:
    """The key that opens the sidebar's `row`-th page (Ctrl+1..9), or "" past the ninth."""
    return f"Ctrl+{row + 1}" if row < 9 else ""


def reading_order(root: QWidget) -> list[QWidget]:
    """`root`'s widgets in the order a reader meets them: each layout's items in turn (a row
    left to right, a column top to bottom, a form row by row), a splitter's panes and a tab
    widget's tabs one after another, so a side panel is read whole before the next one."""
    found: list[QWidget] = []

    def widget(w: QWidget) -> None:
        found.append(w)
        if isinstance(w, QTabWidget):
            found.append(w.tabBar())
            for index in range(w.count()):
                page = w.widget(index)
                if page is not None:
                    widget(page)
        elif isinstance(w, QSplitter | QStackedWidget):
            for index in range(w.count()):
                child = w.widget(index)
                if child is not None:
                    widget(child)
        elif isinstance(w, QScrollArea):
            inner = w.widget()
            if inner is not None:
                widget(inner)
        else:
            own = w.layout()
            if own is not None:
                layout(own)

    def layout(lay: QLayout) -> None:
        items: list[QLayoutItem | None] = []
        if isinstance(lay, QFormLayout):
            for row in range(lay.rowCount()):
                for role in (QFormLayout.ItemRole.LabelRole, QFormLayout.ItemRole.FieldRole,
                             QFormLayout.ItemRole.SpanningRole):
                    items.append(lay.itemAt(row, role))
        elif isinstance(lay, QGridLayout):
            cells: list[tuple[int, int, int]] = []
            for index in range(lay.count()):
                position: tuple[int, int, int, int] = lay.getItemPosition(index)  # type: ignore[assignment]
                cells.append((position[0], position[1], index))
            items = [lay.itemAt(index) for _r, _c, index in sorted(cells)]
        else:
            items = [lay.itemAt(index) for index in range(lay.count())]
            if isinstance(lay, QBoxLayout) and lay.direction() in (
                    QBoxLayout.Direction.RightToLeft, QBoxLayout.Direction.BottomToTop):
                items.reverse()
        for item in items:
            if item is None:
                continue
            child, sub = item.widget(), item.layout()
            if child is not None:
                widget(child)
            elif sub is not None:
                layout(sub)

    top = root.layout()
    if top is not None:
        layout(top)
    return found


def tab_stops(root: QWidget) -> list[QWidget]:
    """The controls under `root` that Tab stops at now, in reading order."""
    stops: list[QWidget] = []
    for w in reading_order(root):
        if w.focusProxy() is not None or not w.focusPolicy() & Qt.FocusPolicy.TabFocus:
            continue
        if w.isVisible() and w.isEnabled() and w not in stops:
            stops.append(w)
    return stops


def _outside(root: QWidget, start: QWidget, forward: bool) -> QWidget | None:
    """The first control after (or before) `root` in the window's focus chain."""
    w: QWidget | None = start
    for _ in range(5000):
        assert w is not None
        w = w.nextInFocusChain() if forward else w.previousInFocusChain()
        if w is None or w is start:
            return None
        if (not root.isAncestorOf(w) and w is not root and w.isVisible() and w.isEnabled()
                and w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.focusProxy() is None):
            return w
    return None


def move_focus(root: QWidget, forward: bool) -> bool:
    """Tab (or Shift+Tab) inside `root` in reading order: the next control on screen, or out of
    `root` after its last one. Whether the focus moved."""
    focused = QApplication.focusWidget()
    if focused is None or not root.isAncestorOf(focused):
        return False
    stops = tab_stops(root)
    outer = focused.parentWidget()
    while focused not in stops and outer is not None and outer is not root:
        focused, outer = outer, outer.parentWidget()  # a spin box's edit: the box's place
    if focused not in stops:
        return False
    at = stops.index(focused) + (1 if forward else -1)
    target = stops[at] if 0 <= at < len(stops) else _outside(root, focused, forward)
    if target is None:
        return False
    reason = Qt.FocusReason.TabFocusReason if forward else Qt.FocusReason.BacktabFocusReason
    target.setFocus(reason)  # a scroll area scrolls to it by itself (tested)
    return True


def enter_first(root: QWidget) -> None:
    """Tab from outside lands on the first control on screen: it leads `root`'s focus chain."""
    stops = tab_stops(root)
    before = root.previousInFocusChain()
    for _ in range(5000):  # Qt's setTabOrder ignores a first widget that takes no focus
        if before is None or before is root:
            break
        # Skip root's own controls too: an earlier call moved its first stop ahead of root.
        if before.focusPolicy() != Qt.FocusPolicy.NoFocus and not root.isAncestorOf(before):
            break
        before = before.previousInFocusChain()
    if stops and before is not None and before is not root and not root.isAncestorOf(before):
        # The first stop goes right after the last control ahead of `root` in the chain.
        QWidget.setTabOrder(before, stops[0])
