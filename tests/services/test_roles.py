"""Assigning crisis roles, backups taking over, acknowledgement and the handover."""

from __future__ import annotations

import pytest

from crisisdesk.domain.errors import NotFound, PermissionDenied, ValidationError
from crisisdesk.domain.operators import Role
from crisisdesk.domain.roles import RoleGroup
from crisisdesk.services import operators as operator_service
from crisisdesk.services import roles as role_service
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.session import Session
from crisisdesk.store.vault import KdfParams
from tests.support.crisis import audit_count, freeze, open_incident, staff
from tests.support.desk import PASSPHRASE


@pytest.fixture(autouse=True)
def _frozen(session: Session) -> None:
    freeze(session)


@pytest.fixture
def people(session: Session) -> dict[str, str]:
    return {name: staff(session, name, title, phone).id for name, title, phone in (
        ("Zoë Mbeki-Adams", "Director of Communications", "(312) 555-0101"),
        ("Luis Ortega", "Communications Specialist", "(312) 555-0102"),
        ("Emily Nakamura", "Social Media Coordinator", "(312) 555-0103"),
    )}


def test_spokesperson_right_now_goes_down_the_backups(session: Session,
                                                      people: dict[str, str]) -> None:
    open_incident(session)
    assert role_service.spokesperson(session) is None  # nobody assigned yet
    zoe, luis, emily = people.values()
    status = role_service.assign_role(session, "PIO", zoe, [luis, emily])
    assert status.state == "covered"
    assert role_service.current_period(session).number == 1  # type: ignore[union-attr]
    holder = role_service.spokesperson(session)
    assert holder is not None
    assert holder.slot.person.name == "Zoë Mbeki-Adams"
    assert holder.slot.person.phone == "(312) 555-0101"

    before = audit_count(session)
    [after] = role_service.mark_unavailable(session, zoe, reason="in surgery")
    assert audit_count(session) == before + 1
    assert after.state == "backup_acting"
    holder = role_service.current_holder(session, "pio")
    assert holder is not None
    assert holder.slot.person.name == "Luis Ortega"
    assert holder.is_backup
    last = timeline_service.latest_entries(session, limit=1)[0]
    assert "Zoë Mbeki-Adams marked unavailable (in surgery)" in last.text
    assert "backup 1 Luis Ortega now acting as PIO" in last.text

    role_service.mark_unavailable(session, luis)
    role_service.mark_unavailable(session, emily)
    assert role_service.spokesperson(session) is None
    assert role_service.role_status(session, "pio").state == "uncovered"
    assert "uncovered" in timeline_service.latest_entries(session, limit=1)[0].text

    role_service.mark_available(session, zoe)
    holder = role_service.spokesperson(session)
    assert holder is not None
    assert holder.slot.person.name == "Zoë Mbeki-Adams"


def test_acknowledgement_records_who_and_when(session: Session, people: dict[str, str]) -> None:
    zoe, luis, _ = people.values()
    role_service.assign_role(session, "pio", zoe, [luis])
    status = role_service.acknowledge(session, "pio")
    assert status.slots[0].acknowledged_at == "2026-03-20T12:00:00Z"
    assert status.slots[0].acknowledged_by == "Zoë Mbeki-Adams"
    status = role_service.acknowledge(session, "pio", luis, by="Night supervisor")
    assert status.slots[1].acknowledged_by == "Night supervisor"
    # re-assigning keeps what people already acknowledged
    status = role_service.assign_role(session, "pio", luis, [zoe])
    assert status.slots[0].person.name == "Luis Ortega"
    assert status.slots[0].acknowledged_at
    with pytest.raises(NotFound):
        role_service.acknowledge(session, "legal")


def test_handover_carries_the_lineup_into_the_next_period(session: Session,
                                                          people: dict[str, str]) -> None:
    open_incident(session)
    zoe, luis, emily = people.values()
    role_service.assign_role(session, "pio", zoe, [luis])
    role_service.assign_role(session, "ic", emily)
    role_service.acknowledge(session, "pio")
    role_service.mark_unavailable(session, zoe, role_key="pio", reason="off shift")
    with pytest.raises(ValidationError) as err:
        role_service.end_period(session, "   ")
    assert "handover_note" in err.value.fields
    nxt = role_service.end_period(session, "Statement 2 drafted; TV callback due 16:00.")
    assert nxt.number == 2
    old = role_service.roster(session, 1)
    assert old.period is not None
    assert old.period.handover_note.startswith("Statement 2")
    new = role_service.roster(session)
    pio = new.status("pio")
    assert pio is not None
    assert [s.person.name for s in pio.slots] == ["Zoë Mbeki-Adams",
                                                                      "Luis Ortega"]
    assert not pio.slots[0].acknowledged_at  # acknowledge again for the new period
    assert pio.slots[0].unavailable_since  # still away
    assert pio.acting is not None
    assert pio.acting.slot.person.name == "Luis Ortega"
    assert any("handover note: Statement 2" in line.entry.text
               for line in timeline_service.list_entries(session))


def test_roster_lists_every_catalogue_role(session: Session, people: dict[str, str]) -> None:
    role_service.assign_role(session, "privacy", people["Luis Ortega"])
    roster = role_service.roster(session)
    keys = [s.role.key for s in roster.statuses]
    assert keys[:2] == ["ic", "pio"]
    assert "letters" in keys
    assert roster.status("ic").state == "unassigned"  # type: ignore[union-attr]
    assert roster.status("privacy").state == "covered"  # type: ignore[union-attr]


def test_find_person(session: Session, people: dict[str, str]) -> None:
    assert role_service.find_person(session, "zoë mbeki-adams").id == people["Zoë Mbeki-Adams"]
    assert role_service.find_person(session, people["Luis Ortega"]).name == "Luis Ortega"
    assert role_service.find_person(session, "Nakamura").name == "Emily Nakamura"
    staff(session, "Luis Ortiz")
    with pytest.raises(ValidationError, match="several contacts"):
        role_service.find_person(session, "Luis")
    with pytest.raises(NotFound):
        role_service.find_person(session, "Nobody Here")


def test_bad_assignments(session: Session, people: dict[str, str]) -> None:
    zoe = people["Zoë Mbeki-Adams"]
    with pytest.raises(ValidationError) as err:
        role_service.assign_role(session, "pio", zoe, [zoe])
    assert "backups" in err.value.fields
    with pytest.raises(NotFound, match="No role"):
        role_service.assign_role(session, "spokesmodel", zoe)
    with pytest.raises(NotFound):
        role_service.assign_role(session, "pio", "no-such-contact")
    with pytest.raises(NotFound):
        role_service.mark_unavailable(session, zoe)  # holds no role


def test_catalogue_edits_are_for_admins(session: Session, data_dir: object) -> None:
    role = role_service.edit_role(session, "hr_lead", title="HR lead", short="HR",
                                  description="Staff welfare and overtime.",
                                  first_actions=["Open the overtime log"], group=RoleGroup.BREACH)
    assert role_service.get_role(session, "HR").key == "hr_lead"
    edited = role_service.edit_role(session, "pio", title="Spokesperson",
                                    description="Our one voice.", first_actions=["Speak"],
                                    short="PIO", group=RoleGroup.COMMAND)
    assert role_service.get_role(session, "pio") == edited
    assert edited.hics
    assert role in role_service.catalogue(session).roles
    operator_service.add_operator(session, "olly", Role.OPERATOR, PASSPHRASE,
                                  KdfParams(iterations=1, lanes=1, memory_cost=8))
    from crisisdesk.services import desk as desk_service

    olly = desk_service.unlock(session.data_dir, "olly", PASSPHRASE)
    try:
        with pytest.raises(PermissionDenied):
            role_service.edit_role(olly, "pio", title="x", description="y", first_actions=[])
        with pytest.raises(PermissionDenied):
            role_service.remove_role(olly, "pio")
    finally:
        olly.close()
    with pytest.raises(ValidationError) as err:
        role_service.remove_role(session, "pio")  # the spokesperson is always there
    assert "role" in err.value.fields
    role_service.remove_role(session, "hr_lead")
    assert role_service.catalogue(session).get("hr_lead") is None
