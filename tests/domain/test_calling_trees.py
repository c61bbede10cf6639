"""Calling-tree structure: checks for the validation panel, loop-proof moves, file rows."""

from __future__ import annotations

import pytest

from crisisdesk.domain.calling_trees import (
    PersonInfo,
    TreeNode,
    check_backup,
    check_move,
    in_call_order,
    validate_tree,
)
from crisisdesk.domain.errors import ImportRejected, ValidationError
from crisisdesk.domain.tree_files import TreeRow, nodes_from_rows, resolver, tree_rows

NODES = [TreeNode("lead", None, 0), TreeNode("a", "lead", 0), TreeNode("b", "lead", 1),
         TreeNode("a1", "a", 0)]
PEOPLE = {cid: PersonInfo(cid.upper(), True) for cid in ("lead", "a", "b", "a1")}


def kinds(problems: list) -> list[tuple[str, str]]:
    return sorted((p.kind, p.contact_id) for p in problems)


def test_a_good_tree_has_no_problems_and_lists_depth_first() -> None:
    assert validate_tree(NODES, PEOPLE, fan_out_limit=5) == []
    assert [(n.contact_id, d) for n, d in in_call_order(NODES)] == [
        ("lead", 0), ("a", 1), ("a1", 2), ("b", 1)]


def test_fan_out_over_the_limit_is_reported_for_the_caller() -> None:
    problems = validate_tree(NODES, PEOPLE, fan_out_limit=1)
    assert kinds(problems) == [("fan_out", "lead")]
    assert "2 people to call; the limit is 1" in problems[0].message


def test_no_phone_and_a_branch_nobody_can_pass_on() -> None:
    people = {**PEOPLE, "a": PersonInfo("A", False)}
    assert kinds(validate_tree(NODES, people, fan_out_limit=5)) == [("no_phone", "a"),
                                                                   ("unreachable", "a")]
    with_backup = [n if n.contact_id != "a" else TreeNode("a", "lead", 0, "b") for n in NODES]
    assert kinds(validate_tree(with_backup, people, fan_out_limit=5)) == [("no_phone", "a")]


def test_duplicates_deleted_contacts_own_backup_and_orphans() -> None:
    nodes = [*NODES, TreeNode("a", "b", 3), TreeNode("gone", "lead", 2),
             TreeNode("orphan", "nobody", 0)]
    nodes[1] = TreeNode("a", "lead", 0, backup_id="a")
    people = {**PEOPLE, "orphan": PersonInfo("O", True)}
    found = kinds(validate_tree(nodes, people, fan_out_limit=5))
    assert ("duplicate", "a") in found
    assert ("own_backup", "a") in found
    assert ("missing_contact", "gone") in found
    assert ("unreachable", "orphan") in found


def test_moves_that_would_make_a_loop_are_refused() -> None:
    with pytest.raises(ValidationError, match="loop"):
        check_move(NODES, "a", "a1")  # a1 is called by a
    with pytest.raises(ValidationError, match="loop"):
        check_move(NODES, "lead", "a1")
    with pytest.raises(ValidationError, match="own list"):
        check_move(NODES, "a", "a")
    with pytest.raises(ValidationError, match="not in this tree"):
        check_move(NODES, "a", "stranger")
    check_move(NODES, "a1", "b")
    check_move(NODES, "a1", None)
    with pytest.raises(ValidationError, match="own backup"):
        check_backup("a", "a")


CONTACTS = {"id-lead": "Lee Lead", "id-a": "Ann A", "id-b": "Bo B", "id-c": "Cy C",
            "id-twin1": "Sam Twin", "id-twin2": "Sam Twin"}


def rows(*cells: tuple[str, str, str]) -> list[TreeRow]:
    headers = ["Person", "Caller", "Backup"]
    return tree_rows(headers, [(i + 2, dict(zip(headers, c, strict=True)))
                               for i, c in enumerate(cells)])


def test_rows_become_nodes_in_file_order() -> None:
    nodes = nodes_from_rows(rows(("Lee Lead", "", "Bo B"), ("ann a", "Lee Lead", ""),
                                 ("Bo B", "Lee Lead", ""), ("id-c", "Ann A", "")),
                            resolver(CONTACTS))
    assert nodes == [TreeNode("id-lead", None, 0, "id-b"), TreeNode("id-a", "id-lead", 0),
                     TreeNode("id-b", "id-lead", 1), TreeNode("id-c", "id-a", 0)]


def test_bad_rows_are_named_by_line_and_nothing_is_returned() -> None:
    with pytest.raises(ImportRejected) as caught:
        nodes_from_rows(rows(("Lee Lead", "", ""), ("Nobody Here", "Lee Lead", ""),
                             ("Ann A", "Lee Lead", "Ann A"), ("Sam Twin", "", ""),
                             ("Lee Lead", "", ""), ("Bo B", "Cy C", "")), resolver(CONTACTS))
    problems = {p.line: p.reason for p in caught.value.problems}
    assert "not in Contacts" in problems[3]
    assert "own backup" in problems[4]
    assert "more than one contact" in problems[5]
    assert "already listed on line 2" in problems[6]
    assert "no row of their own" in problems[7]
    assert "Nothing was imported: line 3" in str(caught.value)
    assert "--skip-invalid" not in str(caught.value)


def test_a_loop_of_callers_is_refused() -> None:
    with pytest.raises(ImportRejected) as caught:
        nodes_from_rows(rows(("Lee Lead", "", ""), ("Ann A", "Bo B", ""),
                             ("Bo B", "Ann A", "")), resolver(CONTACTS))
    assert [(p.line, p.reason) for p in caught.value.problems] == [
        (3, "this row makes a loop of callers"), (4, "this row makes a loop of callers")]


def test_a_file_without_a_person_column_is_refused() -> None:
    with pytest.raises(ImportRejected, match="person, caller and backup"):
        tree_rows(["Name", "Phone"], [(2, {"Name": "x", "Phone": "y"})])
