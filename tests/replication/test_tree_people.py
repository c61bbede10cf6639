"""People added to and taken out of a calling tree every laptop has travel to every desk, in
any order: a person added on two laptops is in the tree once (the first add kept, and the
import says so); a person taken out never leaves the people they called without a caller,
including someone moved or added under them on another laptop meanwhile; and the coordinators
running an activation see who added or took out whom, on which laptop."""

from __future__ import annotations

import pytest

from crisisdesk.domain.calling_trees import in_call_order
from crisisdesk.services import team
from crisisdesk.services.calling_trees import activations, trees
from crisisdesk.services.session import Session
from tests.replication.conftest import Team, tick
from tests.replication.exchange import all_bundles, bundle, round_trip
from tests.replication.picture import picture
from tests.support.crisis import staff

TREE = "All staff"
ORDERS = ["abc", "cba", "bca"]


def callers(desk: Session) -> dict[str, str]:
    """Person -> their caller's name ('' = the coordinator), as the desk's tree says."""
    tree = trees.get_tree(desk, TREE)
    names = {c.id: c.name for c in trees.contacts_for(desk, tree).values()}
    return {names[n.contact_id]: names.get(n.caller_id or "", "") for n in tree.nodes}


def call_order(desk: Session) -> list[str]:
    tree = trees.get_tree(desk, TREE)
    order = in_call_order(tree.nodes)
    assert len(order) == len(tree.nodes)  # nobody is left without a caller
    return [n.contact_id for n, _ in order]


def newcomer(t: Team, name: str = "Fay Fox") -> str:
    """A contact made on A that every desk has (one exchange), in no tree yet."""
    fay = staff(t.a, name, phone="(312) 555-0199").id
    made = bundle(t.a, t.tmp / f"contact-{name}.cdbundle")
    for desk in (t.b, t.c):
        team.import_bundle(desk, made)
    return fay


def converged(t: Team, places: bool = True) -> None:
    """Every replicated table alike on the three desks (a tree's version and last-change stamp
    are each laptop's own count of its changes, as with moves), and the same calling order.
    `places=False`: after a move, whose laptop shifts the others of the list to make room
    without sending those shifts, only each person's caller is compared."""
    pictures = {name: picture(desk) for name, desk in t.desks.items()}
    for desk_picture in pictures.values():
        desk_picture["calling_trees"] = [r[:4] + r[5:6] for r in desk_picture["calling_trees"]]
        if not places:
            desk_picture["tree_nodes"] = [r[:5] for r in desk_picture["tree_nodes"]]
    for table in pictures["A"]:
        assert pictures["A"][table] == pictures["B"][table] == pictures["C"][table], table
    if places:
        orders = {name: call_order(desk) for name, desk in t.desks.items()}
        assert orders["A"] == orders["B"] == orders["C"]


BEFORE = {"Lee Lead": "", "Ann Able": "Lee Lead", "Bo Baker": "Lee Lead",
          "Cy Cole": "Lee Lead", "Di Dunn": "Lee Lead", "Ed Eve": "Lee Lead"}


@pytest.mark.parametrize("order", ORDERS)
def test_an_add_and_a_removal_on_two_laptops_reach_every_desk(team_desks: Team,
                                                              order: str) -> None:
    t = team_desks
    fay = newcomer(t)
    ann, bo = t.people[1], t.people[2]
    tick(t.a, 5)
    trees.add_person(t.a, TREE, fay, caller_id=ann)
    tick(t.b, 6)
    trees.remove_person(t.b, TREE, bo)
    round_trip(t, tuple(order), all_bundles(t))
    want = {k: v for k, v in BEFORE.items() if k != "Bo Baker"} | {"Fay Fox": "Ann Able"}
    for name, desk in t.desks.items():
        assert callers(desk) == want, name
    converged(t)


@pytest.mark.parametrize("order", ORDERS)
def test_one_person_added_on_two_laptops_is_in_the_tree_once(team_desks: Team,
                                                             order: str) -> None:
    t = team_desks
    fay = newcomer(t)
    ann, bo = t.people[1], t.people[2]
    tick(t.a, 5)
    trees.add_person(t.a, TREE, fay, caller_id=ann)  # first
    tick(t.b, 7)
    trees.add_person(t.b, TREE, fay, caller_id=bo)
    files = all_bundles(t)
    first, second = ("b", "a") if order == "bca" else ("a", "b")
    team.import_bundle(t.c, files[first])
    met = team.import_bundle(t.c, files[second])
    assert "1 person added to a calling tree on two laptops, kept once" in met.sentence()
    round_trip(t, tuple(order), files)
    for name, desk in t.desks.items():
        tree = trees.get_tree(desk, TREE)
        assert [n.contact_id for n in tree.nodes].count(fay) == 1, name
        assert callers(desk)["Fay Fox"] == "Ann Able", name  # A added her first
    converged(t)


@pytest.mark.parametrize("order", ORDERS)
def test_the_people_a_removed_person_called_move_up_on_every_desk(team_desks: Team,
                                                                  order: str) -> None:
    t = team_desks
    fay = newcomer(t)
    lee, ann, cy, di, ed = t.people[0], t.people[1], t.people[3], t.people[4], t.people[5]
    for who in (cy, di):
        trees.move_person(t.a, TREE, who, caller_id=ann)
    shared = bundle(t.a, t.tmp / "shared.cdbundle")
    for desk in (t.b, t.c):
        team.import_bundle(desk, shared)
    tick(t.a, 5)
    trees.remove_person(t.a, TREE, ann)  # Cy and Di move up to Lee on A at once
    assert callers(t.a)["Cy Cole"] == callers(t.a)["Di Dunn"] == "Lee Lead"
    tick(t.b, 7)
    trees.move_person(t.b, TREE, ed, caller_id=ann)  # meanwhile, on B: under Ann
    trees.add_person(t.b, TREE, fay, caller_id=ann)
    trees.move_person(t.b, TREE, di, caller_id=cy)  # Di moved elsewhere: stays there
    round_trip(t, tuple(order), all_bundles(t))
    want = {"Lee Lead": "", "Bo Baker": "Lee Lead", "Cy Cole": "Lee Lead",
            "Di Dunn": "Cy Cole", "Ed Eve": "Lee Lead", "Fay Fox": "Lee Lead"}
    for name, desk in t.desks.items():
        assert callers(desk) == want, name
        assert lee in call_order(desk)
    converged(t)


def test_a_person_taken_out_while_moved_elsewhere_stays_out(team_desks: Team) -> None:
    t = team_desks
    ann, bo = t.people[1], t.people[2]
    tick(t.a, 5)
    trees.remove_person(t.a, TREE, ann)
    tick(t.b, 7)
    trees.move_person(t.b, TREE, ann, caller_id=bo)
    round_trip(t, ("b", "a", "c"), all_bundles(t))
    for name, desk in t.desks.items():
        assert "Ann Able" not in callers(desk), name
    converged(t, places=False)


def test_a_person_taken_out_and_added_again_is_back_on_every_desk(team_desks: Team) -> None:
    t = team_desks
    ann, bo = t.people[1], t.people[2]
    tick(t.a, 5)
    trees.remove_person(t.a, TREE, ann)
    shared = bundle(t.a, t.tmp / "out.cdbundle")
    tick(t.a, 9)
    trees.add_person(t.a, TREE, ann, caller_id=bo)
    team.import_bundle(t.c, shared)  # C sees her taken out first
    assert "Ann Able" not in callers(t.c)
    round_trip(t, ("a", "b", "c"), all_bundles(t))
    for name, desk in t.desks.items():
        assert callers(desk)["Ann Able"] == "Bo Baker", name
    converged(t)


def test_the_activation_names_adds_and_removals_from_other_laptops(team_desks: Team) -> None:
    t = team_desks
    fay = newcomer(t)
    ann, bo = t.people[1], t.people[2]
    trees.move_person(t.b, TREE, t.people[3], caller_id=bo)  # Cy under Bo on B
    tick(t.a, 5)
    trees.add_person(t.a, TREE, fay, caller_id=ann)
    tick(t.b, 8)
    trees.remove_person(t.b, TREE, bo)
    round_trip(t, ("a", "b", "c"), all_bundles(t))
    lines = [c.line() for c in activations.view(t.c, t.activation).changes.changes]
    assert any(line.startswith("Fay Fox added to the tree, called by Ann Able — on "
                               "Command centre by ") for line in lines), lines
    assert any(line.startswith("Bo Baker taken out of the tree; the people they called "
                               "move up to Lee Lead — on Site 2 laptop by ")
               for line in lines), lines


@pytest.mark.parametrize("order", ORDERS)
def test_moving_up_that_would_make_a_loop_goes_to_the_coordinator(team_desks: Team,
                                                                   order: str) -> None:
    t = team_desks
    ann, bo, cy = t.people[1], t.people[2], t.people[3]
    trees.move_person(t.a, TREE, bo, caller_id=ann)  # Bo under Ann, on every desk
    shared = bundle(t.a, t.tmp / "shared.cdbundle")
    for desk in (t.b, t.c):
        team.import_bundle(desk, shared)
    tick(t.a, 5)
    trees.remove_person(t.a, TREE, bo)
    trees.move_person(t.a, TREE, ann, caller_id=cy)  # fine on A: Cy is under Lee there
    tick(t.b, 7)
    trees.move_person(t.b, TREE, cy, caller_id=bo)  # fine on B: Bo is under Ann there
    round_trip(t, tuple(order), all_bundles(t))
    # Cy would move up to Ann (Bo's caller), who is under Cy now: the coordinator calls Cy.
    want = {"Lee Lead": "", "Ann Able": "Cy Cole", "Cy Cole": "", "Di Dunn": "Lee Lead",
            "Ed Eve": "Lee Lead"}
    for name, desk in t.desks.items():
        assert callers(desk) == want, name
        assert len(call_order(desk)) == len(want), name  # everyone is called
    converged(t, places=False)


def test_a_removal_that_arrives_before_its_new_tree_still_applies(team_desks: Team) -> None:
    t = team_desks
    ann, bo = t.people[1], t.people[2]
    night = trees.create_tree(t.a, "Night shift")
    trees.add_person(t.a, night.id, ann)
    trees.add_person(t.a, night.id, bo, caller_id=ann)
    made = bundle(t.a, t.tmp / "night.cdbundle")
    team.import_bundle(t.b, made)
    tick(t.b, 5)
    trees.remove_person(t.b, "Night shift", bo)
    for_a = team.export_bundle(t.b, t.tmp / "for-a.cdbundle", for_laptop="Command centre").path
    team.import_bundle(t.c, for_a)  # B's removal, without the tree (A has it)
    assert all(s.tree.name != "Night shift" for s in trees.list_trees(t.c))
    team.import_bundle(t.c, made)  # the tree as it first left A: Ann and Bo
    team.import_bundle(t.a, for_a)
    for name, desk in t.desks.items():
        people = [n.contact_id for n in trees.get_tree(desk, "Night shift").nodes]
        assert people == [ann], name
