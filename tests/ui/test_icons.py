"""Icons: every name draws a real glyph of the shipped font, labels get the icon their words
say, and the sidebar and the pages' buttons show them without each page asking."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QFont, QFontMetrics, QIcon, QImage
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from crisisdesk.app import CrisisDeskApp
from crisisdesk.ui.widgets import icons
from crisisdesk.ui.widgets.buttons import push_button
from tests.support.ui import unlock_via_dialog


def _ink(icon: QIcon, mode: QIcon.Mode = QIcon.Mode.Normal) -> tuple[int, set[int]]:
    """How many pixels of a 32 px rendering are drawn, and their (opaque) colours."""
    image = icon.pixmap(QSize(32, 32), mode).toImage().convertToFormat(
        QImage.Format.Format_ARGB32)
    drawn = 0
    colours: set[int] = set()
    for y in range(image.height()):
        for x in range(image.width()):
            colour = image.pixelColor(x, y)
            if colour.alpha() > 0:
                drawn += 1
            if colour.alpha() == 255:
                colours.add(colour.rgb())
    return drawn, colours


def test_every_named_icon_is_a_glyph_of_the_shipped_font(qapp: object) -> None:
    metrics = QFontMetrics(QFont(icons._family()))
    missing = [name for name, (_mdi, code) in icons.ICONS.items() if not metrics.inFontUcs4(code)]
    assert missing == []
    for name in icons.ICONS:
        drawn, _ = _ink(icons.icon(name))
        assert drawn > 40, name  # a glyph, not an empty box or a single dot


def test_a_disabled_icon_is_drawn_in_the_dimmed_colour(qapp: object) -> None:
    _, normal = _ink(icons.icon("print"))
    _, disabled = _ink(icons.icon("print"), QIcon.Mode.Disabled)
    assert normal
    assert disabled
    assert normal.isdisjoint(disabled)


def test_an_unknown_icon_name_is_refused_at_once(qapp: object) -> None:
    with pytest.raises(KeyError):
        icons.icon("prnit")


@pytest.mark.parametrize(("label", "name"), [
    ("Prin&t…", "print"),
    ("&Print spokesperson brief (PDF)…", "print"),
    ("Reprint range…", "print"),
    ("Mark &printed", "printed"),
    ("Mark mailed", "mailed"),
    ("Render to PDF…", "pdf"),
    ("E&xport CSV…", "export"),
    ("&Import patient list…", "import"),
    ("v&Cards…", "import"),
    ("&New tree…", "add"),
    ("&Add…", "add"),
    ("Remo&ve role…", "delete"),
    ("&Approve", "approve"),
    ("S&tart activation…", "activate"),
    ("Create backup…", "backup"),
    ("Counts report…", "report"),
])
def test_a_label_gets_the_icon_its_words_say(label: str, name: str) -> None:
    assert icons.icon_name_for_label(label) == name


@pytest.mark.parametrize("label", ["Close", "No&w", "Es&pañol…", "< &Back", "Cancel"])
def test_a_label_no_rule_fits_keeps_no_icon(label: str) -> None:
    assert icons.icon_name_for_label(label) is None


def test_push_button_takes_the_icon_of_its_label_or_the_one_named(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    assert not push_button(parent, "Prin&t…", lambda: None).icon().isNull()
    assert push_button(parent, "Close", lambda: None).icon().isNull()
    assert not push_button(parent, "Close", lambda: None, icon_name="lock").icon().isNull()
    assert push_button(parent, "Prin&t…", lambda: None, icon_name="").icon().isNull()


def test_sidebar_and_page_buttons_show_icons(qtbot: QtBot, desk_app: CrisisDeskApp) -> None:
    unlock_via_dialog(qtbot, desk_app)
    window = desk_app.main_window
    assert window is not None
    sidebar = [window.sidebar.item(row) for row in range(window.sidebar.count())]
    assert [item.text() for item in sidebar if item.icon().isNull()] == []
    letters = window.show_section("letters")
    buttons = {button.text(): button for button in letters.findChildren(QPushButton)}
    # The Letters page makes these as plain QPushButtons or through push_button: both get one.
    for label in ("&Import patient list…", "Classify", "Prin&t…"):
        matches = [b for text, b in buttons.items() if icons.plain_label(text)
                   == icons.plain_label(label)]
        assert matches, f"no button {label!r} on the Letters page: {sorted(buttons)}"
        assert not matches[0].icon().isNull(), label
