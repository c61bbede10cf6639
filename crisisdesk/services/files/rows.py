"""The shape every reader hands back, so importers walk CSV, XLSX and vCard rows alike.

A reader yields `(line, row)`: `line` is where the row starts as the user sees the file, and
`row` is {header: cell text}, or a reason string when that row could not be read at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

RowResult = dict[str, str] | str  # a row, or why it could not be read
Rows = Iterator[tuple[int, RowResult]]
Opened = tuple[list[str], int, Callable[[], Rows]]  # (headers, data row count, rows again)
