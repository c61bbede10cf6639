"""Two coordinators record calls of one activation on two laptops; one exchange each way and
both desks show every call, none twice."""

from __future__ import annotations

from crisisdesk.domain.call_outcomes import Outcome, Status
from crisisdesk.services import messages as message_service
from crisisdesk.services import team
from crisisdesk.services.calling_trees import activations, reports, trees
from tests.replication.conftest import START, Team, tick


def test_after_one_exchange_progress_on_both_laptops_shows_every_call_once(
        team_desks: Team) -> None:
    t = team_desks
    tick(t.a, 5)
    activations.record_call(t.a, t.activation, t.people[1], Outcome.REACHED)
    activations.record_call(t.a, t.activation, t.people[2], Outcome.NO_ANSWER)
    tick(t.b, 6)
    activations.record_call(t.b, t.activation, t.people[3], Outcome.REACHED)
    activations.record_call(t.b, t.activation, t.people[2], Outcome.REACHED)
    a_to_b = team.export_bundle(t.a, t.tmp / "a.cdbundle")
    b_to_a = team.export_bundle(t.b, t.tmp / "b.cdbundle")
    into_b = team.import_bundle(t.b, a_to_b.path)
    into_a = team.import_bundle(t.a, b_to_a.path)
    assert into_b.brought == {"Command centre": {"call_attempt": 2}}
    assert into_a.brought == {"Site 2 laptop": {"call_attempt": 2}}
    assert "2 call attempts from Site 2 laptop" in into_a.sentence()
    for desk in (t.a, t.b):
        view = activations.view(desk, t.activation)
        calls = [a.id for pid in t.people
                 for a in activations.store.attempts(desk.db, t.activation, pid)]
        assert len(calls) == 4 == len(set(calls))
        assert view.states[t.people[1]].status is Status.REACHED
        assert view.states[t.people[2]].status is Status.REACHED  # B reached whom A missed
        assert view.states[t.people[2]].attempts == 2
        assert view.states[t.people[3]].status is Status.REACHED
        assert view.progress.counts.reached == 3


def test_an_activation_started_after_the_clone_reaches_the_other_laptop(
        team_desks: Team) -> None:
    t = team_desks
    reports.close_activation(t.a, t.activation)
    tick(t.a, 30)
    tree = activations.get_activation(t.a, t.activation).tree_id
    second = activations.start_activation(t.a, tree, also=True, **START)  # type: ignore[arg-type]
    activations.record_call(t.a, second.id, t.people[1], Outcome.REACHED)
    team.import_bundle(t.b, team.export_bundle(t.a, t.tmp / "a.cdbundle").path)
    on_b = activations.get_activation(t.b, second.id)
    assert on_b.is_open
    assert second.message_log_id in {e.id for e in message_service.communication_log(t.b)}
    assert [p.contact_id for p in activations.people(t.b, second.id)] == [
        p.contact_id for p in activations.people(t.a, second.id)]
    tick(t.b, 40)
    activations.record_call(t.b, second.id, t.people[2], Outcome.REACHED)
    team.import_bundle(t.a, team.export_bundle(t.b, t.tmp / "b.cdbundle").path)
    for desk in (t.a, t.b):
        assert activations.view(desk, second.id).progress.counts.reached == 2
    # The close travels too: closing the first activation on A closed it on B.
    assert not activations.get_activation(t.b, t.activation).is_open


def test_records_that_refer_to_what_a_laptop_lacks_wait_and_are_relayed(
        team_desks: Team) -> None:
    t = team_desks
    tick(t.a, 30)
    new_tree = trees.create_tree(t.a, "Night shift")
    trees.add_person(t.a, new_tree.id, t.people[1])
    trees.add_person(t.a, new_tree.id, t.people[2], caller_id=t.people[1])
    night = activations.start_activation(t.a, new_tree.id, **START)  # type: ignore[arg-type]
    activations.record_call(t.a, night.id, t.people[1], Outcome.REACHED)
    into_b = team.import_bundle(t.b, team.export_bundle(t.a, t.tmp / "a.cdbundle").path)
    assert into_b.waiting == 0  # the tree came with its activation
    tick(t.b, 40)
    activations.record_call(t.b, night.id, t.people[2], Outcome.REACHED)
    # B's bundle meant for A (only what A lacks: B's call) is carried to C by mistake.
    for_a = team.export_bundle(t.b, t.tmp / "b-for-a.cdbundle", for_laptop="Command centre")
    into_c = team.import_bundle(t.c, for_a.path)
    assert into_c.waiting == 1  # C has no activation "night" yet
    assert "1 record waiting" in into_c.sentence()
    assert team.team_status(t.c).waiting == 1
    relayed = team.import_bundle(t.a, team.export_bundle(t.c, t.tmp / "c.cdbundle").path)
    assert relayed.brought["Site 2 laptop"]["call_attempt"] == 1  # C kept it and passed it on
    late = team.import_bundle(t.c, team.export_bundle(t.a, t.tmp / "a2.cdbundle").path)
    assert late.waiting == 0
    assert late.brought["Site 2 laptop"] == {"call_attempt": 1}  # the one that waited
    for desk in t.desks.values():
        assert activations.view(desk, night.id).progress.counts.reached == 2
