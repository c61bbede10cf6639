"""Light or dark: which variant of the desk's own colours (status cells, messages) to use.

The desk paints a few things itself (the message bar, status backgrounds, error text); each
needs a dark variant, or a dark desktop shows dark text on a dark window. Qt reports the system
scheme (`QStyleHints.colorScheme`); where it cannot tell, the window colour of the palette in use
decides, so a dark palette set by hand is followed too.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication


def is_dark() -> bool:
    """True when the app is shown in a dark scheme."""
    # Here, not at import: the first window (the unlock dialog) appears before the `Qt`
    # namespace's enums are made, ~14 ms; asking for the scheme makes them.
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QPalette  # its enums too (the unlock dialog never asks)

    hints = QGuiApplication.styleHints()
    scheme = hints.colorScheme() if hints is not None else Qt.ColorScheme.Unknown
    if scheme != Qt.ColorScheme.Unknown:
        return scheme == Qt.ColorScheme.Dark
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def for_background(colour: QColor) -> QColor:
    """A status background as the scheme wants it: kept on a light window, and on a dark one
    the same hue made dark (a pale cell under light text cannot be read)."""
    if not is_dark() or colour.lightness() < 128:
        return colour
    return QColor.fromHslF(max(colour.hslHueF(), 0.0), min(colour.hslSaturationF(), 0.55), 0.24,
                           colour.alphaF())


def readable_text(background: QColor, wanted: QColor | None = None) -> QColor:
    """`wanted` if it stands out from `background`, else near-black or near-white."""
    if wanted is not None and abs(wanted.lightness() - background.lightness()) >= 110:
        return wanted
    return QColor("#1b1b1b" if background.lightness() >= 128 else "#f2f2f2")


def for_text(colour: QColor) -> QColor:
    """A text colour on the window: a dark red or grey meant for a white window is lifted to a
    light one of the same hue on a dark window."""
    if not is_dark() or colour.lightness() >= 128:
        return colour
    return QColor.fromHslF(max(colour.hslHueF(), 0.0), colour.hslSaturationF(), 0.72,
                           colour.alphaF())


def shade(light: str, dark: str) -> QColor:
    """The colour for the scheme in use: `light` on a light window, `dark` on a dark one."""
    return QColor(dark if is_dark() else light)


# Status backgrounds shared by every page: a cell's word says the status, the colour repeats it.
BAD_BG = ("#fde2e2", "#5a1f1f")
WARN_BG = ("#fff3cd", "#4d3d12")
GOOD_BG = ("#dff3e3", "#1e4226")
MUTED_BG = ("#eeeeee", "#3a3a3a")
ERROR_TEXT = ("#b00020", "#ff8a80")


def error_style() -> str:
    """The style sheet of a line that says what is wrong."""
    return f"color: {ERROR_TEXT[1] if is_dark() else ERROR_TEXT[0]};"
