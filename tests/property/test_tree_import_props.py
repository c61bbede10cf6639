"""Calling-tree import (`person, caller, backup` in CSV or Excel) against whatever a file can
hold: the whole tree is written, or nothing, with the line and the reason."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crisisdesk.domain.calling_trees import CallingTree
from crisisdesk.domain.contacts import ContactDraft
from crisisdesk.domain.errors import UserError
from crisisdesk.services import contacts as contact_service
from crisisdesk.services.calling_trees import trees as tree_service
from crisisdesk.services.calling_trees.files import import_tree
from crisisdesk.services.session import Session
from crisisdesk.store import calling_trees as tree_store
from tests.support.importers import (
    BIG_CELLS,
    FEW,
    FORMULAS,
    IMPORTS,
    MARKUP,
    QUOTED,
    Files,
    any_bytes,
    attempt,
    audit_entries,
    cells,
    csv_text,
    module_desk,
    physical_lines,
    write_xlsx,
)
from tests.support.importers import tables as any_tables

PEOPLE = ("Dana Reyes", "Sam Lee", "Ana Silva", "Pat Kim", FORMULAS[0], MARKUP[0], "@SUM(1+1)")
_trees = itertools.count()


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    for session in module_desk(tmp_path_factory, "tree-props"):
        for name in (*PEOPLE, "Pat Kim"):  # two people called Pat Kim: that name is ambiguous
            contact_service.add_contact(session, ContactDraft(name=name))
        yield session


HEADERS = st.sampled_from(("person", "caller", "backup", "Person", " CALLER ", "'=person",
                           "notes", "=person"))
NAMES = st.sampled_from((*PEOPLE, "  dana   REYES ", "'" + FORMULAS[0], "Nobody Known", ""))
CELLS = cells(st.one_of(NAMES, st.just("")), odd=8)


def _import(desk: Session, path: Path, last_line: int,
            replace: bool = False) -> CallingTree | UserError:
    """Import as a new tree, or over the module's "Base" tree (made on first use)."""
    trees_before, audit_before = len(tree_store.list_trees(desk.db)), audit_entries(desk)
    name, ref = f"Tree {next(_trees)}", None
    if replace:
        base = tree_store.find(desk.db, "Base")
        ref = base[0].id if base else tree_service.create_tree(desk, "Base").id
        trees_before, audit_before = len(tree_store.list_trees(desk.db)), audit_entries(desk)
        nodes_before = tree_store.nodes(desk.db, ref)
    result = attempt(desk, lambda: import_tree(desk, path, tree_ref=ref, name=name),
                     last_line=last_line)
    if isinstance(result, CallingTree):
        assert result.name == ("Base" if replace else name)
        assert len(tree_store.list_trees(desk.db)) == trees_before + (not replace)
        assert audit_entries(desk) == audit_before + 1
    elif replace:
        assert tree_store.nodes(desk.db, ref) == nodes_before, "a refused import changed a tree"
    return result


@IMPORTS
@given(table=any_tables(HEADERS, CELLS, first=st.just("person")),
       delimiter=st.sampled_from(",;\t"), quoted=QUOTED, replace=st.booleans(),
       data=st.data())
def test_tree_csv_imports_whole_or_refuses_cleanly(desk: Session, files: Files,
                                                   table: list[list[str]], delimiter: str,
                                                   quoted: bool, replace: bool,
                                                   data: st.DataObject) -> None:
    _import(desk, *files.write_csv(data, table, delimiter, quoted, "tree"), replace)


@IMPORTS
@given(raw=any_bytes(), suffix=st.sampled_from((".csv", ".xlsx", ".txt", ".vcf")))
def test_tree_any_bytes_never_crash(desk: Session, files: Files, raw: bytes,
                                    suffix: str) -> None:
    _import(desk, files.write(raw, suffix, "tree"), physical_lines(raw))


@IMPORTS
@given(people=st.lists(st.sampled_from(PEOPLE[:4] + PEOPLE[4:]), min_size=1, max_size=6),
       neutralised=st.booleans())
def test_tree_names_that_look_like_formulas_or_markup_are_matched_literally(
        desk: Session, files: Files, people: list[str], neutralised: bool) -> None:
    """A contact called "=HYPERLINK(...)" or "<script>" is found by its name, as typed or as
    our own export wrote it (with the spreadsheet-safe apostrophe)."""
    rows = [["person", "caller", "backup"]]
    for name in dict.fromkeys(people):
        cell = "'" + name if neutralised and name[0] in "=+-@" else name
        rows.append([cell, "", ""])
    raw = csv_text(rows, ",", True).encode("utf-8")
    result = _import(desk, files.write(raw, ".csv", "tree"), len(rows))
    if "Pat Kim" in people:
        assert isinstance(result, UserError)
        assert "more than one contact" in str(result)
        return
    assert isinstance(result, CallingTree), result
    by_id = {c.id: c.name for c in contact_service.list_contacts(desk)}
    assert [by_id[n.contact_id] for n in result.nodes] == list(dict.fromkeys(people))


@IMPORTS
@given(table=any_tables(HEADERS, CELLS, first=st.just("person")), formulas=st.booleans())
def test_tree_xlsx_imports_whole_or_refuses_cleanly(desk: Session, files: Files,
                                                    table: list[list[str]],
                                                    formulas: bool) -> None:
    _import(desk, write_xlsx(files.write(b"", ".xlsx", "tree"), table, formulas), len(table))


@FEW
@given(big=st.sampled_from(BIG_CELLS), column=st.integers(0, 2), suffix=st.sampled_from(
    (".csv", ".xlsx")))
def test_a_huge_cell_is_refused_without_quoting_it_whole(desk: Session, files: Files, big: str,
                                                         column: int, suffix: str) -> None:
    table = [["person", "caller", "backup"], ["Dana Reyes", "", ""], ["Sam Lee", "", ""]]
    table[2][column] = big
    if suffix == ".csv":
        path = files.write(csv_text(table, ",", True).encode(), suffix, "tree")
    else:
        path = write_xlsx(files.write(b"", suffix, "tree"), table, formulas=False)
    assert isinstance(_import(desk, path, len(table)), UserError)


def test_a_vcard_file_is_not_read_as_a_tree(desk: Session, files: Files) -> None:
    raw = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Dana Reyes\r\nEND:VCARD\r\n"
    result = _import(desk, files.write(raw, ".vcf", "tree"), 4)
    assert isinstance(result, UserError), result
    assert "not a CSV or Excel" in str(result), result
