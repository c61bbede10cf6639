"""Enrollment-code pools against whatever a vendor's file can hold: the whole pool is added, or
nothing, with the line and the reason; a code is never lost or added twice."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crisisdesk.domain.errors import UserError
from crisisdesk.services.letters.codes import CodeImportReport, import_codes
from crisisdesk.services.session import Session
from tests.support.importers import (
    FEW,
    IMPORTS,
    QUOTED,
    Files,
    any_bytes,
    attempt,
    audit_entries,
    cells,
    csv_text,
    module_desk,
    physical_lines,
    tables,
    write_xlsx,
)
from tests.support.letters import letter_desk

EXPIRES = dt.date(2026, 7, 31)
_serial = itertools.count()
# Mostly fresh codes (a counter keeps them distinct between examples), sometimes a repeat.
CODES = st.one_of(st.builds(lambda: f"QX{next(_serial):06d}-P"), st.builds(lambda: "QX-REPEAT"),
                  st.from_regex(r"[A-Za-z0-9][A-Za-z0-9\-]{3,12}", fullmatch=True))
HEADERS = st.sampled_from(("Activation Code", "code", "Enrollment Code", "PIN", "Voucher",
                           "Expires", "Member", "=code"))


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Session, str]]:
    for session in module_desk(tmp_path_factory, "code-props"):
        yield session, letter_desk(session)


def _codes(session: Session) -> int:
    return int(session.db.execute("SELECT count(*) FROM enrollment_codes").fetchone()[0])


def _import(desk: tuple[Session, str], path_of: object, last_line: int
            ) -> CodeImportReport | UserError:
    session, incident_id = desk
    codes, audit = _codes(session), audit_entries(session)
    result = attempt(session, lambda: import_codes(session, path_of, expires_on=EXPIRES,
                                                   incident_id=incident_id),
                     last_line=last_line)
    if isinstance(result, CodeImportReport):
        assert _codes(session) - codes == result.imported > 0
        assert audit_entries(session) == audit + 1
    return result


@IMPORTS
@given(table=tables(HEADERS, cells(CODES), first=HEADERS), delimiter=st.sampled_from(",;\t"),
       quoted=QUOTED, data=st.data())
def test_code_csv_imports_whole_or_refuses_cleanly(desk: tuple[Session, str], files: Files,
                                                   table: list[list[str]], delimiter: str,
                                                   quoted: bool, data: st.DataObject) -> None:
    _import(desk, *files.write_csv(data, table, delimiter, quoted, "codes"))


@IMPORTS
@given(table=tables(HEADERS, cells(CODES), first=HEADERS))
def test_code_xlsx_imports_whole_or_refuses_cleanly(desk: tuple[Session, str], files: Files,
                                                    table: list[list[str]]) -> None:
    path = write_xlsx(files.write(b"", ".xlsx", "codes"), table, formulas=True)
    _import(desk, path, len(table))


@IMPORTS
@given(raw=any_bytes(), suffix=st.sampled_from((".csv", ".xlsx", ".vcf", ".txt")))
def test_code_file_of_any_bytes_never_crashes(desk: tuple[Session, str], files: Files,
                                              raw: bytes, suffix: str) -> None:
    _import(desk, files.write(raw, suffix, "codes"), physical_lines(raw))


@FEW
@given(n=st.integers(1, 8), header=st.booleans(), columns=st.integers(1, 3))
def test_every_code_in_a_clean_file_is_added_once(desk: tuple[Session, str], files: Files,
                                                  n: int, header: bool, columns: int) -> None:
    """With or without a header line, one column or several: every code, none twice."""
    codes = [f"ZW{next(_serial):06d}" for _ in range(n)]
    rows = [[c, *(["x"] * (columns - 1))] for c in codes]
    table = ([["Activation Code", *(["Member"] * (columns - 1))]] if header else []) + rows
    raw = csv_text(table, ",", True).encode()
    result = _import(desk, files.write(raw, ".csv", "codes"), len(table))
    assert isinstance(result, CodeImportReport), result
    assert result.imported == n
    found = {r[0] for r in desk[0].db.execute("SELECT code FROM enrollment_codes")}
    assert set(codes) <= found
