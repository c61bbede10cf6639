"""Calling-tree moves on several laptops. One person moved to two different callers is a field
conflict; moves that are each fine alone but make a loop together (Ann under Bo on one laptop,
Bo under Ann on the other) are a conflict of their own: every desk keeps the tree as it was
before the moves, so nobody drops out of the calling order, and a coordinator keeps one
laptop's moves."""

from __future__ import annotations

import json

import pytest

from crisisdesk.domain.calling_trees import in_call_order
from crisisdesk.services import team, team_conflicts
from crisisdesk.services.calling_trees import trees
from crisisdesk.services.session import Session
from tests.replication.conftest import Team, tick
from tests.replication.exchange import ORDERS, bundle, concurrent, resolve_everywhere
from tests.support.cli import run_cli

TREE = "All staff"


def callers(desk: Session) -> dict[str, str]:
    """Person -> their caller's name ('' = the coordinator), as the desk's tree says."""
    tree = trees.get_tree(desk, TREE)
    names = {c.id: c.name for c in trees.contacts_for(desk, tree).values()}
    return {names[n.contact_id]: names.get(n.caller_id or "", "") for n in tree.nodes}


def everyone_is_called(desk: Session) -> bool:
    tree = trees.get_tree(desk, TREE)
    return len(in_call_order(tree.nodes)) == len(tree.nodes)


def move(desk: Session, who: str, under: str) -> None:
    trees.move_person(desk, TREE, who, caller_id=under)


BEFORE = {"Lee Lead": "", "Ann Able": "Lee Lead", "Bo Baker": "Lee Lead",
          "Cy Cole": "Lee Lead", "Di Dunn": "Lee Lead", "Ed Eve": "Lee Lead"}


@pytest.mark.parametrize("order", ORDERS)
def test_moves_that_make_a_loop_keep_the_tree_as_before_on_every_desk(
        team_desks: Team, order: str) -> None:
    t = team_desks
    ann, bo = t.people[1], t.people[2]

    def change(desk: Session, who: str) -> None:
        if who == "A":
            move(desk, ann, bo)  # Ann under Bo: fine on A
        else:
            move(desk, bo, ann)  # Bo under Ann: fine on B

    conflict = concurrent(t, change, order)
    assert (conflict.kind, conflict.entity, conflict.label) == ("loop", "calling_tree", TREE)
    assert [(x.laptop, x.value) for x in conflict.candidates] == [
        ("Command centre", "Ann Able called by Bo Baker"),
        ("Site 2 laptop", "Bo Baker called by Ann Able")]
    assert conflict.kept == "; ".join(sorted(
        ["Ann Able called by Lee Lead", "Bo Baker called by Lee Lead"],
        key=lambda text: {"Ann": ann, "Bo ": bo}[text[:3]]))
    for name, desk in t.desks.items():
        assert callers(desk) == BEFORE, name
        assert everyone_is_called(desk), name
        assert team.team_status(desk).conflicts == 1, name
    resolve_everywhere(t, conflict, "Site 2 laptop")
    for name, desk in t.desks.items():
        assert callers(desk) == {**BEFORE, "Bo Baker": "Ann Able"}, name
        assert everyone_is_called(desk), name


def test_a_loop_is_refused_a_typed_value_and_a_laptop_with_no_move_in_it(
        team_desks: Team) -> None:
    t = team_desks
    ann, bo = t.people[1], t.people[2]
    conflict = concurrent(t, lambda d, w: move(d, *((ann, bo) if w == "A" else (bo, ann))),
                          "ab")
    with pytest.raises(team_conflicts.UserError, match="--take"):
        team_conflicts.resolve_conflict(t.a, conflict.id, value="Ann under Lee")
    with pytest.raises(team_conflicts.NotFound, match="Command centre, Site 2 laptop"):
        team_conflicts.resolve_conflict(t.a, conflict.id, take_laptop="Spokesperson laptop")
    assert len(team_conflicts.list_conflicts(t.a)) == 1  # nothing half-done
    # Moving one of them by hand on a desk also settles it: the move supersedes the loop's.
    move(t.a, bo, t.people[3])
    assert team_conflicts.list_conflicts(t.a) == []
    team.import_bundle(t.b, bundle(t.a, t.tmp / "a2.cdbundle"))
    for desk in (t.a, t.b):
        assert callers(desk) == {**BEFORE, "Ann Able": "Bo Baker", "Bo Baker": "Cy Cole"}
        assert team_conflicts.list_conflicts(desk) == []


@pytest.mark.parametrize("order", ORDERS[:2])
def test_one_person_moved_to_two_callers_is_a_field_conflict(
        team_desks: Team, order: str) -> None:
    t = team_desks
    cy = t.people[3]
    under = {"A": t.people[1], "B": t.people[2]}
    conflict = concurrent(t, lambda d, w: move(d, cy, under[w]), order)
    assert (conflict.kind, conflict.label, conflict.field) == ("field", f"Cy Cole in {TREE}",
                                                               "caller")
    assert [x.value for x in conflict.candidates] == ["called by Ann Able, place 1",
                                                      "called by Bo Baker, place 1"]
    assert {callers(d)["Cy Cole"] for d in t.desks.values()} == {"Lee Lead"}
    resolve_everywhere(t, conflict, "Command centre")
    assert {callers(d)["Cy Cole"] for d in t.desks.values()} == {"Ann Able"}


def test_backups_and_moves_made_one_after_the_other_never_conflict(team_desks: Team) -> None:
    t = team_desks
    ann, bo, cy = t.people[1], t.people[2], t.people[3]
    trees.set_backup(t.a, TREE, ann, cy)
    move(t.a, bo, ann)
    team.import_bundle(t.b, bundle(t.a, t.tmp / "a.cdbundle"))
    move(t.b, ann, cy)  # B saw Bo go under Ann: Ann under Cy makes no loop
    team.import_bundle(t.c, bundle(t.b, t.tmp / "b.cdbundle"))
    for desk in (t.b, t.c):
        assert team_conflicts.list_conflicts(desk) == []
        assert callers(desk) == {**BEFORE, "Bo Baker": "Ann Able", "Ann Able": "Cy Cole"}
        assert trees.get_tree(desk, TREE).node(ann).backup_id == cy


@pytest.mark.slow  # each command is a fresh process
def test_a_loop_from_the_command_line(team_desks: Team) -> None:
    t = team_desks
    ann, bo = t.people[1], t.people[2]
    tick(t.a, 5)
    move(t.a, ann, bo)
    tick(t.b, 7)
    move(t.b, bo, ann)
    team.import_bundle(t.b, bundle(t.a, t.tmp / "a.cdbundle"))
    b_dir = t.tmp / "B"
    t.b.close()
    listed = run_cli(b_dir, "team", "conflicts")
    assert listed.returncode == 0, listed.stderr
    assert f"calling tree {TREE}: these moves make a loop" in listed.stdout
    assert "Ann Able called by Bo Baker" in listed.stdout
    [conflict] = json.loads(run_cli(b_dir, "team", "conflicts", "--json").stdout)
    assert conflict["kind"] == "loop"
    out = run_cli(b_dir, "team", "resolve", conflict["id"], "--take", "command centre")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == (f"Resolved {conflict['id']}: kept the moves of Command "
                                  "centre: Ann Able called by Bo Baker.")
    assert run_cli(b_dir, "team", "conflicts").stdout.strip() == "No conflicts."
