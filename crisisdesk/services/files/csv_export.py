"""Writing every CSV the desk exports, one way: spreadsheet-safe, complete or not at all.

Each cell is neutralised (`domain.cells`: no cell a spreadsheet would run as a formula, also
after a ; , Tab or | inside it) and quoted when it holds a separator of any common locale
(, ; Tab |), a quote, a line break or outer spaces, so a spreadsheet set to any of those
separators keeps the cell whole. The file is UTF-8 with a byte-order mark (so Excel reads
accents) and CRLF line ends, written to a temporary name in the target folder, flushed,
fsynced and renamed (`store.files.atomic_path`): a crash or a full disk never leaves a half
export under the real name, and a full disk is one line saying so.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from crisisdesk.domain.cells import SEPARATORS, neutralise_cell
from crisisdesk.domain.errors import UserError
from crisisdesk.store.files import atomic_path

_NEEDS_QUOTES = frozenset(SEPARATORS + '"\r\n')


def csv_cell(value: object) -> str:
    """One cell as it goes into the file: neutralised, then quoted if it needs to be. A NUL
    (stored by an import before NULs were refused) is left out: it shows as nothing and cuts
    the cell short in some readers."""
    text = neutralise_cell(("" if value is None else str(value)).replace("\0", ""))
    if text != text.strip(" ") or not _NEEDS_QUOTES.isdisjoint(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_line(cells: Iterable[object]) -> str:
    """One row, CRLF-terminated."""
    return ",".join(csv_cell(c) for c in cells) + "\r\n"


def csv_text(header: Sequence[str], rows: Iterable[Iterable[object]]) -> str:
    """The whole table as text (no byte-order mark), for a caller that shows it."""
    return csv_line(header) + "".join(csv_line(row) for row in rows)


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Iterable[object]]) -> int:
    """Write `header` and `rows` to `path` as described above; returns the data rows written.

    Raises UserError (one line) when the file cannot be written; the target is then as it was.
    """
    path = Path(path)
    count = 0
    try:
        with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
            fh.write(csv_line(header))
            for row in rows:
                fh.write(csv_line(row))
                count += 1
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        raise write_error(path, exc) from None
    return count


def write_error(path: Path, exc: OSError) -> UserError:
    """The one line for a file that could not be written."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return UserError(f"The disk holding {path.parent} is full: {path.name} was not "
                         "written (nothing else changed); free some space and export again.")
    return UserError(f"Cannot write {path}: {exc.strerror or exc}.")
