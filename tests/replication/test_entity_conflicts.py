"""Incident fields, role line-ups, role holders' availability and team-wide settings edited on
two of three laptops: the same visible conflict on every desk whatever order the bundles take
(nobody's value silently wins: the value before both stays), and one resolution clears it
everywhere. Edits made one after the other replicate without a conflict; laptop-only settings
never leave the laptop."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crisisdesk.services import incidents as incident_service
from crisisdesk.services import roles as role_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services import team, team_conflicts
from crisisdesk.services.session import Session
from tests.replication.conftest import Team, cloned, tick
from tests.replication.exchange import ORDERS, bundle, concurrent, resolve_everywhere
from tests.support.crisis import freeze, open_incident, staff

NAMES = ["Lee Lead", "Ann Able", "Bo Baker", "Cy Cole", "Di Dunn", "Ed Eve"]


@pytest.fixture
def crisis_team(session: Session, tmp_path: Path) -> Iterator[Team]:
    """Desk A with an incident, the incident commander's line-up for period 1 (Lee, backup
    Ann) and its organisation's name, cloned to B and C."""
    freeze(session)
    open_incident(session, summary="Encrypted file servers.")
    people = [staff(session, n, phone=f"(312) 555-01{i:02d}").id for i, n in enumerate(NAMES)]
    role_service.assign_role(session, "ic", people[0], [people[1]])
    settings_service.set(session, "org_display_name", "Lakeside Health")
    with cloned(session, tmp_path, "", people) as t:
        yield t


def summaries(t: Team) -> set[str]:
    return {incident_service.get_incident(d).summary for d in t.desks.values()}


@pytest.mark.parametrize("order", ORDERS)
def test_an_incident_field_edited_on_two_laptops(crisis_team: Team, order: str) -> None:
    t = crisis_team

    def change(desk: Session, who: str) -> None:
        incident_service.update_incident(desk, None, summary=f"Servers encrypted ({who}).")

    conflict = concurrent(t, change, order)
    assert (conflict.entity, conflict.label, conflict.field) == ("incident", "Ransomware",
                                                                 "summary")
    assert conflict.kept == "Encrypted file servers."
    assert [x.value for x in conflict.candidates] == ["Servers encrypted (A).",
                                                      "Servers encrypted (B)."]
    assert summaries(t) == {"Encrypted file servers."}
    resolve_everywhere(t, conflict, "Site 2 laptop")
    assert summaries(t) == {"Servers encrypted (B)."}


def test_different_incident_fields_and_one_after_the_other_never_conflict(
        crisis_team: Team) -> None:
    t = crisis_team
    tick(t.a, 5)
    incident_service.update_incident(t.a, None, summary="Seen by A first.")
    tick(t.b, 6)
    incident_service.update_incident(t.b, None, affected_by_state={"TX": 1300})
    team.import_bundle(t.c, bundle(t.a, t.tmp / "a.cdbundle"))
    team.import_bundle(t.c, bundle(t.b, t.tmp / "b.cdbundle"))
    team.import_bundle(t.b, bundle(t.c, t.tmp / "c.cdbundle"))
    tick(t.b, 1)  # B's clock is behind: the order of edits decides, not the clocks
    incident_service.update_incident(t.b, None, summary="B read A's summary, then changed it.")
    team.import_bundle(t.a, bundle(t.b, t.tmp / "b2.cdbundle"))
    team.import_bundle(t.c, bundle(t.a, t.tmp / "a2.cdbundle"))
    for name, desk in t.desks.items():
        incident = incident_service.get_incident(desk)
        assert team_conflicts.list_conflicts(desk) == [], name
        assert incident.summary == "B read A's summary, then changed it.", name
        assert dict(incident.affected_by_state) == {"TX": 1300}, name


def holders(desk: Session) -> list[str]:
    return [s.person.name for s in role_service.role_status(desk, "ic").slots]


@pytest.mark.parametrize("order", ORDERS)
def test_a_role_line_up_changed_on_two_laptops(crisis_team: Team, order: str) -> None:
    t = crisis_team
    backup = {"A": t.people[3], "B": t.people[4]}  # Cy on A, Di on B

    def change(desk: Session, who: str) -> None:
        role_service.assign_role(desk, "ic", t.people[0], [backup[who]])

    conflict = concurrent(t, change, order)
    assert (conflict.field, conflict.kept) == ("holders", "Lee Lead (primary), Ann Able")
    assert conflict.label == "Incident Commander in operational period 1"
    assert [x.value for x in conflict.candidates] == ["Lee Lead (primary), Cy Cole",
                                                      "Lee Lead (primary), Di Dunn"]
    assert {tuple(holders(d)) for d in t.desks.values()} == {("Lee Lead", "Ann Able")}
    resolve_everywhere(t, conflict, "Command centre")
    assert {tuple(holders(d)) for d in t.desks.values()} == {("Lee Lead", "Cy Cole")}


@pytest.mark.parametrize("order", ORDERS[:2])
def test_a_holder_marked_unavailable_on_two_laptops(crisis_team: Team, order: str) -> None:
    t = crisis_team
    reason = {"A": "sick", "B": "stuck at Site 2"}

    def change(desk: Session, who: str) -> None:
        role_service.mark_unavailable(desk, t.people[0], role_key="ic", reason=reason[who])

    conflict = concurrent(t, change, order)
    assert (conflict.field, conflict.kept) == ("unavailable", "available")
    assert conflict.label == "Lee Lead as Incident Commander in operational period 1"
    assert [x.value for x in conflict.candidates] == [
        "unavailable since 2026-03-20 12:05 (sick)",
        "unavailable since 2026-03-20 12:07 (stuck at Site 2)"]
    for desk in t.desks.values():  # Lee stays acting everywhere meanwhile
        assert role_service.current_holder(desk, "ic").slot.person.name == "Lee Lead"
    resolve_everywhere(t, conflict, "Site 2 laptop")
    for desk in t.desks.values():
        [lee] = [s for s in role_service.role_status(desk, "ic").slots if s.rank == 0]
        assert (lee.unavailable_since, lee.unavailable_reason) == ("2026-03-20T12:07:00Z",
                                                                   "stuck at Site 2")
        assert role_service.current_holder(desk, "ic").slot.person.name == "Ann Able"


def org_names(t: Team) -> set[object]:
    return {settings_service.get(d, "org_display_name") for d in t.desks.values()}


@pytest.mark.parametrize("order", ORDERS)
def test_a_team_wide_setting_changed_on_two_laptops(crisis_team: Team, order: str) -> None:
    t = crisis_team
    name = {"A": "Lakeside Health System", "B": "Lakeside Health Partners"}

    def change(desk: Session, who: str) -> None:
        settings_service.set(desk, "org_display_name", name[who])

    conflict = concurrent(t, change, order)
    assert (conflict.entity, conflict.label, conflict.kept) == (
        "setting", "Organisation name on paper", "Lakeside Health")
    assert org_names(t) == {"Lakeside Health"}
    resolve_everywhere(t, conflict, "Command centre")
    assert org_names(t) == {"Lakeside Health System"}


def test_team_wide_settings_travel_and_laptop_only_ones_stay(crisis_team: Team) -> None:
    t = crisis_team
    settings_service.set(t.a, "public_phone", "1-800-555-0100")
    settings_service.set(t.a, "autolock_minutes", 3)  # this laptop's lock
    settings_service.reset(t.a, "org_display_name")  # back to the default, on every laptop
    team.import_bundle(t.b, bundle(t.a, t.tmp / "a.cdbundle"))
    assert settings_service.get(t.b, "public_phone") == "1-800-555-0100"
    assert settings_service.get(t.b, "org_display_name") == ""
    assert settings_service.get(t.b, "autolock_minutes") == 10
    assert settings_service.get(t.a, "autolock_minutes") == 3
    assert team_conflicts.list_conflicts(t.b) == []
