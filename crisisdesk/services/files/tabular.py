"""Reading contact lists from CSV, Excel (.xlsx) and vCard (.vcf) files.

Each reader yields `(line, row)`, where `line` is where the row starts as the user sees the file
(CSV: the header is line 1, the first data row line 2, counting physical lines so a quoted cell
that spans lines moves later rows down as in a text editor; XLSX: the sheet's row number; vCard:
the line of BEGIN:VCARD) and `row` is {header: cell text}, or a reason string when that row
could not be read at all. Blank rows are skipped and not counted.

A malformed CSV is refused whole, naming the line, before anything is read from it: an
unbalanced quote (which would otherwise glue the rest of the file into one cell), text after a
closing quote, a quoted cell whose lines look like rows of their own, and any row with a
different number of cells than the header. Extra cells at the end of a row are allowed only
when they are blank (a trailing comma); a row with fewer cells than the header is an error,
because we cannot tell a trimmed blank from a lost cell.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from crisisdesk.domain.contact_columns import unique_headers
from crisisdesk.domain.errors import UserError
from crisisdesk.services.files import vcard as vcard_file
from crisisdesk.services.files import xlsx as xlsx_file

RowResult = dict[str, str] | str  # a row, or why it could not be read
Rows = Iterator[tuple[int, RowResult]]
DELIMITERS = ",;\t|"
SNIFF_BYTES = 64 * 1024
FORMATS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx",
           ".vcf": "vcf", ".vcard": "vcf"}


@dataclass
class SourceFile:
    """An opened contact file: what it is, its columns, and a way to walk its rows."""

    path: Path
    format: str  # "csv" | "xlsx" | "vcf"
    headers: list[str]
    total_rows: int
    encoding: str = ""
    delimiter: str = ""
    _rows: Callable[[], Rows] = field(default=lambda: iter(()), repr=False)

    def rows(self) -> Rows:
        return self._rows()


def open_source(path: Path) -> SourceFile:
    """Detect the format and read the header; raises UserError for unreadable files."""
    fmt = detect_format(path)
    if fmt == "xlsx":
        headers, total, rows = xlsx_file.open_xlsx(path)
        return SourceFile(path, "xlsx", headers, total, _rows=rows)
    text, encoding = decode(read_bytes(path), path)
    if fmt == "vcf":
        headers, total, rows = vcard_file.open_vcf(text)
        return SourceFile(path, "vcf", headers, total, encoding, _rows=rows)
    return _open_csv(path, text, encoding)


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"There is no file {path}.") from None
    except IsADirectoryError:
        raise UserError(f"{path} is a folder, not a file.") from None
    except OSError as exc:
        raise UserError(f"Cannot read {path}: {exc.strerror}.") from None


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise UserError(f"{path.name} is an old-style Excel file; save it as .xlsx or .csv.")
    if suffix in FORMATS:
        return FORMATS[suffix]
    head = read_bytes(path)[:4096]
    if head.startswith(b"PK"):
        return "xlsx"
    return "vcf" if b"BEGIN:VCARD" in head.upper() else "csv"


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """(text, encoding): UTF-16 if it has that BOM, else UTF-8 (BOM or not), else cp1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
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


def sniff_delimiter(text: str) -> str:
    """The delimiter among , ; tab | (csv.Sniffer, checked against the header line)."""
    sample = text[:SNIFF_BYTES]
    if len(text) > SNIFF_BYTES and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    first = next((ln for ln in sample.splitlines() if ln.strip()), "")
    counts = {d: first.count(d) for d in DELIMITERS}
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = ""
    if sniffed and counts.get(sniffed, 0) > 0:
        return sniffed
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 0 else (sniffed or ",")


def _records(text: str, delimiter: str, name: str = "the file"
             ) -> Iterator[tuple[int, list[str]]]:
    """(start line, cells) for each non-blank CSV record; quoting is read strictly."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                raise UserError(f'Line {start} of {name} opens a quoted cell that is never '
                                'closed (an unbalanced " quote).') from None
            raise UserError(f"Line {start} of {name} cannot be read as CSV: {exc}.") from None
        if any(c.strip() for c in cells):
            yield start, cells
        start = reader.line_num + 1


def check_shape(line: int, cells: list[str], width: int, delimiter: str, name: str) -> None:
    """Refuse a record that does not line up with the header (see the module docstring)."""
    count = len(cells)
    if count > width and not any(c.strip() for c in cells[width:]):
        count = width  # trailing empty cells: a row ending in extra delimiters
    if count != width:
        raise UserError(f"Line {line} of {name} has {len(cells)} cells but the header has "
                        f"{width}.")
    if width < 4:
        return
    for cell in cells:
        if "\n" in cell and any(len(part.split(delimiter)) == width
                                for part in cell.splitlines()[1:]):
            raise UserError(f"Line {line} of {name} has a quoted cell whose lines look like "
                            'rows of their own (an unbalanced " quote?).')


def _open_csv(path: Path, text: str, encoding: str) -> SourceFile:
    delimiter = sniff_delimiter(text)
    records = _records(text, delimiter, path.name)
    first = next(records, None)
    if first is None:
        raise UserError(f"{path.name} is empty.")
    headers = unique_headers(first[1])
    check_shape(first[0], first[1], len(first[1]), delimiter, path.name)
    total = 0
    for line, cells in records:
        check_shape(line, cells, len(headers), delimiter, path.name)
        total += 1

    def rows() -> Rows:
        it = _records(text, delimiter, path.name)
        next(it, None)
        for line, cells in it:  # every row was checked to line up with the header
            yield line, dict(zip(headers, cells, strict=False))

    return SourceFile(path, "csv", headers, total, encoding, delimiter, rows)
