"""Opening any list file an importer is given: detect its format and text encoding, then hand
it to the one reader for that format (`delimited`, `xlsx`, `vcard`).

Every importer (contacts, patient lists, enrollment codes, calling trees) opens files only
through `open_source`, so a file is read with the same rules wherever it is imported. Line
numbers follow the reader's rules: CSV counts physical lines (the header is line 1), XLSX uses
the sheet's row number, vCard the line of BEGIN:VCARD. Blank rows are skipped, not counted.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from crisisdesk.domain.errors import UserError
from crisisdesk.services.files.delimited import open_csv
from crisisdesk.services.files.rows import Rows
from crisisdesk.services.files.text import check_lines, nul_at, read_bounded, read_head
from crisisdesk.services.files.vcard import PROPERTIES, open_vcf
from crisisdesk.services.files.xlsx import open_xlsx

FORMATS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx",
           ".vcf": "vcf", ".vcard": "vcf"}


@dataclass
class SourceFile:
    """An opened list file: what it is, its columns, and a way to walk its rows."""

    path: Path
    format: str  # "csv" | "xlsx" | "vcf"
    headers: list[str]
    total_rows: int
    encoding: str = ""
    delimiter: str = ""
    # where a column comes from when its header is ours, not the file's (vCard: "phone" -> TEL)
    origins: dict[str, str] = field(default_factory=dict)
    _rows: Callable[[], Rows] = field(default=lambda: iter(()), repr=False)

    def rows(self) -> Rows:
        return self._rows()


def open_source(path: Path, *, repeated_headers: bool = False) -> SourceFile:
    """Detect the format and read the header; raises UserError for unreadable files and for
    two columns with the same header, unless `repeated_headers` (a list read by one column,
    such as enrollment codes, where they do no harm): then the repeats are numbered."""
    fmt = detect_format(path)
    if fmt == "xlsx":
        headers, total, rows = open_xlsx(path, repeats=repeated_headers)
        return SourceFile(path, "xlsx", headers, total, _rows=rows)
    text, encoding = decode(read_bounded(path), path)
    check_lines(text, path.name)
    if fmt == "vcf":
        headers, total, rows = open_vcf(text, path.name)
        return SourceFile(path, "vcf", headers, total, encoding, origins=dict(PROPERTIES),
                          _rows=rows)
    delimiter, (headers, total, rows) = open_csv(text, path.name, repeats=repeated_headers)
    return SourceFile(path, "csv", headers, total, encoding, delimiter, _rows=rows)


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise UserError(f"{path.name} is an old-style Excel file; save it as .xlsx or .csv.")
    if suffix in FORMATS:
        return FORMATS[suffix]
    head = read_head(path)
    if head.startswith(b"PK"):
        return "xlsx"
    return "vcf" if b"BEGIN:VCARD" in head.upper() else "csv"


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """(text, encoding): UTF-16 if it has that BOM or the zero bytes of one without it, else
    UTF-8 (BOM or not), else cp1252. Text that still holds a NUL byte is refused by line: no
    spreadsheet writes one, and stored it would print as nothing."""
    text, encoding = _decode(data, path)
    nul = text.find("\0")
    if nul >= 0:
        raise nul_at(path.name, text.count("\n", 0, nul) + 1)
    return text, encoding


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    bare = utf16_without_bom(data)
    if bare:
        try:
            return data.decode(bare), bare
        except UnicodeDecodeError:
            raise UserError(f"{path.name} looks like UTF-16 text without a byte order mark "
                            "but does not decode as such; save it as \"CSV UTF-8\".") from None
    try:
        encoding = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
        return data.decode("utf-8-sig"), encoding
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        raise UserError(
            f"{path.name} is neither UTF-8 nor Windows-1252 text; save it as "
            "\"CSV UTF-8\" and try again."
        ) from None


def utf16_without_bom(data: bytes) -> str:
    """"utf-16-le" / "utf-16-be" when the bytes look like UTF-16 with no byte order mark, as
    some Windows tools write it, else "".

    Every ASCII character (digits, commas, line breaks) has a zero byte on the same side of
    each pair; text in Greek, Cyrillic or CJK has none, so a list of such names may hold few.
    It is UTF-16 when the zero bytes sit on one side only (a few strays allowed: U+0100 has
    its zero on the other side) and are either most pairs or include a line break.
    """
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs < 2 or b"\0" not in sample:
        return ""
    even = sample[0:pairs * 2:2].count(0)
    odd = sample[1:pairs * 2:2].count(0)
    stray = pairs // 50
    for encoding, zeros, others, line_breaks in (
            ("utf-16-le", odd, even, (b"\n\0", b"\r\0")),
            ("utf-16-be", even, odd, (b"\0\n", b"\0\r"))):
        if others > stray or zeros <= stray:
            continue
        pieces = sample[:pairs * 2]
        aligned = any(pieces[i:i + 2] in line_breaks for i in range(0, len(pieces), 2))
        if zeros >= 0.6 * pairs or (zeros >= 0.05 * pairs and aligned):
            return encoding
    return ""
