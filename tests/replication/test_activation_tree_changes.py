"""Calling-tree structure changes made during an activation reach every coordinator running
it: a move made on laptop A shows on A's activation view and, after one exchange, on B's, with
A's laptop, operator and time in each desk's own zone; the running activation keeps following
its frozen copy; each laptop marks the changes as seen on its own."""

from __future__ import annotations

import json

import pytest

from crisisdesk.domain.errors import UserError
from crisisdesk.services import settings as settings_service
from crisisdesk.services import team
from crisisdesk.services.calling_trees import activations, reports, trees
from crisisdesk.services.session import Session
from tests.replication.conftest import Team, tick
from tests.replication.exchange import bundle
from tests.support.cli import run_cli
from tests.support.crisis import staff

TREE = "All staff"


def lines(desk: Session, activation_id: str) -> list[str]:
    return [c.line() for c in activations.view(desk, activation_id).changes.unseen]


def caller_in_activation(desk: Session, activation_id: str, contact_id: str) -> str | None:
    frozen = {p.contact_id: p for p in activations.view(desk, activation_id).people}
    return frozen[contact_id].caller_id


def test_a_move_on_one_laptop_shows_on_both_activation_views(team_desks: Team) -> None:
    t = team_desks
    ann, bo = t.people[1], t.people[2]
    settings_service.set(t.a, "timezone", "Europe/Paris")
    settings_service.set(t.b, "timezone", "America/Chicago")
    assert lines(t.a, t.activation) == lines(t.b, t.activation) == []
    tick(t.a, 5)
    trees.move_person(t.a, TREE, ann, caller_id=bo)  # Ann under Bo, during the activation
    assert lines(t.a, t.activation) == [
        "Ann Able moved under Bo Baker (place 1) — on Command centre by alex, 2026-03-20 13:05"]
    assert lines(t.b, t.activation) == []  # not exchanged yet
    team.import_bundle(t.b, bundle(t.a, t.tmp / "a.cdbundle"))
    assert lines(t.b, t.activation) == [
        "Ann Able moved under Bo Baker (place 1) — on Command centre by alex, 2026-03-20 07:05"]
    # The running activation still follows the tree as it was when it started.
    for desk in (t.a, t.b):
        view = activations.view(desk, t.activation)
        assert "still follows the tree as it was when it started" in view.changes.note
        assert caller_in_activation(desk, t.activation, ann) == t.people[0]
        assert trees.get_tree(desk, TREE).node(ann).caller_id == bo


def test_a_backup_change_from_another_laptop_and_marking_seen_per_laptop(
        team_desks: Team) -> None:
    t = team_desks
    ann, cy = t.people[1], t.people[3]
    tick(t.b, 9)
    trees.set_backup(t.b, TREE, ann, cy)
    team.import_bundle(t.a, bundle(t.b, t.tmp / "b.cdbundle"))
    [change] = activations.view(t.a, t.activation).changes.unseen
    assert (change.text, change.laptop, change.operator) == (
        "Ann Able's backup is now Cy Cole", "Site 2 laptop", "alex")
    assert activations.mark_tree_changes_seen(t.a, t.activation) == 1
    assert lines(t.a, t.activation) == []
    assert [c.seen for c in activations.view(t.a, t.activation).changes.changes] == [True]
    assert len(lines(t.b, t.activation)) == 1  # seen on A, not on B
    with pytest.raises(UserError, match="No calling-tree changes"):
        activations.mark_tree_changes_seen(t.a, t.activation)
    audit = t.a.db.execute("SELECT count(*) FROM audit WHERE action = "
                           "'activation.tree_changes_seen'").fetchone()[0]
    assert audit == 1
    # A later change shows again, alone.
    tick(t.a, 12)
    trees.set_backup(t.a, TREE, ann, None)
    assert [c.split(" — on ")[0] for c in lines(t.a, t.activation)] == [
        "Ann Able no longer has a backup"]


def test_people_added_and_taken_out_here_show_and_a_closed_activation_has_no_notice(
        team_desks: Team) -> None:
    t = team_desks
    di = t.people[4]
    settings_service.set(t.a, "timezone", "UTC")
    tick(t.a, 3)
    trees.remove_person(t.a, TREE, di)
    assert lines(t.a, t.activation) == [
        "Di Dunn taken out of the tree — on Command centre by alex, 2026-03-20 12:03"]
    fay = staff(t.a, "Fay Fox").id
    tick(t.a, 4)
    trees.add_person(t.a, TREE, fay, caller_id=t.people[0])
    assert [c.split(" — on ")[0] for c in lines(t.a, t.activation)] == [
        "Di Dunn taken out of the tree", "Fay Fox added to the tree, called by Lee Lead"]
    reports.close_activation(t.a, t.activation)
    assert activations.view(t.a, t.activation).changes.changes == ()


@pytest.mark.slow  # each command is a fresh process
def test_activation_status_lists_the_changes_and_seen_changes_marks_them(
        team_desks: Team) -> None:
    t = team_desks
    tick(t.a, 5)
    trees.move_person(t.a, TREE, t.people[1], caller_id=t.people[2])
    team.import_bundle(t.b, bundle(t.a, t.tmp / "a.cdbundle"))
    t.b.close()
    b_dir = t.tmp / "B"
    moved = run_cli(b_dir, "tree", "move", TREE, "Cy Cole", "--caller", "Ann Able")
    assert moved.returncode == 0, moved.stderr
    assert f"An activation of {TREE} is running ({t.activation[:8]}): it still follows the " \
        "tree as it was when it started" in moved.stdout
    out = run_cli(b_dir, "activation", "status", t.activation[:8])
    assert out.returncode == 0, out.stderr
    assert "still follows the tree as it was when it started" in out.stdout
    assert "tree change: Ann Able moved under Bo Baker (place 1) — on Command centre by alex," \
        in out.stdout
    data = json.loads(run_cli(b_dir, "activation", "status", t.activation[:8],
                              "--json").stdout)
    first, second = data["tree_changes"]["changes"]
    assert (first["laptop"], first["operator"], first["seen"]) == (
        "Command centre", "alex", False)
    assert (second["change"], second["laptop"]) == ("Cy Cole moved under Ann Able (place 1)",
                                                    "Site 2 laptop")
    assert data["tree_changes"]["unseen"] == 2
    seen = run_cli(b_dir, "activation", "seen-changes", t.activation[:8])
    assert seen.stdout.strip() == "Marked 2 calling-tree changes as seen.", seen.stderr
    again = run_cli(b_dir, "activation", "seen-changes", t.activation[:8])
    assert again.returncode == 1
    assert again.stderr.strip().endswith(
        "No calling-tree changes to mark as seen in this activation.")
    data = json.loads(run_cli(b_dir, "activation", "status", t.activation[:8],
                              "--json").stdout)
    assert data["tree_changes"]["unseen"] == 0


def test_a_move_dated_before_the_start_by_a_laptop_clock_still_shows(team_desks: Team) -> None:
    t = team_desks
    settings_service.set(t.a, "timezone", "UTC")
    tick(t.b, -30)  # B's clock is half an hour behind the activation's start
    trees.move_person(t.b, TREE, t.people[3], caller_id=t.people[1])
    team.import_bundle(t.a, bundle(t.b, t.tmp / "b.cdbundle"))
    assert lines(t.a, t.activation) == [
        "Cy Cole moved under Ann Able — on Site 2 laptop by alex, 2026-03-20 11:30"]
