"""Operational periods started on one laptop after the clone reach the others with their role
line-ups, whatever the order of the bundles, relayed or duplicated; a handover travels; two
laptops that hand over at once keep the period started first, set the other aside on every
desk, and show the two handover notes side by side in the conflicts inbox."""

from __future__ import annotations

import itertools

import pytest

from crisisdesk.services import roles as role_service
from crisisdesk.services import team, team_conflicts
from crisisdesk.services.session import Session
from crisisdesk.store import replica_periods
from tests.replication.conftest import Team, tick
from tests.replication.exchange import ORDERS, all_bundles, bundle, concurrent, round_trip
from tests.replication.picture import picture


def holders(desk: Session, role_key: str = "ic") -> list[str]:
    status = role_service.roster(desk).status(role_key)
    assert status is not None
    return [s.person.name for s in status.slots]


def period_number(desk: Session) -> int:
    period = role_service.current_period(desk)
    assert period is not None
    return period.number


@pytest.mark.parametrize("order", list(itertools.permutations("abc")))
def test_a_period_started_after_the_clone_travels_with_its_line_ups(
        team_desks: Team, order: tuple[str, ...]) -> None:
    t = team_desks
    tick(t.a, 3)
    role_service.start_period(t.a)
    role_service.assign_role(t.a, "ic", t.people[0], [t.people[1]])
    tick(t.c, 4)
    role_service.assign_role(t.c, "pio", t.people[2])  # C starts its own period 1 later...
    round_trip(t, order, all_bundles(t))
    assert picture(t.a) == picture(t.b) == picture(t.c)
    for name, desk in t.desks.items():
        assert period_number(desk) == 1, name
        assert holders(desk) == ["Lee Lead", "Ann Able"], name
        assert team.team_status(desk).waiting == 0, name
    # ...so C's period 1 is set aside everywhere, with its line-up
    [(number, aside)] = replica_periods.set_aside(t.a.db)
    assert number == 1
    current = role_service.current_period(t.a)
    assert current is not None
    assert aside != current.id  # C's period, not A's
    for desk in t.desks.values():
        assert replica_periods.set_aside(desk.db) == [(1, aside)]
        assert holders(desk, "pio") == []


def test_a_handover_travels(team_desks: Team) -> None:
    t = team_desks
    role_service.start_period(t.a)
    role_service.assign_role(t.a, "ic", t.people[0], [t.people[1]])
    team.import_bundle(t.b, bundle(t.a, t.tmp / "a1.cdbundle"))
    tick(t.b, 30)
    role_service.end_period(t.b, "Night shift takes over; servers still down.")
    role_service.assign_role(t.b, "ic", t.people[1])
    role_service.acknowledge(t.b, "ic")  # Ann acknowledges in the new period
    team.import_bundle(t.c, bundle(t.b, t.tmp / "b.cdbundle"))  # C never saw period 1 alone
    team.import_bundle(t.a, bundle(t.c, t.tmp / "c.cdbundle"))
    for name, desk in t.desks.items():
        assert period_number(desk) == 2, name
        assert holders(desk) == ["Ann Able"], name
        [ann] = role_service.role_status(desk, "ic").slots
        assert ann.acknowledged_at, name
        ended = role_service.roster(desk, 1).period
        assert ended is not None, name
        assert ended.handover_note.startswith("Night shift"), name
        assert team.team_status(desk).waiting == 0, name
        assert team_conflicts.list_conflicts(desk) == [], name
    assert picture(t.a) == picture(t.b) == picture(t.c)


@pytest.mark.parametrize("order", ORDERS)
def test_two_laptops_handing_over_at_once(team_desks: Team, order: str) -> None:
    t = team_desks
    role_service.start_period(t.a)
    role_service.assign_role(t.a, "ic", t.people[0], [t.people[1]])
    start = bundle(t.a, t.tmp / "start.cdbundle")
    for desk in (t.b, t.c):
        team.import_bundle(desk, start)

    def hand_over(desk: Session, who: str) -> None:
        role_service.end_period(desk, f"Handover written on {who}.")
        if who == "B":
            role_service.assign_role(desk, "ic", t.people[3])  # chosen for B's period 2

    conflict = concurrent(t, hand_over, order)
    assert (conflict.entity, conflict.label, conflict.field) == (
        "period", "operational period 1", "end")
    assert [x.value.split(": ")[-1] for x in conflict.candidates] == [
        "Handover written on A.", "Handover written on B."]
    assert picture(t.a) == picture(t.b) == picture(t.c)
    current = {role_service.current_period(d) for d in t.desks.values()}
    assert len(current) == 1  # one current period everywhere
    for name, desk in t.desks.items():
        assert period_number(desk) == 2, name
        assert holders(desk) == ["Lee Lead", "Ann Able"], name  # A's, started first
        assert len(replica_periods.set_aside(desk.db)) == 1, name
    team_conflicts.resolve_conflict(t.c, conflict.id, take_laptop="Site 2 laptop")
    done = bundle(t.c, t.tmp / "resolved.cdbundle")
    for desk in (t.a, t.b):
        team.import_bundle(desk, done)
    for name, desk in t.desks.items():
        ended = role_service.roster(desk, 1).period
        assert ended is not None, name
        assert ended.handover_note == "Handover written on B.", name
        assert team_conflicts.list_conflicts(desk) == [], name


def test_the_import_says_a_period_was_set_aside(team_desks: Team) -> None:
    t = team_desks
    tick(t.a, 1)
    role_service.start_period(t.a)
    tick(t.b, 2)
    role_service.start_period(t.b)
    result = team.import_bundle(t.b, bundle(t.a, t.tmp / "a.cdbundle"))
    assert result.set_aside == 1
    assert "1 operational period set aside" in result.sentence()
    assert role_service.current_period(t.b) == role_service.current_period(t.a)
