"""The desk's icons, one name per thing the user does, drawn from a freely licensed icon font.

Why a font: Material Design Icons (Apache License 2.0; `resources/icons/`, licence beside it)
covers every action here in one consistent style, and a glyph is drawn at any size in the
palette's own text colour, so icons stay sharp at 200% scaling and follow a dark scheme, with
a dimmed colour when the button is disabled. Why not the `qtawesome` package that ships the
same font: it imports Qt through QtPy, which costs ~0.3 s on the GUI thread before the first
icon; this module loads one file and draws the glyph itself (~20 ms, once).

Pages ask for our names (`icon("print")`), never for glyphs, so the set can change in one
table. Buttons made with `push_button`, and the plain buttons of a page the main window
builds (`decorate_buttons`), take their icon from their label (`icon_for_label`), so a new
page gets icons without asking for them.
"""

from __future__ import annotations

import functools
import re

from PySide6.QtCore import QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QGuiApplication,
    QIcon,
    QIconEngine,
    QPainter,
    QPalette,
    QPixmap,
)
from PySide6.QtWidgets import QPushButton, QWidget

from crisisdesk.paths import shipped_dir

ICON_FONT = "materialdesignicons6.ttf"

# Our name -> (the Material Design Icons name, for whoever changes it; its code point).
ICONS: dict[str, tuple[str, int]] = {
    # Sidebar sections (the keys of ui/sections.py).
    "dashboard": ("view-dashboard-outline", 0xF0A1D),
    "contacts": ("account-box-multiple-outline", 0xF100A),
    "calling_trees": ("file-tree-outline", 0xF13D2),
    "roles": ("badge-account-horizontal-outline", 0xF0E0E),
    "templates": ("file-document-edit-outline", 0xF0DC9),
    "letters": ("email-multiple-outline", 0xF0EE8),
    "hotline": ("headset", 0xF02CB),
    "media": ("microphone-outline", 0xF036E),
    "regulators": ("scale-balance", 0xF05D1),
    "timeline": ("timeline-text-outline", 0xF0BD4),
    "team": ("account-group-outline", 0xF0B58),
    "settings": ("cog-outline", 0xF08BB),
    # Actions.
    "print": ("printer-outline", 0xF1786),
    "pdf": ("file-pdf-box", 0xF0226),
    "import": ("tray-arrow-down", 0xF0120),
    "export": ("tray-arrow-up", 0xF011D),
    "add": ("plus-circle-outline", 0xF0419),
    "delete": ("delete-outline", 0xF09E7),
    "edit": ("pencil-outline", 0xF0CB6),
    "approve": ("check-decagram-outline", 0xF1740),
    "activate": ("play-circle-outline", 0xF040D),
    "close_activation": ("stop-circle-outline", 0xF0667),
    "record_call": ("phone-log-outline", 0xF1195),
    "backup": ("backup-restore", 0xF006F),
    "save": ("content-save-outline", 0xF0818),
    "preview": ("eye-outline", 0xF06D0),
    "copy": ("content-copy", 0xF018F),
    "lock": ("lock-outline", 0xF0341),
    "done": ("check", 0xF012C),
    "undo": ("undo", 0xF054C),
    "move_up": ("arrow-up", 0xF005D),
    "move_down": ("arrow-down", 0xF0045),
    "search": ("magnify", 0xF0349),
    "statement": ("bullhorn-outline", 0xF0B23),
    "open": ("folder-open-outline", 0xF0DCF),
    "operator": ("account-plus-outline", 0xF0801),
    "decline": ("cancel", 0xF073A),
    "classify": ("tag-multiple-outline", 0xF12F7),
    "review": ("clipboard-list-outline", 0xF10D5),
    "report": ("file-chart-outline", 0xF1029),
    "printed": ("printer-check", 0xF1146),
    "mailed": ("email-check-outline", 0xF0AB2),
    "returned": ("email-remove-outline", 0xF1662),
    "remail": ("email-arrow-right-outline", 0xF10DD),
    "answer": ("reply-outline", 0xF0F20),
    "assign": ("account-arrow-right-outline", 0xF0B54),
    "alignment": ("ruler-square", 0xF0CC2),
    "paper": ("file-document-outline", 0xF09EE),
    "send": ("send-outline", 0xF1165),
    "submit": ("send-check-outline", 0xF1162),
    "retire": ("archive-outline", 0xF120E),
    "unlock": ("lock-open-variant-outline", 0xF0FC7),
    "sync": ("sync", 0xF04E6),
}

# A button's label -> our icon name: the first rule whose pattern matches the label (mnemonic
# '&' and trailing '…' removed, lower case) wins. Labels that match none keep no icon: an icon
# that does not say the same thing as the words is worse than none.
LABEL_RULES: tuple[tuple[str, str], ...] = (
    (r"^mark printed\b", "printed"),
    (r"^mark mailed\b", "mailed"),
    (r"^mark returned\b", "returned"),
    (r"^re-?mail\b", "remail"),
    (r"\b(re)?print\b", "print"),
    (r"^start activation|^activate\b", "activate"),
    (r"^close activation", "close_activation"),
    (r"^record\b.*\bcall", "record_call"),
    (r"\bpdf\b", "pdf"),
    (r"^import\b|^vcards\b", "import"),
    (r"^export\b", "export"),
    (r"^approve\b", "approve"),
    (r"^(new|add)\b", "add"),
    (r"^(delete|remove)\b", "delete"),
    (r"^edit\b|^open in editor\b", "edit"),
    (r"^preview\b", "preview"),
    (r"^copy\b", "copy"),
    (r"^(create backup|back up)\b", "backup"),
    (r"^restore\b", "backup"),
    (r"^save\b", "save"),
    (r"^mark done\b", "done"),
    (r"^move up\b", "move_up"),
    (r"^move down\b", "move_down"),
    (r"^(issue statement|log inquiry)\b", "statement"),
    (r"^decline\b", "decline"),
    (r"^lock\b", "lock"),
    (r"^unlock\b", "unlock"),
    (r"^classify\b", "classify"),
    (r"\breview list\b", "review"),
    (r"\breport\b", "report"),
    (r"^answer\b", "answer"),
    (r"^assign\b", "assign"),
    (r"^alignment\b", "alignment"),
    (r"^paper$", "paper"),
    (r"^submit\b", "submit"),
    (r"^issue message\b", "send"),
    (r"^retire\b", "retire"),
)

# Text with its mnemonic and ellipsis removed: "Prin&t…" -> "print".
_MNEMONIC = re.compile(r"&(?!&)")


def plain_label(text: str) -> str:
    return _MNEMONIC.sub("", text).replace("…", "").replace("...", "").strip().lower()


def icon_name_for_label(text: str) -> str | None:
    """Our icon name for a button labelled `text`, or None when no rule fits it."""
    label = plain_label(text)
    for pattern, name in LABEL_RULES:
        if re.search(pattern, label):
            return name
    return None


@functools.cache
def _family() -> str:
    """Register the icon font once; its family name."""
    path = shipped_dir("icons") / ICON_FONT
    font_id = QFontDatabase.addApplicationFont(str(path))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        raise RuntimeError(f"The icon font {path} could not be loaded")
    return families[0]


class GlyphIconEngine(QIconEngine):
    """Draws one glyph of the icon font in the palette's colour for the icon's mode."""

    def __init__(self, glyph: str) -> None:
        super().__init__()
        self.glyph = glyph

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode,
              state: QIcon.State) -> None:
        palette = QGuiApplication.palette()
        group = (QPalette.ColorGroup.Disabled if mode == QIcon.Mode.Disabled
                 else QPalette.ColorGroup.Active)
        role = (QPalette.ColorRole.HighlightedText if mode == QIcon.Mode.Selected
                else QPalette.ColorRole.ButtonText)
        font = QFont(_family())
        font.setPixelSize(max(1, min(rect.width(), rect.height())))
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.setFont(font)
        painter.setPen(palette.color(group, role))
        painter.drawText(QRectF(rect), Qt.AlignmentFlag.AlignCenter, self.glyph)
        painter.restore()

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        pixmap = QPixmap(size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        self.paint(painter, QRect(QPoint(0, 0), size), mode, state)
        painter.end()
        return pixmap

    def clone(self) -> QIconEngine:
        return GlyphIconEngine(self.glyph)


def icon(name: str) -> QIcon:
    """The icon for one of our names (`ICONS`); KeyError names a misspelt one at once."""
    _mdi_name, code_point = ICONS[name]
    _family()  # a missing font fails here, naming the file, not as blank icons later
    return QIcon(GlyphIconEngine(chr(code_point)))


def icon_for_label(text: str) -> QIcon | None:
    """The icon a button labelled `text` gets, or None (see `LABEL_RULES`)."""
    name = icon_name_for_label(text)
    return icon(name) if name is not None else None


def decorate_buttons(root: QWidget) -> int:
    """Give every push button under `root` with no icon yet the one its label calls for.

    The main window runs it over each page once built, so a page's own `QPushButton`s get
    icons without the page asking; returns how many buttons got one. Tool buttons are left
    alone: given an icon, a QToolButton shows it instead of its words."""
    count = 0
    for button in root.findChildren(QPushButton):
        if not button.icon().isNull() or not button.text():
            continue
        found = icon_for_label(button.text())
        if found is not None:
            button.setIcon(found)
            count += 1
    return count
