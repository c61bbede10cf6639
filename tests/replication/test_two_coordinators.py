"""Two coordinators record calls of one activation on two laptops; one exchange each way and
both desks show every call, none twice."""

from __future__ import annotations

from crisisdesk.domain.call_outcomes import Outcome, Status
from crisisdesk.services import team
from crisisdesk.services.calling_trees import activations
from tests.replication.conftest import Team, tick


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
