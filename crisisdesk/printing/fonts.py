"""Register the TTFs shipped in `crisisdesk/resources/fonts/`, so text never depends on the system.

On a headless Linux box where fontconfig finds no fonts, Qt still "prints" a PDF, silently, with
no font embedded and no visible text. Shipping DejaVu and registering it with
`QFontDatabase.addApplicationFont` makes every PDF carry its own glyphs; if none of the files
registers we raise, because a blank letter is worse than an error.
"""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase, QGuiApplication

from crisisdesk.services.fonts import FONT_DIR

FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf",
              "CrisisDeskTaglinesCJK.ttf", "CrisisDeskTaglinesHangul.ttf")
# DejaVu has no Chinese, Japanese or Korean glyphs: the language-assistance page falls back to
# these two small subsets (only the taglines' own characters; see their LICENSE files).
TAGLINE_FAMILIES = ("DejaVu Sans", "CrisisDesk Taglines CJK", "CrisisDesk Taglines Hangul")

SANS = "DejaVu Sans"
SERIF = "DejaVu Serif"

_registered: list[str] = []


class FontsMissing(RuntimeError):
    """The shipped fonts could not be registered: the installation is broken (a bug, not user)."""


def register_fonts() -> list[str]:
    """Register the shipped fonts once per process; return their family names.

    Needs a QGuiApplication (or QApplication) to exist already.
    """
    if _registered:
        return list(_registered)
    if QGuiApplication.instance() is None:
        raise FontsMissing("register_fonts() needs a QGuiApplication; call ensure_gui_app().")
    families: list[str] = []
    for name in FONT_FILES:
        font_id = QFontDatabase.addApplicationFont(str(FONT_DIR / name))
        if font_id < 0:
            continue
        for family in QFontDatabase.applicationFontFamilies(font_id):
            if family not in families:
                families.append(family)
    if not families:
        raise FontsMissing(
            f"None of the fonts shipped in {FONT_DIR} could be loaded; reinstall CrisisDesk."
        )
    _registered.extend(families)
    return list(families)


def print_family() -> str:
    """The family printed documents use (the shipped sans, registered on first use)."""
    families = register_fonts()
    return SANS if SANS in families else families[0]
