"""How big a file an importer will read, checked before the file is parsed.

A list file comes from anyone, and a parser's memory and time grow with what it is fed: a
4 MB workbook can unpack to 4 GB, a text file can be one endless line. The readers refuse a
file that passes any of these limits with one line naming the limit, before (or, for a zip,
while) they read it. The values are far above any list a crisis team imports (a 200,000-row
patient list as .xlsx unpacks to about 150 MB) and far below what would hurt a laptop, so
they are constants, not settings: nobody should have to tune them during an outage.
"""

from __future__ import annotations

MAX_ROWS = 200_000
"""Data rows (CSV, XLSX) or cards (vCard) in one file."""

MAX_TEXT_BYTES = 128 * 1024 * 1024
"""Size of a CSV or vCard file on disk; the whole file is decoded in memory."""

MAX_LINE_CHARS = 1024 * 1024
"""Characters in one physical line of a CSV or vCard file."""

MAX_FIELD_CHARS = 131_072
"""Characters in one CSV cell or one (unfolded) vCard property; the same as Python's csv
module's default field limit, so the two never disagree."""

MAX_UNPACKED_BYTES = 256 * 1024 * 1024
"""Total bytes all the parts of a zip (an .xlsx) may unpack to, read from the zip's directory
and counted again while unpacking, so a directory that lies does not help."""

MAX_RATIO = 200
"""How many times larger than its compressed size a zip part may unpack. Real workbooks
compress 5 to 30 times; a zip bomb of repeated bytes about 1,000 times."""

RATIO_GRACE_BYTES = 1024 * 1024
"""A part smaller than this unpacked is not held to MAX_RATIO (a tiny styles.xml of repeated
tags compresses very well and harms nobody)."""


def megabytes(size: int) -> str:
    """'256 MB', '4.0 GB': a size in the words a message uses."""
    if size >= 1024 ** 3:
        return f"{size / 1024 ** 3:.1f} GB"
    return f"{max(1, round(size / 1024 ** 2)):,} MB"
