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
from crisisdesk.services.files.delimited import SNIFF_BYTES, open_csv, stream_csv
from crisisdesk.services.files.rows import Rows
from crisisdesk.services.files.text import (
    bounded_lines,
    check_lines,
    nul_at,
    read_bounded,
    read_head,
)
from crisisdesk.services.files.vcard import PROPERTIES, open_vcf
from crisisdesk.services.files.xlsx import open_xlsx, stream_xlsx

FORMATS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx",
           ".vcf": "vcf", ".vcard": "vcf"}


@dataclass
class SourceFile:
    """An opened list file: what it is, its columns, and a way to walk its rows."""

    path: Path
    format: str  # "csv" | "xlsx" | "vcf"
    headers: list[str]
    total_rows: int  # exact; for a streamed file an estimate, for progress only
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


def stream_source(path: Path) -> SourceFile:
    """Open a CSV or XLSX list of any length to be read in one streaming pass, memory bounded
    by a row, not the file: the same rules and messages as `open_source`, but nothing is read
    ahead. The text encoding is settled (and NUL bytes refused) by one quick pass over the
    bytes, which also counts the lines for `total_rows`, an estimate for progress; a record
    that does not line up with the header is found when the walk reaches it (UserError
    naming the line), so the importer must write inside one transaction. No row limit. A
    vCard file is opened whole, as by `open_source`."""
    fmt = detect_format(path)
    if fmt == "xlsx":
        headers, estimate, rows = stream_xlsx(path)
        return SourceFile(path, "xlsx", headers, estimate, _rows=rows)
    if fmt == "vcf":
        return open_source(path)
    codec, encoding, breaks = _stream_codec(path)
    head = ""
    for line in bounded_lines(path, codec):
        head += line
        if len(head) > SNIFF_BYTES:
            break
    delimiter, (headers, estimate, rows) = stream_csv(
        lambda: bounded_lines(path, codec), head, path.name, max(0, breaks - 1))
    return SourceFile(path, "csv", headers, estimate, encoding, delimiter, _rows=rows)


SCAN_CHUNK = 1024 * 1024


def _stream_codec(path: Path) -> tuple[str, str, int]:
    """(codec to read with, encoding as `decode` names it, line breaks): `decode`'s choice
    made by decoding the file a chunk at a time instead of whole."""
    head = read_head(path)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        breaks = _scan(path, "utf-16")
        if breaks is not None:
            return "utf-16", "utf-16", breaks
    bare = utf16_without_bom(head)
    if bare:
        breaks = _scan(path, bare)
        if breaks is None:
            raise UserError(f"{path.name} looks like UTF-16 text without a byte order mark "
                            "but does not decode as such; save it as \"CSV UTF-8\".")
        return bare, bare, breaks
    breaks = _scan(path, "utf-8-sig")
    if breaks is not None:
        return "utf-8-sig", "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8", breaks
    breaks = _scan(path, "cp1252")
    if breaks is None:
        raise UserError(f"{path.name} is neither UTF-8 nor Windows-1252 text; save it as "
                        "\"CSV UTF-8\" and try again.")
    return "cp1252", "cp1252", breaks


def _scan(path: Path, codec: str) -> int | None:
    """Line breaks in the file if all of it decodes as `codec` (None if not); refuses the
    first NUL byte by line, as `decode` does."""
    decoder = codecs.getincrementaldecoder(codec)("strict")
    lf = cr = 0
    with path.open("rb") as fh:
        while True:
            chunk = fh.read(SCAN_CHUNK)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError:
                return None
            nul = text.find("\0")
            if nul >= 0:
                raise nul_at(path.name, lf + text.count("\n", 0, nul) + 1)
            lf, cr = lf + text.count("\n"), cr + text.count("\r")
            if not chunk:
                return lf or cr


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
