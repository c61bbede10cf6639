"""A malformed CSV file is refused, naming the line, by every importer that reads CSV: an
unbalanced quote (which would glue the rest of the file into one cell), a row with more or
fewer cells than the header, or text in an encoding read as another (UTF-16 without its byte
order mark reads as UTF-8 with a NUL between letters)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crisisdesk.domain.errors import UserError
from crisisdesk.services.contact_import import ImportReport, import_contacts
from crisisdesk.services.letters.imports import import_recipients
from crisisdesk.services.session import Session
from crisisdesk.store import contacts as contact_store
from tests.support.importers import FEW, Files, attempt, csv_text, module_desk
from tests.support.letters import HEADER, letter_desk

PEOPLE = ("Dana Reyes", "José Müller", "Sam Lee", "Ana Silva", "Pat Kim", "Kim Ng")
PATIENT = ["Tester", "1970-01-05", "", "100 Elm St", "Springfield", "IL", "62701",
           "", "", "", "", "", "", ""]


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Session, str]]:
    for session in module_desk(tmp_path_factory, "csv-props"):
        yield session, letter_desk(session)


def _contacts(rows: list[str]) -> list[list[str]]:
    return [["Name", "Mobile", "Notes"]] + [
        [name, f"(212) 555-{i:04d}", "on call"] for i, name in enumerate(rows)]


def _patients(rows: list[str]) -> list[list[str]]:
    return [HEADER.split(",")] + [[name, *PATIENT] for name in rows]


IMPORTERS: dict[str, tuple[Callable[[list[str]], list[list[str]]],
                           Callable[[tuple[Session, str], Path], Any]]] = {
    "contacts": (_contacts, lambda d, p: import_contacts(d[0], p)),
    "patients": (_patients, lambda d, p: import_recipients(d[0], p, incident_id=d[1])),
}


def _refused_at(desk: tuple[Session, str], path: Path, importer: str, line: int,
                last_line: int) -> None:
    result = attempt(desk[0], lambda: IMPORTERS[importer][1](desk, path), last_line=last_line)
    assert isinstance(result, UserError), f"a malformed file was imported: {result}"
    assert f"line {line}" in str(result).lower(), f"line {line} is not named: {result}"


@FEW
@given(importer=st.sampled_from(sorted(IMPORTERS)), names=st.lists(
    st.sampled_from(PEOPLE), min_size=1, max_size=5), data=st.data())
def test_an_unbalanced_quote_is_refused_naming_its_line(
        desk: tuple[Session, str], files: Files, importer: str, names: list[str],
        data: st.DataObject) -> None:
    table = IMPORTERS[importer][0](names)
    row = data.draw(st.integers(1, len(table) - 1))
    column = data.draw(st.integers(0, len(table[row]) - 1))
    table[row][column] = '"' + table[row][column]
    text = csv_text(table, ",", quoted=False)
    _refused_at(desk, files.write(text.encode(), ".csv"), importer, row + 1,
                text.count("\n") + 1)


@FEW
@given(importer=st.sampled_from(sorted(IMPORTERS)), names=st.lists(
    st.sampled_from(PEOPLE), min_size=1, max_size=5), more=st.booleans(), data=st.data())
def test_a_row_with_more_or_fewer_cells_than_the_header_is_refused_naming_its_line(
        desk: tuple[Session, str], files: Files, importer: str, names: list[str], more: bool,
        data: st.DataObject) -> None:
    table = IMPORTERS[importer][0](names)
    row = data.draw(st.integers(1, len(table) - 1))
    table[row] = [*table[row], "extra"] if more else table[row][:-1]
    text = csv_text(table, ",", quoted=True)
    _refused_at(desk, files.write(text.encode(), ".csv"), importer, row + 1,
                text.count("\n") + 1)


@FEW
@given(names=st.lists(st.sampled_from(PEOPLE), min_size=1, max_size=5, unique=True),
       encoding=st.sampled_from(("utf-16-le", "utf-16-be", "utf-16", "utf-8-sig", "cp1252")),
       phones=st.booleans())
def test_text_in_any_encoding_imports_the_names_it_holds_or_is_refused(
        desk: tuple[Session, str], files: Files, names: list[str], encoding: str,
        phones: bool) -> None:
    """Never a contact called "\x00D\x00a\x00n\x00a": the right names, or a refusal."""
    session = desk[0]
    before = {c.id for c in contact_store.iter_all(session.db)}
    table = _contacts(names) if phones else [["Name"], *([n] for n in names)]
    text = csv_text(table, ",", quoted=True)
    path = files.write(text.encode(encoding, errors="replace"), ".csv")
    result = attempt(session, lambda: import_contacts(session, path),
                     last_line=text.count("\n") + 1)
    if isinstance(result, ImportReport):
        added = [c.name for c in contact_store.iter_all(session.db) if c.id not in before]
        assert sorted(added) == sorted(n.encode(encoding, errors="replace").decode(
            encoding) for n in names)
