"""Reading delimited text (CSV, tab- or semicolon-separated) strictly, naming the line.

Lines are counted as the user sees the file: the header is line 1, the first data row line 2,
counting physical lines so a quoted cell that spans lines moves later rows down as in a text
editor. Blank rows are skipped and not counted.

A malformed file is refused whole, naming the line, before anything is read from it: an
unbalanced quote (which would otherwise glue the rest of the file into one cell), text after a
closing quote, a quoted cell whose lines look like rows of their own, and any row with a
different number of cells than the header. Extra cells at the end of a row are allowed only
when they are blank (a trailing comma); a row with fewer cells than the header is an error,
because we cannot tell a trimmed blank from a lost cell. A cell longer than MAX_FIELD_CHARS and
a file of more than MAX_ROWS rows are refused naming the line (see `limits`); decoding the
bytes and the line-length limit are `source`'s job.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Generator, Iterable, Iterator

import crisisdesk.services.files.limits as limits
from crisisdesk.domain.column_scheme import unique_headers
from crisisdesk.domain.errors import UserError
from crisisdesk.domain.formatting import count_of
from crisisdesk.services.files.rows import Opened, Rows
from crisisdesk.services.files.text import too_long_cell, too_many_rows

DELIMITERS = ",;\t|"
SNIFF_BYTES = 64 * 1024


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
    return _records_of(io.StringIO(text, newline=""), delimiter, name)


def _records_of(lines: Iterable[str], delimiter: str, name: str
                ) -> Generator[tuple[int, list[str]], None, None]:
    """`_records` over physical lines (a decoded string, or a file read line by line)."""
    if csv.field_size_limit() != limits.MAX_FIELD_CHARS:  # process-wide: make it ours
        csv.field_size_limit(limits.MAX_FIELD_CHARS)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
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
            if "field larger than field limit" in str(exc):
                raise too_long_cell(name, reader.line_num) from None
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
        raise UserError(f"Line {line} of {name} has {count_of(len(cells), 'cell')} but the "
                        f"header has {width}.")
    if width < 4 or "\n" not in delimiter.join(cells):  # one C call instead of a loop
        return
    for cell in cells:
        if "\n" in cell and any(len(part.split(delimiter)) == width
                                for part in cell.splitlines()[1:]):
            raise UserError(f"Line {line} of {name} has a quoted cell whose lines look like "
                            'rows of their own (an unbalanced " quote?).')


def open_csv(text: str, name: str, *, repeats: bool = False) -> tuple[str, Opened]:
    """(delimiter, (headers, data row count, rows)) for decoded text; every record is checked
    to line up with the header before this returns. Repeated headers: `unique_headers`."""
    delimiter = sniff_delimiter(text)
    records = _records(text, delimiter, name)
    first = next(records, None)
    if first is None:
        raise UserError(f"{name} is empty.")
    headers = unique_headers(first[1], name, repeats=repeats)
    check_shape(first[0], first[1], len(first[1]), delimiter, name)
    total = 0
    for line, cells in records:
        check_shape(line, cells, len(headers), delimiter, name)
        total += 1
        if total > limits.MAX_ROWS:
            raise too_many_rows(name, line)

    def rows() -> Rows:
        it = _records(text, delimiter, name)
        next(it, None)
        for line, cells in it:  # every row was checked to line up with the header
            yield line, dict(zip(headers, cells, strict=False))

    return delimiter, (headers, total, rows)


def stream_csv(lines: Callable[[], Iterable[str]], head: str, name: str, estimate: int, *,
               repeats: bool = False) -> tuple[str, Opened]:
    """Like `open_csv`, for a file too large to hold: `lines()` reads its physical lines
    afresh on each call, `head` is its first SNIFF_BYTES characters (for the delimiter) and
    `estimate` the data rows it probably holds (for progress). Nothing is read ahead: each
    record is checked to line up with the header as it is reached, so a malformed line is
    found by the walk (UserError naming it) instead of here; the importer's one transaction
    takes back what it wrote before that line. No row limit: memory does not grow with rows."""
    delimiter = sniff_delimiter(head)
    records = _records_of(lines(), delimiter, name)
    try:
        first = next(records, None)
    finally:
        records.close()
    if first is None:
        raise UserError(f"{name} is empty.")
    headers = unique_headers(first[1], name, repeats=repeats)
    check_shape(first[0], first[1], len(first[1]), delimiter, name)
    width = len(headers)

    def rows() -> Rows:
        it = _records_of(lines(), delimiter, name)
        try:
            next(it, None)
            for line, cells in it:
                check_shape(line, cells, width, delimiter, name)
                yield line, dict(zip(headers, cells, strict=False))
        finally:
            it.close()

    return delimiter, (headers, estimate, rows)
