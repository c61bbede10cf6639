"""Which column of a monitoring vendor's file holds the enrollment codes.

Vendors send a one-column list, sometimes with a header ("Activation Code", "PIN", "Voucher")
and sometimes without; a wider file names its code column. The header is found by the column
scheme every import shares; a file whose only "header" is itself a code has no header line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from crisisdesk.domain.column_scheme import ColumnScheme

CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-]{3,39}")  # 4 to 40 letters, digits or hyphens
SCHEME = ColumnScheme("enrollment code", ("code",), {"code": (
    "code", "activationcode", "enrollmentcode", "activation", "promocode", "voucher",
    "vouchercode", "pin")}, keep_digits=True)


def code_column(headers: Sequence[str]) -> str:
    """The header of the code column: the one the scheme recognises, else the first."""
    return next(iter(SCHEME.guess(headers)), headers[0])


def header_is_a_code(headers: Sequence[str]) -> bool:
    """True for a bare list of codes (vendors often send them): no column is named like a code
    column and the first cell is a code; with several columns only a code holding a digit
    counts, so a header such as "Serial, Member" is not taken for one."""
    if SCHEME.guess(headers) or not CODE.fullmatch(headers[0]):
        return False
    return len(headers) == 1 or any(c.isdigit() for c in headers[0])
