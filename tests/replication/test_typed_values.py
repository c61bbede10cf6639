"""A coordinator settles a conflict with a value they type, for an incident's field or a
team-wide setting: checked like the incident form and `settings set` (a bad value is one line
naming the field, and nothing changes), then written alike on every desk. What cannot be typed
(a role line-up) says to keep one laptop's value instead."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from crisisdesk.domain.errors import UserError, ValidationError
from crisisdesk.domain.incidents import IncidentStatus
from crisisdesk.services import audit as audit_service
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import roles as role_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services import team, team_conflicts
from crisisdesk.services.session import Session
from tests.replication.conftest import Team, cloned, tick
from tests.replication.exchange import ORDERS, bundle, concurrent
from tests.replication.picture import picture
from tests.support.cli import run_cli
from tests.support.crisis import freeze, open_incident, staff


@pytest.fixture
def crisis_team(session: Session, tmp_path: Path) -> Iterator[Team]:
    """Desk A with an incident (discovered March 2), two people and the incident commander's
    line-up, cloned to B and C."""
    freeze(session)
    open_incident(session)
    people = [staff(session, n).id for n in ("Lee Lead", "Ann Able", "Bo Baker")]
    role_service.assign_role(session, "ic", people[0], [people[1]])
    with cloned(session, tmp_path, "", people) as t:
        yield t


def settle_everywhere(t: Team, conflict_id: str, typed: str) -> team_conflicts.Resolution:
    """C types the value; after one more exchange no desk has a conflict."""
    done = team_conflicts.resolve_conflict(t.c, conflict_id, value=typed)
    relay = bundle(t.c, t.tmp / "typed.cdbundle")
    for desk in (t.a, t.b):
        team.import_bundle(desk, relay)
    for name, desk in t.desks.items():
        assert team_conflicts.list_conflicts(desk) == [], name
    return done


def refused(t: Team, conflict_id: str, typed: str, match: str,
            error: type[Exception] = ValidationError) -> None:
    """A refused typed value: one line, the conflict still open, nothing recorded."""
    entries = audit_service.head(t.c)
    with pytest.raises(error, match=match) as caught:
        team_conflicts.resolve_conflict(t.c, conflict_id, value=typed)
    assert "\n" not in str(caught.value)
    assert [c.id for c in team_conflicts.list_conflicts(t.c)] == [conflict_id]
    assert audit_service.head(t.c) == entries


@pytest.mark.parametrize("order", ORDERS)
def test_an_incident_date_typed_to_settle_a_conflict(crisis_team: Team, order: str) -> None:
    t = crisis_team
    ended = {"A": dt.date(2026, 3, 1), "B": dt.date(2026, 2, 28)}

    def change(desk: Session, who: str) -> None:
        incident_service.update_incident(desk, None, breach_ended_on=ended[who])

    conflict = concurrent(t, change, order)
    assert (conflict.entity, conflict.field) == ("incident", "breach_ended_on")
    refused(t, conflict.id, "the 6th", "Breach ended on must be a date like")
    refused(t, conflict.id, "12/31/2026", "breach end date is in the future")  # as the form
    done = settle_everywhere(t, conflict.id, "02/27/2026")
    assert done.value == "2026-02-27"
    for name, desk in t.desks.items():
        assert incident_service.get_incident(desk).breach_ended_on == dt.date(2026, 2, 27), name
    assert picture(t.a) == picture(t.b) == picture(t.c)


def test_an_incident_list_typed(crisis_team: Team) -> None:
    t = crisis_team

    def systems(desk: Session, who: str) -> None:
        incident_service.update_incident(desk, None, systems_affected=[f"EHR ({who})"])

    conflict = concurrent(t, systems, "ab")
    settle_everywhere(t, conflict.id, "EHR, Billing")
    for desk in t.desks.values():
        assert incident_service.get_incident(desk).systems_affected == ("EHR", "Billing")


def test_incident_affected_counts_typed(crisis_team: Team) -> None:
    t = crisis_team

    def counts(desk: Session, who: str) -> None:
        incident_service.update_incident(desk, None, affected_by_state={
            "TX": 1300 if who == "A" else 1250})

    conflict = concurrent(t, counts, "ba")
    refused(t, conflict.id, "TX=lots", "TX")
    settle_everywhere(t, conflict.id, "TX=1,310; OK=41")
    for desk in t.desks.values():
        assert dict(incident_service.get_incident(desk).affected_by_state) == {
            "TX": 1310, "OK": 41}


@pytest.mark.parametrize("order", ORDERS[:2])
def test_a_team_wide_setting_typed_to_settle_a_conflict(crisis_team: Team, order: str) -> None:
    t = crisis_team
    limit = {"A": 4, "B": 6}

    def change(desk: Session, who: str) -> None:
        settings_service.set(desk, "call_attempts_before_flag", limit[who])

    conflict = concurrent(t, change, order)
    assert conflict.entity == "setting"
    refused(t, conflict.id, "lots", "whole number")
    settle_everywhere(t, conflict.id, "5")
    for name, desk in t.desks.items():
        assert settings_service.get(desk, "call_attempts_before_flag") == 5, name
    assert picture(t.a) == picture(t.b) == picture(t.c)


def test_a_role_line_up_takes_no_typed_value(crisis_team: Team) -> None:
    t = crisis_team

    def change(desk: Session, who: str) -> None:
        role_service.assign_role(desk, "ic", t.people[0 if who == "A" else 2])

    conflict = concurrent(t, change, "ab")
    refused(t, conflict.id, "Lee Lead", "--take LAPTOP", UserError)


@pytest.mark.slow  # each command is a fresh process
def test_typed_values_from_the_command_line(crisis_team: Team) -> None:
    t = crisis_team
    tick(t.a, 5)
    incident_service.update_incident(t.a, None, status=IncidentStatus.CONTAINED)
    tick(t.b, 7)
    incident_service.update_incident(t.b, None, status=IncidentStatus.CLOSED)
    team.import_bundle(t.b, bundle(t.a, t.tmp / "a.cdbundle"))
    b_dir = t.tmp / "B"
    t.b.close()  # the command line opens the desk itself
    [conflict] = json.loads(run_cli(b_dir, "team", "conflicts", "--json").stdout)
    wrong = run_cli(b_dir, "team", "resolve", conflict["id"], "--value", "finished")
    assert wrong.returncode == 1
    [line] = wrong.stderr.strip().splitlines()
    assert "Status" in line
    out = run_cli(b_dir, "team", "resolve", conflict["id"], "--value", "Contained")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"Resolved {conflict['id']}: status is now contained."
    assert run_cli(b_dir, "team", "conflicts").stdout.strip() == "No conflicts."
