"""The fonts shipped for printing, checked without Qt: present, readable, really TrueType.

Letters and calling trees are printed with the DejaVu faces in resources/fonts so output looks
the same on every laptop (headless Linux often has no fonts at all). The CLI must stay Qt-free,
so instead of asking Qt this reads each file's `name` table with a tiny parser.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

# The one place that knows where the shipped fonts are (printing registers them from here).
FONT_DIR = Path(__file__).resolve().parent.parent / "resources" / "fonts"
EXPECTED = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf")
_MAGIC = (b"\x00\x01\x00\x00", b"true", b"OTTO")
_FAMILY, _STYLE = 1, 2


class NotAFont(ValueError):
    pass


@dataclass(frozen=True)
class FontFile:
    path: Path
    ok: bool
    family: str = ""
    style: str = ""
    problem: str = ""

    @property
    def name(self) -> str:
        return f"{self.family} {self.style}".strip()


def font_names(data: bytes) -> tuple[str, str]:
    """(family, style) from a TrueType/OpenType file's bytes; NotAFont if it is not one."""
    if len(data) < 12 or data[:4] not in _MAGIC:
        raise NotAFont("not a TrueType or OpenType font")
    (num_tables,) = struct.unpack_from(">H", data, 4)
    try:
        for i in range(num_tables):
            tag, _, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * i)
            if tag == b"name":
                return _read_name_table(data[offset : offset + length])
    except struct.error:
        raise NotAFont("the font's tables are truncated") from None
    raise NotAFont("the font has no name table")


def _read_name_table(table: bytes) -> tuple[str, str]:
    _, count, strings = struct.unpack_from(">HHH", table, 0)
    found: dict[int, str] = {}
    for i in range(count):
        platform, _, language, name_id, length, offset = struct.unpack_from(
            ">HHHHHH", table, 6 + 12 * i)
        if name_id not in (_FAMILY, _STYLE) or name_id in found:
            continue
        raw = table[strings + offset : strings + offset + length]
        if platform in (0, 3):  # Unicode / Windows: UTF-16BE
            found[name_id] = raw.decode("utf-16-be", errors="replace")
        elif platform == 1 and language == 0:  # Macintosh Roman, English
            found[name_id] = raw.decode("latin-1")
    if _FAMILY not in found:
        raise NotAFont("the font has no family name")
    return found[_FAMILY], found.get(_STYLE, "")


def check_font(path: Path) -> FontFile:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return FontFile(path, False, problem="missing")
    except OSError as exc:
        return FontFile(path, False, problem=f"unreadable ({exc.strerror})")
    try:
        family, style = font_names(data)
    except NotAFont as exc:
        return FontFile(path, False, problem=str(exc))
    return FontFile(path, True, family, style)


def check_fonts(folder: Path | None = None) -> list[FontFile]:
    """Every expected font, plus any other font file found in the folder."""
    folder = folder or FONT_DIR
    extra = sorted(p.name for p in folder.glob("*.[ot]tf") if p.name not in EXPECTED) \
        if folder.is_dir() else []
    return [check_font(folder / name) for name in (*EXPECTED, *extra)]
