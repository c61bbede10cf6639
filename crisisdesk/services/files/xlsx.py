"""Reading the first sheet of an Excel workbook as rows of text.

openpyxl runs in read-only mode (streams rows, near-constant memory) with `data_only=True`, so
formulas give their cached values, never formula text; defusedxml is installed, which openpyxl
uses against XML bombs. Its zip is a `BoundedZipFile`, so a zip bomb is refused before (or
while) it unpacks. A workbook opened read-only is lazy and must be closed explicitly.

A damaged workbook (a cut download, a flipped byte) fails inside openpyxl, zipfile, zlib or the
XML parser with whatever error each of them raises, at opening or only when a row is reached;
every such failure becomes one UserError saying the workbook cannot be read.
"""

from __future__ import annotations

import datetime as dt
import zipfile
import zlib
from collections.abc import Generator
from pathlib import Path
from typing import Any

import crisisdesk.services.files.limits as limits
from crisisdesk.domain.column_scheme import unique_headers
from crisisdesk.domain.errors import UserError
from crisisdesk.services.files.rows import Opened, Rows
from crisisdesk.services.files.text import too_many_rows
from crisisdesk.services.files.zips import BoundedZipFile

# What openpyxl and the libraries under it raise on a damaged file (zlib.error, XML ParseError,
# which is a SyntaxError, KeyError for a missing part, EOFError for a cut one, zipfile's
# NotImplementedError for a compression method a flipped byte names, BadZipFile for a wrong
# checksum, found only when the sheet has been read to its end, ...).
DAMAGED: tuple[type[Exception], ...] = (zlib.error, zipfile.BadZipFile, LookupError,
                                         ValueError, TypeError, AttributeError, SyntaxError,
                                         EOFError, OSError, ArithmeticError, NotImplementedError)


def cell_text(value: Any) -> str:
    """A cell as text: whole-number floats without '.0' (phone numbers typed as numbers)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _workbook(path: Path) -> Any:
    """The workbook, read through a BoundedZipFile (openpyxl's own ZipFile is swapped for it
    before anything but the zip directory has been read)."""
    # Imported here, not at module load: openpyxl takes ~0.2 s to import, and every screen
    # that can import a file would otherwise pay it on opening.
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        bounded = BoundedZipFile(path)
    except FileNotFoundError:
        raise UserError(f"There is no file {path}.") from None
    except DAMAGED:
        raise _unreadable(path) from None
    try:
        reader = ExcelReader(path, read_only=True, data_only=True)
        reader.archive.close()
        reader.archive = bounded
        reader.read()
        return reader.wb
    except (InvalidFileException, *DAMAGED):
        bounded.close()
        raise _unreadable(path) from None
    except BaseException:  # a ZipBombError, a Cancel: the zip must not stay open
        bounded.close()
        raise


def _unreadable(path: Path) -> UserError:
    return UserError(f"{path.name} is not a readable Excel (.xlsx) workbook.")


def _sheet_rows(path: Path, size: list[int] | None = None
                ) -> Generator[tuple[int, list[str]], None, None]:
    """(row number, cells) of the non-blank rows of the first sheet; closes the workbook.
    `size` is given the last row number the sheet says it has (0 if it says none)."""
    wb = _workbook(path)
    try:
        if not wb.worksheets:
            return
        ws = wb.worksheets[0]
        if ws.max_row is None or (ws.max_row == 1 and ws.max_column == 1):
            ws.reset_dimensions()  # some writers record no (or a wrong) size
        if size is not None:
            size.append(ws.max_row or 0)
        values_of = enumerate(ws.iter_rows(min_row=1, values_only=True), start=1)
        while True:
            try:
                number, values = next(values_of)
            except StopIteration:
                return
            cells = [cell_text(v) for v in values]
            if any(c.strip() for c in cells):
                yield number, cells
    except DAMAGED:
        raise _unreadable(path) from None
    finally:
        wb.close()


def open_xlsx(path: Path, *, repeats: bool = False) -> Opened:
    """(headers, data row count, rows) for the workbook's first sheet. Repeated headers:
    `unique_headers`."""
    it = _sheet_rows(path)
    try:
        first = next(it, None)
        if first is None:
            raise UserError(f"The first sheet of {path.name} is empty.")
        headers = unique_headers(first[1], path.name, repeats=repeats)
        total = 0
        for number, _ in it:
            total += 1
            if total > limits.MAX_ROWS:
                raise too_many_rows(path.name, number)
    finally:
        it.close()

    def rows() -> Rows:
        sheet = _sheet_rows(path)
        try:
            next(sheet, None)
            for number, cells in sheet:
                yield number, dict(zip(headers, cells, strict=False))
        finally:
            sheet.close()

    return headers, total, rows


def stream_xlsx(path: Path, *, repeats: bool = False) -> Opened:
    """Like `open_xlsx` without reading the sheet ahead and with no row limit: the data row
    count is the sheet's own claim (an estimate, for progress); only the header row is read
    here. openpyxl's read-only rows keep memory flat however long the sheet is."""
    size: list[int] = []
    it = _sheet_rows(path, size)
    try:
        first = next(it, None)
    finally:
        it.close()
    if first is None:
        raise UserError(f"The first sheet of {path.name} is empty.")
    headers = unique_headers(first[1], path.name, repeats=repeats)

    def rows() -> Rows:
        sheet = _sheet_rows(path)
        try:
            next(sheet, None)
            for number, cells in sheet:
                yield number, dict(zip(headers, cells, strict=False))
        finally:
            sheet.close()

    return headers, max(0, (size[0] if size else 0) - first[0]), rows
