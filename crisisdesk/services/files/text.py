"""The limits every list reader applies to what it reads, each refused by one line naming it.

Kept apart from the readers so CSV, vCard and XLSX refuse the same things in the same words:
a file too large to read at all, a line or cell past its limit, too many rows, a NUL byte
(which no spreadsheet writes; stored, it would print as nothing and cut strings in C code).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import crisisdesk.services.files.limits as limits
from crisisdesk.domain.errors import UserError
from crisisdesk.services.files.limits import megabytes


def read_head(path: Path, size: int = 4096) -> bytes:
    """The first `size` bytes of a file (to tell its format, or to bound a read); a missing
    file, a folder or an unreadable file is one line."""
    try:
        with path.open("rb") as fh:
            return fh.read(size)
    except FileNotFoundError:
        raise UserError(f"There is no file {path}.") from None
    except IsADirectoryError:
        raise UserError(f"{path} is a folder, not a file.") from None
    except OSError as exc:
        raise UserError(f"Cannot read {path}: {exc.strerror}.") from None


def read_bounded(path: Path) -> bytes:
    """The bytes of a text file, refused unread when larger than MAX_TEXT_BYTES."""
    data = read_head(path, limits.MAX_TEXT_BYTES + 1)
    if len(data) > limits.MAX_TEXT_BYTES:
        raise UserError(f"{path.name} is larger than {megabytes(limits.MAX_TEXT_BYTES)}, the "
                        "limit for a text file to import; split it into smaller files.")
    return data


def check_lines(text: str, name: str) -> None:
    """Refuse the first physical line longer than MAX_LINE_CHARS, naming it (lines end in LF
    or CRLF, or in CR alone as Excel for Mac's "CSV (Macintosh)" writes them)."""
    limit = limits.MAX_LINE_CHARS
    if len(text) <= limit:
        return
    newline = "\n" if "\n" in text or "\r" not in text else "\r"
    start, line = 0, 1
    while True:
        end = text.find(newline, start)
        stop = len(text) if end < 0 else end
        if stop - start > limit:
            raise UserError(f"Line {line} of {name} is longer than {limit:,} characters, the "
                            "limit for one line; the file is damaged or not a list.")
        if end < 0:
            return
        start, line = end + 1, line + 1


def bounded_lines(path: Path, codec: str) -> Iterator[str]:
    """The physical lines of a text file in `codec`, read one at a time (memory stays at one
    line whatever the file's size); the first line longer than MAX_LINE_CHARS is refused
    naming it, as `check_lines` does for a file held whole. Lines end as `check_lines` counts
    them (LF, CRLF or CR alone)."""
    limit = limits.MAX_LINE_CHARS
    with path.open(encoding=codec, newline="") as fh:
        readline, number = fh.readline, 0
        while line := readline(limit + 2):
            number += 1
            if len(line) > limit:
                end = 2 if line.endswith("\r\n") else 1 if line.endswith(("\n", "\r")) else 0
                if len(line) - end > limit:
                    raise UserError(f"Line {number} of {path.name} is longer than {limit:,} "
                                    "characters, the limit for one line; the file is damaged "
                                    "or not a list.")
            yield line


def too_long_cell(name: str, line: int) -> UserError:
    return UserError(f"Line {line} of {name} has a cell longer than "
                     f"{limits.MAX_FIELD_CHARS:,} characters, the limit for one cell.")


def too_many_rows(name: str, line: int) -> UserError:
    return UserError(f"{name} has more than {limits.MAX_ROWS:,} rows (line {line} is one too "
                     "many), the limit for one file; split it into smaller files.")


def nul_at(name: str, line: int) -> UserError:
    return UserError(f"Line {line} of {name} holds a NUL byte (\\0), which no spreadsheet "
                     "writes; the file is damaged or not text.")

