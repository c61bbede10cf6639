"""Affected-patient lists against whatever a file can hold: every row is imported (or, when
asked, set aside for review), or nothing is, with the line and the reason; never a crash."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crisisdesk.domain.errors import UserError
from crisisdesk.services.letters.imports import RecipientImportReport, import_recipients
from crisisdesk.services.session import Session
from tests.support.importers import (
    BIG_CELLS,
    FEW,
    IMPORTS,
    LITERALS,
    QUOTED,
    Files,
    any_bytes,
    attempt,
    audit_entries,
    cells,
    chance,
    csv_text,
    module_desk,
    physical_lines,
    write_xlsx,
)
from tests.support.letters import HEADER, letter_desk

COLUMNS = HEADER.split(",")
USUAL: dict[str, tuple[str, ...]] = {
    "FIRST": ("Pat", "José", "Mary-Anne", "O'Brien"),
    "LAST": ("Tester", "Müller", "Nguyen Jr."),
    "BIRTHDATE": ("1970-01-05", "2015-06-30", "1944-12-31", "1988-02-29"),
    "ADDRESS": ("100 Elm St", "4 Main Street Apt 2"),
    "CITY": ("Springfield", "Boston"),
    "STATE": ("IL", "Illinois", "il"),
    "ZIP": ("62701", "62701-1234", "62701.0"),
    "LANGUAGE": ("", "es", "Spanish", "English"),
}
# Values a real export holds that cannot be used as they are.
ODD: dict[str, tuple[str, ...]] = {
    "FIRST": ("",), "LAST": ("",), "BIRTHDATE": ("", "05/06/1970"), "DEATHDATE": ("2025-01-02",),
    "ADDRESS": ("",), "CITY": ("",), "STATE": ("", "ZZ", "Mass."),
    "ZIP": ("0", "00000", "N/A", "", "2134", "02134"),
}
_imports = itertools.count()


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Session, str]]:
    for session in module_desk(tmp_path_factory, "recipient-props"):
        yield session, letter_desk(session)


@pytest.fixture(scope="module")
def clean_desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Session, str]]:
    """A desk no odd file has taught a column mapping (the desk remembers one per header
    set, so a file whose headers read alike but are spelled otherwise would change it)."""
    for session in module_desk(tmp_path_factory, "recipient-literal"):
        yield session, letter_desk(session)


@st.composite
def patient_tables(draw: st.DrawFn) -> list[list[str]]:
    """The usual export's columns (sometimes shuffled, dropped or repeated) and rows of likely
    values, a few cells replaced by anything at all."""
    header = list(COLUMNS)
    if draw(st.booleans()):
        header = draw(st.permutations(header))
    if chance(draw, 20):
        header = draw(st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=len(COLUMNS)))
    if chance(draw, 20):
        header[draw(st.integers(0, len(header) - 1))] = draw(cells())
    hostile = cells()
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        row = [draw(st.sampled_from(ODD.get(h, ("",)) if chance(draw, 15)
                                    else USUAL.get(h, ("",)))) for h in header]
        for _ in range(draw(st.integers(1, 100)) // 40):
            row[draw(st.integers(0, len(row) - 1))] = draw(hostile)
        if chance(draw, 10):
            row = row[:-1] if draw(st.booleans()) else [*row, draw(hostile)]
        rows.append(row)
    if rows and chance(draw, 10):
        row = rows[draw(st.integers(0, len(rows) - 1))]
        at = draw(st.integers(0, len(header) - 1))
        if at < len(row):
            row[at] = draw(st.sampled_from(BIG_CELLS))
    return [header, *rows]


def _count(desk: Session, table: str, incident_id: str) -> int:
    return int(desk.db.execute(f"SELECT count(*) FROM {table} WHERE incident_id = ?",
                               [incident_id]).fetchone()[0])


def _import(desk: tuple[Session, str], path: Path, last_line: int,
            set_aside: bool = False) -> RecipientImportReport | UserError:
    session, incident_id = desk
    people = _count(session, "recipients", incident_id)
    review = _count(session, "recipient_review", incident_id)
    audit = audit_entries(session)
    result = attempt(session, lambda: import_recipients(
        session, path, incident_id=incident_id, set_aside_invalid=set_aside),
        last_line=last_line)
    if isinstance(result, RecipientImportReport):
        assert _count(session, "recipients", incident_id) - people == result.imported
        assert _count(session, "recipient_review", incident_id) - review == result.set_aside
        assert result.imported + result.set_aside == result.total_rows
        assert audit_entries(session) == audit + 1
        if not set_aside:
            assert result.set_aside == 0
            assert not result.problems
        for problem in result.problems:
            assert 1 <= problem.line <= last_line
            assert problem.reason.strip()
    return result


@IMPORTS
@given(table=patient_tables(), delimiter=st.sampled_from(",;\t"), quoted=QUOTED,
       set_aside=st.booleans(), data=st.data())
def test_patient_csv_imports_whole_or_refuses_cleanly(desk: tuple[Session, str], files: Files,
                                                      table: list[list[str]], delimiter: str,
                                                      quoted: bool, set_aside: bool,
                                                      data: st.DataObject) -> None:
    _import(desk, *files.write_csv(data, table, delimiter, quoted, "patients"), set_aside)


@IMPORTS
@given(table=patient_tables(), set_aside=st.booleans())
def test_patient_xlsx_imports_whole_or_refuses_cleanly(desk: tuple[Session, str],
                                                       files: Files, table: list[list[str]],
                                                       set_aside: bool) -> None:
    path = write_xlsx(files.write(b"", ".xlsx", "patients"), table, formulas=False)
    _import(desk, path, len(table), set_aside)


@IMPORTS
@given(raw=any_bytes(), suffix=st.sampled_from((".csv", ".xlsx", ".vcf", ".txt")),
       set_aside=st.booleans())
def test_patient_list_of_any_bytes_never_crashes(desk: tuple[Session, str], files: Files,
                                                 raw: bytes, suffix: str,
                                                 set_aside: bool) -> None:
    _import(desk, files.write(raw, suffix, "patients"), physical_lines(raw), set_aside)


@FEW
@given(names=st.lists(st.sampled_from(LITERALS), min_size=1, max_size=len(LITERALS),
                      unique=True),
       encoding=st.sampled_from(("utf-8", "utf-8-sig", "utf-16")))
def test_patient_names_that_look_like_formulas_or_markup_are_stored_literally(
        clean_desk: tuple[Session, str], files: Files, names: list[str], encoding: str) -> None:
    session, incident_id = desk = clean_desk
    tag = f"T{next(_imports)}"
    table = [COLUMNS] + [[n, f"{tag}-{i}", "1970-01-05", "", "100 Elm St", "Springfield",
                          "IL", "62701", "", "", "", "", "", "", ""]
                         for i, n in enumerate(names)]
    path = files.write(csv_text(table, ",", True).encode(encoding), ".csv", "patients")
    report = _import(desk, path, len(table))
    assert isinstance(report, RecipientImportReport), report
    stored = dict(session.db.execute(
        "SELECT last_name, first_name FROM recipients WHERE last_name LIKE ?", [f"{tag}-%"]))
    assert stored == {f"{tag}-{i}": n for i, n in enumerate(names)}


@FEW
@given(big=st.sampled_from(BIG_CELLS),
       column=st.integers(0, len(COLUMNS) - 1),
       suffix=st.sampled_from((".csv", ".xlsx")), set_aside=st.booleans())
def test_a_huge_cell_imports_or_is_refused_without_quoting_it_whole(
        desk: tuple[Session, str], files: Files, big: str, column: int, suffix: str,
        set_aside: bool) -> None:
    row = ["Pat", "Tester", "1970-01-05", "", "100 Elm St", "Springfield", "IL", "62701",
           "", "", "", "", "", "", ""]
    table = [COLUMNS, list(row), list(row)]
    table[2][column] = big
    if suffix == ".csv":
        path = files.write(csv_text(table, ",", True).encode(), suffix, "patients")
    else:
        path = write_xlsx(files.write(b"", suffix, "patients"), table, formulas=False)
    _import(desk, path, len(table), set_aside)
